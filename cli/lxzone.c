/*
 * lxzone: the zone manager. One table of verbs; each verb lives in a cli_*.c file over the
 * lxzonecore library. Failures print one line, "lxzone: VERB NAME: what, and what to do",
 * and exit 1 (2: usage); docs/cli.md has the output, the JSON and the exit statuses.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "zone/launch/launch.h"
#include "cli/lxzone.h"
#include "zone/config.h"
#include "zone/progress.h"

static int cli_help_verb(struct cli *c, int argc, char **argv, struct zone_error *err);

static const struct cli_verb verbs[] = {
    {"create", cli_create, "NAME [--KEY VALUE]... [--image SRC | --from ZONE[@SNAP]]",
     "configure a zone, and install it when a source is given (SRC: a directory, an "
     "archive, builtin:NAME, debian:SUITE[+PKG,PKG...] [--init systemd|sysvinit], or an "
     "OCI image: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE)"},
    {"configure", cli_configure, "NAME KEY=VALUE...", "change a zone's configuration"},
    {"config", cli_config, "NAME [--json]", "print a zone's configuration"},
    {"install", cli_install, "NAME SRC",
     "install from a directory, an archive, builtin:NAME or an OCI image (as create)"},
    {"uninstall", cli_uninstall, "NAME", "remove a zone's root (also cleans an incomplete one)"},
    {"destroy", cli_destroy, "NAME", "uninstall and forget a zone"},
    {"boot", cli_boot, "NAME [--dry-run]",
     "start a zone (its supervisor, cgroup, namespaces and init)"},
    {"halt", cli_halt, "NAME", "stop a zone at once: kill everything in it"},
    {"shutdown", cli_shutdown, "NAME [--timeout S]", "ask init to stop, halt after S seconds (30)"},
    {"reboot", cli_reboot, "NAME", "halt and boot"},
    {"exec", cli_exec, "NAME [--user U] [--workdir D] [--env K=V]... [-- CMD...]",
     "run a command in a running zone, under the brand (no CMD, ENV, D or U: an OCI "
     "image's own)"},
    {"login", cli_login, "NAME", "a login shell in a running zone"},
    {"console", cli_console, "NAME [--tty K]",
     "attach to the zone's /dev/console (its getty), or its /dev/ttyK; Ctrl-a q detaches"},
    {"run", cli_run,
     "--from GOLDEN [--discard always|onsuccess|never] [--KEY VALUE]... [-- CMD...]",
     "run CMD (no CMD: an OCI image's) in a disposable overlay clone of GOLDEN; exit with "
     "its status"},
    {"list", cli_list, "[--json]", "list zones and their states (broken: with the reason)"},
    {"info", cli_info, "NAME [--json]", "show a zone's state and origin"},
    {"state", cli_state, "NAME [--json]",
     "print a zone's state alone (detached, incomplete (what to run), broken: the reason)"},
    {"verify", cli_verify, "NAME [--json]",
     "check that configuration and root agree; recover an interrupted move, rollback or attach"},
    {"clone", cli_clone, "SRC NEW [--snapshot S] [--method copy|reflink|overlay]",
     "make a new zone from an installed one"},
    {"move", cli_move, "NAME NEWPATH", "move a halted zone's files to NEWPATH"},
    {"snapshot", cli_snapshot, "NAME SNAP", "take a snapshot of a zone's root"},
    {"rollback", cli_rollback, "NAME SNAP", "return a halted zone's root to a snapshot"},
    {"snapshots", cli_snapshots, "NAME [--json]", "list a zone's snapshots"},
    {"detach", cli_detach, "NAME [--archive FILE]",
     "detach a zone so it can be attached elsewhere"},
    {"attach", cli_attach, "NAME PATH | NAME --archive FILE", "attach a detached zone"},
    {"config-doc", cli_config_doc, "", "print docs/zone-config.md (generated from the key table)"},
    {"help", cli_help_verb, "[config | man | conf-man | completion]",
     "this help, the configuration key reference, lxzone(8), lxzone.conf(5) or bash completion"},
};

const struct cli_verb *cli_verbs(size_t *n)
{
	*n = sizeof(verbs) / sizeof(verbs[0]);
	return verbs;
}

const struct cli_verb *cli_verb_find(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

void cli_help(FILE *out)
{
	fprintf(out, "usage: lxzone VERB [ARGS]\n\nVerbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %-10s %-58s\n  %-10s   %s\n", verbs[i].name, verbs[i].usage, "",
			verbs[i].summary);
	fprintf(out,
		"\nEvery verb that changes a zone prints one line when done (-q: none), and\n"
		"progress on stderr for steps over a second; --json prints state as JSON\n"
		"instead (the zone's info after a verb that changes it). Errors: one line\n"
		"on stderr, \"lxzone: VERB NAME: what, and what to do\". Exit status: 0 done,\n"
		"1 failed, 2 usage; exec and run: the command's (126 cannot execute, 127\n"
		"not found, 128+N killed by signal N).\n");
	fprintf(out,
		"\nEnvironment: LXZONE_ROOT (zone store, default /var/lib/lxzone),\n"
		"LXZONE_LOCK_TIMEOUT (seconds to wait for a busy zone, default 5),\n"
		"LXZONE_BUILTIN_IMAGES (where builtin:NAME images are),\n"
		"LXZONE_IMAGE_CACHE (debian:SUITE images, default /var/cache/lxzone/images).\n\n");
	zone_config_help(out);
}

static int cli_help_verb(struct cli *c, int argc, char **argv, struct zone_error *err)
{
	if (argc > 2)
		return cli_usage_error(c, err);
	if (argc < 2)
		cli_help(stdout);
	else if (strcmp(argv[1], "config") == 0)
		zone_config_help(stdout);
	else if (strcmp(argv[1], "man") == 0)
		cli_doc_man(stdout);
	else if (strcmp(argv[1], "conf-man") == 0)
		zone_config_doc_man(stdout);
	else if (strcmp(argv[1], "completion") == 0)
		cli_doc_completion(stdout);
	else
		return cli_usage_error(c, err);
	return 0;
}

int cli_common_flags(struct cli *c, int argc, char **argv)
{
	int o = 0;
	bool dashdash = false;

	for (int i = 0; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = true;
		if (!dashdash && strcmp(argv[i], "--json") == 0) {
			c->json = true;
			continue;
		}
		if (!dashdash && (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)) {
			c->quiet = true;
			continue;
		}
		argv[o++] = argv[i];
	}
	argv[o] = NULL;
	return o;
}

static bool json_printed;

void cli_print_json(json_t *obj)
{
	json_printed = true;
	size_t flags = JSON_PRESERVE_ORDER | (isatty(1) ? JSON_INDENT(2) : JSON_COMPACT);
	json_dumpf(obj, stdout, flags);
	fputc('\n', stdout);
	json_decref(obj);
}

void cli_done(struct cli *c, const char *name, const char *what, const char *detail_fmt, ...)
{
	va_list ap;

	snprintf(c->done, sizeof(c->done), "%s: %s", name, what);
	snprintf(c->done_name, sizeof(c->done_name), "%s", name);
	c->done_detail[0] = '\0';
	if (detail_fmt) {
		va_start(ap, detail_fmt);
		vsnprintf(c->done_detail, sizeof(c->done_detail), detail_fmt, ap);
		va_end(ap);
	}
}

/* The success line: the verb's text with the time it took (ms below 10 s). */
static void print_done(const struct cli *c, const struct timespec *t0)
{
	struct timespec t1;
	double ms;

	if (!c->done[0] || c->quiet || c->json)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
	if (ms < 10000)
		printf("%s in %.0f ms", c->done, ms);
	else
		printf("%s in %.1f s", c->done, ms / 1e3);
	printf("%s%s\n", c->done_detail[0] ? " " : "", c->done_detail);
}

/* --json on a verb that changed a zone and printed nothing: the zone's info as it is now
 * ({"name", "state": "destroyed"} when it is gone). */
static void print_done_json(struct cli *c)
{
	cleanup_zone struct zone *z = NULL;
	struct zone_error e;

	if (!c->json || json_printed || !c->done_name[0])
		return;
	if (zone_open(&c->store, c->done_name, ZONE_OPEN_BROKEN, &z, &e) < 0)
		cli_print_json(json_pack("{s:s, s:s}", "name", c->done_name, "state", "destroyed"));
	else
		cli_print_json(zone_info_json(z));
}

/* The zone a verb's error names: its first argument, for the verbs that take a zone first. */
static const char *error_zone(const struct cli_verb *v, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-' || strlen(argv[1]) > 64)
		return NULL;
	if (strncmp(v->usage, "NAME", 4) != 0 && strncmp(v->usage, "SRC", 3) != 0)
		return NULL;
	return argv[1];
}

/*
 * The one error line: "lxzone: VERB NAME: MESSAGE".  The context the library put first that
 * the line already says ("create zone web: ", "zone web: ") goes.
 */
void cli_error_line(FILE *out, const char *verb, const char *name, const char *msg)
{
	char pre[200];
	size_t n;

	if (name != NULL) {
		n = (size_t)snprintf(pre, sizeof(pre), "%s zone %s: ", verb, name);
		if (n < sizeof(pre) && strncmp(msg, pre, n) == 0)
			msg += n;
		n = (size_t)snprintf(pre, sizeof(pre), "zone %s: ", name);
		if (n < sizeof(pre) && strncmp(msg, pre, n) == 0)
			msg += n;
	}
	fprintf(out, "lxzone: %s%s%s: %s\n", verb, name ? " " : "", name ? name : "", msg);
}

int cli_bad_args(struct cli *c, struct zone_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = 0;
	c->usage = true;
	return -1;
}

int cli_usage_error(struct cli *c, struct zone_error *err)
{
	const struct cli_verb *v = cli_verb_find(c->verb);
	return zone_error_set(err, 0, "usage: lxzone %s %s", c->verb, v ? v->usage : "");
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	struct zone_error err = {0};
	const struct cli_verb *v;
	struct timespec t0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	v = cli_verb_find(argv[1]);
	if (v == NULL) {
		fprintf(stderr, "lxzone: unknown verb '%s' (try lxzone --help)\n", argv[1]);
		return 2;
	}
	c.verb = v->name;
	/* jansson seeds its hash function from /dev/urandom (open, read, close) on first use;
	 * one getrandom gives it the same randomness for less, and every command reads JSON */
	uint32_t seed = 0;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed)
		json_object_seed(seed);
	char **av = argv + 1;
	int ac = cli_common_flags(&c, argc - 1, av);
	/* the launcher's messages (exec, login, run, boot) name the verb and the zone, as ours */
	static char prog[128];
	const char *zname = error_zone(v, ac, av);
	snprintf(prog, sizeof(prog), "lxzone: %s%s%s", v->name, zname ? " " : "",
		 zname ? zname : "");
	launch_prog = prog;
	/* before any namespace is made or joined (launch.h, launch_undumpable) */
	if (launch_undumpable() < 0) {
		cli_error_line(stderr, v->name, NULL, "make the process not dumpable");
		return 1;
	}
	for (int i = 1; i < ac && strcmp(av[i], "--") != 0; i++) {
		if (strcmp(av[i], "--help") == 0 || strcmp(av[i], "-h") == 0) {
			printf("usage: lxzone %s %s\n  %s\n", v->name, v->usage, v->summary);
			if (strcmp(v->name, "create") == 0 || strcmp(v->name, "configure") == 0)
				zone_config_help(stdout);
			return 0;
		}
	}
	if (strcmp(v->name, "help") != 0 && strcmp(v->name, "config-doc") != 0 &&
	    zone_store_init(&c.store, &err) < 0) {
		cli_error_line(stderr, v->name, NULL, err.msg);
		return 1;
	}
	zone_progress_quiet = c.quiet;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (v->run(&c, ac, av, &err) < 0) {
		cli_error_line(stderr, v->name, error_zone(v, ac, av), err.msg);
		if (c.usage || strncmp(err.msg, "usage:", 6) == 0)
			return 2;
		return c.exit_code > 0 ? c.exit_code : 1;
	}
	print_done(&c, &t0);
	print_done_json(&c);
	return c.exit_code;
}
