/*
 * inotify_poll: inotify natively and under the hardened profile (emulated by polling, 100 ms
 * latency: syscalls/lx_inotify.c); both runs print the same lines (inotify_poll.sh).  Errors in
 * the kernel's order, then the events the emulation can see: creation, deletion and
 * modification in a watched directory, modification and deletion of a watched file, the
 * IN_IGNORED of rm_watch, poll readiness, a watched file unlinked (IN_ATTRIB for the link
 * count first), a watched directory's own IN_ATTRIB (IN_ISDIR), and one change seen by a
 * parent's and the changed inode's watches (the parent's event first, as Linux queues them).  Each
 * step waits for its event with a blocking read, so the latency does not change the output.
 * `it_inotify_poll unmount FILE`: watch FILE, say "ready", and print the two events its file
 * system's unmount gives (IN_UNMOUNT, IN_IGNORED); inotify_poll.sh unmounts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *en(long r)
{
	if (r >= 0)
		return "OK";
	switch (errno) {
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case EBADF:
		return "EBADF";
	case ENOENT:
		return "ENOENT";
	case ENOTDIR:
		return "ENOTDIR";
	case EEXIST:
		return "EEXIST";
	default:
		return strerror(errno);
	}
}

static void say(const char *what, long r)
{
	printf("%-44s %s\n", what, en(r));
}

/* one event, blocking: "wd-relative mask name" */
static void next(int fd, int wd0, const char *what)
{
	static char buf[4096];
	static ssize_t have, off;
	struct inotify_event *e;

	if (off >= have) {
		have = read(fd, buf, sizeof(buf));
		off = 0;
		if (have <= 0) {
			printf("%-44s read: %s\n", what, en(have));
			return;
		}
	}
	e = (struct inotify_event *)(buf + off);
	off += (ssize_t)sizeof(*e) + e->len;
	printf("%-44s wd+%d %#x %s\n", what, e->wd - wd0, e->mask, e->len ? e->name : "-");
}

static void touch(const char *p, const char *data)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || write(fd, data, strlen(data)) < 0)
		exit(2);
	close(fd);
}

static int unmount_case(const char *file)
{
	int fd = inotify_init1(0), wd = fd < 0 ? -1 : inotify_add_watch(fd, file, IN_MODIFY);

	if (wd < 0)
		return 2;
	printf("ready\n");
	fflush(stdout);
	next(fd, wd, "unmount: first event");
	next(fd, wd, "unmount: second event");
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/inotify_poll.XXXXXX", path[256], file[256];
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd, p[2];

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && strcmp(argv[1], "unmount") == 0)
		return unmount_case(argv[2]);
	if (!mkdtemp(dir) || pipe(p) < 0)
		return 2;
	snprintf(file, sizeof(file), "%s/watched", dir);
	touch(file, "x");
	say("inotify_init1(bad flag)", syscall(SYS_inotify_init1, 1));
	fd = (int)syscall(SYS_inotify_init1, IN_CLOEXEC);
	say("inotify_init1(IN_CLOEXEC)", fd);
	printf("%-44s %s\n", "  close-on-exec", fcntl(fd, F_GETFD) & FD_CLOEXEC ? "yes" : "no");
	say("add_watch MASK_ADD|MASK_CREATE, bad fd",
	    inotify_add_watch(-1, dir, IN_CREATE | IN_MASK_ADD | IN_MASK_CREATE));
	say("add_watch mask 0", inotify_add_watch(fd, dir, 0));
	say("add_watch bad fd, bad path", syscall(SYS_inotify_add_watch, -1, bad, IN_CREATE));
	say("add_watch not inotify, bad path",
	    syscall(SYS_inotify_add_watch, p[0], bad, IN_CREATE));
	say("add_watch bad path", syscall(SYS_inotify_add_watch, fd, bad, IN_CREATE));
	say("add_watch missing path", inotify_add_watch(fd, "/nonexistent/x", IN_CREATE));
	say("add_watch ONLYDIR on a file", inotify_add_watch(fd, file, IN_MODIFY | IN_ONLYDIR));
	int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE | IN_MODIFY);
	say("add_watch directory", wd);
	printf("%-44s %s\n", "  same inode again: same wd",
	       inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE | IN_MODIFY) == wd ? "yes" : "no");
	say("add_watch MASK_CREATE on a watched inode",
	    inotify_add_watch(fd, dir, IN_CREATE | IN_MASK_CREATE));
	int fw = inotify_add_watch(fd, file, IN_MODIFY | IN_DELETE_SELF);
	printf("%-44s wd+%d\n", "add_watch file", fw - wd);
	say("rm_watch bad wd", inotify_rm_watch(fd, 12345));
	say("rm_watch bad fd", inotify_rm_watch(-1, wd));
	say("rm_watch not inotify", inotify_rm_watch(p[0], wd));

	struct pollfd pf = {fd, POLLIN, 0};
	printf("%-44s %d\n", "poll: nothing yet", poll(&pf, 1, 0));
	snprintf(path, sizeof(path), "%s/new", dir);
	touch(path, "");
	printf("%-44s %d\n", "poll: after a create (wait 2 s)", poll(&pf, 1, 2000));
	next(fd, wd, "create in the directory");
	unlink(path);
	next(fd, wd, "delete in the directory");
	usleep(150000);
	touch(file, "more");
	next(fd, wd, "append to the watched file (dir event)");
	next(fd, wd, "append to the watched file (file event)");
	inotify_rm_watch(fd, wd);
	next(fd, wd, "rm_watch of the directory");
	unlink(file);
	next(fd, wd, "watched file deleted");
	next(fd, wd, "watched file's watch ends");
	/* IN_ONESHOT: one event, then IN_IGNORED */
	int os = inotify_add_watch(fd, dir, IN_CREATE | IN_ONESHOT);
	snprintf(path, sizeof(path), "%s/one", dir);
	touch(path, "");
	next(fd, os, "ONESHOT: the event");
	next(fd, os, "ONESHOT: the watch ends");
	unlink(path);
	/* unlink of a watched file: the link count, then the inode */
	snprintf(path, sizeof(path), "%s/linked", dir);
	touch(path, "");
	int lw = inotify_add_watch(fd, path, IN_ATTRIB | IN_DELETE_SELF);
	unlink(path);
	next(fd, lw, "unlinked file: link count");
	next(fd, lw, "unlinked file: gone");
	next(fd, lw, "unlinked file: the watch ends");
	/* the same, read as LTP's inotify04 reads: one read after the unlink finds all three
	 * records (Linux queues them before unlink returns; the emulation writes a look's
	 * records in one write: before, a reader woken by the first of three writes read one,
	 * 3 runs of inotify04 in 160 under load) */
	for (int round = 0; round < 3; round++) {
		static char one[4096];
		ssize_t got;
		int k = 0;

		snprintf(path, sizeof(path), "%s/linked%d", dir, round);
		touch(path, "");
		int uw = inotify_add_watch(fd, path, IN_ATTRIB | IN_DELETE_SELF);
		unlink(path);
		got = read(fd, one, sizeof(one));
		for (ssize_t at = 0; at < got; k++)
			at += (ssize_t)sizeof(struct inotify_event) +
			      ((struct inotify_event *)(one + at))->len;
		printf("%-44s %d records, last wd+%d %#x\n", "unlinked file, one read", k,
		       got > 0 ? ((struct inotify_event *)(one + got - sizeof(struct inotify_event)))->wd - uw
			       : -1,
		       got > 0 ? ((struct inotify_event *)(one + got - sizeof(struct inotify_event)))->mask
			       : 0);
	}
	/* one chmod seen by the parent's and the directory's own watches */
	snprintf(path, sizeof(path), "%s/sub", dir);
	if (mkdir(path, 0700) < 0)
		return 2;
	int pw = inotify_add_watch(fd, dir, IN_ATTRIB);
	int sw = inotify_add_watch(fd, path, IN_ATTRIB);
	printf("%-44s wd+%d\n", "add_watch subdirectory", sw - pw);
	chmod(path, 0755);
	next(fd, pw, "chmod of a subdirectory: the parent's");
	next(fd, pw, "chmod of a subdirectory: its own");
	inotify_rm_watch(fd, sw);
	next(fd, pw, "rm_watch of the subdirectory");
	rmdir(path);
	rmdir(dir);
	return 0;
}
