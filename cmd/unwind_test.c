// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof unwind-test: why stacks are (in)complete.
 *   unwind-test FILE...   audit each file: unwind tables, frame-pointer
 *                         prologues, build id, debug file; a verdict
 *   unwind-test -p PID    the same for every file the process maps
 *   unwind-test           live self-test: sample workloads with known
 *                         chains in each --call-graph mode and score them
 * The self-test drives the same pieces as record (proc_maps, sampler,
 * recorder, symbolizer) on the workloads built into ebprof (a child runs
 * `ebprof --workload unwind_chains-fp ...`, see selftest_wl.h), or on
 * those of --workloads DIR (`make workloads`).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "record/recorder.h"
#include "sample/proc_maps.h"
#include "sample/sampler.h"
#include "symbol/symbolizer.h"
#include "unwind/audit.h"
#include "unwind/unwind.h"
#include "selftest_wl.h"

enum { OPT_WORKLOADS = 256 };

static const struct opt_spec unwind_test_opts[] = {
	{ "pid", 'p', required_argument, "PID",
	  "audit the files mapped by this process" },
	{ "duration", 'd', required_argument, "SECONDS",
	  "self-test: seconds per workload run (default 1)" },
	{ "freq", 'F', required_argument, "HZ",
	  "self-test: samples per second (default 499)" },
	{ "workloads", OPT_WORKLOADS, required_argument, "DIR",
	  "self-test: run unwind_chains-fp/-nofp from DIR instead of the "
	  "workloads built into ebprof" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

/* ---- self-test ---- */

struct scenario {
	const char *arg;
	const char *leaf;	/* the samples that are scored */
	const char *chain;	/* their exact chain, root first */
	bool fp_scope;		/* fp mode is expected to get it right */
};

/*
 * Without libc's debug symbols (a production host) its local functions
 * (__libc_start_call_main, start_thread, msort_with_tmp) have no name: the
 * symbolizer says [libc.so.6].  The built-in workloads run from ebprof's
 * main(), renamed wl_*.
 */
#define LIBC_LOCAL(f) "(" f "|\\[libc\\.so\\.6\\])"
#define LIBC_START "^(_start;__libc_start_main;)?" \
	LIBC_LOCAL("__libc_start_call_main") ";main;(wl_unwind_chains_n?o?fp;)?"

static const struct scenario scenarios[] = {
	{ "qsort", ";burn$", LIBC_START
	  "mode_qsort;sort_once;qsort_r;(" LIBC_LOCAL("msort_with_tmp[^;]*")
	  ";)+cmp_burn;burn$",
	  false },
	{ "recurse", ";burn$", LIBC_START "mode_recurse;(rec;){150}burn$",
	  false },
	{ "threads", ";burn$",
	  "^(" LIBC_LOCAL("clone3") ";)?" LIBC_LOCAL("start_thread")
	  ";thread_main;thr_work;burn$", true },
	{ "signal", ";burn$", LIBC_START "mode_signal;spin;((burn;)?[^;]+;"
	  "on_prof;sig_work;)?burn$", false },
	{ "leaf", ";getppid$", LIBC_START "mode_leaf;call_getppid;getppid$",
	  true },
};

#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static const char *const roots[] = {
	"_start", "__libc_start_main", "__libc_start_call_main", "clone",
	"clone3", "start_thread",
};

struct score {
	double samples, scored, exact, complete, truncated, frames;
	double unwind_ns, unwound, bytes;
};

struct selftest {
	const char *cmdname;
	const char *dir;	/* NULL: the built-in workloads */
	char self[PATH_MAX];	/* this binary, which runs them */
	double secs;
	unsigned int freq;
};

static void score_profile(const struct profile *p, const struct scenario *sc,
			  regex_t *leaf, regex_t *chain, struct score *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j, k;
	bool exact;

	for (i = 0; i < p->nr_samples; i++) {
		const struct pf_sample *ps = &p->samples[i];
		double n = ps->values[0];
		const char *root;

		strbuf__reset(&sb);
		for (j = 0; j < ps->depth; j++) {
			const struct pf_frame *f =
				profile__frame_get(p, ps->frames[j]);

			if (j)
				strbuf__addch(&sb, ';');
			strbuf__adds(&sb, f->name);
		}
		s->samples += n;
		s->frames += n * ps->depth;
		root = ps->depth ?
			profile__frame_get(p, ps->frames[0])->name : "";
		for (k = 0; k < sizeof(roots) / sizeof(roots[0]); k++)
			if (!strcmp(root, roots[k]))
				break;
		exact = sb.buf && !regexec(leaf, sb.buf, 0, NULL, 0) &&
			!regexec(chain, sb.buf, 0, NULL, 0);
		/*
		 * An exact chain is complete, its root named or not; so is
		 * a stack from main up when libc's caller of main (a local
		 * function) has no name.
		 */
		if (k < sizeof(roots) / sizeof(roots[0]) || exact ||
		    (ps->depth > 1 && !strcmp(root, "[libc.so.6]") &&
		     !strcmp(profile__frame_get(p, ps->frames[1])->name,
			     "main")))
			s->complete += n;
		if (!sb.buf || regexec(leaf, sb.buf, 0, NULL, 0))
			continue;
		s->scored += n;
		if (exact)
			s->exact += n;
	}
	strbuf__release(&sb);
}

/*
 * Runs one workload under the sampler and scores its stacks: the file @wl
 * of --workloads, or the built-in workload @wl.
 */
static int run_one(struct selftest *t, const char *wl,
		   const struct scenario *sc, unsigned int stack_bytes,
		   struct score *s)
{
	char secs[32], *argv[6], **a = argv;
	struct sampler_opts so = {
		.freq = t->freq, .user = true, .kernel = false,
		.cgroup_fd = -1, .user_stack_bytes = stack_bytes,
		.follow_forks = true, .nr_pids = 1,
	};
	struct proc_maps *pm = NULL;
	struct recorder *rec = NULL;
	struct symbolizer *sym = NULL;
	struct sampler *smp = NULL;
	struct profile *p = NULL;
	const struct recorder_stats *st;
	regex_t leaf, chain;
	int go[2] = { -1, -1 }, err, ret = -1, wstatus;
	pid_t child;
	char c = 'g';

	if (regcomp(&leaf, sc->leaf, REG_EXTENDED | REG_NOSUB))
		return -1;
	if (regcomp(&chain, sc->chain, REG_EXTENDED | REG_NOSUB)) {
		regfree(&leaf);
		return -1;
	}
	snprintf(secs, sizeof(secs), "%g", t->secs);
	if (!t->dir) {
		*a++ = t->self;
		*a++ = SELFTEST_WL_OPTION;
	}
	*a++ = (char *)wl;
	*a++ = (char *)sc->arg;
	*a++ = secs;
	*a = NULL;
	if (pipe2(go, O_CLOEXEC)) {
		pr_err("cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	child = fork();
	if (child < 0) {
		pr_err("cannot fork: %s", strerror(errno));
		goto out;
	}
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	close(go[0]);
	go[0] = -1;
	so.pids = &child;
	err = proc_maps__new(&pm);
	if (!err) {
		rec = recorder__new(pm, t->freq);
		sym = symbolizer__new(NULL);
		err = rec && sym ? sampler__new(&so, recorder__on_sample, rec, &smp) :
			-ENOMEM;
	}
	if (err || write(go[1], &c, 1) != 1) {
		pr_err("cannot start sampling: %s", strerror(-err));
		close(go[1]);
		go[1] = -1;
		waitpid(child, NULL, 0);
		goto out;
	}
	close(go[1]);
	go[1] = -1;
	for (;;) {
		sampler__wait(smp, 50);
		proc_maps__drain(pm);
		recorder__set_horizon(rec, (uint64_t)(clock__mono_s() * 1e9));
		if (sampler__consume(smp, 100) < 0)
			break;
		if (waitpid(child, &wstatus, WNOHANG) == child)
			break;
	}
	sampler__stop(smp);
	proc_maps__drain(pm);
	recorder__set_horizon(rec, UINT64_MAX);
	sampler__drain(smp, 2000);
	p = recorder__build(rec, sym);
	if (!p) {
		pr_err("cannot build the profile: %s", strerror(errno));
		goto out;
	}
	score_profile(p, sc, &leaf, &chain, s);
	st = recorder__stats(rec);
	s->unwind_ns += st->dwarf_ns;
	s->unwound += st->dwarf_samples;
	s->truncated += stack_bytes ? st->dwarf_stop[UNWIND_STACK_SHORT] +
		st->dwarf_stop[UNWIND_MAX_DEPTH] : st->user_truncated;
	s->bytes += stack_bytes ? SAMPLE_USTACK_OFF *
		(double)st->dwarf_samples + st->dwarf_bytes +
		sizeof(struct sample_ustack) * (double)st->dwarf_samples :
		sizeof(struct sample_event) * (double)st->samples;
	ret = 0;
out:
	if (go[0] >= 0)
		close(go[0]);
	profile__free(p);
	sampler__free(smp);
	symbolizer__free(sym);
	recorder__free(rec);
	proc_maps__free(pm);
	regfree(&leaf);
	regfree(&chain);
	return ret;
}

static void print_score(const char *mode, const char *build,
			const char *what, const struct score *s)
{
	double n = s->samples ? s->samples : 1;

	printf("%-6s %-5s %-8s %7.0f %7.1f%% %8.1f%% %9.1f%% %6.1f",
	       mode, build, what, s->samples,
	       s->scored ? 100 * s->exact / s->scored : 0,
	       100 * s->complete / n, 100 * s->truncated / n, s->frames / n);
	if (s->unwound)
		printf(" %9.2f", s->unwind_ns / 1e3 / s->unwound);
	else
		printf(" %9s", "-");
	printf(" %8.0f\n", s->bytes / n);
}

static void add_score(struct score *a, const struct score *b)
{
	a->samples += b->samples;
	a->scored += b->scored;
	a->exact += b->exact;
	a->complete += b->complete;
	a->truncated += b->truncated;
	a->frames += b->frames;
	a->unwind_ns += b->unwind_ns;
	a->unwound += b->unwound;
	a->bytes += b->bytes;
}

static int selftest(struct selftest *t)
{
	static const struct {
		const char *name;
		unsigned int bytes;
		double min_exact, min_complete;
	} modes[] = {
		{ "dwarf", 8192, 99.0, 99.0 },
		{ "fp", 0, 99.5, 99.0 },
	};
	static const char *const builds[] = { "nofp", "fp" };
	char wl[PATH_MAX + 32];
	int status = EXIT_OK;
	size_t m, b, i;

	printf("%-6s %-5s %-8s %7s %8s %9s %10s %6s %9s %8s\n", "mode",
	       "build", "workload", "samples", "exact", "complete",
	       "truncated", "depth", "us/stack", "B/sample");
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct score total = { 0 };

		for (b = 0; b < 2; b++) {
			/* Frame pointers cannot walk code built without. */
			if (!modes[m].bytes && !strcmp(builds[b], "nofp"))
				continue;
			if (!t->dir)
				snprintf(wl, sizeof(wl), "unwind_chains-%s",
					 builds[b]);
			else
				snprintf(wl, sizeof(wl), "%s/unwind_chains-%s",
					 t->dir, builds[b]);
			if (t->dir && access(wl, X_OK)) {
				pr_err("cannot run '%s': %s (build it with "
				       "'make workloads' or give --workloads "
				       "DIR)", wl, strerror(errno));
				return EXIT_FAIL;
			}
			for (i = 0; i < NR_SCENARIOS; i++) {
				struct score s = { 0 };

				if (run_one(t, wl, &scenarios[i], modes[m].bytes,
					    &s))
					return EXIT_FAIL;
				print_score(modes[m].name, builds[b],
					    scenarios[i].arg, &s);
				if (modes[m].bytes || scenarios[i].fp_scope)
					add_score(&total, &s);
			}
		}
		print_score(modes[m].name, "all", modes[m].bytes ? "scored" :
			    "fp-scope", &total);
		if (!total.scored ||
		    100 * total.exact / total.scored < modes[m].min_exact ||
		    100 * total.complete / total.samples <
		    modes[m].min_complete) {
			printf("FAIL %s: below %.1f%% exact or %.1f%% complete\n",
			       modes[m].name, modes[m].min_exact,
			       modes[m].min_complete);
			status = EXIT_FAIL;
		} else {
			printf("PASS %s\n", modes[m].name);
		}
		fflush(stdout);
	}
	if (status)
		pr_err("a mode fell below its threshold (see the FAIL lines)");
	return status;
}

/*
 * This binary, to run the built-in workloads: its path rather than
 * /proc/self/exe, so that the child's name (comm) is ebprof's.
 */
static void self_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n > 0)
		buf[n] = '\0';
	if (n <= 0 || access(buf, X_OK))
		snprintf(buf, len, "/proc/self/exe");
}

static int cmd_unwind_test_fn(int argc, char **argv, const struct cmd *self)
{
	struct selftest t = { .cmdname = cmd__label(self), .secs = 1,
			      .freq = 499 };
	struct opt_parser op;
	char **files = NULL, *end;
	size_t nr = 0, i;
	pid_t pid = 0;
	int c, status;

	if (opt_parser__init(&op, t.cmdname, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		switch (c) {
		case 'p': {
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v <= 0 || v > INT_MAX)
				goto bad_value;
			pid = v;
			break;
		}
		case 'd':
			errno = 0;
			t.secs = strtod(optarg, &end);
			if (errno || *end || !(t.secs > 0) || t.secs > 3600)
				goto bad_value;
			break;
		case 'F': {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !v || optarg[0] == '-' ||
			    v > 100000)
				goto bad_value;
			t.freq = v;
			break;
		}
		case OPT_WORKLOADS:
			t.dir = optarg;
			break;
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 self->summary);
			opt_parser__release(&op);
			return EXIT_OK;
		default:
			opt_parser__release(&op);
			return EXIT_USAGE;
		}
	}
	opt_parser__release(&op);
	if (pid && optind < argc) {
		usage_error(t.cmdname, "give files or -p PID, not both");
		return EXIT_USAGE;
	}
	if (optind < argc)
		return unwind_audit__files(stdout, argv + optind, argc - optind) ?
		       EXIT_FAIL : EXIT_OK;
	if (pid) {
		int err = proc_maps__exec_files(pid, &files, &nr);

		if (err) {
			pr_err("cannot read the mappings of process %d: %s",
			       pid, err == -ENOENT ? "no such process" :
			       strerror(-err));
			return EXIT_FAIL;
		}
		if (!nr) {
			pr_err("process %d maps no executable file (a kernel "
			       "thread has none)", pid);
			free(files);
			return EXIT_FAIL;
		}
		status = unwind_audit__files(stdout, files, nr) ? EXIT_FAIL :
			 EXIT_OK;
		for (i = 0; i < nr; i++)
			free(files[i]);
		free(files);
		return status;
	}
	if (geteuid() != 0) {
		pr_err("permission denied: the self-test loads BPF programs; "
		       "run as root (or give a FILE or -p PID to audit)");
		return EXIT_FAIL;
	}
	self_path(t.self, sizeof(t.self));
	return selftest(&t);
bad_value:
	opt_parser__release(&op);
	usage_error(t.cmdname, "invalid value '%s' for option '%s'", optarg,
		    argv[optind - 1]);
	return EXIT_USAGE;
}

const struct cmd cmd_unwind_test = {
	"unwind-test", cmd_unwind_test_fn, unwind_test_opts,
	"ebprof unwind-test [OPTIONS] [FILE... | -p PID]",
	"audit unwind information, or self-test the stack modes",
};
