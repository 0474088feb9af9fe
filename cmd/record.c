// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof record: sample CPU stacks of a target with the BPF sampler and
 * write them as folded stacks (or pprof).  The flow: check the target and
 * privileges -> open the output (fail before sampling, not after) -> start
 * side-band tracking (proc_maps) -> load and attach the sampler -> poll
 * until done -> build the profile (recorder + symbolizer) -> write it
 * atomically -> print the summary.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "format/folded.h"
#include "symbol/debuginfod.h"
#include "lib/log.h"
#include "container/origin.h"
#include "format/outfile.h"
#include "format/pprof.h"
#include "runtime/python.h"
#include "sample/proc_maps.h"
#include "push.h"
#include "record/recorder.h"
#include "sample/sampler.h"
#include "record/session.h"
#include "symbol/symbolizer.h"
#include "profile/wallclock.h"

enum {
	OPT_CGROUP = 256, OPT_USER_ONLY, OPT_KERNEL_ONLY, OPT_IDLE,
	OPT_PER_PID, OPT_PER_THREAD, OPT_FORMAT, OPT_CALL_GRAPH,
	OPT_OFF_CPU, OPT_OFF_CPU_MIN, OPT_OFF_CPU_WAKERS,
	OPT_CONTAINER, OPT_PER_CONTAINER,
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
	{ "cgroup", OPT_CGROUP, required_argument, "PATH",
	  "profile every task in this cgroup v2 directory" },
	{ "container", OPT_CONTAINER, required_argument, "ID|NAME",
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
	pid_t *pids, *tids;
	size_t nr_pids, nr_tids;
	bool all, user, kernel, idle, python, python_lines;
	bool no_jvm_attach;
	const char *cgroup_path;
	int cgroup_fd;
	const char **containers;	/* --container */
	size_t nr_containers;
	struct cgroup_ids *cg;
	struct docker *docker;
	struct origins *origins;
	unsigned int freq;
	double duration;		/* 0: until stopped */
	const char *output;
	bool output_set, format_set;
	enum out_format format;
	unsigned int folded_flags;
	unsigned int user_stack_bytes;	/* --call-graph dwarf; 0 for fp */
	bool off_cpu, off_cpu_min_set, off_cpu_wakers;
	uint64_t off_cpu_min_ns;
	uint64_t off_in_progress;	/* blocks open at the end, charged */
	bool debuginfod;		/* fetch debug files after sampling */
	bool no_inline;			/* no DWARF inline frames, lines */
	struct push_opts push;		/* continuous mode: --push URL */
	char **command;			/* argv of the command, or NULL */
	char **argv;			/* ours, for the recording's notes */
	pid_t child;
	int go_fd, err_fd;		/* command start / exec error pipes */
	char main_file[4096];		/* the profiled program, or "" */
	struct recorder *rec;
	struct proc_maps *pm;
	struct python *py;		/* NULL with --no-python */
	struct sampler *sampler;
	uint64_t horizon;		/* samples older than this are handled */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* "fp", "dwarf" or "dwarf,SIZE" (bytes, rounded up to 8); -1 if bad. */
static int parse_call_graph(const char *arg, unsigned int *bytes)
{
	unsigned long v;
	char *end;

	if (!strcmp(arg, "fp")) {
		*bytes = 0;
		return 0;
	}
	if (!strcmp(arg, "dwarf")) {
		*bytes = 8192;
		return 0;
	}
	if (strncmp(arg, "dwarf,", 6) || !isdigit((unsigned char)arg[6]))
		return -1;
	errno = 0;
	v = strtoul(arg + 6, &end, 10);
	if (errno || *end || v < 8 || v > SAMPLER_MAX_USTACK_BYTES)
		return -1;
	*bytes = (v + 7) & ~7UL;
	return 0;
}

/* "20us", "1.5ms", "0"; bare numbers are microseconds.  -1 if bad. */
static int parse_duration_ns(const char *arg, uint64_t *ns)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "", 1e3 },
	};
	char *end;
	double v;
	size_t i;

	if (!isdigit((unsigned char)arg[0]))
		return -1;
	errno = 0;
	v = strtod(arg, &end);
	if (errno)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v * units[i].mul > 3600e9)
			return -1;
		*ns = (uint64_t)(v * units[i].mul + 0.5);
		return 0;
	}
	return -1;
}

static int parse_args(struct record *r, int argc, char **argv,
		      const struct cmd *self)
{
	struct opt_parser op;
	int c, n;
	char *end;

	if (opt_parser__init(&op, r->cmdname, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		switch (c) {
		case 'p':
			if (opt_parse_ids(optarg, &r->pids, &r->nr_pids))
				goto bad_value;
			break;
		case 't':
			if (opt_parse_ids(optarg, &r->tids, &r->nr_tids))
				goto bad_value;
			break;
		case 'a':
			r->all = true;
			break;
		case OPT_CGROUP:
			r->cgroup_path = optarg;
			break;
		case OPT_CONTAINER: {
			const char **n = realloc(r->containers,
						 (r->nr_containers + 1) *
						 sizeof(*n));

			if (!n)
				goto bad_value;
			r->containers = n;
			n[r->nr_containers++] = optarg;
			break;
		}
		case OPT_PER_CONTAINER:
			r->folded_flags |= FOLDED_PER_CONTAINER;
			break;
		case 'F': {
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || v == 0 ||
			    optarg[0] == '-' || v > 1000000)
				goto bad_value;
			r->freq = v;
			break;
		}
		case 'd':
			if (opt_parse_double(optarg, 1e-6, 1e9, &r->duration))
				goto bad_value;
			break;
		case 'o':
			r->output = optarg;
			r->output_set = true;
			break;
		case OPT_CALL_GRAPH:
			if (parse_call_graph(optarg, &r->user_stack_bytes))
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
			if (parse_duration_ns(optarg, &r->off_cpu_min_ns))
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
	if (optind < argc)
		r->command = argv + optind;
	n = !!r->nr_pids + !!r->nr_tids + r->all + !!r->cgroup_path +
	    !!r->command + !!r->nr_containers;
	if (n == 0) {
		usage_error(r->cmdname, "no target: give -p PID, -t TID, -a, "
			    "--cgroup PATH, --container ID or -- COMMAND");
		return EXIT_USAGE;
	}
	if (n > 1) {
		usage_error(r->cmdname, "give one target: -p, -t, -a, "
			    "--cgroup, --container or a command");
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
	usage_error(r->cmdname, "invalid value '%s' for option '%s'", optarg,
		    argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-' &&
		    argv[optind - 1][2] ? argv[optind - 1] :
		    argv[optind - 2]);
	return EXIT_USAGE;
}

/* Checks that need no privileges, so their message wins. */
static int check_target(struct record *r)
{
	size_t i;
	struct statfs sfs;

	for (i = 0; i < r->nr_pids; i++)
		if (!session__task_alive(r->pids[i])) {
			pr_err("no such process: %d", r->pids[i]);
			return EXIT_FAIL;
		}
	for (i = 0; i < r->nr_tids; i++)
		if (!session__task_alive(r->tids[i])) {
			pr_err("no such thread: %d", r->tids[i]);
			return EXIT_FAIL;
		}
	if (r->cgroup_path) {
		r->cgroup_fd = open(r->cgroup_path,
				    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r->cgroup_fd < 0) {
			pr_err("cannot open cgroup '%s': %s", r->cgroup_path,
			       strerror(errno));
			return EXIT_FAIL;
		}
		if (fstatfs(r->cgroup_fd, &sfs) ||
		    sfs.f_type != CGROUP2_SUPER_MAGIC) {
			pr_err("'%s' is not a cgroup v2 directory (look under "
			       "/sys/fs/cgroup)", r->cgroup_path);
			return EXIT_FAIL;
		}
	}
	if (r->freq > session__max_sample_rate()) {
		pr_err("frequency %u Hz is above kernel.perf_event_max_sample_rate"
		       " (%u): use a lower -F", r->freq,
		       session__max_sample_rate());
		return EXIT_FAIL;
	}
	if (!session__has_caps()) {
		pr_err("permission denied: run as root, or with CAP_BPF and "
		       "CAP_PERFMON (e.g. sudo ebprof record ...)");
		return EXIT_FAIL;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		pr_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): it "
		       "needs CONFIG_DEBUG_INFO_BTF=y");
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * Forks the command, stopped before exec until start_command() so that
 * it is in the target from its first instruction.
 */
static int fork_command(struct record *r)
{
	int go[2], errp[2];

	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		pr_err("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	r->child = fork();
	if (r->child < 0) {
		pr_err("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (r->child == 0) {
		char c;
		int e;

		close(go[1]);
		close(errp[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);	/* push ignores it */
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(r->command[0], r->command);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	r->go_fd = go[1];
	r->err_fd = errp[0];
	return 0;
}

static int start_command(struct record *r)
{
	int e = 0;

	if (write(r->go_fd, "g", 1) != 1)
		return -1;
	close(r->go_fd);
	r->go_fd = -1;
	/* EOF: exec succeeded (the pipe is close-on-exec). */
	if (read(r->err_fd, &e, sizeof(e)) == sizeof(e)) {
		pr_err("cannot run '%s': %s", r->command[0], strerror(e));
		waitpid(r->child, NULL, 0);
		r->child = 0;
		return -1;
	}
	close(r->err_fd);
	r->err_fd = -1;
	return 0;
}

static int on_short(const struct off_short_key *k,
		    const struct off_short_val *v, void *ctx)
{
	return recorder__off_cpu_short(ctx, k, v);
}

/* Off-CPU time of short blocks, summed in the kernel, joins the profile. */
static int take_short_blocks(struct record *r, struct sampler *s)
{
	if (!r->off_cpu)
		return 0;
	return sampler__offcpu_short(s, true, on_short, r->rec);
}

/* The program of the command or first -p target, as its mappings name it. */
static void note_main_file(struct record *r, pid_t pid)
{
	char fn[64];
	ssize_t n;

	snprintf(fn, sizeof(fn), "/proc/%d/exe", pid);
	n = readlink(fn, r->main_file, sizeof(r->main_file) - 1);
	r->main_file[n > 0 ? n : 0] = '\0';
}

static struct profile *build_profile(struct record *r, struct symbolizer *sym)
{
	struct profile *p = recorder__build(r->rec, sym);

	if (p && r->main_file[0])
		p->main_file = profile__intern(p, r->main_file);
	return p;
}

static int python_attach(void *ctx, pid_t pid, const struct py_proc *py)
{
	struct record *r = ctx;

	if (py)
		pr_debug(1, "python 3.%u in process %d", py->minor, pid);
	return sampler__python_set(r->sampler, pid, py);
}

static bool targets_gone(struct record *r)
{
	size_t i;

	for (i = 0; i < r->nr_pids; i++)
		if (session__task_alive(r->pids[i]))
			return false;
	for (i = 0; i < r->nr_tids; i++)
		if (session__task_alive(r->tids[i]))
			return false;
	return r->nr_pids + r->nr_tids > 0;
}

static void status_line(struct sampler *s, double secs)
{
	uint64_t n, lost;

	sampler__counters(s, &n, &lost);
	fprintf(stderr, "\r\033[Krecording: %.1f s, %llu samples, %llu lost",
		secs, (unsigned long long)n, (unsigned long long)lost);
}

/* DWARF mode: how unwinding ended, by cause; fp mode: the leaf fix-up. */
static void print_unwind_summary(const struct recorder_stats *st)
{
	char causes[256] = "";
	size_t len = 0;
	uint64_t bad = 0;
	int i;

	if (!st->dwarf_samples) {
		if (st->leaf_fixed)
			pr_info("leaf fix-up: %llu callers restored",
				(unsigned long long)st->leaf_fixed);
		if (st->midstack_fixed)
			pr_info("frameless functions: %llu skipped callers "
				"restored from unwind tables",
				(unsigned long long)st->midstack_fixed);
		return;
	}
	for (i = 0; i < UNWIND_STOP_NR; i++) {
		if (i == UNWIND_END || !st->dwarf_stop[i])
			continue;
		bad += st->dwarf_stop[i];
		len += snprintf(causes + len, sizeof(causes) - len, "%s%llu %s",
				len ? ", " : " (",
				(unsigned long long)st->dwarf_stop[i],
				unwind_stop__name(i));
		if (len >= sizeof(causes))
			len = sizeof(causes) - 1;
	}
	pr_info("dwarf unwinding: %llu of %llu stacks incomplete%s%s, %.1f "
		"frames and %.0f stack bytes per stack, %llu frames by frame "
		"pointer, %.1f us per stack",
		(unsigned long long)bad,
		(unsigned long long)st->dwarf_samples, causes, len ? ")" : "",
		(double)st->dwarf_frames / st->dwarf_samples,
		(double)st->dwarf_bytes / st->dwarf_samples,
		(unsigned long long)st->dwarf_fp_frames,
		st->dwarf_ns / 1e3 / st->dwarf_samples);
}

/* A rate the reader kept up with, with room to spare. */
static unsigned int suggest_freq(unsigned int freq, uint64_t kept,
				 uint64_t lost)
{
	double f = (double)freq * kept / (kept + lost) / 2;

	if (f >= 999)
		return f >= 9999 ? 9999 : 999;
	return f >= 99 ? 99 : 49;
}

/* Python samples: how many came out whole, and why the others did not. */
static void print_python_summary(const struct python_stats *ps)
{
	if (!ps->processes && !ps->unsupported)
		return;
	pr_info("python: %llu processes (%llu unsupported), %llu of %llu "
		"Python samples with complete Python stacks (%llu truncated "
		"at %d frames, %llu with code unreadable); %llu samples of "
		"threads without Python frames, %llu before attaching",
		(unsigned long long)ps->processes,
		(unsigned long long)ps->unsupported,
		(unsigned long long)ps->complete,
		(unsigned long long)ps->samples,
		(unsigned long long)ps->truncated, PY_MAX_FRAMES,
		(unsigned long long)ps->unreadable,
		(unsigned long long)ps->no_thread,
		(unsigned long long)ps->early);
}

static void print_summary(struct record *r, struct sampler *s,
			  struct proc_maps *pm, struct symbolizer *sym,
			  struct profile *p, double secs)
{
	const struct recorder_stats *st = recorder__stats(r->rec);
	uint64_t n, lost, runs, ns;

	if (log_verbosity < 0)
		return;
	sampler__counters(s, &n, &lost);
	if (!sampler__prog_stats(s, &runs, &ns) && runs)
		pr_debug(1, "BPF program: %llu runs, %.0f ns per run",
			 (unsigned long long)runs, (double)ns / runs);
	if (r->off_cpu && !sampler__offcpu_prog_stats(s, &runs, &ns) && runs)
		pr_debug(1, "off-CPU BPF program: %llu context switches, %.0f "
			 "ns per switch", (unsigned long long)runs,
			 (double)ns / runs);
	pr_info("%llu samples in %.1f s (%llu lost, %llu side-band records "
		"lost), %zu distinct stacks",
		(unsigned long long)st->samples, secs,
		(unsigned long long)lost,
		(unsigned long long)proc_maps__lost(pm), p->nr_samples);
	if (lost && lost * 100 >= st->samples + lost)
		pr_warn("%.0f%% of the samples were lost: ebprof could not "
			"keep up with %u Hz on %s; use a lower -F (e.g. -F %u)",
			100.0 * lost / (st->samples + lost), r->freq,
			r->nr_pids + r->nr_tids || r->command ? "its targets" :
			"these CPUs", suggest_freq(r->freq, st->samples, lost));
	if (r->user)
		pr_info("user stacks: %llu missing (%llu unreadable), %llu "
			"truncated at %d frames, %llu addresses outside any "
			"mapping",
			(unsigned long long)st->user_missing,
			(unsigned long long)st->user_missing_efault,
			(unsigned long long)st->user_truncated,
			st->dwarf_samples ? UNWIND_MAX_FRAMES : SAMPLER_MAX_STACK,
			(unsigned long long)st->unmapped_frames);
	if (r->user)
		print_unwind_summary(st);
	if (r->off_cpu) {
		struct sampler_offcpu_stats os;

		sampler__offcpu_stats(s, &os);
		pr_info("off-CPU: %llu blocks with stacks (%.3f s), %llu under "
			"%.0f us summed per thread (%.3f s); lost: %llu blocks "
			"(%.3f s) ring buffer full, %llu (%.3f s) short-block "
			"map full, %llu switch-outs untracked; %llu blocks "
			"still open at the end charged up to it",
			(unsigned long long)st->off_blocks, st->off_ns / 1e9,
			(unsigned long long)st->off_short_blocks,
			r->off_cpu_min_ns / 1e3, st->off_short_ns / 1e9,
			(unsigned long long)os.lost, os.lost_ns / 1e9,
			(unsigned long long)os.short_lost,
			os.short_lost_ns / 1e9,
			(unsigned long long)os.no_start,
			(unsigned long long)r->off_in_progress);
	}
	if (r->py)
		print_python_summary(python__stats(r->py));
	if (r->kernel)
		pr_info("kernel stacks: %llu missing, %llu truncated at %d "
			"frames%s",
			(unsigned long long)st->kernel_missing,
			(unsigned long long)st->kernel_truncated,
			SAMPLER_MAX_STACK,
			symbolizer__kernel_error(sym) ?
			", kernel symbols unreadable (/proc/kallsyms)" : "");
	fflush(stderr);
	recorder__print_unresolved(r->rec, stderr, 1.0);
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

/* The recording's metadata, as comments (pprof keeps them). */
static int add_comments(struct record *r, struct profile *p, char **argv,
			uint64_t lost, uint64_t lost_sideband,
			const struct sampler_offcpu_stats *os)
{
	struct utsname u;
	char buf[4096];
	size_t n = 0;
	int i, err = 0;

	for (i = 0; argv[i] && n < sizeof(buf) - 1; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
			      argv[i]);
	err |= profile__add_comment(p, buf);
	if (!uname(&u)) {
		snprintf(buf, sizeof(buf), "kernel: %s %s %s", u.sysname,
			 u.release, u.machine);
		err |= profile__add_comment(p, buf);
	}
	snprintf(buf, sizeof(buf), "frequency: %u Hz, call graph: fp, "
		 "stacks: %s", r->freq, r->user && r->kernel ? "user+kernel" :
		 r->user ? "user" : "kernel");
	err |= profile__add_comment(p, buf);
	snprintf(buf, sizeof(buf), "lost samples: %llu, lost side-band "
		 "records: %llu", (unsigned long long)lost,
		 (unsigned long long)lost_sideband);
	err |= profile__add_comment(p, buf);
	if (r->off_cpu) {
		snprintf(buf, sizeof(buf), "off-cpu: blocks under %.0f us "
			 "summed per thread; lost off-CPU blocks: %llu "
			 "(%.0f us); values: %s", r->off_cpu_min_ns / 1e3,
			 (unsigned long long)(os->lost + os->short_lost),
			 (os->lost_ns + os->short_lost_ns) / 1e3,
			 r->format == OUT_PPROF ? "cpu and off_cpu in "
			 "nanoseconds" : "wall-clock microseconds");
		err |= profile__add_comment(p, buf);
	}
	return err ? -ENOMEM : 0;
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
struct gc_ctx {
	struct record *r;
	struct symbolizer *sym;
};

static void gc_proc_gone(void *ctx, pid_t pid)
{
	struct record *r = ((struct gc_ctx *)ctx)->r;

	recorder__forget_pid(r->rec, pid);
	if (r->py)
		python__forget_pid(r->py, pid);
}

static void gc_module_gone(void *ctx, struct pm_module *mod)
{
	struct gc_ctx *gc = ctx;

	symbolizer__forget(gc->sym, mod);
	recorder__forget_module(gc->r->rec, mod->id);
}

static const struct pm_gc_ops gc_ops = {
	.proc_gone = gc_proc_gone,
	.module_gone = gc_module_gone,
};

static int push_window(struct record *r, struct uploader *up,
		       struct sampler *s, struct symbolizer *sym,
		       uint64_t *start)
{
	struct gc_ctx gc = { r, sym };
	uint64_t end = now_ns(CLOCK_REALTIME);
	struct profile *p;

	if (take_short_blocks(r, s))
		return -ENOMEM;
	p = build_profile(r, sym);
	if (!p)
		return -ENOMEM;
	recorder__reset(r->rec);
	/* Samples older than the horizon are handled: their dead can go. */
	proc_maps__gc(r->pm, r->horizon, &gc_ops, &gc);
	origins__trim(r->origins);
	/* Hand what the window and the dead freed back to the system. */
	malloc_trim(0);
	p->time_nanos = *start;
	p->duration_nanos = end - *start;
	*start = end;
	return uploader__submit(up, p, p->time_nanos,
				p->time_nanos + p->duration_nanos);
}

static int finish_push(struct record *r, struct uploader *up,
		       struct sampler *s, struct proc_maps *pm,
		       struct symbolizer *sym, uint64_t *window_start,
		       double secs)
{
	struct uploader_stats st;
	struct profile *p;
	size_t left;
	int err = push_window(r, up, s, sym, window_start);

	/* The last build is kept for the unsymbolized-frames summary. */
	p = profile__new();
	if (p)
		print_summary(r, s, pm, sym, p, secs);
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

static int run_record(struct record *r)
{
	struct sampler_opts so = {
		.freq = r->freq, .user = r->user, .kernel = r->kernel,
		.idle = r->idle, .cgroup_fd = r->cgroup_fd,
		.user_stack_bytes = r->user ? r->user_stack_bytes : 0,
		.off_cpu = r->off_cpu, .off_cpu_min_ns = r->off_cpu_min_ns,
		.off_cpu_wakers = r->off_cpu_wakers,
		.python = r->python && r->user,
	};
	struct proc_maps *pm = NULL;
	struct symbolizer *sym = NULL;
	struct sampler *s = NULL;
	struct profile *p = NULL;
	struct outfile out = { 0 };
	struct uploader *up = NULL;
	struct sigaction sa = { .sa_handler = on_signal }, old_hup;
	uint64_t t0, t_build, t_real, last_status = 0, window_start = 0,
		 last_push = 0;
	uint64_t t_stop;
	bool tty = isatty(STDERR_FILENO) && log_verbosity >= 0;
	int status = EXIT_FAIL, err, child_status = 0;
	uint32_t i;
	double secs;

	if (r->push.server) {
		struct uploader_config cfg;
		char why[512];

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
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * A dropped SSH session stops the recording; it is not lost.  Under
	 * nohup (SIGHUP ignored) it goes on, as asked.
	 */
	if (sigaction(SIGHUP, NULL, &old_hup) || old_hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	if (r->command) {
		if (fork_command(r))
			goto cleanup;
		so.pids = &r->child;
		so.nr_pids = 1;
		so.follow_forks = true;
	} else if (r->nr_pids) {
		so.pids = r->pids;
		so.nr_pids = r->nr_pids;
	} else if (r->nr_tids) {
		so.tids = r->tids;
		so.nr_tids = r->nr_tids;
	}
	err = proc_maps__new(&pm);
	if (err) {
		pr_err("cannot track processes (perf side-band events): %s",
		       sampler__strerror(err));
		goto cleanup;
	}
	r->pm = pm;
	r->rec = recorder__new(pm, r->freq);
	sym = symbolizer__new(NULL);
	if (so.python && r->rec)
		r->py = python__new(python_attach, r);
	if (!r->rec || !sym || (so.python && (!r->py ||
	    recorder__set_python(r->rec, r->py, r->python_lines)))) {
		pr_err("out of memory");
		goto cleanup;
	}
	recorder__set_origins(r->rec, r->origins);
	recorder__set_jvm_attach(r->rec, !r->no_jvm_attach);
	symbolizer__set_inline(sym, !r->no_inline);
	so.stop = &stop_signal;
	if (r->off_cpu)
		recorder__set_off_cpu(r->rec, r->off_cpu_min_ns);
	err = sampler__new(&so, recorder__on_sample, r->rec, &s);
	if (err) {
		pr_err("cannot start the BPF sampler: %s",
		       sampler__strerror(err));
		goto cleanup;
	}
	r->sampler = s;
	/* Threads asleep now are charged from now when they wake. */
	if (r->off_cpu && sampler__offcpu_seed(s, r->pids, r->nr_pids, r->tids,
					       r->nr_tids)) {
		pr_err("out of memory");
		goto cleanup;
	}
	t0 = last_push = now_ns(CLOCK_MONOTONIC);
	t_real = window_start = now_ns(CLOCK_REALTIME);
	pr_debug(1, "sampling at %u Hz", r->freq);
	if (r->command && start_command(r))
		goto cleanup;
	if (r->command || r->nr_pids)
		note_main_file(r, r->command ? r->child : r->pids[0]);

	while (!stop_signal) {
		uint64_t t = now_ns(CLOCK_MONOTONIC);

		/*
		 * Mappings first: a sample may only use mappings read, and
		 * samples newer than the horizon wait for the next round.
		 */
		sampler__wait(s, 50);
		proc_maps__drain(pm);
		r->horizon = now_ns(CLOCK_MONOTONIC);
		if (recorder__set_horizon(r->rec, r->horizon) ||
		    sampler__consume(s, 100) < 0) {
			pr_err("out of memory while recording");
			goto cleanup;
		}
		if (r->duration && t - t0 >= r->duration * 1e9)
			break;
		if (r->child && waitpid(r->child, &child_status, WNOHANG) ==
		    r->child) {
			r->child = 0;
			break;
		}
		if (targets_gone(r))
			break;
		if (up && t - last_push >= r->push.interval_ms * 1000000ULL) {
			last_push = t;
			if (push_window(r, up, s, sym, &window_start)) {
				pr_err("out of memory while recording");
				goto cleanup;
			}
		}
		if (tty && t - last_status > 500000000ULL) {
			status_line(s, (t - t0) / 1e9);
			last_status = t;
		}
	}
	if ((stop_signal == SIGTERM || stop_signal == SIGHUP) && r->child)
		kill(r->child, stop_signal);
	/* After a hang-up, stderr may be a closed pipe: no SIGPIPE death. */
	if (stop_signal == SIGHUP)
		signal(SIGPIPE, SIG_IGN);
	t_stop = now_ns(CLOCK_MONOTONIC);
	sampler__stop(s);
	proc_maps__drain(pm);
	recorder__set_horizon(r->rec, UINT64_MAX);
	sampler__drain(s, 2000);
	/* Threads still blocked are charged up to the end. */
	if (r->off_cpu && sampler__offcpu_pending(s, t_stop,
						  recorder__on_sample, r->rec,
						  &r->off_in_progress)) {
		pr_err("out of memory while recording");
		goto cleanup;
	}
	secs = (now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
	if (tty)
		fprintf(stderr, "\r\033[K");

	if (up) {
		status = finish_push(r, up, s, pm, sym, &window_start, secs);
		up = NULL;
		goto cleanup;
	}
	if (take_short_blocks(r, s)) {
		pr_err("cannot read the off-CPU sums: %s", strerror(errno));
		goto cleanup;
	}
	/* Names asked for during the recording: a short last wait. */
	origins__settle(r->origins, 1000);
	t_build = now_ns(CLOCK_MONOTONIC);
	p = build_profile(r, sym);
	if (p)
		pr_debug(1, "symbolized and built the profile in %.1f ms "
			 "(%zu distinct frames)",
			 (now_ns(CLOCK_MONOTONIC) - t_build) / 1e6,
			 p->nr_frames);
	/* sampled modules still without symbols: fetch, then build again */
	if (p && r->debuginfod && debuginfod__resolve(pm, sym)) {
		profile__free(p);
		p = build_profile(r, sym);
	}
	if (!p) {
		pr_err("cannot build the profile: %s", strerror(errno));
		goto cleanup;
	}
	p->time_nanos = t_real;
	p->duration_nanos = secs * 1e9;
	{
		struct sampler_offcpu_stats os;
		uint64_t n, lost;

		sampler__counters(s, &n, &lost);
		sampler__offcpu_stats(s, &os);
		if (add_comments(r, p, r->argv, lost, proc_maps__lost(pm),
				 &os) ||
		    (r->off_cpu && r->format != OUT_PPROF &&
		     wallclock__folded_view(p))) {
			pr_err("out of memory");
			goto cleanup;
		}
	}
	status = write_output(r, p, &out);
	print_summary(r, s, pm, sym, p, secs);
	if (!status && strcmp(r->output, "-"))
		pr_info("wrote %s", r->output);
	if (r->command && r->child == 0)
		report_child(child_status);
cleanup:
	if (status && out.f)
		outfile__abort(&out);
	if (r->child > 0 && r->go_fd >= 0) {
		/* Never started: let it go without running the command. */
		close(r->go_fd);
		waitpid(r->child, NULL, 0);
	}
	if (up)
		uploader__free(up, 0, NULL);
	profile__free(p);
	sampler__free(s);
	for (i = 1; pm && sym && i <= proc_maps__nr_modules(pm); i++)
		if (proc_maps__module(pm, i))
			symbolizer__forget(sym, proc_maps__module(pm, i));
	symbolizer__free(sym);
	recorder__free(r->rec);
	python__free(r->py);
	proc_maps__free(pm);
	return status;
}

/*
 * Sample origins (containers, pods, units) for the labels, and the
 * --container filter: in the kernel when it is one cgroup now, in user
 * space always (a container may also start later).
 */
static int setup_origins(struct record *r)
{
	char why[512], path[4096];
	size_t i;
	int err;

	err = cgroup_ids__new(NULL, &r->cg);
	if (err)
		pr_debug(1, "no cgroup v2 hierarchy (%s): containers from "
			 "v1 paths only", strerror(-err));
	r->docker = docker__new(NULL);
	if (!r->docker)
		pr_debug(1, "DOCKER_HOST: %s: no container names",
			 strerror(errno));
	r->origins = origins__new(r->cg, r->docker);
	if (!r->origins) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	for (i = 0; i < r->nr_containers; i++)
		if (origins__want_ref(r->origins, r->containers[i], why,
				      sizeof(why))) {
			pr_err("no container '%s': %s", r->containers[i], why);
			return EXIT_FAIL;
		}
	if (r->nr_containers && !origins__wanted_cgroup(r->origins, path,
							  sizeof(path))) {
		r->cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		pr_debug(1, "container cgroup %s%s", path,
			 r->cgroup_fd < 0 ? " (cannot open)" : "");
	}
	return 0;
}

static int cmd_record_fn(int argc, char **argv, const struct cmd *self)
{
	struct record r = {
		.cmdname = cmd__label(self), .user = true, .kernel = true,
		.cgroup_fd = -1, .freq = 99, .output = "ebprof.folded",
		.go_fd = -1, .err_fd = -1, .argv = argv, .python = true,
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
	if (!status)
		status = setup_origins(&r);
	if (!status)
		status = run_record(&r);
out:
	origins__free(r.origins);
	docker__free(r.docker);
	cgroup_ids__free(r.cg);
	free(r.containers);
	if (r.cgroup_fd >= 0)
		close(r.cgroup_fd);
	free(r.pids);
	free(r.tids);
	push_opts__release(&r.push);
	return status;
}

const struct cmd cmd_record = {
	"record", cmd_record_fn, record_opts,
	"ebprof record [OPTIONS] (-p PID | -t TID | -a | --cgroup PATH | "
	"[--] COMMAND [ARGS...])",
	"sample CPU stacks and write folded stacks or pprof",
};
