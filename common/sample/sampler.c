// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF sampler's lifecycle (see sampler.h): open -> configure -> load
 * -> perf events -> attach -> poll, and one cleanup path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/sampler.skel.h"
#include "lib/clock.h"
#include "sample/proc_status.h"
#include "sample/sampler.h"

struct sampler {
	struct sampler_bpf *skel;
	struct ring_buffer *rb;
	int *pfds;			/* perf event per CPU, -1 if offline */
	struct bpf_link **links;
	int ncpu;
	sampler_cb cb;
	void *ctx;
	const volatile sig_atomic_t *stop;
	/* The consume round under way: events handled, when it ends. */
	uint64_t round_n, round_end;
	bool discarding;		/* counting what is left, not handling */
	uint64_t dropped;
};

/* A round ends (the rest stays in the ring) on this libbpf callback error. */
#define ROUND_OVER (-EALREADY)

static int on_event(void *ctx, void *data, size_t size)
{
	struct sampler *s = ctx;
	const struct sample_event *e = data;
	int err;

	if (s->discarding) {
		s->dropped++;
		return 0;
	}
	if (size < SAMPLE_USTACK_OFF + sizeof(struct sample_ustack) ||
	    size < sample_event__size(e))
		return 0;
	err = s->cb(data, size, s->ctx);
	if (err < 0)
		return err;
	/*
	 * libbpf keeps reading while the producer keeps writing: under a
	 * load the reader cannot follow, one consume call would never
	 * return.  End the round on a count, a deadline, a stop request or
	 * the callback's word; the ring then fills and the BPF program
	 * counts what it cannot store as lost.
	 */
	s->round_n++;
	if (err > 0 || s->round_n >= SAMPLER_ROUND_MAX ||
	    (s->stop && *s->stop))
		return ROUND_OVER;
	if (!(s->round_n & 63) && clock__mono_ns() >= s->round_end)
		return ROUND_OVER;
	return 0;
}

/*
 * Ring size: a power of two holding ~200 ms of samples at full rate (the
 * reader wakes every 50 ms, or when a quarter is used), at least 512 KiB:
 * its pages count in our RSS twice (libbpf maps the data area twice for
 * reads across the wrap-around).
 */
static size_t ring_size(const struct sampler_opts *o, int ncpu)
{
	size_t ev = o->user_stack_bytes ?
		SAMPLE_USTACK_OFF + sizeof(struct sample_ustack) +
		o->user_stack_bytes : sizeof(struct sample_event);
	/* Python samples are larger; size for them when they may come. */
	if (o->python)
		ev += sizeof(struct py_stack);
	size_t want = (size_t)o->freq * ncpu * ev / 5;
	size_t sz = 512u << 10;

	/*
	 * Off-CPU blocks come in bursts at any rate the target switches
	 * at: room for some 50k blocks per second between two reads.
	 */
	if (o->off_cpu)
		want += (size_t)50000 * sizeof(struct sample_event) / 5;
	while (sz < want && sz < (256u << 20))
		sz <<= 1;
	return sz;
}

static int fill_targets(struct sampler *s, const struct sampler_opts *o)
{
	__u8 one = 1;
	size_t i;
	__u32 zero = 0;

	for (i = 0; i < o->nr_pids; i++) {
		__u32 k = o->pids[i];

		if (bpf_map__update_elem(s->skel->maps.target_pids, &k,
					 sizeof(k), &one, sizeof(one), 0))
			return -errno;
	}
	for (i = 0; i < o->nr_tids; i++) {
		__u32 k = o->tids[i];

		if (bpf_map__update_elem(s->skel->maps.target_tids, &k,
					 sizeof(k), &one, sizeof(one), 0))
			return -errno;
	}
	if (o->cgroup_fd >= 0) {
		__u32 fd = o->cgroup_fd;

		if (bpf_map__update_elem(s->skel->maps.cgroups, &zero,
					 sizeof(zero), &fd, sizeof(fd), 0))
			return -errno;
	}
	return 0;
}

static int open_events(struct sampler *s, const struct sampler_opts *o)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_freq = o->freq,
		.freq = 1,
	};
	int cpu, opened = 0;

	for (cpu = 0; cpu < s->ncpu; cpu++) {
		int fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
				 PERF_FLAG_FD_CLOEXEC);

		s->pfds[cpu] = fd;
		if (fd < 0) {
			if (errno == ENODEV)	/* offline CPU */
				continue;
			return -errno;
		}
		s->links[cpu] = bpf_program__attach_perf_event(
			s->skel->progs.on_sample, fd);
		if (!s->links[cpu]) {
			s->links[cpu] = NULL;
			return -errno;
		}
		opened++;
	}
	return opened ? 0 : -ENODEV;
}

int sampler__new(const struct sampler_opts *o, sampler_cb cb, void *ctx,
		 struct sampler **out)
{
	struct sampler *s = calloc(1, sizeof(*s));
	int err, cpu;

	if (!s)
		return -ENOMEM;
	s->cb = cb;
	s->ctx = ctx;
	s->stop = o->stop;
	s->ncpu = libbpf_num_possible_cpus();
	if (s->ncpu <= 0) {
		err = s->ncpu ? s->ncpu : -ENODEV;
		goto fail;
	}
	s->pfds = malloc(s->ncpu * sizeof(*s->pfds));
	s->links = calloc(s->ncpu, sizeof(*s->links));
	if (!s->pfds || !s->links) {
		err = -ENOMEM;
		goto fail;
	}
	for (cpu = 0; cpu < s->ncpu; cpu++)
		s->pfds[cpu] = -1;

	s->skel = sampler_bpf__open();
	if (!s->skel) {
		err = -errno;
		goto fail;
	}
	s->skel->rodata->filter_pid = o->pids != NULL;
	s->skel->rodata->filter_tid = o->tids != NULL;
	s->skel->rodata->filter_cgroup = o->cgroup_fd >= 0;
	s->skel->rodata->follow_forks = o->follow_forks;
	s->skel->rodata->include_idle = o->idle;
	s->skel->rodata->want_user = o->user;
	s->skel->rodata->want_kernel = o->kernel;
	if (o->user_stack_bytes > SAMPLER_MAX_USTACK_BYTES ||
	    (o->off_cpu && o->user_stack_bytes)) {
		err = -EINVAL;
		goto fail;
	}
	s->skel->rodata->user_stack_bytes = o->user_stack_bytes;
	s->skel->rodata->want_python = o->python;
	if (o->user_stack_bytes)
		bpf_map__set_max_entries(s->skel->maps.scratch, s->ncpu);
	bpf_map__set_max_entries(s->skel->maps.events, ring_size(o, s->ncpu));
	s->skel->rodata->wakeup_bytes =
		bpf_map__max_entries(s->skel->maps.events) / 4;
	if (!o->follow_forks)
		bpf_program__set_autoload(s->skel->progs.on_fork, false);
	s->skel->rodata->off_cpu_min_ns = o->off_cpu_min_ns;
	if (!o->off_cpu) {
		bpf_program__set_autoload(s->skel->progs.on_switch, false);
		/* Preallocated: no room for it when it is not used. */
		bpf_map__set_max_entries(s->skel->maps.off_short, 1);
	}
	if (!o->off_cpu || !o->off_cpu_wakers)
		bpf_program__set_autoload(s->skel->progs.on_waking, false);

	err = sampler_bpf__load(s->skel);
	if (err)
		goto fail;
	err = fill_targets(s, o);
	if (err)
		goto fail;
	if (o->follow_forks || o->off_cpu) {
		err = sampler_bpf__attach(s->skel);
		if (err)
			goto fail;
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_event,
				 s, NULL);
	if (!s->rb) {
		err = -errno;
		goto fail;
	}
	err = open_events(s, o);
	if (err)
		goto fail;
	*out = s;
	return 0;
fail:
	sampler__free(s);
	return err < 0 ? err : -err;
}

void sampler__stop(struct sampler *s)
{
	int cpu;

	for (cpu = 0; cpu < s->ncpu; cpu++) {
		bpf_link__destroy(s->links[cpu]);
		s->links[cpu] = NULL;
		if (s->pfds[cpu] >= 0)
			close(s->pfds[cpu]);
		s->pfds[cpu] = -1;
	}
	/* Off-CPU tracing stops too: blocks still open are not charged. */
	if (s->skel)
		sampler_bpf__detach(s->skel);
}

void sampler__free(struct sampler *s)
{
	if (!s)
		return;
	if (s->links)
		sampler__stop(s);
	ring_buffer__free(s->rb);
	sampler_bpf__destroy(s->skel);
	free(s->pfds);
	free(s->links);
	free(s);
}

int sampler__add_pid(struct sampler *s, pid_t pid)
{
	__u32 k = pid;
	__u8 one = 1;

	if (bpf_map__update_elem(s->skel->maps.target_pids, &k, sizeof(k),
				 &one, sizeof(one), 0))
		return -errno;
	return 0;
}

int sampler__python_set(struct sampler *s, pid_t pid,
			const struct py_proc *py)
{
	__u32 k = pid;
	int err;

	if (py)
		err = bpf_map__update_elem(s->skel->maps.py_procs, &k,
					   sizeof(k), py, sizeof(*py), 0);
	else
		err = bpf_map__delete_elem(s->skel->maps.py_procs, &k,
					   sizeof(k), 0);
	return err ? -errno : 0;
}

int sampler__wait(struct sampler *s, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(ring_buffer__epoll_fd(s->rb), &ev, 1, timeout_ms) < 0 &&
	    errno != EINTR)
		return -errno;
	return 0;
}

int sampler__consume(struct sampler *s, unsigned int budget_ms)
{
	int n;

	s->round_n = 0;
	s->round_end = clock__mono_ns() + budget_ms * 1000000ULL;
	n = ring_buffer__consume(s->rb);
	if (n == ROUND_OVER)
		return 1;
	return n < 0 && n != -EINTR ? n : 0;
}

int sampler__drain(struct sampler *s, unsigned int budget_ms)
{
	const volatile sig_atomic_t *stop = s->stop;
	int err;

	/* The stop flag ended the recording, not this last read. */
	s->stop = NULL;
	err = sampler__consume(s, budget_ms);
	s->stop = stop;
	if (err <= 0)
		return err;
	/* Stopped: the ring holds a bounded number of events; count them. */
	s->discarding = true;
	err = ring_buffer__consume(s->rb);
	s->discarding = false;
	return err < 0 && err != -EINTR ? err : 0;
}

uint64_t sampler__dropped(const struct sampler *s)
{
	return s->dropped;
}

/* All counters, summed over CPUs (zeros where unreadable). */
static void read_counters(const struct sampler *s, uint64_t sums[CNT_NR])
{
	int ncpu = s->ncpu, i;
	__u64 *vals = calloc(ncpu, sizeof(*vals));
	__u32 k;

	memset(sums, 0, CNT_NR * sizeof(*sums));
	if (!vals)
		return;
	for (k = 0; k < CNT_NR; k++) {
		if (bpf_map__lookup_elem(s->skel->maps.counters, &k, sizeof(k),
					 vals, ncpu * sizeof(*vals), 0))
			continue;
		for (i = 0; i < ncpu; i++)
			sums[k] += vals[i];
	}
	free(vals);
}

void sampler__counters(const struct sampler *s, uint64_t *samples,
		       uint64_t *lost)
{
	uint64_t c[CNT_NR];

	read_counters(s, c);
	*samples = c[CNT_SAMPLES];
	/* Dropped by us (stopped while the ring was full) count as lost. */
	*lost = c[CNT_LOST] + s->dropped;
}

void sampler__offcpu_stats(const struct sampler *s,
			   struct sampler_offcpu_stats *st)
{
	uint64_t c[CNT_NR];

	read_counters(s, c);
	st->blocks = c[CNT_OFF_BLOCKS];
	st->lost = c[CNT_OFF_LOST];
	st->lost_ns = c[CNT_OFF_LOST_NS];
	st->short_blocks = c[CNT_OFF_SHORT];
	st->short_lost = c[CNT_OFF_SHORT_LOST];
	st->short_lost_ns = c[CNT_OFF_SHORT_LOST_NS];
	st->no_start = c[CNT_OFF_NO_START];
}

int sampler__offcpu_short(struct sampler *s, bool take, sampler_short_cb cb,
			  void *ctx)
{
	const struct bpf_map *m = s->skel->maps.off_short;
	struct off_short_key k, next, *prev = NULL;
	struct off_short_val v;
	int err;

	/*
	 * Taking deletes the entry just read: the walk restarts from the
	 * beginning each time, as the deleted key cannot be followed.
	 */
	while (!bpf_map__get_next_key(m, prev, &next, sizeof(next))) {
		if (take)
			err = bpf_map__lookup_and_delete_elem(m, &next,
				sizeof(next), &v, sizeof(v), 0);
		else
			err = bpf_map__lookup_elem(m, &next, sizeof(next), &v,
						   sizeof(v), 0);
		if (!err) {
			err = cb(&next, &v, ctx);
			if (err)
				return err;
		} else if (errno != ENOENT) {
			return -errno;
		}
		if (!take) {
			k = next;
			prev = &k;
		}
	}
	return errno == ENOENT ? 0 : -errno;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL	/* Linux 6.9 */
#endif

/*
 * A thread's state letter, name and process id from /proc/TID/stat, or
 * 0 when it is gone or a kernel thread.
 */
static char thread_stat(pid_t tid, char comm[SAMPLER_COMM_LEN], pid_t *tgid)
{
	struct proc_status ps;
	unsigned long flags;
	char state;

	if (proc_status__stat(tid, comm, SAMPLER_COMM_LEN, &state, &flags) ||
	    (flags & 0x00200000))	/* PF_KTHREAD */
		return 0;
	*tgid = proc_status__read(tid, &ps) ? tid : ps.tgid;
	return state;
}

static int pidfd_of(pid_t tid, pid_t tgid)
{
	return syscall(SYS_pidfd_open, tid, tid == tgid ? 0 : PIDFD_THREAD);
}

/* Seeds the pending block of one thread that sleeps now. */
static void seed_thread(struct sampler *s, pid_t tid, uint64_t now,
			struct off_pending *p)
{
	char comm[SAMPLER_COMM_LEN];
	pid_t tgid;
	char st = thread_stat(tid, comm, &tgid);
	int fd;

	if (st != 'S' && st != 'D')
		return;
	fd = pidfd_of(tid, tgid);
	if (fd < 0)
		return;
	memset(p, 0, sizeof(*p));
	p->ts = now;
	p->state = st == 'D' ? OFF_DISK : OFF_SLEEPING;
	p->ev.ts = now;
	p->ev.pid = tgid;
	p->ev.tid = tid;
	p->ev.flags = SAMPLE_F_OFF_EARLY;
	memcpy(p->ev.comm, comm, sizeof(comm));
	if (thread_stat(tgid, comm, &tgid))
		memcpy(p->ev.pcomm, comm, sizeof(comm));
	/* A thread that switched meanwhile has its own record: keep it. */
	bpf_map__update_elem(s->skel->maps.off_pending, &fd, sizeof(fd), p,
			     sizeof(*p), BPF_NOEXIST);
	close(fd);
}

/* Calls @fn for every thread of @pid (/proc/PID/task). */
static void each_thread(pid_t pid, void (*fn)(void *, pid_t), void *ctx)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir)))
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			fn(ctx, atoi(d->d_name));
	closedir(dir);
}

struct seed_ctx {
	struct sampler *s;
	uint64_t now;
	struct off_pending *p;
};

static void seed_one(void *ctx, pid_t tid)
{
	struct seed_ctx *c = ctx;

	seed_thread(c->s, tid, c->now, c->p);
}

int sampler__offcpu_seed(struct sampler *s, const pid_t *pids, size_t npids,
			 const pid_t *tids, size_t ntids)
{
	struct seed_ctx c = { s, clock__mono_ns(), malloc(sizeof(*c.p)) };
	size_t i;

	if (!c.p)
		return -ENOMEM;
	for (i = 0; i < npids; i++)
		each_thread(pids[i], seed_one, &c);
	for (i = 0; i < ntids; i++)
		seed_one(&c, tids[i]);
	free(c.p);
	return 0;
}

struct pending_ctx {
	struct sampler *s;
	uint64_t now, *nr;
	struct off_pending *p;
	sampler_cb cb;
	void *ctx;
	int err;
};

static void pending_one(void *ctx, pid_t tid)
{
	struct pending_ctx *c = ctx;
	char comm[SAMPLER_COMM_LEN];
	pid_t tgid;
	char st;
	int fd;

	if (c->err)
		return;
	st = thread_stat(tid, comm, &tgid);
	/* Runnable or running: its last block has ended. */
	if (!st || st == 'R')
		return;
	fd = pidfd_of(tid, tgid);
	if (fd < 0)
		return;
	if (!bpf_map__lookup_elem(c->s->skel->maps.off_pending, &fd,
				  sizeof(fd), c->p, sizeof(*c->p), 0) &&
	    c->p->ts && c->p->ts < c->now) {
		c->p->ev.off_ns = c->now - c->p->ts;
		c->p->ev.flags &= ~SAMPLE_F_WAKER;
		c->p->ev.flags |= SAMPLE_F_OFFCPU |
			(c->p->state & 3) << SAMPLE_OFF_STATE_SHIFT;
		(*c->nr)++;
		c->err = c->cb(&c->p->ev, sizeof(c->p->ev), c->ctx);
	}
	close(fd);
}

int sampler__offcpu_pending(struct sampler *s, uint64_t now, sampler_cb cb,
			    void *ctx, uint64_t *nr)
{
	struct pending_ctx c = { s, now, nr, malloc(sizeof(*c.p)), cb, ctx,
				 0 };
	struct dirent *d;
	DIR *dir;

	*nr = 0;
	if (!c.p)
		return -ENOMEM;
	dir = opendir("/proc");
	if (!dir) {
		free(c.p);
		return -errno;
	}
	while ((d = readdir(dir)) && !c.err)
		if (d->d_name[0] >= '1' && d->d_name[0] <= '9')
			each_thread(atoi(d->d_name), pending_one, &c);
	closedir(dir);
	free(c.p);
	return c.err;
}

static int prog_stats(const struct bpf_program *prog, uint64_t *runs,
		      uint64_t *ns)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return -errno;
	*runs = info.run_cnt;
	*ns = info.run_time_ns;
	return 0;
}

int sampler__prog_stats(const struct sampler *s, uint64_t *runs,
			uint64_t *ns)
{
	return prog_stats(s->skel->progs.on_sample, runs, ns);
}

int sampler__offcpu_prog_stats(const struct sampler *s, uint64_t *runs,
			       uint64_t *ns)
{
	return prog_stats(s->skel->progs.on_switch, runs, ns);
}

const char *sampler__strerror(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return "permission denied loading BPF: run as root, or with "
		       "CAP_BPF and CAP_PERFMON";
	case ENOENT:
	case ENODEV:
	case EOPNOTSUPP:
		return "the kernel lacks a needed feature (cpu-clock perf "
		       "events, BPF ring buffers, BTF)";
	case EINVAL:
		return "the kernel refused the sampler (frequency too high, or "
		       "an unsupported kernel)";
	default:
		return strerror(-err);
	}
}
