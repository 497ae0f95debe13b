/*
 * events: runc's stats events and OOM notifications, one JSON object a line.
 *
 *   events --stats ID      one {"type":"stats","id":ID,"data":{...}} and exit
 *   events [--interval D] ID
 *                          a stats event every D (a Go duration, default 5s) and an
 *                          {"type":"oom","id":ID} each time the kernel's OOM killer acts in the
 *                          container's cgroup, until the cgroup goes (delete), as runc's
 *
 * The data is runc's types.Stats, with its omitempty rules (a struct member is always there,
 * as Go prints it), from the container's cgroups: on v1 (and hybrid) hosts the cpuacct, cpu,
 * cpuset, memory, pids and blkio controllers, on a cgroup2 host cpu.stat, cpuset.*.effective,
 * memory.*, pids.* and io.stat as runc converts them.  jansson has no unsigned integers: a
 * cgroup2 "max" is printed as 2^63-1 where runc prints 2^64-1 (v1's unlimited,
 * 9223372036854771712, is exact).
 *
 * OOM: v1 registers an eventfd on memory.oom_control through cgroup.event_control (the
 * kernel also signals it when the cgroup is removed, which ends the stream); cgroup2 watches
 * memory.events with inotify and reports each rise of oom_kill, and cgroup.events, whose
 * "populated 0" (the last process gone) ends the stream, as runc's.  The stream also ends
 * when the container's state or cgroup is gone.
 */
#include "cli/oci.h"
#include "lib/readfile.h"
#include "proc/lxcgroup.h"
#include "zone/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define TEXT_MAX 16384

/* dir/file's text in buf, "" when it cannot be read. */
static const char *text(const char *dir, const char *file, char *buf, size_t sz)
{
	if (!dir[0] || zone_read_text(buf, sz, "%s/%s", dir, file) < 0)
		buf[0] = '\0';
	return buf;
}

/* A file holding one number; "max" (cgroup2) is max_val, anything else unreadable 0. */
static uint64_t num(const char *dir, const char *file, uint64_t max_val)
{
	char buf[64];

	text(dir, file, buf, sizeof(buf));
	if (!strncmp(buf, "max", 3))
		return max_val;
	return strtoull(buf, NULL, 10);
}

/* The value of "key N" in a flat keyed file's text (memory.stat, cpu.stat...), 0 if none. */
static uint64_t keyed(const char *t, const char *key)
{
	uint64_t v;

	return lx_kv_lookup(lx_text_cstr(t), key, &v) ? v : 0;
}

/* A counter as JSON: jansson's integers are signed, so above 2^63-1 it is 2^63-1. */
static json_t *jnum(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static void put(json_t *o, const char *k, uint64_t v, int omitempty)
{
	if (v || !omitempty)
		json_object_set_new(o, k, jnum(v));
}

/* Space-separated numbers (cpuacct.usage_percpu) as an array; NULL when none. */
static json_t *numbers(const char *t)
{
	json_t *a = json_array();
	char *end;

	for (const char *p = t; a;) {
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)
			break;
		json_array_append_new(a, jnum(v));
		p = end;
	}
	if (a && json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* A CPU or node list ("0-3,6") as runc's array of numbers; NULL when empty (or past
 * lxproc's LX_CPUSET_MAX, which its parser refuses). */
static json_t *id_list(const char *t)
{
	struct lx_cpuset set;
	json_t *a;

	if (!lx_cpuset_parse(lx_text_cstr(t), &set) || lx_cpuset_count(&set) == 0)
		return NULL;
	a = json_array();
	for (unsigned i = 0; a && i < LX_CPUSET_MAX; i++)
		if (lx_cpuset_has(&set, i))
			json_array_append_new(a, json_integer((json_int_t)i));
	return a;
}

static void set_opt(json_t *o, const char *k, json_t *v)
{
	if (v)
		json_object_set_new(o, k, v);
}

/* runc's MemoryEntry from <prefix>.limit_in_bytes, usage_in_bytes, max_usage_in_bytes and
 * failcnt: always there (Go prints a struct value whatever its omitempty), {"limit":0,
 * "failcnt":0} when the files are not (no swap accounting, say). */
static json_t *mem_entry_v1(const char *dir, const char *prefix)
{
	char f[96];
	json_t *e = json_object();

	snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	put(e, "limit", num(dir, f, 0), 0);
	snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	put(e, "usage", num(dir, f, 0), 1);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	put(e, "max", num(dir, f, 0), 1);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	put(e, "failcnt", num(dir, f, 0), 0);
	return e;
}

static json_t *mem_entry(uint64_t limit, uint64_t usage, uint64_t max)
{
	json_t *e = json_object();

	put(e, "limit", limit, 0);
	put(e, "usage", usage, 1);
	put(e, "max", max, 1);
	put(e, "failcnt", 0, 0);
	return e;
}

/* runc's CPUSet from dir: the lists in cpus and mems (left out when empty) and its nine
 * integers, always there (zeros where the files are not: cgroup2, no cpuset controller). */
static void cpuset_put(json_t *set, const char *dir, const char *cpus, const char *mems, char *t)
{
	static const char *const flags[] = {
	    "mem_hardwall",	  "mem_exclusive",   "memory_migrate",	   "memory_spread_page",
	    "memory_spread_slab", "memory_pressure", "sched_load_balance", NULL};
	char f[64];

	set_opt(set, "cpus", id_list(text(dir, cpus, t, TEXT_MAX)));
	put(set, "cpu_exclusive", num(dir, "cpuset.cpu_exclusive", 0), 0);
	set_opt(set, "mems", id_list(text(dir, mems, t, TEXT_MAX)));
	for (int i = 0; flags[i]; i++) {
		snprintf(f, sizeof(f), "cpuset.%s", flags[i]);
		put(set, flags[i], num(dir, f, 0), 0);
	}
	json_object_set_new(
	    set, "sched_relax_domain_level",
	    json_integer(atoll(text(dir, "cpuset.sched_relax_domain_level", t, TEXT_MAX))));
}

/* Every "key N" line of a keyed file as runc's raw map. */
static json_t *raw_map(const char *t)
{
	json_t *m = json_object();
	char key[64];
	unsigned long long v;

	for (const char *l = t; m && l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (sscanf(l, "%63s %llu", key, &v) == 2)
			json_object_set_new(m, key, jnum(v));
	return m;
}

/* A v1 blkio statistics file ("MAJ:MIN Op value" lines, and a "Total" line without a device)
 * as runc's entries, each field left out when 0 as runc's omitempty does; NULL when none. */
static json_t *blkio_v1(const char *dir, const char *file, char *t)
{
	char op[32];
	json_t *a = NULL;
	unsigned maj, min;
	unsigned long long v;

	text(dir, file, t, TEXT_MAX);
	for (const char *l = t; *l; l = strchr(l, '\n'), l = l ? l + 1 : "")
		if (sscanf(l, "%u:%u %31s %llu", &maj, &min, op, &v) == 4) {
			json_t *e = json_object();
			put(e, "major", maj, 1);
			put(e, "minor", min, 1);
			json_object_set_new(e, "op", json_string(op));
			put(e, "value", v, 1);
			if (!a)
				a = json_array();
			json_array_append_new(a, e);
		}
	return a;
}

/* io.stat's "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ..." as runc's Read and Write entries
 * of the bytes (ios 0) or of the operations (ios 1). */
static json_t *blkio_v2(const char *t, int ios)
{
	json_t *a = NULL;

	for (const char *l = t; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		unsigned maj, min;
		const char *keys[2] = {ios ? "rios=" : "rbytes=", ios ? "wios=" : "wbytes="};
		static const char *const ops[2] = {"Read", "Write"};

		if (sscanf(l, "%u:%u", &maj, &min) != 2)
			continue;
		for (int k = 0; k < 2; k++) {
			const char *p = strstr(l, keys[k]), *nl = strchr(l, '\n');
			json_t *e;

			if (!p || (nl && p > nl))
				continue;
			e = json_object();
			put(e, "major", maj, 1);
			put(e, "minor", min, 1);
			json_object_set_new(e, "op", json_string(ops[k]));
			put(e, "value", strtoull(p + strlen(keys[k]), NULL, 10), 1);
			if (!a)
				a = json_array();
			json_array_append_new(a, e);
		}
	}
	return a;
}

/* The parts of runc's types.Stats the cgroup files fill, each an object made empty. */
struct stats {
	json_t *usage, *throttling, *cpuset, *memory, *pids, *blkio;
};

static void fill_v1(const struct zone_cgroup *cg, const struct stats *st, char *t)
{
	const char *acct = cg->v1[ZONE_CG_CPUACCT], *cpu = cg->v1[ZONE_CG_CPU];
	const char *mem = cg->v1[ZONE_CG_MEMORY], *blk = cg->v1[ZONE_CG_BLKIO];
	json_t *u = st->usage, *th = st->throttling, *m = st->memory, *b = st->blkio;
	uint64_t tick = 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);

	/* cpu: cpuacct's ns counters, its USER_HZ ticks in ns, the CFS throttling */
	put(u, "total", num(acct, "cpuacct.usage", 0), 1);
	set_opt(u, "percpu", numbers(text(acct, "cpuacct.usage_percpu", t, TEXT_MAX)));
	set_opt(u, "percpu_kernel", numbers(text(acct, "cpuacct.usage_percpu_sys", t, TEXT_MAX)));
	set_opt(u, "percpu_user", numbers(text(acct, "cpuacct.usage_percpu_user", t, TEXT_MAX)));
	text(acct, "cpuacct.stat", t, TEXT_MAX);
	put(u, "kernel", keyed(t, "system") * tick, 0);
	put(u, "user", keyed(t, "user") * tick, 0);
	text(cpu, "cpu.stat", t, TEXT_MAX);
	put(th, "periods", keyed(t, "nr_periods"), 1);
	put(th, "throttledPeriods", keyed(t, "nr_throttled"), 1);
	put(th, "throttledTime", keyed(t, "throttled_time"), 1);

	cpuset_put(st->cpuset, cg->v1[ZONE_CG_CPUSET], "cpuset.cpus", "cpuset.mems", t);

	text(mem, "memory.stat", t, TEXT_MAX);
	put(m, "cache", keyed(t, "cache"), 1);
	json_object_set_new(m, "usage", mem_entry_v1(mem, "memory"));
	json_object_set_new(m, "swap", mem_entry_v1(mem, "memory.memsw"));
	json_object_set_new(m, "kernel", mem_entry_v1(mem, "memory.kmem"));
	json_object_set_new(m, "kernelTCP", mem_entry_v1(mem, "memory.kmem.tcp"));
	if (*t)
		json_object_set_new(m, "raw", raw_map(t));

	put(st->pids, "current", num(cg->v1[ZONE_CG_PIDS], "pids.current", 0), 1);
	put(st->pids, "limit", num(cg->v1[ZONE_CG_PIDS], "pids.max", 0), 1);

	set_opt(b, "ioServiceBytesRecursive",
		blkio_v1(blk, "blkio.throttle.io_service_bytes_recursive", t));
	set_opt(b, "ioServicedRecursive", blkio_v1(blk, "blkio.throttle.io_serviced_recursive", t));
}

static void fill_v2(const struct zone_cgroup *cg, const struct stats *st, char *t)
{
	const char *g = cg->v2;
	json_t *u = st->usage, *th = st->throttling, *m = st->memory, *b = st->blkio;
	uint64_t limit, usage, swap_limit;

	text(g, "cpu.stat", t, TEXT_MAX);
	put(u, "total", keyed(t, "usage_usec") * 1000, 1);
	put(u, "kernel", keyed(t, "system_usec") * 1000, 0);
	put(u, "user", keyed(t, "user_usec") * 1000, 0);
	put(th, "periods", keyed(t, "nr_periods"), 1);
	put(th, "throttledPeriods", keyed(t, "nr_throttled"), 1);
	put(th, "throttledTime", keyed(t, "throttled_usec") * 1000, 1);

	cpuset_put(st->cpuset, g, "cpuset.cpus.effective", "cpuset.mems.effective", t);

	text(g, "memory.stat", t, TEXT_MAX);
	put(m, "cache", keyed(t, "file"), 1);
	limit = num(g, "memory.max", UINT64_MAX);
	usage = num(g, "memory.current", 0);
	json_object_set_new(m, "usage", mem_entry(limit, usage, num(g, "memory.peak", 0)));
	/* memory+swap, as v1 reports it and runc converts: swap's usage plus memory's, its limit
	 * plus memory's unless it has none */
	swap_limit = num(g, "memory.swap.max", UINT64_MAX);
	if (swap_limit != UINT64_MAX)
		swap_limit = limit > UINT64_MAX - swap_limit ? UINT64_MAX : swap_limit + limit;
	json_object_set_new(m, "swap",
			    mem_entry(swap_limit, num(g, "memory.swap.current", 0) + usage, 0));
	json_object_set_new(m, "kernel", mem_entry(0, 0, 0));
	json_object_set_new(m, "kernelTCP", mem_entry(0, 0, 0));
	if (*t)
		json_object_set_new(m, "raw", raw_map(t));

	put(st->pids, "current", num(g, "pids.current", 0), 1);
	put(st->pids, "limit", num(g, "pids.max", 0), 1);

	text(g, "io.stat", t, TEXT_MAX);
	set_opt(b, "ioServiceBytesRecursive", blkio_v2(t, 0));
	set_opt(b, "ioServicedRecursive", blkio_v2(t, 1));
}

json_t *oci_stats_json(const struct zone_cgroup *cg)
{
	struct stats st = {json_object(), json_object(), json_object(),
			   json_object(), json_object(), json_object()};
	char *t = malloc(TEXT_MAX);

	if (t)
		(cg->layout == ZONE_CG_V2 ? fill_v2 : fill_v1)(cg, &st, t);
	free(t);
	/* runc's order; no hugetlb, Intel RDT or network statistics here: its empty shapes */
	return json_pack("{s:{s:o, s:o}, s:o, s:o, s:o, s:o, s:{}, s:{}, s:n}", "cpu", "usage",
			 st.usage, "throttling", st.throttling, "cpuset", st.cpuset, "memory",
			 st.memory, "pids", st.pids, "blkio", st.blkio, "hugetlb", "intel_rdt",
			 "network_interfaces");
}

/* Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?unit)+ or "0", in whole ns with its
 * arithmetic (the integer part exact, the fraction through a double), at most 2^63-1 ns
 * (2^63 when negative). */
int oci_parse_duration(const char *s, long long *ns)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
	    {"ns", 1},		 {"us", 1000},	    {"\xc2\xb5s", 1000}, /* U+00B5 */
	    {"\xce\xbcs", 1000},					 /* U+03BC */
	    {"ms", 1000000},	 {"s", 1000000000}, {"m", 60000000000ull}, {"h", 3600000000000ull}};
	const uint64_t top = 1ull << 63;
	uint64_t d = 0;
	int neg = 0;

	*ns = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0"))
		return 0;
	if (!*s)
		return -1;
	while (*s) {
		uint64_t v = 0, f = 0, u = 0;
		double scale = 1;
		size_t best = 0, digits = 0;
		int over = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (v > (top - (uint64_t)(*s - '0')) / 10)
				return -1; /* Go: invalid duration (overflow) */
			v = v * 10 + (uint64_t)(*s - '0');
		}
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
				if (over || f > (top - (uint64_t)(*s - '0')) / 10) {
					over = 1; /* Go drops digits past what fits */
					continue;
				}
				f = f * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			}
		if (!digits)
			return -1;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].unit);
			if (!strncmp(s, units[i].unit, l) && l > best)
				best = l, u = units[i].ns;
		}
		if (!best)
			return -1; /* Go: a number needs its unit */
		s += best;
		if (v > top / u)
			return -1;
		v *= u;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)u / scale));
			if (v > top)
				return -1;
		}
		d += v;
		if (d > top)
			return -1;
	}
	if (neg) {
		*ns = d == top ? INT64_MIN : -(long long)d;
		return 0;
	}
	if (d > top - 1)
		return -1;
	*ns = (long long)d;
	return 0;
}

static int emit(json_t *ev)
{
	char *out = ev ? json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int r = out && printf("%s\n", out) > 0 && fflush(stdout) == 0 ? 0 : -1;

	free(out);
	json_decref(ev);
	return r;
}

static json_t *event(const char *type, const char *id, json_t *data)
{
	json_t *ev = json_pack("{s:s, s:s}", "type", type, "id", id);

	if (ev && data)
		json_object_set_new(ev, "data", data);
	else
		json_decref(data);
	return ev;
}

/* The OOM watch (see the top): a descriptor to poll, *v2 set for cgroup2's inotify; -1 when
 * the container has no memory controller to watch. */
static int oom_watch(const struct zone_cgroup *cg, int *v2)
{
	const char *mem = cg->v1[ZONE_CG_MEMORY];
	char path[ZONE_CG_PATH + 32], line[64];
	int efd, ofd, cfd;

	*v2 = cg->layout == ZONE_CG_V2;
	if (*v2) {
		int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		char ev[ZONE_CG_PATH + 32];

		/* memory.events for the kills, cgroup.events for the end (populated 0), as runc */
		snprintf(path, sizeof(path), "%s/memory.events", cg->v2);
		snprintf(ev, sizeof(ev), "%s/cgroup.events", cg->v2);
		if (in >= 0 && (inotify_add_watch(in, path, IN_MODIFY) < 0 ||
				inotify_add_watch(in, ev, IN_MODIFY) < 0)) {
			close(in);
			in = -1;
		}
		return in;
	}
	if (!mem[0])
		return -1;
	efd = eventfd(0, EFD_CLOEXEC);
	snprintf(path, sizeof(path), "%s/memory.oom_control", mem);
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.event_control", mem);
	cfd = open(path, O_WRONLY | O_CLOEXEC);
	snprintf(line, sizeof(line), "%d %d", efd, ofd);
	if (efd < 0 || ofd < 0 || cfd < 0 || write(cfd, line, strlen(line)) < 0) {
		if (efd >= 0)
			close(efd);
		efd = -1;
	}
	if (ofd >= 0)
		close(ofd);
	if (cfd >= 0)
		close(cfd);
	return efd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The stream: stats every interval, an event per OOM kill, until the cgroup or state goes. */
static int stream(const struct oci_state *s, struct zone_cgroup *cg, long long interval)
{
	int v2, fd = oom_watch(cg, &v2);
	uint64_t next = now_ns() + (uint64_t)interval, kills = 0;
	char buf[4096];

	if (v2)
		kills = keyed(text(cg->v2, "memory.events", buf, sizeof(buf)), "oom_kill");
	for (;;) {
		uint64_t now = now_ns();
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		uint64_t wait_ms = now >= next ? 0 : (next - now + 999999) / 1000000;
		/* at most a second: the deletion is looked for as often */
		int r = poll(&pf, 1, wait_ms > 1000 ? 1000 : (int)wait_ms);

		if (r < 0 && errno != EINTR)
			return -1;
		if (access(s->dir, F_OK) != 0 || !zone_cgroup_exists(cg))
			return 0; /* deleted */
		if (r > 0 && (pf.revents & POLLIN)) {
			if (v2) {
				uint64_t k;
				while (read(fd, buf, sizeof(buf)) > 0)
					;
				k = keyed(text(cg->v2, "memory.events", buf, sizeof(buf)),
					  "oom_kill");
				if (k > kills && emit(event("oom", s->id, NULL)) < 0)
					return -1;
				kills = k;
				/* the container's last process gone: runc ends here on cgroup2 */
				if (strstr(text(cg->v2, "cgroup.events", buf, sizeof(buf)),
					   "populated 0"))
					return 0;
			} else {
				uint64_t n;
				char path[ZONE_CG_PATH + 32];

				if (read(fd, &n, sizeof(n)) != sizeof(n))
					continue;
				/* the kernel signals the removal too */
				snprintf(path, sizeof(path), "%s/memory.oom_control",
					 cg->v1[ZONE_CG_MEMORY]);
				if (access(path, F_OK) != 0)
					return 0;
				if (emit(event("oom", s->id, NULL)) < 0)
					return -1;
			}
		}
		if (now_ns() >= next) {
			if (emit(event("stats", s->id, oci_stats_json(cg))) < 0)
				return -1;
			next += (uint64_t)interval;
			if (next < now_ns())
				next = now_ns() + (uint64_t)interval;
		}
	}
}

int oci_cmd_events(int argc, char **argv)
{
	struct oci_state s;
	struct zone_cgroup cg;
	struct zone_error e;
	const char *id = NULL, *iv = "5s";
	int stats = 0, r;
	long long interval;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		const char *f = a[0] == '-' ? a + 1 + (a[1] == '-') : NULL;

		/* Go's flag package: -name or --name, -name=value, a boolean's =true/false */
		if (f && (!strcmp(f, "stats") || !strcmp(f, "stats=true")))
			stats = 1;
		else if (f && !strcmp(f, "stats=false"))
			stats = 0;
		else if (f && !strcmp(f, "interval")) {
			if (i + 1 >= argc)
				return oci_fail(&e, "flag needs an argument: %s", a), oci_error(&e);
			iv = argv[++i];
		} else if (f && !strncmp(f, "interval=", 9))
			iv = f + 9;
		else if (f && a[1])
			return oci_fail(&e, "flag provided but not defined: %s", a), oci_error(&e);
		else if (id)
			return oci_fail(&e, "%s: \"events\" requires exactly 1 argument(s)",
					oci_g.prog),
			       oci_error(&e);
		else
			id = a;
	}
	if (oci_parse_duration(iv, &interval) < 0)
		return oci_fail(&e, "invalid value \"%s\" for flag -interval: parse error", iv),
		       oci_error(&e);
	if (!id)
		return oci_fail(&e, "%s: \"events\" requires exactly 1 argument(s)", oci_g.prog),
		       oci_error(&e);
	if (oci_state_load(id, &s, &e) < 0)
		return oci_error(&e);
	if (interval <= 0) {
		oci_state_free(&s);
		return oci_fail(&e, "duration interval must be greater than 0"), oci_error(&e);
	}
	if (oci_state_status(&s) == OCI_STOPPED) {
		oci_state_free(&s);
		return oci_fail(&e, "container with id %s is not running", id), oci_error(&e);
	}
	if (oci_cgroup_of(&s, &cg, &e) < 0) {
		oci_state_free(&s);
		return oci_error(&e);
	}
	r = stats ? emit(event("stats", id, oci_stats_json(&cg))) : stream(&s, &cg, interval);
	oci_state_free(&s);
	return r < 0 ? 1 : 0;
}
