/*
 * libFuzzer target: lxzone-oci's config.json (cli/oci_config.c and what create builds on it).
 *
 * Feeds: the input, byte for byte, as the config.json of a bundle whose rootfs exists (a
 * private temporary directory), through oci_config_load_file as `lxzone-oci create` loads it.
 *
 * Then, when the config loads, everything create does with it that touches nothing: the
 * seccomp profile compiled (oci_seccomp_build, never loaded); the hooks of every kind walked;
 * the launch options filled as opts_build (cli/oci_create.c) fills them, but with stand-in
 * numbers for the namespace files it would open and a user namespace that is only its maps;
 * the time namespace's options; the launch plan built, extended with the config's mounts,
 * devices, masks and sysctls (oci_plan_extend) and printed; the process object checked and
 * parsed again on its own, as `exec --process` takes it.  It never mounts, clones, writes a
 * cgroup or loads a filter, so it runs unprivileged and anywhere.
 *
 * Checks: what ASan and UBSan see (out-of-bounds, use-after-free, leaks, overflow, shifts).
 * The refusals themselves are pinned by tests/unit/test_oci_config.c; a bug this target
 * finds gets its case there.
 *
 * FUZZ_VERBOSE=1 prints each input's fate and its plan on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/oci.h"
#include "cli/oci_container.h"

static char bundle[64], rootfs[80], cfgpath[80];
static FILE *plan_out;
static int verbose;
static struct container k; /* large: not on the stack */

static void bundle_remove(void)
{
	unlink(cfgpath);
	rmdir(rootfs);
	rmdir(bundle);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct zone_error e;

	(void)argc;
	(void)argv;
	snprintf(bundle, sizeof(bundle), "%s/lxzone-fuzz-config.XXXXXX",
		 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(bundle) == NULL) {
		perror("fuzz_oci_config: mkdtemp");
		exit(2);
	}
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", bundle);
	if (mkdir(rootfs, 0755) < 0) {
		perror("fuzz_oci_config: mkdir rootfs");
		exit(2);
	}
	atexit(bundle_remove);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	oci_log_open("/dev/null", &e);
	plan_out = verbose ? stderr : fopen("/dev/null", "w");
	return 0;
}

static int hook_visit(void *arg, const char *path, char *const *argv, char *const *envp,
		      struct zone_error *e)
{
	size_t *n = arg;

	(void)e;
	*n += strlen(path);
	for (; *argv; argv++)
		*n += strlen(*argv);
	for (; *envp; envp++)
		*n += strlen(*envp);
	return 0;
}

/* opts_build (cli/oci_create.c) without its opens and without making the user namespace:
 * the same oci_opts_from_config and oci_opts_binds, stand-ins for the descriptors. */
static void opts_fill(struct container *k)
{
	struct oci_config *c = &k->cfg;
	struct launch_opts *o = &k->opts;

	oci_opts_from_config(k);
	o->brand_image = "/nonexistent/lxzone-brand";
	o->init_image = "/nonexistent/lxzone-init";
	/* stand-ins for the namespace files opts_build opens: only their being set matters */
	if (c->mnt_path)
		o->mnt_fd = 1000;
	if (c->cgroupns_path)
		o->cgroupns_fd = 1001;
	if (c->pid_path)
		o->pidns_fd = 1002;
	if (c->netns_path) {
		o->net = LAUNCH_NET_FD;
		o->net_fd = 1003;
	}
	oci_opts_binds(k, o);
	launch_userns_init(&k->userns);
	if (c->userns) {
		/* the maps launch_userns_create_maps would write, without the namespace */
		k->userns.base = c->root_uid;
		k->userns.gid_base = c->root_gid;
		k->userns.uid_map = c->uid_map ? c->uid_map : "0 100000 65536\n";
		k->userns.gid_map = c->gid_map ? c->gid_map : "0 100000 65536\n";
		k->userns.joined = c->userns_path != NULL;
		if (c->uid_map)
			(void)launch_userns_maps_equal(c->uid_map, k->userns.uid_map);
		o->userns = &k->userns;
		o->root_mapped = 1;
	}
}

static void config_use(struct container *k, struct zone_error *e)
{
	json_t *proc = json_object_get(k->cfg.json, "process");
	struct oci_config pc;
	size_t n = 0;

	if (oci_seccomp_build(json_object_get(json_object_get(k->cfg.json, "linux"), "seccomp"),
			      &k->seccomp, e) == 0)
		oci_seccomp_free(k->seccomp);
	k->seccomp = NULL;
	for (size_t i = 0; i < OCI_HOOK_KINDS; i++)
		oci_hooks_each(&k->cfg, oci_hook_kinds[i], hook_visit, &n, e);
	opts_fill(k);
	if (k->cfg.timens && k->cfg.timens_path) {
		k->opts.timens = LAUNCH_TIMENS_JOIN;
		k->opts.timens_fd = 1004;
	} else {
		oci_timens_opts(k, e);
	}
	if (launch_plan_build(&k->opts, &k->plan, e) == 0 && oci_plan_extend(k, e) == 0)
		launch_plan_print(&k->plan, plan_out);
	else if (verbose)
		fprintf(stderr, "plan: %s\n", e->msg);
	/* exec --process: the same process object on its own */
	memset(&pc, 0, sizeof(pc));
	if (proc && oci_schema_check(proc, "process", "process.json: ", e) == 0)
		oci_process_parse(proc, &pc, e);
	free(pc.args);
	free(pc.env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone_error e = {0};
	FILE *f = fopen(cfgpath, "w");

	if (f == NULL || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		abort();
	memset(&k, 0, sizeof(k));
	if (oci_config_load_file(cfgpath, bundle, &k.cfg, &e) == 0)
		config_use(&k, &e);
	if (verbose)
		fprintf(stderr, "last error: %s\n", e.msg[0] ? e.msg : "(none)");
	oci_config_free(&k.cfg);
	return 0;
}
