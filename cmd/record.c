// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof record: sample CPU stacks of a target with the BPF sampler and
 * write them as folded stacks (or pprof).  The flow: check the target and
 * privileges -> open the output (fail before sampling, not after) -> start
 * side-band tracking (proc_maps) -> load and attach the sampler -> poll
 * until done -> build the profile (recorder + symbolizer) -> write it
 * atomically -> print the summary.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "push.h"
#include "target_opts.h"
#include "format/folded.h"
#include "format/outfile.h"
#include "format/pprof.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "profile/wallclock.h"
#include "record/notes.h"
#include "record/session.h"
#include "record/summary.h"
#include "sample/sampler.h"

enum {
	OPT_USER_ONLY = 256, OPT_KERNEL_ONLY, OPT_IDLE,
	OPT_PER_PID, OPT_PER_THREAD, OPT_FORMAT, OPT_CALL_GRAPH,
	OPT_OFF_CPU, OPT_OFF_CPU_MIN, OPT_OFF_CPU_WAKERS,
	OPT_PER_CONTAINER,
	OPT_NO_JVM_ATTACH,
	OPT_DEBUGINFOD, OPT_NO_DEBUGINFOD, OPT_NO_INLINE,
	OPT_NO_PYTHON, OPT_PYTHON_LINES,
};

/*
 * --off-cpu-min default: blocks this short get no stack of their own (their
 * time is still charged, summed per thread and state).  20 us is some ten
 * times what a context switch plus a stack capture cost, so the stacks
 * taken are of waits long against the scheduler's own latency, while a
 * context-switch storm of hand-offs costs a map update per switch.
 */
#define OFF_CPU_MIN_DEFAULT_NS 20000ULL

static const struct opt_spec record_opts[] = {
	{ "pid", 'p', required_argument, "PID[,PID...]",
	  "profile these processes (all their threads)" },
	{ "tid", 't', required_argument, "TID[,TID...]",
	  "profile these threads" },
	{ "all-cpus", 'a', no_argument, NULL,
	  "profile the whole system" },
	{ "cgroup", TARGET_OPT_CGROUP, required_argument, "PATH",
	  "profile every task in this cgroup v2 directory" },
	{ "container", TARGET_OPT_CONTAINER, required_argument, "ID|NAME",
	  "profile this container (id prefix or name; repeatable)" },
	{ "freq", 'F', required_argument, "HZ",
	  "samples per second per CPU (default 99)" },
	{ "duration", 'd', required_argument, "SECONDS",
	  "stop after this long (default: Ctrl-C or target exit)" },
	{ "output", 'o', required_argument, "FILE",
	  "write here, '-' for stdout (default ebprof.folded)" },
	{ "user-only", OPT_USER_ONLY, no_argument, NULL,
	  "user stacks only" },
	{ "kernel-only", OPT_KERNEL_ONLY, no_argument, NULL,
	  "kernel stacks only" },
	{ "idle", OPT_IDLE, no_argument, NULL,
	  "keep the idle task (pid 0) with -a" },
	{ "per-pid", OPT_PER_PID, no_argument, NULL,
	  "root frame comm-PID" },
	{ "per-thread", OPT_PER_THREAD, no_argument, NULL,
	  "root frame comm-PID/TID" },
	{ "per-container", OPT_PER_CONTAINER, no_argument, NULL,
	  "root frame: the container's name, else [host]" },
	{ "call-graph", OPT_CALL_GRAPH, required_argument, "fp|dwarf[,SIZE]",
	  "user stacks by frame pointers (default) or DWARF unwinding of "
	  "SIZE bytes of stack (default 8192)" },
	{ "no-python", OPT_NO_PYTHON, no_argument, NULL,
	  "show the CPython interpreter, not the Python functions it runs" },
	{ "python-lines", OPT_PYTHON_LINES, no_argument, NULL,
	  "name Python frames with their line: qualname (file.py:LINE)" },
	{ "format", OPT_FORMAT, required_argument, "folded|pprof",
	  "output format (default: from the -o extension, else folded)" },
	{ "off-cpu", OPT_OFF_CPU, no_argument, NULL,
	  "also record where threads wait off the CPU (wall-clock profile)" },
	{ "off-cpu-min", OPT_OFF_CPU_MIN, required_argument, "DURATION",
	  "shorter blocks are summed per thread without a stack "
	  "(default 20us; units ns, us, ms, s)" },
	{ "off-cpu-wakers", OPT_OFF_CPU_WAKERS, no_argument, NULL,
	  "with --off-cpu: add the stacks of who woke each thread" },
	{ "no-jvm-attach", OPT_NO_JVM_ATTACH, no_argument, NULL,
	  "do not ask JVMs for a perf map of their JIT code" },
	{ "debuginfod", OPT_DEBUGINFOD, optional_argument, "[=URLS]",
	  "fetch missing debug files from these servers (default: "
	  "$DEBUGINFOD_URLS)" },
	{ "no-debuginfod", OPT_NO_DEBUGINFOD, no_argument, NULL,
	  "do not fetch debug files even with $DEBUGINFOD_URLS set" },
	{ "no-inline", OPT_NO_INLINE, no_argument, NULL,
	  "no inlined-function frames or source lines from DWARF" },
	PUSH_CONTINUOUS_OPT_SPECS,
	PUSH_CLIENT_OPT_SPECS,
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

struct record {
	const char *cmdname;
	struct target_opts t;		/* -p, -t, -a, --cgroup, --container */
	bool user, kernel, idle, python, python_lines;
	bool no_jvm_attach;
	unsigned int freq;
	double duration;		/* 0: until stopped */
	const char *output;
	bool output_set, format_set;
	enum out_format format;
	unsigned int folded_flags;
	unsigned int user_stack_bytes;	/* --call-graph dwarf; 0 for fp */
	bool off_cpu, off_cpu_min_set, off_cpu_wakers;
	uint64_t off_cpu_min_ns;
	bool debuginfod;		/* fetch debug files after sampling */
	bool no_inline;			/* no DWARF inline frames, lines */
	struct push_opts push;		/* continuous mode: --push URL */
	char **argv;			/* ours, for the recording's notes */
	struct session *s;
};

static int parse_args(struct record *r, int argc, char **argv,
		      const struct cmd *self)
{
	struct opt_parser op;
	int c, n;

	if (opt_parser__init(&op, r->cmdname, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		n = target_opts__parse(&r->t, c, optarg);
		if (n < 0)
			goto bad_value;
		if (n)
			continue;
		switch (c) {
		case OPT_PER_CONTAINER:
			r->folded_flags |= FOLDED_PER_CONTAINER;
			break;
		case 'F':
			if (opt_parse_uint(optarg, 1000000, &r->freq))
				goto bad_value;
			break;
		case 'd':
			if (opt_parse_double(optarg, 1e-6, 1e9, &r->duration))
				goto bad_value;
			break;
		case 'o':
			r->output = optarg;
			r->output_set = true;
			break;
		case OPT_CALL_GRAPH:
			if (opt_parse_call_graph(optarg,
						 SAMPLER_MAX_USTACK_BYTES,
						 &r->user_stack_bytes))
				goto bad_value;
			break;
		case OPT_FORMAT:
			if (out_format__parse(optarg, &r->format))
				goto bad_value;
			r->format_set = true;
			break;
		case OPT_OFF_CPU:
			r->off_cpu = true;
			break;
		case OPT_OFF_CPU_WAKERS:
			r->off_cpu_wakers = true;
			break;
		case OPT_OFF_CPU_MIN:
			if (opt_parse_duration_ns(optarg, &r->off_cpu_min_ns))
				goto bad_value;
			r->off_cpu_min_set = true;
			break;
		case OPT_USER_ONLY:
			r->kernel = false;
			break;
		case OPT_KERNEL_ONLY:
			r->user = false;
			break;
		case OPT_IDLE:
			r->idle = true;
			break;
		case OPT_NO_JVM_ATTACH:
			r->no_jvm_attach = true;
			break;
		case OPT_NO_PYTHON:
			r->python = false;
			break;
		case OPT_PYTHON_LINES:
			r->python_lines = true;
			break;
		case OPT_PER_PID:
			r->folded_flags |= FOLDED_PER_PID;
			break;
		case OPT_PER_THREAD:
			r->folded_flags |= FOLDED_PER_THREAD;
			break;
		case OPT_DEBUGINFOD:
			/* libdebuginfod reads its servers from here */
			if (optarg && (!*optarg ||
				       setenv("DEBUGINFOD_URLS", optarg, 1)))
				goto bad_value;
			if (!optarg && !getenv("DEBUGINFOD_URLS")) {
				opt_parser__release(&op);
				usage_error(r->cmdname, "--debuginfod needs "
					    "servers: --debuginfod=URLS or "
					    "DEBUGINFOD_URLS");
				return EXIT_USAGE;
			}
			r->debuginfod = true;
			break;
		case OPT_NO_INLINE:
			r->no_inline = true;
			break;
		case OPT_NO_DEBUGINFOD:
			r->debuginfod = false;
			unsetenv("DEBUGINFOD_URLS");
			break;
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 self->summary);
			opt_parser__release(&op);
			return -1;
		default:
			n = push_cmd__parse_opt(&r->push, c, optarg, r->cmdname);
			if (n > 0)
				break;
			opt_parser__release(&op);
			return EXIT_USAGE;
		}
	}
	opt_parser__release(&op);
	if (!r->format_set)
		r->format = out_format__from_path(r->output);
	if (r->off_cpu && r->push.server) {
		usage_error(r->cmdname, "--off-cpu is not pushed continuously "
			    "yet: record a pprof file (-o FILE.pb.gz) and "
			    "'ebprof push' it");
		return EXIT_USAGE;
	}
	if (r->push.server && r->output_set) {
		usage_error(r->cmdname, "--push uploads each interval: it "
			    "writes no file, so drop -o");
		return EXIT_USAGE;
	}
	if (!r->push.server && (r->push.continuous_set || r->push.app)) {
		usage_error(r->cmdname, "Pyroscope options need --push URL");
		return EXIT_USAGE;
	}
	if (r->push.server) {
		n = push_cmd__finish_opts(&r->push, r->cmdname);
		if (n)
			return n;
	}
	n = target_opts__finish(&r->t, argc, argv, r->cmdname);
	if (n < 0)
		return EXIT_USAGE;
	if (n == 0) {
		usage_error(r->cmdname, "no target: give -p PID, -t TID, -a, "
			    "--cgroup PATH, --container ID or -- COMMAND");
		return EXIT_USAGE;
	}
	if ((r->off_cpu_min_set || r->off_cpu_wakers) && !r->off_cpu) {
		usage_error(r->cmdname, "--%s needs --off-cpu",
			    r->off_cpu_wakers ? "off-cpu-wakers" :
			    "off-cpu-min");
		return EXIT_USAGE;
	}
	if (r->off_cpu && r->user && r->user_stack_bytes) {
		usage_error(r->cmdname, "--off-cpu takes frame-pointer stacks "
			    "only: drop --call-graph dwarf");
		return EXIT_USAGE;
	}
	if (!r->user && !r->kernel) {
		usage_error(r->cmdname,
			    "--user-only and --kernel-only exclude each other");
		return EXIT_USAGE;
	}
	return 0;
bad_value:
	opt_parser__release(&op);
	opt_bad_value(r->cmdname, argv);
	return EXIT_USAGE;
}

/* Checks that need no privileges, so their message wins. */
static int check_target(struct record *r)
{
	struct session_opts so = { .freq = r->freq };
	char why[512];
	int err;

	target_opts__session(&r->t, &so);
	err = session__check_targets(&so, why, sizeof(why));
	if (!err && target_opts__open_cgroup(&r->t))
		return EXIT_FAIL;
	err = err ?: session__check_system(&so, why, sizeof(why));
	if (err) {
		pr_err("%s%s", why, err == -EPERM ?
		       " (e.g. sudo ebprof record ...)" : "");
		return EXIT_FAIL;
	}
	return 0;
}

static void python_found(pid_t pid, const struct py_proc *py)
{
	pr_debug(1, "python 3.%u in process %d", py->minor, pid);
}

static void status_line(struct session *s, double secs)
{
	uint64_t n, lost;

	session__counters(s, &n, &lost, NULL);
	fprintf(stderr, "\r\033[Krecording: %.1f s, %llu samples, %llu lost",
		secs, (unsigned long long)n, (unsigned long long)lost);
}

/* How the command ended, when not well (perf prints the signal too). */
static void report_child(int st)
{
	if (WIFEXITED(st) && WEXITSTATUS(st))
		pr_info("the command exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		pr_warn("the command was killed by signal %d (%s)%s",
			WTERMSIG(st), strsignal(WTERMSIG(st)),
			WCOREDUMP(st) ? ", core dumped" : "");
}

static int write_output(struct record *r, struct profile *p,
			struct outfile *out)
{
	int err = r->format == OUT_PPROF ? pprof__write(p, out->f) :
		  folded__write(p, out->f, r->folded_flags);

	if (!err)
		err = outfile__commit(out);
	else
		err = outfile__abort(out) ?: err;
	if (err) {
		pr_err("cannot write '%s': %s", r->output,
		       outfile__strerror(err));
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * Continuous mode: hands the window [*start, now) to the uploader and
 * starts the next one where it ended, so windows neither overlap nor
 * leave gaps.  Sampling goes on meanwhile: the uploader never blocks.
 */
static int push_window(struct record *r, struct uploader *up,
		       uint64_t *start)
{
	uint64_t end = clock__ns(CLOCK_REALTIME);
	struct profile *p;

	if (session__offcpu_short(r->s))
		return -ENOMEM;
	/* The dead of the window go with it (gc_each_interval). */
	p = session__interval(r->s);
	if (!p)
		return -ENOMEM;
	p->time_nanos = *start;
	p->duration_nanos = end - *start;
	*start = end;
	return uploader__submit(up, p, p->time_nanos,
				p->time_nanos + p->duration_nanos);
}

static int finish_push(struct record *r, struct uploader *up,
		       uint64_t *window_start, double secs)
{
	struct uploader_stats st;
	struct profile *p;
	size_t left;
	int err = push_window(r, up, window_start);

	/* The last build is kept for the unsymbolized-frames summary. */
	p = profile__new();
	if (p)
		summary__print(stderr, r->s, p, secs);
	profile__free(p);
	left = uploader__free(up, 10000, &st);
	pr_info("pushed %llu of %llu windows (%llu from the spool), %llu "
		"failed attempts, %llu rejected, %llu lost",
		(unsigned long long)(st.uploads - st.from_spool),
		(unsigned long long)st.windows,
		(unsigned long long)st.from_spool,
		(unsigned long long)st.failures,
		(unsigned long long)st.rejected,
		(unsigned long long)(st.lost + st.queue_dropped + st.too_old +
				     st.spool_dropped));
	if (left)
		pr_warn("%zu uploads stay in the spool for the next run", left);
	return err ? EXIT_FAIL : EXIT_OK;
}

/* The profile at the end, with its notes; NULL after a message. */
static struct profile *final_profile(struct record *r, double secs,
				     uint64_t t_real)
{
	struct profile *p;
	char why[512];

	p = session__finish(r->s, r->debuginfod, why, sizeof(why));
	if (!p) {
		pr_err("%s", why);
		return NULL;
	}
	p->time_nanos = t_real;
	p->duration_nanos = secs * 1e9;
	if (notes__add(p, r->s, r->argv, true, r->format == OUT_PPROF) ||
	    (r->off_cpu && r->format != OUT_PPROF &&
	     wallclock__folded_view(p))) {
		pr_err("out of memory");
		profile__free(p);
		return NULL;
	}
	return p;
}

static int run_record(struct record *r)
{
	struct session_opts so = {
		.freq = r->freq, .user = r->user, .kernel = r->kernel,
		.idle = r->idle, .user_stack_bytes = r->user_stack_bytes,
		.off_cpu = r->off_cpu, .off_cpu_min_ns = r->off_cpu_min_ns,
		.off_cpu_wakers = r->off_cpu_wakers,
		.python = r->python, .python_lines = r->python_lines,
		.python_found = python_found,
		.no_jvm_attach = r->no_jvm_attach,
		.inline_frames = !r->no_inline,
		.gc_each_interval = true, .main_file = true,
		.stop = &target_stop_signal,
	};
	struct profile *p = NULL;
	struct outfile out = { 0 };
	struct uploader *up = NULL;
	uint64_t t0, t_real, last_status = 0, window_start = 0, last_push = 0;
	bool tty = isatty(STDERR_FILENO) && log_verbosity >= 0;
	int status = EXIT_FAIL, err, child_status = 0;
	char why[512];
	double secs;

	if (r->push.server) {
		struct uploader_config cfg;

		push_opts__uploader_config(&r->push, r->freq, &cfg);
		up = uploader__new(&cfg, why, sizeof(why));
		if (!up) {
			pr_err("%s", why);
			return EXIT_FAIL;
		}
	} else {
		err = outfile__open(&out, r->output);
		if (err) {
			pr_err("cannot create '%s': %s", r->output,
			       outfile__strerror(err));
			return EXIT_FAIL;
		}
	}
	/* A dropped SSH session stops the recording; it is not lost. */
	target_stop__catch();
	target_opts__session(&r->t, &so);
	if (session__new(&so, &r->s, why, sizeof(why))) {
		pr_err("%s", why);
		goto cleanup;
	}
	t0 = last_push = clock__ns(CLOCK_MONOTONIC);
	t_real = window_start = clock__ns(CLOCK_REALTIME);
	pr_debug(1, "sampling at %u Hz", r->freq);
	if (session__start(r->s, why, sizeof(why))) {
		pr_err("%s", why);
		goto cleanup;
	}

	while (!target_stop_signal) {
		uint64_t t = clock__ns(CLOCK_MONOTONIC);

		if (session__poll(r->s, 50)) {
			pr_err("out of memory while recording");
			goto cleanup;
		}
		if (r->duration && t - t0 >= r->duration * 1e9)
			break;
		if (session__done(r->s, &child_status))
			break;
		if (up && t - last_push >= r->push.interval_ms * 1000000ULL) {
			last_push = t;
			if (push_window(r, up, &window_start)) {
				pr_err("out of memory while recording");
				goto cleanup;
			}
		}
		if (tty && t - last_status > 500000000ULL) {
			status_line(r->s, (t - t0) / 1e9);
			last_status = t;
		}
	}
	if ((target_stop_signal == SIGTERM || target_stop_signal == SIGHUP) &&
	    session__child(r->s))
		kill(session__child(r->s), target_stop_signal);
	/* After a hang-up, stderr may be a closed pipe: no SIGPIPE death. */
	if (target_stop_signal == SIGHUP)
		signal(SIGPIPE, SIG_IGN);
	if (session__stop(r->s)) {
		pr_err("out of memory while recording");
		goto cleanup;
	}
	secs = (clock__ns(CLOCK_MONOTONIC) - t0) / 1e9;
	if (tty)
		fprintf(stderr, "\r\033[K");

	if (up) {
		status = finish_push(r, up, &window_start, secs);
		up = NULL;
		goto cleanup;
	}
	p = final_profile(r, secs, t_real);
	if (!p)
		goto cleanup;
	status = write_output(r, p, &out);
	summary__print(stderr, r->s, p, secs);
	if (!status && strcmp(r->output, "-"))
		pr_info("wrote %s", r->output);
	if (r->t.command && !session__child(r->s))
		report_child(child_status);
cleanup:
	if (status && out.f)
		outfile__abort(&out);
	if (up)
		uploader__free(up, 0, NULL);
	profile__free(p);
	session__free(r->s);
	r->s = NULL;
	return status;
}

static int cmd_record_fn(int argc, char **argv, const struct cmd *self)
{
	struct record r = {
		.cmdname = cmd__label(self), .user = true, .kernel = true,
		.t = TARGET_OPTS_INIT, .freq = 99, .output = "ebprof.folded",
		.argv = argv, .python = true,
		.off_cpu_min_ns = OFF_CPU_MIN_DEFAULT_NS,
		.debuginfod = getenv("DEBUGINFOD_URLS") &&
			      *getenv("DEBUGINFOD_URLS"),
	};
	int status;

	push_opts__init(&r.push);
	status = parse_args(&r, argc, argv, self);

	if (status == -1) {		/* --help */
		status = EXIT_OK;
		goto out;
	}
	if (!status)
		status = check_target(&r);
	/* Origins (containers, pods, units) for the labels, always. */
	if (!status && target_opts__origins(&r.t, true))
		status = EXIT_FAIL;
	if (!status)
		status = run_record(&r);
out:
	target_opts__release(&r.t);
	push_opts__release(&r.push);
	return status;
}

const struct cmd cmd_record = {
	"record", cmd_record_fn, record_opts,
	"ebprof record [OPTIONS] (-p PID | -t TID | -a | --cgroup PATH | "
	"[--] COMMAND [ARGS...])",
	"sample CPU stacks and write folded stacks or pprof",
};
