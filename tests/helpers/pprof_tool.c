// SPDX-License-Identifier: GPL-2.0
/*
 * pprof_tool: a test and benchmark driver of common/format/pprof.c, independent of
 * the ebprof commands (so the pprof tests run before `record` and `report`
 * exist, and the benchmark times the library, not a command line).
 *
 *   pprof_tool gen [-S] [-n SAMPLES] [-k STACKS] [-s SEED] -o OUT
 *	A synthetic profile like `record` makes (two sample types, mappings
 *	with build ids, kernel frames, inlined frames, JIT frames, labels),
 *	written as pprof or folded by OUT's extension.  -S: print the time
 *	and peak RSS after building and after writing.
 *   pprof_tool convert [-t SAMPLE_TYPE] [-f folded|pprof] -o OUT IN...
 *	Reads IN (any format, merged) and writes OUT.
 *   pprof_tool bench [-n SAMPLES] [-k STACKS] DIR
 *	Times building, writing and reading the synthetic profile as pprof
 *	and as folded; one "key value" line each on stdout.
 *   pprof_tool read [-t SAMPLE_TYPE] IN
 *	Reads IN only; prints samples, total and the peak RSS (KiB).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "format/folded.h"
#include "format/input.h"
#include "format/outfile.h"
#include "format/pprof.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

#define NR_MAPS		24
#define NR_FUNCS	6000
#define NR_KFUNCS	400
#define NR_THREADS	48

/*
 * @nsamples samples (value 1 each, plus cpu nanoseconds) spread over
 * @nstacks distinct (stack, thread) pairs.
 */
static struct profile *synth(size_t nsamples, size_t nstacks, uint64_t seed)
{
	struct profile *p = profile__new();
	struct pf_value_type types[2] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" },
	};
	uint32_t maps[NR_MAPS], **stacks = NULL, *depths = NULL;
	struct pf_labels *labels = NULL;
	char name[128], sys[128], file[128], bid[48];
	size_t i, j;
	double v[2];

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	if (!p || profile__set_types(p, types, 2))
		goto fail;
	p->default_type = 1;
	p->period_type = p->types[1];
	p->period = 10101010;
	p->time_nanos = 1700000000000000000LL;
	p->duration_nanos = 10000000000LL;
	profile__add_comment(p, "synthetic profile (pprof_tool gen)");
	for (i = 0; i < NR_MAPS; i++) {
		struct pf_mapping m = { 0 };

		snprintf(file, sizeof(file), i ? "/usr/lib/libsynth%zu.so" :
			 "/usr/bin/synth", i);
		snprintf(bid, sizeof(bid), "%016llx%08zx",
			 (unsigned long long)rnd(), i);
		m.start = 0x7f0000000000ULL + (i << 24);
		m.limit = m.start + (1 << 23);
		m.offset = 0x1000;
		m.file = file;
		m.build_id = bid;
		maps[i] = profile__mapping(p, &m);
	}
	stacks = calloc(nstacks, sizeof(*stacks));
	depths = calloc(nstacks, sizeof(*depths));
	labels = calloc(NR_THREADS, sizeof(*labels));
	if (!stacks || !depths || !labels)
		goto fail;
	for (i = 0; i < NR_THREADS; i++) {
		snprintf(name, sizeof(name), "worker-%zu", i % 12);
		labels[i].pid = 1000 + i / 12;
		labels[i].tid = 2000 + i;
		labels[i].comm = profile__intern(p, name);
		snprintf(name, sizeof(name), "synth%zu", i / 12);
		labels[i].process = profile__intern(p, name);
		labels[i].cgroup = profile__intern(p, "/system.slice/synth");
	}
	for (i = 0; i < nstacks; i++) {
		size_t user = 6 + rnd() % 30, kern = rnd() % 4 ? 0 : 2 + rnd() % 6;

		depths[i] = user + kern;
		stacks[i] = malloc(depths[i] * sizeof(**stacks));
		if (!stacks[i])
			goto fail;
		for (j = 0; j < depths[i]; j++) {
			struct pf_frame f = { 0 };
			uint64_t fn;

			if (j < user) {
				fn = j == 0 ? 0 : rnd() % NR_FUNCS;
				f.mapping = maps[fn % NR_MAPS];
				f.module = p->mappings[f.mapping - 1].file;
				f.addr = p->mappings[f.mapping - 1].start +
					 fn * 0x400 + (rnd() % 4) * 0x10;
				if (j > 0 && rnd() % 20 == 0)
					f.kind = PF_INLINE;
				else if (rnd() % 50 == 0)
					f.kind = PF_JIT;
				snprintf(name, sizeof(name),
					 "ns%llu::Class%llu::method%llu(int)",
					 (unsigned long long)fn % 7,
					 (unsigned long long)fn % 101,
					 (unsigned long long)fn);
				snprintf(sys, sizeof(sys),
					 "_ZN3ns%llu7Class%llu6method%lluEi",
					 (unsigned long long)fn % 7,
					 (unsigned long long)fn % 101,
					 (unsigned long long)fn);
				f.system_name = sys;
			} else {
				fn = rnd() % NR_KFUNCS;
				f.kind = PF_KERNEL;
				f.addr = 0xffffffff81000000ULL + fn * 0x200;
				snprintf(name, sizeof(name), "kfunc_%llu",
					 (unsigned long long)fn);
			}
			f.name = name;
			stacks[i][j] = profile__frame(p, &f);
			if (!stacks[i][j])
				goto fail;
		}
	}
	v[0] = 1;
	v[1] = p->period;
	for (i = 0; i < nsamples; i++) {
		/* Every stack once, then a skewed spread like a real profile. */
		size_t s = i < nstacks ? i : (rnd() % nstacks) * (rnd() % 4) /
					     4;

		if (profile__add(p, stacks[s], depths[s],
				 &labels[s % NR_THREADS], v))
			goto fail;
	}
	for (i = 0; i < nstacks; i++)
		free(stacks[i]);
	free(stacks);
	free(depths);
	free(labels);
	return p;
fail:
	for (i = 0; stacks && i < nstacks; i++)
		free(stacks[i]);
	free(stacks);
	free(depths);
	free(labels);
	profile__free(p);
	return NULL;
}

static int write_out(const struct profile *p, const char *path,
		     enum out_format fmt)
{
	struct outfile o;
	int r = outfile__open(&o, path);

	if (r)
		return r;
	r = fmt == OUT_PPROF ? pprof__write(p, o.f) : folded__write(p, o.f, 0);
	if (r) {
		outfile__abort(&o);
		return r;
	}
	return outfile__commit(&o);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: pprof_tool gen [-n SAMPLES] [-k STACKS] [-s SEED] -o OUT\n"
		"       pprof_tool convert [-t TYPE] [-f folded|pprof] -o OUT IN...\n"
		"       pprof_tool bench [-n SAMPLES] [-k STACKS] DIR\n"
		"       pprof_tool read [-t TYPE] IN\n");
	return 2;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static int bench(size_t n, size_t k, const char *dir)
{
	char pb[4096], fo[4096], err[256];
	struct input_stats st;
	struct profile *p, *q;
	double t0, t_build, t_wp, t_wf, t_rp, t_rf;

	snprintf(pb, sizeof(pb), "%s/bench.pb.gz", dir);
	snprintf(fo, sizeof(fo), "%s/bench.folded", dir);
	t0 = now();
	p = synth(n, k, 1);
	if (!p)
		return 1;
	t_build = now() - t0;
	t0 = now();
	if (write_out(p, pb, OUT_PPROF))
		return 1;
	t_wp = now() - t0;
	t0 = now();
	if (write_out(p, fo, OUT_FOLDED))
		return 1;
	t_wf = now() - t0;
	printf("samples %zu\nunique_samples %zu\nframes %zu\n", n,
	       p->nr_samples, p->nr_frames);
	printf("build_s %.3f\n", t_build);
	printf("write_pprof_s %.3f\nwrite_folded_s %.3f\n", t_wp, t_wf);
	printf("pprof_bytes %lld\nfolded_bytes %lld\n",
	       (long long)file_size(pb), (long long)file_size(fo));
	profile__free(p);

	q = profile__new();
	t0 = now();
	if (input__read(q, pb, &st, err, sizeof(err))) {
		fprintf(stderr, "pprof_tool: %s\n", err);
		return 1;
	}
	t_rp = now() - t0;
	printf("read_pprof_s %.3f\n", t_rp);
	profile__free(q);
	q = profile__new();
	t0 = now();
	if (input__read(q, fo, &st, err, sizeof(err))) {
		fprintf(stderr, "pprof_tool: %s\n", err);
		return 1;
	}
	t_rf = now() - t0;
	printf("read_folded_s %.3f\n", t_rf);
	profile__free(q);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *type = NULL, *cmd;
	enum out_format fmt;
	bool fmt_set = false, stats = false;
	size_t n = 1000, k = 100;
	uint64_t seed = 1;
	char err[512];
	int c;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	argv++;
	argc--;
	while ((c = getopt(argc, argv, "n:k:s:o:t:f:S")) != -1) {
		switch (c) {
		case 'S': stats = true; break;
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'k': k = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'o': out = optarg; break;
		case 't': type = optarg; break;
		case 'f':
			if (out_format__parse(optarg, &fmt))
				return usage();
			fmt_set = true;
			break;
		default: return usage();
		}
	}
	if (!strcmp(cmd, "gen")) {
		struct profile *p;
		double t0 = now();
		int r;

		if (!out || !k || n < k)
			return usage();
		p = synth(n, k, seed);
		if (!p) {
			fprintf(stderr, "pprof_tool: out of memory\n");
			return 1;
		}
		if (stats)
			printf("build_s %.3f\nbuild_peak_rss_kib %ld\n",
			       now() - t0, peak_rss_kib());
		t0 = now();
		r = write_out(p, out, fmt_set ? fmt :
			      out_format__from_path(out));
		if (stats)
			printf("write_s %.3f\nwrite_peak_rss_kib %ld\n",
			       now() - t0, peak_rss_kib());
		profile__free(p);
		if (r)
			fprintf(stderr, "pprof_tool: cannot write '%s': %s\n",
				out, strerror(-r));
		return r ? 1 : 0;
	}
	if (!strcmp(cmd, "convert")) {
		struct profile *p;
		int r;

		if (!out || optind >= argc)
			return usage();
		p = input__read_all_type(argv + optind, argc - optind, type,
					 err, sizeof(err));
		if (!p) {
			fprintf(stderr, "pprof_tool: %s\n", err);
			return 1;
		}
		r = write_out(p, out, fmt_set ? fmt :
			      out_format__from_path(out));
		profile__free(p);
		if (r)
			fprintf(stderr, "pprof_tool: cannot write '%s': %s\n",
				out, strerror(-r));
		return r ? 1 : 0;
	}
	if (!strcmp(cmd, "read")) {
		struct profile *p;
		double t0 = now();

		if (optind != argc - 1)
			return usage();
		p = input__read_all_type(argv + optind, 1, type, err,
					 sizeof(err));
		if (!p) {
			fprintf(stderr, "pprof_tool: %s\n", err);
			return 1;
		}
		printf("unique_samples %zu\ntotal %.0f\nread_s %.3f\n"
		       "peak_rss_kib %ld\n", p->nr_samples, profile__total(p),
		       now() - t0, peak_rss_kib());
		profile__free(p);
		return 0;
	}
	if (!strcmp(cmd, "bench")) {
		if (optind != argc - 1 || !k || n < k)
			return usage();
		c = bench(n, k, argv[optind]);
		printf("peak_rss_kib %ld\n", peak_rss_kib());
		return c;
	}
	return usage();
}
