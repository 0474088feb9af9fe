// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload for off-CPU and wall-clock profiles.  Usage:
 *   offcpu split [ROUNDS]      thread wc-worker: compute_phase (30 ms of
 *                              burning), sleep_phase (30 ms nanosleep),
 *                              pipe_phase (blocked 40 ms in read() on a
 *                              pipe thread wc-filler fills after a delay),
 *                              ROUNDS times (default 30); prints the
 *                              measured wall time of each phase
 *   offcpu disk DIR [SECONDS]  thread wc-disk: write + fsync in DIR
 *   offcpu lock [SECONDS]      4 threads wc-lock contend for one mutex
 *   offcpu pingpong [SECONDS [DELAY]]  after DELAY seconds (default 0),
 *                              wc-ping and wc-pong bounce a byte over two
 *                              pipes; prints round trips and switches
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "burn.h"

static int go_pipe[2], data_pipe[2];
static double t_compute, t_sleep, t_pipe;

static void name(const char *n)
{
	prctl(PR_SET_NAME, n, 0, 0, 0);
}

static void sleep_ms(double ms)
{
	struct timespec ts = { 0, (long)(ms * 1e6) };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) void compute_phase(double ms)
{
	double until = wl_now() + ms / 1e3;

	while (wl_now() < until)
		burn(1);
}

/*
 * clock_nanosleep() itself, not nanosleep(): glibc's nanosleep() is a
 * second frameless wrapper, and the leaf fix-up restores one caller.
 */
__attribute__((noinline)) void sleep_phase(double ms)
{
	struct timespec ts = { 0, (long)(ms * 1e6) };

	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

__attribute__((noinline)) void pipe_phase(void)
{
	char c = 'g';

	if (write(go_pipe[1], &c, 1) != 1 || read(data_pipe[0], &c, 1) != 1)
		_exit(1);
	__asm__ volatile("" ::: "memory");
}

static void *filler(void *arg)
{
	char c;

	name("wc-filler");
	while (read(go_pipe[0], &c, 1) == 1) {
		sleep_ms(40);
		if (write(data_pipe[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static void *worker(void *arg)
{
	long rounds = (long)arg, i;
	double t0, t;

	name("wc-worker");
	t0 = wl_now();
	for (i = 0; i < rounds; i++) {
		t = wl_now();
		compute_phase(30);
		t_compute += wl_now() - t;
		t = wl_now();
		sleep_phase(30);
		t_sleep += wl_now() - t;
		t = wl_now();
		pipe_phase();
		t_pipe += wl_now() - t;
	}
	printf("compute=%.6f sleep=%.6f pipe=%.6f total=%.6f\n", t_compute,
	       t_sleep, t_pipe, wl_now() - t0);
	return NULL;
}

static int split(long rounds)
{
	pthread_t w, f;

	if (pipe(go_pipe) || pipe(data_pipe))
		return 1;
	pthread_create(&f, NULL, filler, NULL);
	pthread_create(&w, NULL, worker, (void *)rounds);
	pthread_join(w, NULL);
	close(go_pipe[1]);
	pthread_join(f, NULL);
	return 0;
}

static const char *disk_dir;
static double until;

__attribute__((noinline)) void disk_phase(int fd, const char *buf,
					  size_t len)
{
	if (pwrite(fd, buf, len, 0) != (ssize_t)len || fsync(fd))
		_exit(1);
	__asm__ volatile("" ::: "memory");
}

static void *disk(void *arg)
{
	static char buf[65536];
	char path[4096];
	int fd;

	name("wc-disk");
	snprintf(path, sizeof(path), "%s/offcpu-disk.%d", disk_dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		_exit(1);
	unlink(path);
	while (wl_now() < until) {
		memset(buf, (int)(wl_now() * 1e3), sizeof(buf));
		disk_phase(fd, buf, sizeof(buf));
	}
	close(fd);
	return NULL;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void lock_phase(void)
{
	pthread_mutex_lock(&lock);
	burn(30);
	pthread_mutex_unlock(&lock);
}

static void *locker(void *arg)
{
	name("wc-lock");
	while (wl_now() < until)
		lock_phase();
	return NULL;
}

static int ab[2], ba[2];
static long trips;

__attribute__((noinline)) void ping_phase(int in, int out, int first)
{
	char c = 'p';

	if (first && write(out, &c, 1) != 1)
		_exit(1);
	while (read(in, &c, 1) == 1) {
		if (c == 'q' || wl_now() >= until) {
			c = 'q';
			if (write(out, &c, 1) < 0)
				break;
			break;
		}
		if (first)
			trips++;
		if (write(out, &c, 1) != 1)
			break;
	}
}

static double pong_cpu;

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *pong(void *arg)
{
	name("wc-pong");
	ping_phase(ab[0], ba[1], 0);
	pong_cpu = thread_cpu();
	return NULL;
}

static int pingpong(void)
{
	struct rusage ru;
	pthread_t t;
	double t0 = wl_now(), c0 = thread_cpu(), ping_cpu;

	if (pipe(ab) || pipe(ba))
		return 1;
	pthread_create(&t, NULL, pong, NULL);
	name("wc-ping");
	ping_phase(ba[0], ab[1], 1);
	ping_cpu = thread_cpu() - c0;
	pthread_join(t, NULL);
	getrusage(RUSAGE_SELF, &ru);
	printf("trips=%ld seconds=%.6f switches=%ld ping_cpu=%.6f "
	       "pong_cpu=%.6f\n", trips, wl_now() - t0,
	       ru.ru_nvcsw + ru.ru_nivcsw, ping_cpu, pong_cpu);
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	int i;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "split"))
		return split(argc > 2 ? atol(argv[2]) : 30);
	if (argc > 2 && !strcmp(argv[1], "disk")) {
		disk_dir = argv[2];
		until = wl_now() + (argc > 3 ? atof(argv[3]) : 2);
		pthread_create(&t[0], NULL, disk, NULL);
		pthread_join(t[0], NULL);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "lock")) {
		until = wl_now() + (argc > 2 ? atof(argv[2]) : 2);
		for (i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, locker, NULL);
		for (i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "pingpong")) {
		if (argc > 3) {
			struct timespec ts = { 0, 0 };
			double d = atof(argv[3]);

			ts.tv_sec = (time_t)d;
			ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);
		}
		until = wl_now() + (argc > 2 ? atof(argv[2]) : 2);
		return pingpong();
	}
	fprintf(stderr, "usage: offcpu split|disk DIR|lock|pingpong [N]\n");
	return 2;
}
