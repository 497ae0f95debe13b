/*
 * The filter cache (filter/filter.c): a zone's filter written at boot is read back by
 * exec only if it is exactly what lx_filter_build would return; stale, corrupted, forged or
 * loosely-owned files are refused (the caller then builds the filter).
 */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "filter/filter.h"

#define NAME "filter.bpf"

struct fixture {
	char dir[64];
	int dirfd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-filter-cache.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->dirfd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlinkat(f->dirfd, NAME, 0);
	unlinkat(f->dirfd, "elsewhere", 0);
	close(f->dirfd);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void build(const struct lx_filter_opts *o, struct sock_fprog *p)
{
	struct zone_error err = {0};

	assert_int_equal(lx_filter_build(o, p, &err), 0);
}

static void test_round_trip_all_profiles(void **state)
{
	struct fixture *f = *state;
	struct zone_error err = {0};

	for (int hardened = 0; hardened < 2; hardened++)
		for (int lxproc = 0; lxproc < 2; lxproc++) {
			struct lx_filter_opts o = {.hardened = hardened, .lxproc = lxproc};
			struct sock_fprog p, q;

			build(&o, &p);
			assert_int_equal(lx_filter_verify(&o, &p, &err), 0);
			assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &o, &p, &err), 0);
			assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), 0);
			assert_int_equal(q.len, p.len);
			assert_memory_equal(q.filter, p.filter, p.len * sizeof(*p.filter));
			free(p.filter);
			free(q.filter);
		}
}

static void test_other_profile_is_stale(void **state)
{
	struct fixture *f = *state;
	struct lx_filter_opts def = {.lxproc = 1}, hard = {.hardened = 1, .lxproc = 1};
	struct sock_fprog p, q;
	struct zone_error err = {0};

	assert_true(lx_filter_key(&def) != lx_filter_key(&hard));
	build(&def, &p);
	assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &def, &p, &err), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &hard, &q, &err), -1);
	assert_non_null(strstr(err.msg, "stale"));
	assert_null(q.filter);
	free(p.filter);
}

static void test_corrupted_file_refused(void **state)
{
	struct fixture *f = *state;
	struct lx_filter_opts o = {.lxproc = 1};
	struct sock_fprog p, q;
	struct zone_error err = {0};
	char byte;
	int fd;

	build(&o, &p);
	assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &o, &p, &err), 0);
	fd = openat(f->dirfd, NAME, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, 100), 1);
	byte ^= 1;
	assert_int_equal(pwrite(fd, &byte, 1, 100), 1);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	assert_non_null(strstr(err.msg, "checksum"));
	/* cut short */
	assert_int_equal(ftruncate(fd, 64), 0);
	close(fd);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	free(p.filter);
}

/* A forger who writes a well-formed file with the right key and checksum but another policy. */
static void test_forged_policy_refused(void **state)
{
	struct fixture *f = *state;
	struct lx_filter_opts o = {.lxproc = 1};
	struct sock_fprog p, q;
	struct zone_error err = {0};
	size_t i;

	build(&o, &p);
	for (i = 0; i < p.len; i++) /* the first ERRNO (a refusal) becomes ALLOW */
		if (p.filter[i].code == (BPF_RET | BPF_K) &&
		    (p.filter[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO) {
			p.filter[i].k = SECCOMP_RET_ALLOW;
			break;
		}
	assert_true(i < p.len);
	assert_int_equal(lx_filter_verify(&o, &p, &err), -1);
	assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &o, &p, &err), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	assert_non_null(strstr(err.msg, "the table says"));
	free(p.filter);
}

static void test_loose_mode_and_symlink_refused(void **state)
{
	struct fixture *f = *state;
	struct lx_filter_opts o = {.lxproc = 1};
	struct sock_fprog p, q;
	struct zone_error err = {0};

	build(&o, &p);
	assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &o, &p, &err), 0);
	assert_int_equal(fchmodat(f->dirfd, NAME, 0644, 0), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	assert_non_null(strstr(err.msg, "private"));
	assert_int_equal(renameat(f->dirfd, NAME, f->dirfd, "elsewhere"), 0);
	assert_int_equal(fchmodat(f->dirfd, "elsewhere", 0600, 0), 0);
	assert_int_equal(symlinkat("elsewhere", f->dirfd, NAME), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	/* absent: refused, the caller builds */
	unlinkat(f->dirfd, NAME, 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	free(p.filter);
}

static void test_loose_directory_refused(void **state)
{
	struct fixture *f = *state;
	struct lx_filter_opts o = {.lxproc = 1};
	struct sock_fprog p, q;
	struct zone_error err = {0};

	build(&o, &p);
	assert_int_equal(lx_filter_cache_write(f->dirfd, NAME, &o, &p, &err), 0);
	/* group- or world-writable: anyone could have swapped the file; 0755 is fine */
	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	assert_non_null(strstr(err.msg, "directory"));
	assert_int_equal(chmod(f->dir, 0757), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), -1);
	assert_int_equal(chmod(f->dir, 0755), 0);
	assert_int_equal(lx_filter_cache_read(f->dirfd, NAME, &o, &q, &err), 0);
	free(q.filter);
	free(p.filter);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip_all_profiles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_profile_is_stale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_corrupted_file_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_policy_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loose_mode_and_symlink_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_loose_directory_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
