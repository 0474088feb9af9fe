// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF sampler's lifecycle (see sampler.h): open -> configure -> load
 * -> perf events -> attach -> poll, and one cleanup path.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sampler.h"
#include "bpf/sampler.skel.h"

struct sampler {
	struct sampler_bpf *skel;
	struct ring_buffer *rb;
	int *pfds;			/* perf event per CPU, -1 if offline */
	struct bpf_link **links;
	int ncpu;
	sampler_cb cb;
	void *ctx;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct sampler *s = ctx;

	const struct sample_event *e = data;

	if (size < SAMPLE_USTACK_OFF + sizeof(struct sample_ustack) ||
	    size < sample_event__size(e))
		return 0;
	return s->cb(data, size, s->ctx);
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
	if (o->user_stack_bytes > SAMPLER_MAX_USTACK_BYTES) {
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

	err = sampler_bpf__load(s->skel);
	if (err)
		goto fail;
	err = fill_targets(s, o);
	if (err)
		goto fail;
	if (o->follow_forks) {
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

int sampler__consume(struct sampler *s)
{
	int n = ring_buffer__consume(s->rb);

	return n < 0 && n != -EINTR ? n : 0;
}

void sampler__counters(const struct sampler *s, uint64_t *samples,
		       uint64_t *lost)
{
	int ncpu = s->ncpu, i;
	__u64 *vals = calloc(ncpu, sizeof(*vals));
	__u32 k;

	*samples = *lost = 0;
	if (!vals)
		return;
	for (k = 0; k < CNT_NR; k++) {
		uint64_t sum = 0;

		if (bpf_map__lookup_elem(s->skel->maps.counters, &k, sizeof(k),
					 vals, ncpu * sizeof(*vals), 0))
			continue;
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
		if (k == CNT_SAMPLES)
			*samples = sum;
		else if (k == CNT_LOST)
			*lost = sum;
	}
	free(vals);
}

int sampler__prog_stats(const struct sampler *s, uint64_t *runs,
			uint64_t *ns)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(s->skel->progs.on_sample),
				    &info, &len))
		return -errno;
	*runs = info.run_cnt;
	*ns = info.run_time_ns;
	return 0;
}
