/* Compiled by gcc at test time, natively and under lxrun: threads, a mutex, a condition
 * variable, thread-local storage and a barrier. Prints deterministic results only. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define NTHREADS 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long total;
static int finished;
static _Thread_local long mine;

static void *work(void *arg)
{
	long n = (long)arg;

	pthread_barrier_wait(&barrier);
	for (long i = 0; i < 100000; i++)
		mine += i % (n + 1);
	pthread_mutex_lock(&lock);
	total += mine;
	finished++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return (void *)(mine & 0xff);
}

int main(void)
{
	pthread_t t[NTHREADS];
	long sum_ret = 0;

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, work, (void *)i) != 0)
			return 1;
	pthread_mutex_lock(&lock);
	while (finished < NTHREADS)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum_ret += (long)r;
	}
	printf("threads %d total %ld returns %ld main tls %ld\n", NTHREADS, total, sum_ret, mine);
	return 0;
}
