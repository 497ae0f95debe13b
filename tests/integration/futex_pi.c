/*
 * futex_pi: futex's PI and requeue commands, natively and under the hardened profile (the brand
 * emulates them on WAIT/WAKE, syscalls/lx_futex.c); both runs print the same lines
 * (tests/integration/futex_pi.sh).  Errors in the kernel's order, then glibc's PI mutexes:
 * contended, trylock, timed, robust with a dead owner, and a requeue.
 */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13
#endif

static void *bad;

static const char *en(long r)
{
	if (r >= 0)
		return "OK";
	switch (errno) {
	case EFAULT:
		return "EFAULT";
	case EINVAL:
		return "EINVAL";
	case EPERM:
		return "EPERM";
	case EDEADLK:
		return "EDEADLK";
	case EAGAIN:
		return "EAGAIN";
	case ENOSYS:
		return "ENOSYS";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case ESRCH:
		return "ESRCH";
	default:
		return strerror(errno);
	}
}

static long fx(void *u, int op, long val, const void *ts, void *u2, long v3)
{
	return syscall(SYS_futex, u, op, val, ts, u2, v3);
}

static void say(const char *what, long r)
{
	printf("%-46s %s\n", what, en(r));
}

static void errors(void)
{
	static uint32_t w[4] __attribute__((aligned(8)));
	uint32_t tid = (uint32_t)syscall(SYS_gettid);
	struct timespec past = {1, 0}, badns = {0, 2000000000L};
	char *un = (char *)w + 1;

	say("LOCK_PI bad pointer", fx(bad, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	say("LOCK_PI unaligned", fx(un, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	say("LOCK_PI bad timeout pointer", fx(w, FUTEX_LOCK_PI, 0, bad, NULL, 0));
	say("LOCK_PI timeout nsec 2e9", fx(w, FUTEX_LOCK_PI, 0, &badns, NULL, 0));
	say("LOCK_PI|CLOCK_REALTIME",
	    fx(w, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0));
	say("LOCK_PI free word", fx(w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	printf("%-46s %s\n", "  word is our tid", w[0] == tid ? "yes" : "no");
	say("LOCK_PI own word", fx(w, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	say("TRYLOCK_PI own word", fx(w, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
	say("UNLOCK_PI", fx(w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	printf("%-46s %#x\n", "  word after unlock", w[0]);
	say("UNLOCK_PI not owner", fx(w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	say("UNLOCK_PI bad pointer", fx(bad, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
	w[1] = 1; /* pid 1's: not ours, alive */
	say("TRYLOCK_PI held by another", fx(&w[1], FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
	say("LOCK_PI held, timeout in the past", fx(&w[1], FUTEX_LOCK_PI, 0, &past, NULL, 0));
	say("LOCK_PI2 held, timeout in the past", fx(&w[1], FUTEX_LOCK_PI2, 0, &past, NULL, 0));
	w[2] = FUTEX_OWNER_DIED;
	say("LOCK_PI owner died, no owner", fx(&w[2], FUTEX_LOCK_PI, 0, NULL, NULL, 0));
	printf("%-46s %s\n", "  OWNER_DIED kept, ours",
	       w[2] == (tid | FUTEX_OWNER_DIED) ? "yes" : "no");
	w[3] = 5;
	say("CMP_REQUEUE value differs", fx(&w[3], FUTEX_CMP_REQUEUE, 1, (void *)1, &w[0], 4));
	say("CMP_REQUEUE nobody waiting", fx(&w[3], FUTEX_CMP_REQUEUE, 1, (void *)1, &w[0], 5));
	say("CMP_REQUEUE bad pointer", fx(bad, FUTEX_CMP_REQUEUE, 1, (void *)1, &w[0], 5));
	say("CMP_REQUEUE negative nr_wake", fx(&w[3], FUTEX_CMP_REQUEUE, -1, (void *)1, &w[0], 5));
	say("CMP_REQUEUE_PI nr_wake 2", fx(&w[3], FUTEX_CMP_REQUEUE_PI, 2, (void *)1, &w[0], 5));
	say("CMP_REQUEUE_PI same word", fx(&w[3], FUTEX_CMP_REQUEUE_PI, 1, (void *)1, &w[3], 5));
	say("REQUEUE nobody waiting", fx(&w[3], FUTEX_REQUEUE, 1, (void *)1, &w[0], 0));
	say("WAIT_REQUEUE_PI value differs", fx(&w[3], FUTEX_WAIT_REQUEUE_PI, 4, NULL, &w[0], 0));
	say("WAIT_REQUEUE_PI same word", fx(&w[3], FUTEX_WAIT_REQUEUE_PI, 5, NULL, &w[3], 0));
	say("unknown command 14", fx(&w[3], 14, 0, NULL, NULL, 0));
}

static pthread_mutex_t pm;
static long counter;

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&pm);
		counter++;
		pthread_mutex_unlock(&pm);
	}
	return NULL;
}

static void *die_holding(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;
}

static void *hold_a_while(void *arg)
{
	struct timespec ts = {0, 200000000};
	pthread_mutex_lock(arg);
	nanosleep(&ts, NULL);
	pthread_mutex_unlock(arg);
	return NULL;
}

static void mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_t th[4];
	struct timespec ts;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pm, &a);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("%-46s %ld\n", "PI mutex, 4 threads x 20000", counter);

	pthread_create(&th[0], NULL, hold_a_while, &pm);
	usleep(50000);
	printf("%-46s %s\n", "PI trylock while held",
	       pthread_mutex_trylock(&pm) == EBUSY ? "EBUSY" : "?");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	int r = pthread_mutex_timedlock(&pm, &ts);
	printf("%-46s %s\n", "PI timedlock while held", r == ETIMEDOUT ? "ETIMEDOUT" : strerror(r));
	r = pthread_mutex_lock(&pm);
	printf("%-46s %s\n", "PI lock after the holder lets go", r == 0 ? "OK" : strerror(r));
	pthread_mutex_unlock(&pm);
	pthread_join(th[0], NULL);

	pthread_mutex_t rm;
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&rm, &a);
	pthread_create(&th[0], NULL, die_holding, &rm);
	pthread_join(th[0], NULL);
	r = pthread_mutex_lock(&rm);
	printf("%-46s %s\n", "robust PI, owner died", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	pthread_mutex_consistent(&rm);
	pthread_mutex_unlock(&rm);
	r = pthread_mutex_lock(&rm);
	printf("%-46s %s\n", "robust PI, made consistent", r == 0 ? "OK" : strerror(r));
	pthread_mutex_unlock(&rm);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "errors"))
			errors();
		else if (!strcmp(argv[i], "mutex"))
			mutexes();
	}
	return 0;
}
