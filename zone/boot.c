/*
 * Boot, halt and shutdown. See boot.h for the supervisor's contract; the supervisor is in
 * boot_supervise.c, the plan in boot_plan.c, exec in boot_exec.c.
 */
#include "zone/boot_int.h"

/* The capability set the zone booted with, for every later exec: a `configure` of a running
 * zone must not give exec'd processes more than its init has. */
static void zone_state_put_caps(struct zone *z)
{
	char hex[32];

	snprintf(hex, sizeof(hex), "%" PRIx64, zone_caps(z));
	zone_state_put(z, "capabilities", json_string(hex));
}

uint64_t zone_booted_caps(struct zone *z)
{
	const char *hex = json_string_value(json_object_get(z->state, "capabilities"));
	char *end;
	uint64_t v;

	if (hex == NULL || !*hex)
		return zone_caps(z);
	v = strtoull(hex, &end, 16);
	return *end ? zone_caps(z) : v;
}

static int wait_gone(pid_t pid, int timeout_ms);

/* How long boot waits for "ready" right after "ok" before it records `booting` */
#define BOOT_READY_AT_ONCE_MS 10

/*
 * Read from fd into buf (got bytes already there) until it holds `lines` newlines, the
 * writer closes it, or timeout_ms passes.  Returns the number of complete lines, or -1 on
 * the timeout.
 */
static int read_lines(int fd, char *buf, size_t sz, size_t *got, int lines, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	struct timespec t0, t;
	int have;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		have = 0;
		for (size_t i = 0; i < *got; i++)
			have += buf[i] == '\n';
		if (have >= lines || *got >= sz - 1)
			return have;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = timeout_ms -
			    ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -1;
		int pr = poll(&p, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return pr == 0 ? -1 : have;
		ssize_t n = read(fd, buf + *got, sz - 1 - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return have;
		*got += (size_t)n;
		buf[*got] = '\0';
	}
}

/* The console log's last lines (at most len - 1 bytes, whole lines), "" when there is none. */
static void console_tail(struct zone *z, char *out, size_t len)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	struct stat st;
	off_t off;
	ssize_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", zone_path(z), ZONE_CONSOLE_LOG);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	off = st.st_size > (off_t)len - 1 ? st.st_size - (off_t)len + 1 : 0;
	n = pread(fd, out, len - 1, off);
	if (n <= 0)
		return;
	out[n] = '\0';
	if (off > 0 && strchr(out, '\n')) /* from the first whole line */
		memmove(out, strchr(out, '\n') + 1, strlen(strchr(out, '\n') + 1) + 1);
	/* this boot's lines only: from the supervisor's "booted" line on */
	char mark[128], *from = NULL;
	snprintf(mark, sizeof(mark), "lxzone: zone %s booted", z->name);
	for (char *p = strstr(out, mark); p; p = strstr(p + 1, mark))
		from = p;
	if (from)
		memmove(out, from, strlen(from) + 1);
}

int zone_boot(struct zone *z, struct zone_error *err)
{
	enum zone_state s = zone_get_state(z);
	int pfd[2];
	pid_t sup;
	char buf[1200] = {0};
	size_t got = 0;

	if (s != ZONE_INSTALLED)
		return zone_error_set(err, 0, "zone %s is %s; boot needs it installed", z->name,
				      zone_state_name(s));
	if (zone_config_bool(z->config, "golden"))
		return zone_error_set(err, 0,
				      "zone %s is golden (a template): clone it, or use lxzone run "
				      "--from %s",
				      z->name, z->name);
	/* a zone whose supervisor ended without a command to record it (its init died on its
	 * own) is installed, whatever state.json says: record that before the new supervisor is */
	if (strcmp(zone_state_get(z, "state"), zone_state_name(ZONE_INSTALLED)) != 0 &&
	    zone_set_state(z, ZONE_INSTALLED, err) < 0)
		return -1;
	if (zone_userns(z) && zone_idmap_ensure(z, err) < 0)
		return -1;
	if ((zone_net_is(z, "shared") || zone_net_is(z, "exclusive")) &&
	    zone_net_conflicts(z->store, z->name, z->config, err) < 0)
		return zone_error_wrap(err, "boot zone %s", z->name);
	if (*zone_state_get(z, "uuid") == '\0') /* the zone's container_uuid, for good */
		zone_state_put(z, "uuid", json_string(zone_new_uuid()));
	zone_cgroup_record(z); /* the supervisor's, and the later commands' (zone_cgroup_for) */
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return zone_error_set(err, errno, "pipe");
	fflush(NULL);
	sup = fork();
	if (sup < 0)
		return zone_error_set(err, errno, "fork supervisor");
	if (sup == 0) {
		close(pfd[0]);
		zone_supervise(z, pfd[1]);
	}
	close(pfd[1]);
	zone_state_put(z, "supervisor",
		       json_pack("{s:i, s:I}", "pid", (int)sup, "start",
				 (json_int_t)zone_proc_starttime(sup)));
	zone_state_put(z, "init-pid", NULL);
	zone_state_put_caps(z);
	if (zone_set_state(z, ZONE_READY, err) < 0) {
		kill(sup, SIGTERM);
		close(pfd[0]);
		return -1;
	}
	/* the first line: init started ("ok PID") or not ("err ...") */
	read_lines(pfd[0], buf, sizeof(buf), &got, 1, 60000);
	if (strncmp(buf, "ok ", 3) != 0) {
		close(pfd[0]);
		char *nl = strchr(buf, '\n');
		if (nl)
			*nl = '\0';
		waitpid(sup, NULL, 0);
		zone_error_set(err, 0, "boot zone %s: %s", z->name,
			       strncmp(buf, "err ", 4) == 0 ? buf + 4 : "supervisor died");
		zone_set_state(z, ZONE_INSTALLED, NULL);
		return -1;
	}
	zone_state_put(z, "init-pid", json_integer(atoi(buf + 3)));
	/* the second: init ready (boot_init.h), within boot-timeout.  The minimal init is ready
	 * at once: then the zone goes straight to running, one state written instead of two */
	int r = read_lines(pfd[0], buf, sizeof(buf), &got, 2, BOOT_READY_AT_ONCE_MS);
	if (r == 2 && strstr(buf, "\nready\n")) {
		close(pfd[0]);
		return zone_set_state(z, ZONE_RUNNING, err);
	}
	if (zone_set_state(z, ZONE_BOOTING, err) < 0) {
		close(pfd[0]);
		return -1;
	}
	int tmo = (int)zone_config_u64(z->config, "boot-timeout");
	r = r == 2 ? r : read_lines(pfd[0], buf, sizeof(buf), &got, 2, tmo * 1000);
	close(pfd[0]);
	if (r == 2 && strstr(buf, "\nready\n"))
		return zone_set_state(z, ZONE_RUNNING, err);
	char last[1024];
	console_tail(z, last, sizeof(last));
	if (r < 0) {
		/* the kill: what a halt does, with its clean-up */
		kill(sup, SIGTERM);
		if (wait_gone(sup, 15000) < 0)
			kill(sup, SIGKILL);
		waitpid(sup, NULL, 0);
		zone_cleanup_leftovers(z, NULL);
		zone_error_set(err, 0,
			       "boot zone %s: init not ready after %ds (boot-timeout), halted; its "
			       "console's last lines:\n%s",
			       z->name, tmo, last);
	} else {
		waitpid(sup, NULL, 0);
		zone_error_set(err, 0,
			       "boot zone %s: init exited before it was ready; its console's last "
			       "lines:\n%s",
			       z->name, last);
	}
	zone_state_put(z, "init-pid", NULL);
	zone_set_state(z, ZONE_INSTALLED, NULL);
	return -1;
}

/*
 * Whether pid exits within timeout_ms, zombie or not (it is not reaped): 1 it has, 0 it has
 * not, -1 no pidfd to tell by.  A pidfd polls readable when the process exits, so a process
 * whose reaper is slow, or that is not our child, counts as gone (kill(pid, 0) would count
 * it as alive).
 */
int boot_pid_ends(pid_t pid, int timeout_ms)
{
	cleanup_close int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = {.fd = pfd, .events = POLLIN};
	int r;

	if (pfd < 0)
		return errno == ESRCH ? 1 : -1;
	while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return r == 1;
}

/*
 * Wait until pid has exited.  The supervisor is not our child (boot daemonized it), and its
 * reaper may take seconds to collect it (that was most of halt's time): boot_pid_ends.
 */
static int wait_gone(pid_t pid, int timeout_ms)
{
	int r = boot_pid_ends(pid, timeout_ms);

	if (r >= 0) {
		if (r == 0)
			return -1;
		waitpid(pid, NULL, WNOHANG); /* our own child (boot and halt in one process) */
		return 0;
	}
	for (int t = 0; t < timeout_ms; t += 20) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 0;
		waitpid(pid, NULL, WNOHANG);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

static pid_t parent_of(pid_t pid)
{
	char path[64], line[256];
	cleanup_fclose FILE *f = NULL;
	pid_t ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	return ppid;
}

/*
 * The supervisor of a zone whose state.json is lost: the parent of the zone's init, which is
 * the process in the zone's cgroup whose parent is not, and a fork of this very program.
 * 0 when there is none.
 */
static pid_t supervisor_from_cgroup(struct zone *z)
{
	struct zone_cgroup cg;
	struct zone_error ignored;
	char procs[ZONE_CG_PROCS + 16], exe[PATH_MAX], self[PATH_MAX];
	pid_t pids[64], sup = 0;
	size_t n = 0;
	ssize_t l1, l2;
	cleanup_fclose FILE *f = NULL;

	if (zone_cgroup_for(z, &cg, &ignored) < 0)
		return 0;
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg.v2[0] ? cg.v2 : cg.v1[ZONE_CG_PIDS]);
	f = fopen(procs, "re");
	while (f != NULL && n < 64 && fscanf(f, "%d", &pids[n]) == 1)
		n++;
	for (size_t i = 0; i < n && sup == 0; i++) {
		pid_t pp = parent_of(pids[i]);
		bool inside = false;
		for (size_t j = 0; j < n; j++)
			inside |= pids[j] == pp;
		if (pp > 1 && !inside)
			sup = pp;
	}
	snprintf(procs, sizeof(procs), "/proc/%d/exe", (int)sup);
	l1 = sup > 0 ? readlink(procs, exe, sizeof(exe)) : -1;
	l2 = readlink("/proc/self/exe", self, sizeof(self));
	if (l1 <= 0 || l1 != l2 || memcmp(exe, self, (size_t)l1) != 0)
		return 0;
	return sup;
}

int zone_halt(struct zone *z, struct zone_error *err)
{
	pid_t sup = z->state_broken ? supervisor_from_cgroup(z) : zone_supervisor_pid(z);
	int was_running = sup > 0;

	if (sup > 0) {
		kill(sup, SIGTERM);
		if (wait_gone(sup, 15000) < 0) {
			kill(sup, SIGKILL);
			wait_gone(sup, 2000);
		}
	}
	/* Whatever a killed or crashed supervisor left: processes, cgroup. */
	if (zone_cleanup_leftovers(z, err) < 0)
		return -1;
	if (z->state_broken)
		return 0; /* nothing to record: state.json stays as found, for destroy */
	if (!was_running && strcmp(zone_state_get(z, "state"), "installed") == 0)
		return zone_error_set(err, 0, "zone %s is not running: nothing to halt", z->name);
	zone_state_put(z, "init-pid", NULL);
	return zone_set_state(z, ZONE_INSTALLED, err);
}

int zone_shutdown(struct zone *z, int timeout_s, struct zone_error *err)
{
	pid_t sup = zone_supervisor_pid(z);

	if (sup == 0 || zone_get_state(z) != ZONE_RUNNING)
		return zone_halt(z, err);
	if (zone_set_state(z, ZONE_SHUTTING_DOWN, err) < 0)
		return -1;
	kill(sup, SIGUSR1);
	if (wait_gone(sup, timeout_s * 1000) == 0) {
		zone_state_put(z, "init-pid", NULL);
		if (zone_cleanup_leftovers(z, err) < 0)
			return -1;
		return zone_set_state(z, ZONE_INSTALLED, err);
	}
	fprintf(stderr, "lxzone: shutdown %s: init did not stop in %ds; halting the zone\n",
		z->name, timeout_s);
	return zone_halt(z, err);
}
