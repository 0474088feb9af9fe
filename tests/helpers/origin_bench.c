// SPDX-License-Identifier: GPL-2.0
/*
 * origin_bench: what container attribution adds to each sample in user
 * space.  Feeds the same synthetic samples (frame-pointer stacks of 24
 * frames, tasks spread over this host's live cgroups, the sampler's own
 * cgroup ids) to a recorder without and with origins, ROUNDS interleaved
 * rounds, and prints the medians in ns per sample and their ratio.
 *
 *   origin_bench [SAMPLES] [ROUNDS]     (default 200000, 5)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container/cgroup_ids.h"
#include "container/origin.h"
#include "record/recorder.h"
#include "sample/proc_maps.h"

#define NR_TASKS 64

static uint64_t ids[NR_TASKS];
static size_t nr_ids;

static int collect(void *ctx, const char *path, uint64_t id)
{
	if (nr_ids < NR_TASKS)
		ids[nr_ids++] = id;
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* ns per sample of one round. */
static double round_ns(struct proc_maps *pm, struct origins *o,
		       struct sample_event *e, long n)
{
	struct recorder *r = recorder__new(pm, 99);
	double t0;
	long i;

	recorder__set_origins(r, o);
	t0 = now();
	for (i = 0; i < n; i++) {
		e->pid = e->tid = 1000 + i % NR_TASKS;
		e->cgroup_id = ids[i % nr_ids];
		e->ustack[0] = 0x401000 + (i % 977) * 16;
		recorder__sample(r, e);
	}
	t0 = now() - t0;
	recorder__free(r);
	return t0 / n * 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5, i;
	struct sample_event *e = calloc(1, sizeof(*e));
	double off[64], on[64];
	struct cgroup_ids *cg;
	struct proc_maps *pm;
	struct origins *o;

	if (rounds < 1 || rounds > 64 || n < 1 || !e ||
	    cgroup_ids__new(NULL, &cg) || proc_maps__new(&pm)) {
		fprintf(stderr, "origin_bench: cannot set up (root, cgroup v2)\n");
		return 1;
	}
	cgroup_ids__walk(cg, collect, NULL);
	e->ts = 1;
	e->ustack_sz = 24 * 8;
	e->kstack_sz = 8 * 8;
	for (i = 1; i < 24; i++)
		e->ustack[i] = 0x402000 + i * 64;
	for (i = 0; i < 8; i++)
		e->kstack[i] = 0xffffffff81000000ULL + i * 64;
	strcpy(e->comm, "bench");
	strcpy(e->pcomm, "bench");
	o = origins__new(cg, NULL);
	for (i = 0; i < rounds; i++) {
		off[i] = round_ns(pm, NULL, e, n);
		on[i] = round_ns(pm, o, e, n);
	}
	qsort(off, rounds, sizeof(*off), cmp);
	qsort(on, rounds, sizeof(*on), cmp);
	printf("samples per round %ld, rounds %d, cgroups %zu\n", n, rounds,
	       nr_ids);
	printf("without origins  %.1f ns per sample\n", off[rounds / 2]);
	printf("with origins     %.1f ns per sample (+%.1f ns, x%.3f)\n",
	       on[rounds / 2], on[rounds / 2] - off[rounds / 2],
	       on[rounds / 2] / off[rounds / 2]);
	origins__free(o);
	proc_maps__free(pm);
	cgroup_ids__free(cg);
	free(e);
	return 0;
}
