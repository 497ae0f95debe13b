/*
 * The launcher's exec side (zone/launch/launch_exec.c, launch_report.c): the brand and init
 * image paths, the LXZONE_BRAND value, PATH resolution, probing (shell exit statuses, "#!"
 * argv rewriting) and the unsupported-call summary.  Only temporary files are touched.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "zone/launch/launch.h"
#include "kernel-shim/brand_abi.h"

static void test_brand_path(void **state)
{
	struct launch_opts o = {0};
	struct zone_error e = {0};
	char buf[4096];

	(void)state;
	unsetenv("LXZONE_BRAND_IMAGE");
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	/* beside our own executable */
	assert_true(strlen(buf) > strlen("/lxzone-brand"));
	assert_string_equal(buf + strlen(buf) - strlen("/lxzone-brand"), "/lxzone-brand");
	setenv("LXZONE_BRAND_IMAGE", "/opt/brand", 1);
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/opt/brand");
	o.brand_image = "/explicit";
	assert_int_equal(launch_brand_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/explicit");
	unsetenv("LXZONE_BRAND_IMAGE");
}

static void test_init_image_path(void **state)
{
	struct launch_opts o = {0};
	struct zone_error e = {0};
	char buf[4096];

	(void)state;
	unsetenv("LXZONE_INIT_IMAGE");
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	/* beside our own executable, as the brand */
	assert_true(strlen(buf) > strlen("/lxzone-init"));
	assert_string_equal(buf + strlen(buf) - strlen("/lxzone-init"), "/lxzone-init");
	setenv("LXZONE_INIT_IMAGE", "/opt/init", 1);
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/opt/init");
	o.init_image = "/explicit";
	assert_int_equal(launch_init_image_path(&o, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, "/explicit");
	unsetenv("LXZONE_INIT_IMAGE");
}

static void test_brand_env_value(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(
	    launch_brand_env_value(LX_BF_STRICT | LX_BF_HARDENED, "5.15.0",
				   "/dev/.lxzone-unsupported", "/dev/.lxzone-page", "/bin/sh", buf,
				   sizeof(buf)),
	    (int)strlen("2\x1f"
			"5\x1f"
			"5.15.0\x1f/dev/.lxzone-unsupported\x1f/dev/.lxzone-page\x1f/bin/sh"));
	assert_string_equal(buf,
			    "2\x1f"
			    "5\x1f"
			    "5.15.0\x1f/dev/.lxzone-unsupported\x1f/dev/.lxzone-page\x1f/bin/sh");
	assert_int_equal(launch_brand_env_value(0, NULL, NULL, NULL, "/x", buf, sizeof(buf)), 9);
	assert_memory_equal(buf,
			    "2\x1f"
			    "0\x1f\x1f\x1f\x1f/x",
			    10);
	assert_int_equal(launch_brand_env_value(0, NULL, NULL, NULL, "/x", buf, 5), -1);
}

/* A scratch directory with files of each kind. */
static char dir[64];

static void put(const char *name, const void *data, size_t len, mode_t mode)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

/* A minimal ELF header with a PT_LOAD and, if interp, a PT_INTERP; class/machine adjustable. */
static size_t make_elf(unsigned char *b, int cls, int machine, const char *interp)
{
	size_t ilen = interp ? strlen(interp) + 1 : 0;
	uint16_t phnum = interp ? 2 : 1;
	uint32_t load = 1, type = 3;
	uint64_t v;

	memset(b, 0, 256);
	memcpy(b, "\177ELF", 4);
	b[4] = (unsigned char)cls;
	b[5] = 1; /* little endian */
	b[6] = 1;
	b[16] = 3; /* ET_DYN */
	b[18] = (unsigned char)machine;
	b[20] = 1;
	v = 64; /* e_phoff */
	memcpy(b + 32, &v, 8);
	b[52] = 64; /* e_ehsize */
	b[54] = 56; /* e_phentsize */
	memcpy(b + 56, &phnum, 2);
	memcpy(b + 64, &load, 4);
	if (interp) {
		uint64_t off = 176, sz = ilen;

		memcpy(b + 120, &type, 4);
		memcpy(b + 120 + 8, &off, 8);
		memcpy(b + 120 + 32, &sz, 8);
		memcpy(b + 176, interp, ilen);
		return 176 + ilen;
	}
	return 120;
}

static int setup_dir(void **state)
{
	unsigned char elf[256];
	size_t n;

	(void)state;
	strcpy(dir, "/tmp/test_launch.XXXXXX");
	assert_non_null(mkdtemp(dir));
	put("text", "hello\n", 6, 0755);
	put("noexec", "#!/bin/sh\n", 10, 0644);
	{
		char s[128];
		int l = snprintf(s, sizeof(s), "#!/bin/sh -e\necho\n");

		put("script", s, (size_t)l, 0755);
		l = snprintf(s, sizeof(s), "#!/no/such/interp\n");
		put("badinterp", s, (size_t)l, 0755);
		l = snprintf(s, sizeof(s), "#!%s/script x\n", dir);
		put("nested", s, (size_t)l, 0755);
	}
	n = make_elf(elf, 2, 62, "/no/such/ld-linux.so.2");
	put("nointerp", elf, n, 0755);
	n = make_elf(elf, 1, 3, NULL);
	put("i386", elf, n, 0755);
	n = make_elf(elf, 2, 183, NULL); /* aarch64 */
	put("arm64", elf, n, 0755);
	return 0;
}

static int teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_resolve(void **state)
{
	struct zone_error e = {0};
	char buf[4096], path[256];

	(void)state;
	snprintf(path, sizeof(path), "/nonexistent:%s:/bin", dir);
	assert_int_equal(launch_resolve("text", path, buf, sizeof(buf), &e), 0);
	assert_string_equal(buf + strlen(dir), "/text");
	/* not executable everywhere it exists: 126, as bash */
	assert_int_equal(launch_resolve("noexec", path, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 126);
	assert_int_equal(e.code, EACCES);
	assert_int_equal(launch_resolve("no-such-program", path, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "no-such-program: command not found"));
	assert_int_equal(launch_resolve("/no/such/file", NULL, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 127);
	assert_int_equal(launch_resolve(dir, NULL, buf, sizeof(buf), &e), -1);
	assert_int_equal(e.status, 126);
	assert_int_equal(e.code, EISDIR);
	/* default PATH when unset: /bin:/usr/bin */
	assert_int_equal(launch_resolve("sh", NULL, buf, sizeof(buf), &e), 0);
	assert_true(!strcmp(buf, "/bin/sh") || !strcmp(buf, "/usr/bin/sh"));
}

static void prepare(const char *prog, char **args, struct launch_exec *ex, int expect_ok,
		    struct zone_error *e)
{
	char *argv[8] = {(char *)prog};
	struct launch_opts o = {.argv = argv, .kernel_version = "5.15.0", .strict = 1};
	size_t i;

	for (i = 0; args && args[i]; i++)
		argv[i + 1] = args[i];
	memset(e, 0, sizeof(*e));
	assert_int_equal(launch_exec_prepare(&o, "/r", 0, ex, e), expect_ok ? 0 : -1);
}

static void test_prepare_errors(void **state)
{
	struct launch_exec ex;
	struct zone_error e;
	char p[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/text", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "not an ELF"));
	snprintf(p, sizeof(p), "%s/i386", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "wrong architecture (32-bit i386"));
	snprintf(p, sizeof(p), "%s/arm64", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 126);
	assert_non_null(strstr(e.msg, "wrong architecture"));
	snprintf(p, sizeof(p), "%s/nointerp", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "ELF interpreter /no/such/ld-linux.so.2"));
	snprintf(p, sizeof(p), "%s/badinterp", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
	assert_non_null(strstr(e.msg, "bad interpreter /no/such/interp"));
	snprintf(p, sizeof(p), "%s/missing", dir);
	prepare(p, NULL, &ex, 0, &e);
	assert_int_equal(e.status, 127);
}

static const char *env_brand(const struct launch_exec *ex)
{
	size_t i;

	for (i = 0; ex->envp[i]; i++)
		;
	/* appended last */
	assert_true(i > 0);
	assert_memory_equal(ex->envp[i - 1], "LXZONE_BRAND=", 13);
	return ex->envp[i - 1] + 13;
}

static void test_prepare_elf(void **state)
{
	char *args[] = {"a b", "", NULL};
	struct launch_exec ex;
	struct zone_error e;
	char want[4200];

	(void)state;
	setenv("PATH", "/bin:/usr/bin", 1);
	setenv("LXZONE_BRAND", "stale", 1);
	prepare("true", args, &ex, 1, &e);
	assert_true(!strcmp(ex.guest, "/bin/true") || !strcmp(ex.guest, "/usr/bin/true"));
	/* argv exactly as given: argv[0] is not replaced by the resolved path */
	assert_int_equal(ex.nargv, 3);
	assert_string_equal(ex.argv[0], "true");
	assert_string_equal(ex.argv[1], "a b");
	assert_string_equal(ex.argv[2], "");
	assert_null(ex.argv[3]);
	snprintf(want, sizeof(want),
		 "2\x1f%x\x1f"
		 "5.15.0\x1f/r\x1f\x1f%s",
		 LX_BF_STRICT | LX_BF_PATCH_LAZY, ex.guest); /* auto, default profile: lazy */
	assert_string_equal(env_brand(&ex), want);
	/* the stale variable is gone; the rest of the environment is kept */
	for (size_t i = 0; ex.envp[i + 1]; i++)
		assert_false(!strncmp(ex.envp[i], "LXZONE_BRAND=", 13));
	{
		int has_path = 0;

		for (size_t i = 0; ex.envp[i]; i++)
			has_path |= !strcmp(ex.envp[i], "PATH=/bin:/usr/bin");
		assert_true(has_path);
	}
	launch_exec_free(&ex);
	unsetenv("LXZONE_BRAND");
}

static void test_prepare_script(void **state)
{
	char *args[] = {"one", "two", NULL};
	struct launch_exec ex;
	struct zone_error e;
	char p[256], sp[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/script", dir);
	prepare(p, args, &ex, 1, &e);
	/* as the kernel: interp, its argument, the script path, then argv[1..] */
	assert_int_equal(ex.nargv, 5);
	assert_string_equal(ex.argv[0], "/bin/sh");
	assert_string_equal(ex.argv[1], "-e");
	assert_string_equal(ex.argv[2], p);
	assert_string_equal(ex.argv[3], "one");
	assert_string_equal(ex.argv[4], "two");
	assert_string_equal(ex.guest, "/bin/sh");
	assert_non_null(strstr(env_brand(&ex), "\x1f/bin/sh"));
	launch_exec_free(&ex);

	/* a script whose interpreter is a script: two levels of rewriting */
	snprintf(p, sizeof(p), "%s/nested", dir);
	snprintf(sp, sizeof(sp), "%s/script", dir);
	prepare(p, args, &ex, 1, &e);
	assert_int_equal(ex.nargv, 7);
	assert_string_equal(ex.argv[0], "/bin/sh");
	assert_string_equal(ex.argv[1], "-e");
	assert_string_equal(ex.argv[2], sp);
	assert_string_equal(ex.argv[3], "x");
	assert_string_equal(ex.argv[4], p);
	assert_string_equal(ex.argv[5], "one");
	assert_string_equal(ex.guest, "/bin/sh");
	launch_exec_free(&ex);
}

static void test_report_summary(void **state)
{
	const char text[] = "39\n165\n39\n1000\n39\n165\nbogus\n\n12";
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char name[64], reason[64];
	unsigned long n;

	(void)state;
	assert_int_equal(launch_report_summarize(text, sizeof(text) - 1, f), 3);
	fclose(f);
	/* most frequent first; the unterminated last line is ignored */
	assert_int_equal(sscanf(out, "%63s %lu %63s", name, &n, reason), 3);
	assert_string_equal(name, "getpid");
	assert_int_equal(n, 3);
	assert_non_null(strstr(out, "\nmount "));
	assert_non_null(strstr(out, "syscall_1000"));
	assert_null(strstr(out, "brk"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_brand_path),	    cmocka_unit_test(test_init_image_path),
	    cmocka_unit_test(test_brand_env_value), cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_prepare_errors),  cmocka_unit_test(test_prepare_elf),
	    cmocka_unit_test(test_prepare_script),  cmocka_unit_test(test_report_summary),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
