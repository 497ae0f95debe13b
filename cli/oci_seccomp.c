/*
 * linux.seccomp -> a libseccomp filter, loaded under the brand's own.
 *
 * The container's filter is built here, in create (so a bad profile is one error line
 * before anything runs), and loaded by the container's PID 1 (and by exec's process) before
 * the brand's filter goes on top of it.  Both filters see every system call and the kernel
 * takes the strictest answer, so the profile bounds what the program gets whether the call
 * passes the brand's filter or the brand makes it through the gate on the program's behalf.
 * Limits, said where they are refused: SCMP_ACT_TRAP (its SIGSYS would reach the brand as if
 * it were the brand's own trap) and SCMP_ACT_NOTIFY (no listener: the spec's listenerPath is
 * not supported); NO_NEW_PRIVS is left to process.noNewPrivileges, as runc does.
 */
#include "cli/oci.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>

static const struct {
	const char *name;
	uint32_t action; /* SCMP_ACT_ERRNO(0) / SCMP_ACT_TRACE(0) get their value later */
	int takes_errno;
} actions[] = {
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, 0},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), 1},
    {"SCMP_ACT_KILL", SCMP_ACT_KILL, 0},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, 0},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, 0},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, 0},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), 1},
};

static const struct {
	const char *name;
	enum scmp_compare op;
} operators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static int action_of(const char *name, json_t *errno_ret, uint32_t *out, struct zone_error *e)
{
	if (!name)
		return oci_fail(e, "seccomp: an action is required");
	if (!strcmp(name, "SCMP_ACT_TRAP") || !strcmp(name, "SCMP_ACT_NOTIFY"))
		return oci_fail(e, "seccomp: %s is not supported under the brand (docs/oci.md)",
				name);
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(name, actions[i].name)) {
			*out = actions[i].action;
			if (actions[i].takes_errno) {
				/* left out (or null, which oci_schema_check removed): EPERM,
				 * as runc */
				uint32_t v = errno_ret ? (uint32_t)json_integer_value(errno_ret)
						       : (uint32_t)EPERM;

				*out = (*out & ~0xffffU) | (v & 0xffffU);
			}
			return 0;
		}
	return oci_fail(e, "seccomp: unknown action %s", name);
}

static int rule_add(scmp_filter_ctx ctx, json_t *rule, uint32_t def, struct zone_error *e)
{
	json_t *names = json_object_get(rule, "names"), *n, *args = json_object_get(rule, "args");
	struct scmp_arg_cmp cmp[6];
	unsigned ncmp = 0;
	uint32_t act;
	size_t i;

	if (action_of(json_string_value(json_object_get(rule, "action")),
		      json_object_get(rule, "errnoRet"), &act, e) < 0)
		return -1;
	if (act == def)
		return 0; /* libseccomp refuses a rule that says what the default says */
	json_array_foreach(args, i, n)
	{
		const char *op = json_string_value(json_object_get(n, "op"));
		size_t k;

		if (ncmp >= 6)
			return oci_fail(e, "seccomp: at most 6 argument conditions");
		for (k = 0; k < sizeof(operators) / sizeof(operators[0]); k++)
			if (op && !strcmp(op, operators[k].name))
				break;
		if (k == sizeof(operators) / sizeof(operators[0]))
			return oci_fail(e, "seccomp: unknown operator %s", op ? op : "(none)");
		cmp[ncmp].arg = (unsigned)json_integer_value(json_object_get(n, "index"));
		cmp[ncmp].op = operators[k].op;
		cmp[ncmp].datum_a = (scmp_datum_t)json_integer_value(json_object_get(n, "value"));
		cmp[ncmp].datum_b =
		    (scmp_datum_t)json_integer_value(json_object_get(n, "valueTwo"));
		ncmp++;
	}
	json_array_foreach(names, i, n)
	{
		const char *name = json_string_value(n);
		int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* a call this architecture does not have, as runc skips it */
		r = seccomp_rule_add_array(ctx, act, nr, ncmp, ncmp ? cmp : NULL);
		if (r < 0)
			return oci_fail(e, "seccomp: rule for %s: %s", name, strerror(-r));
	}
	return 0;
}

int oci_seccomp_build(json_t *sec, void **out, struct zone_error *e)
{
	scmp_filter_ctx ctx;
	uint32_t def;
	json_t *rule;
	size_t i;

	*out = NULL;
	if (!sec || json_is_null(sec))
		return 0;
	if (json_object_get(sec, "listenerPath"))
		return oci_fail(e, "seccomp: listenerPath is not supported by lxzone-oci");
	if (action_of(json_string_value(json_object_get(sec, "defaultAction")),
		      json_object_get(sec, "defaultErrnoRet"), &def, e) < 0)
		return -1;
	ctx = seccomp_init(def);
	if (!ctx)
		return oci_fail(e, "seccomp: cannot initialise libseccomp");
	/* the brand's filter kills i386 and x32 calls: the native architecture is enough;
	 * NO_NEW_PRIVS follows process.noNewPrivileges, not libseccomp's default */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0) {
		seccomp_release(ctx);
		return oci_fail(e, "seccomp: cannot leave no_new_privs to the process");
	}
	json_array_foreach(json_object_get(sec, "syscalls"), i,
			   rule) if (rule_add(ctx, rule, def, e) < 0)
	{
		seccomp_release(ctx);
		return -1;
	}
	*out = ctx;
	return 0;
}

void oci_seccomp_free(void *ctx)
{
	if (ctx)
		seccomp_release(ctx);
}

int oci_seccomp_load(void *ctx, struct zone_error *err)
{
	int r;

	if (!ctx)
		return 0;
	r = seccomp_load(ctx);
	if (r < 0)
		return launch_fail(err, LAUNCH_EXIT_CANNOT, -r,
				   "load the container's seccomp filter");
	return 0;
}
