/*
 * lxzone-oci create: the container's additions to the launcher's plan (config.json's mounts in
 * its order, its devices, /sys where the config puts it), made to the plan launch_plan_build
 * made for the zone machinery, before PID 1 runs it.
 */
#include "cli/oci.h"
#include "cli/oci_container.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

/* Insert op before the plan's pivot_root. */
static int plan_insert(struct launch_plan *p, const struct launch_op *op, struct zone_error *e)
{
	size_t at;

	for (at = 0; at < p->nops && p->ops[at].kind != LOP_PIVOT_ROOT; at++)
		;
	if (p->nops >= LAUNCH_MAX_OPS)
		return oci_fail(e, "too many mounts (at most %d)", LAUNCH_MAX_OPS);
	memmove(&p->ops[at + 1], &p->ops[at], (p->nops - at) * sizeof(p->ops[0]));
	p->ops[at] = *op;
	p->nops++;
	return 0;
}

/* Insert op right after the plan's proc mount, before /proc/sys is made read-only. */
static int plan_insert_after_proc(struct launch_plan *p, const struct launch_op *op,
				  struct zone_error *e)
{
	size_t at;

	for (at = 0; at < p->nops; at++)
		if (p->ops[at].kind == LOP_MOUNT && !strcmp(p->ops[at].dest, "/proc"))
			break;
	if (at == p->nops || p->nops >= LAUNCH_MAX_OPS)
		return oci_fail(e, "sysctl: the plan has no proc mount, or is full");
	at++;
	memmove(&p->ops[at + 1], &p->ops[at], (p->nops - at) * sizeof(p->ops[0]));
	p->ops[at] = *op;
	p->nops++;
	return 0;
}

/* Where the plan's last steps begin (binfmt or the exec links, report, page, lxproc's files,
 * pivot_root). */
static size_t plan_last_at(const struct launch_plan *p)
{
	size_t at;

	for (at = 0; at < p->nops; at++)
		if (p->ops[at].kind == LOP_BINFMT || p->ops[at].kind == LOP_EXEC_LINKS ||
		    p->ops[at].kind == LOP_REPORT_BIND || p->ops[at].kind == LOP_PAGE_BIND ||
		    p->ops[at].kind == LOP_LXPROC_FILES || p->ops[at].kind == LOP_PIVOT_ROOT)
			break;
	return at;
}

/*
 * Move the plan's /sys (sysfs and what goes on it, up to the /dev mount) to before op `to`:
 * config.json's usual order (runc's and runtime-tools' default, podman's) puts /sys after
 * /dev and /dev/mqueue, and the runtime-spec wants the mounts in its order.
 */
static void plan_move_sys(struct launch_plan *p, size_t to)
{
	static struct launch_op tmp[LAUNCH_MAX_OPS];
	size_t s, d, n;

	for (s = 0; s < p->nops; s++)
		if (p->ops[s].kind == LOP_MOUNT && !strcmp(p->ops[s].dest, "/sys"))
			break;
	for (d = s; d < p->nops; d++)
		if (p->ops[d].kind == LOP_MOUNT && !strcmp(p->ops[d].dest, "/dev"))
			break;
	if (d >= p->nops || to <= d || to > p->nops)
		return;
	n = d - s;
	memcpy(tmp, &p->ops[s], n * sizeof(tmp[0]));
	memmove(&p->ops[s], &p->ops[d], (to - d) * sizeof(tmp[0]));
	memcpy(&p->ops[to - n], tmp, n * sizeof(tmp[0]));
}

/* What OCI asks for beyond the zone's plan. */
int oci_plan_extend(struct container *k, struct zone_error *e)
{
	const struct oci_config *c = &k->cfg;
	struct launch_plan *p = &k->plan;

	for (size_t i = c->nsysctls; i-- > 0;) {
		struct launch_op op = {.kind = LOP_WRITE_FILE,
				       .dest = c->sysctls[i].path,
				       .data = c->sysctls[i].value};

		if (plan_insert_after_proc(&k->plan, &op, e) < 0)
			return -1;
	}

	/* the plan's own mounts under the config's source names (mountinfo shows them) */
	for (size_t i = 0; i < c->nplan_src; i++)
		for (size_t j = 0; j < p->nops; j++)
			if (p->ops[j].kind == LOP_MOUNT &&
			    !strcmp(p->ops[j].dest, c->plan_src[i].dest))
				p->ops[j].src = c->plan_src[i].source;
	/* the config's other mounts in its order: each tmpfs or mqueue after the bind that
	 * precedes it (the plan's binds are the config's, in order, before its last steps),
	 * and the plan's /sys where the config has it among them */
	size_t nb = 0, cur;

	for (size_t i = 0; i < c->nmounts; i++)
		nb += c->mounts[i].bind != 0;
	cur = plan_last_at(p);
	cur = cur >= nb ? cur - nb : cur;
	for (size_t i = 0; i <= c->nmounts; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (i == c->sys_at || (i == c->nmounts && c->sys_at > c->nmounts))
			plan_move_sys(p, cur);
		if (i == c->nmounts)
			break;
		if (m->bind) {
			for (size_t j = cur; j < p->nops; j++)
				if (p->ops[j].kind == LOP_BIND &&
				    !strcmp(p->ops[j].dest, m->dest)) {
					cur = j + 1;
					break;
				}
			continue;
		}
		struct launch_op op = {.kind = LOP_MOUNT,
				       .src = m->source ? m->source : m->type,
				       .dest = m->dest,
				       .fstype = m->type,
				       .flags = m->flags & ~(unsigned long)(MS_BIND | MS_REC),
				       .data = m->data[0] ? m->data : NULL,
				       .copyup = m->copyup && !strcmp(m->type, "tmpfs")};

		if (p->nops >= LAUNCH_MAX_OPS)
			return oci_fail(e, "too many mounts (at most %d)", LAUNCH_MAX_OPS);
		memmove(&p->ops[cur + 1], &p->ops[cur], (p->nops - cur) * sizeof(p->ops[0]));
		p->ops[cur++] = op;
		p->nops++;
	}
	if (oci_devices_plan(k, plan_insert, e) < 0)
		return -1;
	for (size_t i = 0; i < c->nmasked; i++) {
		struct launch_op op = {.kind = LOP_MASK, .dest = c->masked[i]};

		if (plan_insert(&k->plan, &op, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < c->nreadonly; i++) {
		struct launch_op op = {.kind = LOP_READ_ONLY, .dest = c->readonly[i]};

		if (plan_insert(&k->plan, &op, e) < 0)
			return -1;
	}
	return 0;
}
