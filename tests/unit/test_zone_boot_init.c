/* The zone's init by its protocol (zone/boot_init.c): kinds read from an image's /sbin/init,
 * and systemd's READY=1 taken only from init's pid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone/boot_init.h"
#include "zone/fsutil.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_zone_boot_init.%d", (int)getpid());
	assert_int_equal(mkdir(dir, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	struct zone_error err;

	(void)state;
	zone_rmtree(dir, &err);
	return 0;
}

static void put(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	chmod(p, 0755);
}

static void mk(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	mkdir(p, 0755);
}

static void link_init(const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/sbin/init", dir);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static void test_kinds(void **state)
{
	(void)state;
	mk("sbin");
	mk("lib");
	mk("lib/systemd");
	mk("bin");
	put("lib/systemd/systemd", "\177ELF systemd");
	put("bin/busybox", "\177ELF busybox");
	put("bin/sysvinit", "\177ELF ... /run/initctl ...");
	put("bin/tini", "\177ELF tini");
	/* absolute links resolve inside the root, not on the host */
	link_init("/lib/systemd/systemd");
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/init"), ZONE_INIT_SYSTEMD);
	link_init("../bin/busybox");
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/init"), ZONE_INIT_BUSYBOX);
	link_init("/bin/sysvinit");
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/init"), ZONE_INIT_SYSVINIT);
	link_init("/bin/tini");
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/init"), ZONE_INIT_OTHER);
	/* a link out of the root stays in it: /../../bin/... is the root's /bin */
	link_init("/../../../bin/busybox");
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/init"), ZONE_INIT_BUSYBOX);
	assert_int_equal(zone_init_kind_detect(dir, "/sbin/missing"), ZONE_INIT_OTHER);
	assert_true(zone_init_notifies(ZONE_INIT_SYSTEMD));
	assert_false(zone_init_notifies(ZONE_INIT_BUSYBOX));
	assert_true(zone_init_polled(ZONE_INIT_SYSVINIT));
	assert_string_equal(zone_init_kind_name(ZONE_INIT_SYSVINIT), "sysvinit");
	assert_int_equal(zone_init_kind_from_name("busybox"), ZONE_INIT_BUSYBOX);
	assert_int_equal(zone_init_kind_from_name("upstart"), -1);
}

/* send msg to the socket at path from a child process; returns the child's pid */
static pid_t send_from_child(const char *path, const char *msg)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		_exit(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&a, sizeof(a)) < 0);
	}
	waitpid(p, NULL, 0);
	return p;
}

static void test_notify(void **state)
{
	char path[512];
	sigset_t io;
	int fd;
	pid_t a, b;

	(void)state;
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	sigprocmask(SIG_BLOCK, &io, NULL); /* the socket raises SIGIO at us */
	fd = zone_init_notify_open(dir);
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "%s/%s", dir, ZONE_NOTIFY_FILE);
	/* READY=1 from some other process of the zone counts for nothing */
	a = send_from_child(path, "STATUS=booting\nREADY=1\n");
	b = send_from_child(path, "STATUS=almost");
	assert_false(zone_init_notify_ready(fd, b));
	/* both datagrams were read: nothing left for a */
	assert_false(zone_init_notify_ready(fd, a));
	a = send_from_child(path, "STATUS=up\nREADY=1");
	assert_true(zone_init_notify_ready(fd, a));
	a = send_from_child(path, "READY=10\nNOTREADY=1");
	assert_false(zone_init_notify_ready(fd, a));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notify, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
