// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof top: a live view of where the CPU goes.  The flow: parse and
 * check the target -> start a sampling session (session.c) -> every
 * --delay seconds take the interval's profile, add it to the decaying
 * window (live.c) and to the recording kept for `w` -> show the window,
 * as text snapshots (batch mode) or on the terminal (top_tui.c) -> stop.
 * Options and orchestration only; what the numbers mean is in common/.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "target_opts.h"
#include "format/folded.h"
#include "format/outfile.h"
#include "format/pprof.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "profile/live.h"
#include "record/notes.h"
#include "record/session.h"
#include "record/summary.h"
#include "render/top_tui.h"

/*
 * 49 Hz: a sample per CPU every 20 ms is plenty for a view refreshed each
 * second (shares move by less than the noise of one interval), it is not a
 * multiple of common timer rates (50, 100, 250, 1000 Hz) so periodic work
 * is not over- or under-sampled, and it keeps `top -a` within 1% of one
 * CPU on an idle 2-core host (scripts/bench-top.sh measures it).
 */
#define TOP_DEFAULT_FREQ	49
/* A sample's weight halves after this many seconds in the window. */
#define TOP_HALF_LIFE		2.0
#define TOP_BATCH_ROWS		20

enum {
	OPT_FORMAT = 256, OPT_BATCH, OPT_SHOW_SELF, OPT_ROWS,
	OPT_NO_PYTHON, OPT_PER_CONTAINER,
};

static const struct opt_spec top_opts[] = {
	{ "pid", 'p', required_argument, "PID[,PID...]",
	  "watch these processes (all their threads)" },
	{ "tid", 't', required_argument, "TID[,TID...]",
	  "watch these threads" },
	{ "all-cpus", 'a', no_argument, NULL,
	  "watch the whole system (the default)" },
	{ "cgroup", TARGET_OPT_CGROUP, required_argument, "PATH",
	  "watch every task in this cgroup v2 directory" },
	{ "container", TARGET_OPT_CONTAINER, required_argument, "ID|NAME",
	  "watch this container (id prefix or name; repeatable)" },
	{ "per-container", OPT_PER_CONTAINER, no_argument, NULL,
	  "rows per container (its name, else [host]) rather than per "
	  "function" },
	{ "freq", 'F', required_argument, "HZ",
	  "samples per second per CPU (default 49)" },
	{ "delay", 'd', required_argument, "SECONDS",
	  "refresh interval (default 1)" },
	{ "iterations", 'n', required_argument, "N",
	  "stop after N refreshes" },
	{ "batch", OPT_BATCH, no_argument, NULL,
	  "print a text snapshot each refresh (the default without a "
	  "terminal)" },
	{ "rows", OPT_ROWS, required_argument, "N",
	  "functions per batch snapshot (default 20)" },
	{ "output", 'o', required_argument, "FILE",
	  "where 'w' (and batch mode at exit) writes the recording "
	  "(default ebprof.folded)" },
	{ "format", OPT_FORMAT, required_argument, "folded|pprof",
	  "recording format (default: from the -o extension, else folded)" },
	{ "show-self", OPT_SHOW_SELF, no_argument, NULL,
	  "keep ebprof's own samples in the view" },
	{ "no-python", OPT_NO_PYTHON, no_argument, NULL,
	  "show CPython's C functions instead of the Python ones" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

struct top {
	const char *cmdname;
	struct target_opts tg;		/* -p, -t, -a, --cgroup, --container */
	bool batch, batch_ran, show_self, output_set, format_set;
	bool no_python, per_container;
	unsigned int freq;
	double delay;
	unsigned long iterations;	/* 0: until stopped */
	unsigned long rows;
	const char *output;
	enum out_format format;
	char **argv;
	char target[128];		/* for the header */
	struct session *s;
	struct live *live;
	struct profile *rec;		/* everything so far, for 'w' */
	uint64_t t0, t0_real;		/* start, CLOCK_MONOTONIC / REALTIME */
	uint64_t last_wall, last_cpu;	/* for our CPU use */
	uint64_t last_samples;
	double cpu_pct;			/* ours, over the last interval */
};

static int parse_args(struct top *t, int argc, char **argv,
		      const struct cmd *self)
{
	struct opt_parser op;
	double v;
	int c, n;

	if (opt_parser__init(&op, t->cmdname, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		n = target_opts__parse(&t->tg, c, optarg);
		if (n == -EINVAL)
			goto bad_value;
		if (n < 0) {
			opt_parser__release(&op);
			pr_err("out of memory");
			return EXIT_FAIL;
		}
		if (n)
			continue;
		switch (c) {
		case OPT_PER_CONTAINER:
			t->per_container = true;
			break;
		case 'F':
			if (opt_parse_double(optarg, 1, 1000000, &v) ||
			    v != floor(v))
				goto bad_value;
			t->freq = v;
			break;
		case 'd':
			if (opt_parse_double(optarg, 0.05, 86400, &t->delay))
				goto bad_value;
			break;
		case 'n':
			if (opt_parse_double(optarg, 1, 1e9, &v) ||
			    v != floor(v))
				goto bad_value;
			t->iterations = v;
			break;
		case OPT_ROWS:
			if (opt_parse_double(optarg, 1, 1e6, &v) ||
			    v != floor(v))
				goto bad_value;
			t->rows = v;
			break;
		case OPT_BATCH:
			t->batch = true;
			break;
		case OPT_SHOW_SELF:
			t->show_self = true;
			break;
		case OPT_NO_PYTHON:
			t->no_python = true;
			break;
		case 'o':
			t->output = optarg;
			t->output_set = true;
			break;
		case OPT_FORMAT:
			if (out_format__parse(optarg, &t->format))
				goto bad_value;
			t->format_set = true;
			break;
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 self->summary);
			opt_parser__release(&op);
			return -1;
		default:
			opt_parser__release(&op);
			return EXIT_USAGE;
		}
	}
	opt_parser__release(&op);
	if (!strcmp(t->output, "-")) {
		usage_error(t->cmdname, "standard output shows the view: give "
			    "-o a file name");
		return EXIT_USAGE;
	}
	if (!t->format_set)
		t->format = out_format__from_path(t->output);
	n = target_opts__finish(&t->tg, argc, argv, t->cmdname);
	if (n < 0)
		return EXIT_USAGE;
	if (!n)
		t->tg.all = true;
	return 0;
bad_value:
	opt_parser__release(&op);
	opt_bad_value(t->cmdname, argv);
	return EXIT_USAGE;
}

static void describe_target(struct top *top)
{
	const struct target_opts *t = &top->tg;
	size_t n = sizeof(top->target);

	if (t->command)
		snprintf(top->target, n, "command %s", t->command[0]);
	else if (t->nr_pids)
		snprintf(top->target, n, "pid %d%s", t->pids[0],
			 t->nr_pids > 1 ? ",..." : "");
	else if (t->nr_tids)
		snprintf(top->target, n, "tid %d%s", t->tids[0],
			 t->nr_tids > 1 ? ",..." : "");
	else if (t->cgroup_path)
		snprintf(top->target, n, "cgroup %s", t->cgroup_path);
	else if (t->nr_containers)
		snprintf(top->target, n, "container %s%s", t->containers[0],
			 t->nr_containers > 1 ? ",..." : "");
	else
		snprintf(top->target, n, "all CPUs");
}

/* Our own CPU use since the last call, in percent of one CPU. */
static void update_cpu(struct top *t)
{
	struct rusage ru;
	uint64_t wall = clock__ns(CLOCK_MONOTONIC), cpu;

	if (getrusage(RUSAGE_SELF, &ru))
		return;
	cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
	if (wall > t->last_wall && t->last_wall)
		t->cpu_pct = 100.0 * (cpu - t->last_cpu) / (wall - t->last_wall);
	t->last_wall = wall;
	t->last_cpu = cpu;
}

/* The two header lines, shared by batch and terminal output. */
static void format_header(struct top *t, char *l1, char *l2, size_t len)
{
	uint64_t n, lost, lost_sb;
	time_t now = time(NULL);
	struct tm tm;
	char clock[16] = "";

	session__counters(t->s, &n, &lost, &lost_sb);
	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	snprintf(l1, len, "ebprof top - %s, %.0f s, %s, %u Hz, every %g s",
		 clock, (clock__ns(CLOCK_MONOTONIC) - t->t0) / 1e9, t->target,
		 t->freq, t->delay);
	/* On the window with its kernel frames, whatever the view hides. */
	snprintf(l2, len, "samples: %llu (+%llu), lost: %llu, ebprof CPU: "
		 "%.1f%%, unsymbolized: %.1f%%",
		 (unsigned long long)n,
		 (unsigned long long)(n - t->last_samples),
		 (unsigned long long)(lost + lost_sb), t->cpu_pct,
		 live__unresolved(t->live));
}

static int print_batch(struct top *t)
{
	struct live_view_opts o = {
		.kernel = true, .per_container = t->per_container,
	};
	struct live_view *v = live__view(t->live, &o);
	char l1[256], l2[256], line[1024];
	size_t i;

	if (!v)
		return -errno;
	format_header(t, l1, l2, sizeof(l1));
	printf("%s\n%s\n\n%s\n", l1, l2, live__columns_of(&o));
	for (i = 0; i < v->nr_rows && i < t->rows; i++) {
		live_row__format(&v->rows[i], line, sizeof(line));
		printf("%s\n", line);
	}
	printf("\n");
	live_view__free(v);
	return fflush(stdout) || ferror(stdout) ? -EIO : 0;
}

/* Takes the interval's profile into the window and the recording. */
static int take_interval(struct top *t)
{
	struct profile *p = session__interval(t->s);
	int err;

	if (!p)
		return -ENOMEM;
	err = live__push(t->live, p);
	if (!err)
		err = profile__merge(t->rec, p);
	profile__free(p);
	update_cpu(t);
	return err;
}

/* Writes what was collected so far; 0 or -errno (see outfile.h). */
static int write_recording(struct top *t)
{
	struct profile *p = profile__new();
	struct outfile out = { 0 };
	int err;

	if (!p)
		return -ENOMEM;
	err = profile__merge(p, t->rec);
	err = err ?: notes__add(p, t->s, t->argv, false, false);
	if (err)
		goto out;
	p->time_nanos = t->t0_real;
	p->duration_nanos = clock__ns(CLOCK_MONOTONIC) - t->t0;
	err = outfile__open(&out, t->output);
	if (err)
		goto out;
	err = t->format == OUT_PPROF ? pprof__write(p, out.f) :
	      folded__write(p, out.f,
			    t->per_container ? FOLDED_PER_CONTAINER : 0);
	if (!err)
		err = outfile__commit(&out);
	else
		err = outfile__abort(&out) ?: err;
out:
	profile__free(p);
	return err;
}

static int run_batch(struct top *t)
{
	uint64_t next = t->t0 + t->delay * 1e9;
	unsigned long done = 0;
	int err;

	t->batch_ran = true;
	while (!target_stop_signal) {
		uint64_t now = clock__ns(CLOCK_MONOTONIC);
		bool gone;
		int wait = next > now ? (next - now) / 1000000 : 0;

		if (session__poll(t->s, wait < 250 ? wait : 250)) {
			pr_err("out of memory while sampling");
			return EXIT_FAIL;
		}
		gone = session__done(t->s, NULL);
		if (clock__ns(CLOCK_MONOTONIC) < next && !gone)
			continue;
		if (gone)
			(void)session__stop(t->s);
		err = take_interval(t);
		if (!err)
			err = print_batch(t);
		if (err == -EIO) {
			pr_err("cannot write to standard output: %s",
			       strerror(errno ? errno : EIO));
			return EXIT_FAIL;
		}
		if (err) {
			pr_err("out of memory while sampling");
			return EXIT_FAIL;
		}
		session__counters(t->s, &t->last_samples, NULL, NULL);
		next += t->delay * 1e9;
		if (gone) {
			pr_info("the target exited");
			break;
		}
		if (t->iterations && ++done >= t->iterations)
			break;
	}
	return EXIT_OK;
}

/* A number for the status line: samples in the recording so far. */
static double recorded_samples(const struct profile *p)
{
	int type = profile__find_type(p, "samples");
	double n = 0;
	size_t i;

	for (i = 0; type >= 0 && i < p->nr_samples; i++)
		n += p->samples[i].values[type];
	return n;
}

static int run_interactive(struct top *t)
{
	uint64_t next = t->t0 + t->delay * 1e9;
	unsigned long done = 0;
	struct top_tui *ui;
	char l1[256], l2[256];
	const char *fail = NULL;
	bool gone = false, enough = false, refreshed = false;
	int err, keys = TOP_TUI_REDRAW;

	err = top_tui__new(&ui);
	if (err) {
		pr_err("cannot use the terminal (TERM=%s): %s; use --batch",
		       getenv("TERM") ? getenv("TERM") : "", strerror(-err));
		return EXIT_FAIL;
	}
	top_tui__set_per_container(ui, t->per_container);
	top_tui__status(ui, "sampling at %u Hz, first refresh in %g s",
			t->freq, t->delay);
	while (!target_stop_signal && !gone && !enough) {
		uint64_t now = clock__ns(CLOCK_MONOTONIC);
		int wait = next > now ? (next - now) / 1000000 : 0;

		/* Keys are read between polls: 100 ms is a prompt answer. */
		if (session__poll(t->s, wait < 100 ? wait : 100)) {
			fail = "out of memory while sampling";
			break;
		}
		keys |= top_tui__input(ui);
		if (keys & TOP_TUI_QUIT)
			break;
		if (keys & TOP_TUI_WRITE) {
			err = write_recording(t);
			if (err)
				top_tui__status(ui, "cannot write '%s': %s",
						t->output,
						outfile__strerror(err));
			else
				top_tui__status(ui, "wrote %s (%.0f samples, "
						"up to the last refresh)",
						t->output,
						recorded_samples(t->rec));
		}
		gone = session__done(t->s, NULL);
		if (gone || clock__ns(CLOCK_MONOTONIC) >= next) {
			if (gone)
				(void)session__stop(t->s);
			if (take_interval(t)) {
				fail = "out of memory while sampling";
				break;
			}
			next += t->delay * 1e9;
			keys |= TOP_TUI_REDRAW;
			refreshed = true;
			enough = t->iterations && ++done >= t->iterations;
		}
		if (keys & TOP_TUI_REDRAW) {
			format_header(t, l1, l2, sizeof(l1));
			if (top_tui__draw(ui, t->live, l1, l2)) {
				fail = "out of memory while drawing";
				break;
			}
			if (refreshed)
				session__counters(t->s, &t->last_samples, NULL,
						  NULL);
		}
		keys = 0;
		refreshed = false;
	}
	top_tui__free(ui);
	if (fail) {
		pr_err("%s", fail);
		return EXIT_FAIL;
	}
	if (gone)
		pr_info("the target exited");
	return EXIT_OK;
}

static int run_top(struct top *t)
{
	struct session_opts so = {
		.freq = t->freq, .user = true, .kernel = true,
		.exclude_self = !t->show_self, .stop = &target_stop_signal,
		.python = !t->no_python,
	};
	char why[512];
	int status = EXIT_FAIL, err;

	target_opts__session(&t->tg, &so);
	err = session__check(&so, why, sizeof(why));
	if (err) {
		pr_err("%s", why);
		return EXIT_FAIL;
	}
	t->live = live__new(pow(0.5, t->delay / TOP_HALF_LIFE));
	t->rec = profile__new();
	if (!t->live || !t->rec) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	target_stop__catch();
	err = session__new(&so, &t->s, why, sizeof(why));
	err = err ?: session__start(t->s, why, sizeof(why));
	if (err) {
		pr_err("%s", why);
		return EXIT_FAIL;
	}
	t->t0 = clock__ns(CLOCK_MONOTONIC);
	t->t0_real = clock__ns(CLOCK_REALTIME);
	update_cpu(t);
	if (!t->batch && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
		status = run_interactive(t);
	else
		status = run_batch(t);
	/* After batch mode: how whole the Python stacks were. */
	if (!status && t->batch_ran)
		summary__python(stderr, session__python_stats(t->s), false);
	if (session__child(t->s) && target_stop_signal)
		kill(session__child(t->s), target_stop_signal);
	if (target_stop_signal == SIGHUP)
		signal(SIGPIPE, SIG_IGN);
	if (!status && t->output_set && t->batch_ran) {
		(void)session__stop(t->s);
		err = take_interval(t);
		err = err ?: write_recording(t);
		if (err) {
			pr_err("cannot write '%s': %s", t->output,
			       outfile__strerror(err));
			status = EXIT_FAIL;
		} else {
			pr_info("wrote %s", t->output);
		}
	}
	return status;
}

static int cmd_top_fn(int argc, char **argv, const struct cmd *self)
{
	struct top t = {
		.cmdname = cmd__label(self), .tg = TARGET_OPTS_INIT,
		.freq = TOP_DEFAULT_FREQ, .delay = 1, .rows = TOP_BATCH_ROWS,
		.output = "ebprof.folded", .argv = argv,
	};
	int status = parse_args(&t, argc, argv, self);

	if (status == -1) {		/* --help */
		status = EXIT_OK;
		goto out;
	}
	if (status)
		goto out;
	if (target_opts__open_cgroup(&t.tg) ||
	    ((t.tg.nr_containers || t.per_container) &&
	     target_opts__origins(&t.tg, false))) {
		status = EXIT_FAIL;
		goto out;
	}
	describe_target(&t);
	status = run_top(&t);
out:
	session__free(t.s);
	live__free(t.live);
	profile__free(t.rec);
	target_opts__release(&t.tg);
	return status;
}

const struct cmd cmd_top = {
	"top", cmd_top_fn, top_opts,
	"ebprof top [OPTIONS] [-p PID | -t TID | -a | --cgroup PATH | "
	"--container NAME | [--] COMMAND [ARGS...]]",
	"live view of the busiest functions (like perf top)",
};
