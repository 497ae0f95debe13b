/*
 * Kernel-version personality probe (kernel_version.sh): each line is "<call> <first Linux
 * with it> <result>", the result "ok" or an errno name, from raw system calls whose arguments
 * make a present call answer anything but ENOSYS; then glibc's own uses of the newer calls,
 * which must work under any claimed kernel because glibc falls back on ENOSYS (pthread_create
 * and posix_spawn: clone3 -> clone; closefrom: close_range -> /proc/self/fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report(const char *name, const char *since, long r)
{
	printf("%s %s %s\n", name, since, r >= 0 ? "ok" : strerrorname_np(errno));
}

static void *thread(void *arg)
{
	return arg;
}

int main(void)
{
	struct utsname u;
	char buf[256];
	long r;

	uname(&u);
	printf("uname %s\n", u.release);
	/* raw calls, oldest first */
	report("renameat2", "3.15",
	       syscall(SYS_renameat2, AT_FDCWD, "/nonexistent-kver-a", AT_FDCWD,
		       "/nonexistent-kver-b", 0));
	report("getrandom", "3.17", syscall(SYS_getrandom, buf, 8, 0));
	r = syscall(SYS_memfd_create, "kver", 0);
	report("memfd_create", "3.17", r);
	if (r >= 0)
		close((int)r);
	report("copy_file_range", "4.5", syscall(SYS_copy_file_range, -1, NULL, -1, NULL, 1, 0));
	report("statx", "4.11", syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, buf));
	report("clone3", "5.3", syscall(SYS_clone3, NULL, 0));
	r = syscall(SYS_pidfd_open, getpid(), 0);
	report("pidfd_open", "5.3", r);
	if (r >= 0)
		close((int)r);
	report("openat2", "5.6", syscall(SYS_openat2, AT_FDCWD, "/", NULL, 0));
	report("faccessat2", "5.8", syscall(SYS_faccessat2, AT_FDCWD, "/", F_OK, 0));
	report("close_range", "5.9", syscall(SYS_close_range, ~0U, ~0U, 0));
	report("epoll_pwait2", "5.11", syscall(SYS_epoll_pwait2, -1, NULL, 0, NULL, NULL, 0));
	report("futex_waitv", "5.16", syscall(449, NULL, 0, 0, NULL, 0));
	report("cachestat", "6.5", syscall(451, -1, NULL, NULL, 0));
	report("fchmodat2", "6.6", syscall(452, AT_FDCWD, "/nonexistent-kver", 0, 0));

	/* glibc's fallbacks */
	pthread_t t;
	void *ret = NULL;
	int ok = pthread_create(&t, NULL, thread, (void *)42) == 0 && pthread_join(t, &ret) == 0 &&
		 ret == (void *)42;
	printf("pthread_create %s\n", ok ? "ok" : "FAILED");

	pid_t pid;
	char *argv[] = {"true", NULL};
	int st = -1;
	ok = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0 &&
	     waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	printf("posix_spawn %s\n", ok ? "ok" : "FAILED");

	pid = fork();
	if (pid == 0)
		_exit(7);
	ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7;
	printf("fork %s\n", ok ? "ok" : "FAILED");

	if (dup2(1, 40) != 40)
		return 2;
	closefrom(20);
	ok = fcntl(40, F_GETFD) == -1 && errno == EBADF && fcntl(1, F_GETFD) != -1;
	printf("closefrom %s\n", ok ? "ok" : "FAILED");
	fflush(stdout);
	return 0;
}
