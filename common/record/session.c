// SPDX-License-Identifier: GPL-2.0
/*
 * A sampling session (see session.h): the setup, polling, interval and
 * teardown that a command sampling live targets needs, in the order that
 * loses nothing: side-band tracking before the sampler, the sampler before
 * the command runs, mappings read before the samples that need them.
 * Not here: option parsing, messages (but a debug line), output.
 */
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "record/session.h"
#include "sample/proc_status.h"
#include "sample/sampler.h"
#include "symbol/debuginfod.h"

struct session {
	struct session_opts o;
	struct proc_maps *pm;
	struct recorder *rec;
	struct symbolizer *sym;
	struct sampler *smp;
	struct python *py;		/* NULL without Python frames */
	pid_t self;
	pid_t child;			/* the command, 0 when none/reaped */
	int child_status;
	int go_fd, err_fd;		/* command start / exec error pipes */
	uint64_t horizon;		/* samples older than this are handled */
	uint64_t last_gc;		/* CLOCK_MONOTONIC ns */
	uint64_t off_in_progress;	/* blocks open at the stop, charged */
	char main_file[4096];		/* the profiled program, or "" */
};

/*
 * The dead are forgotten, and memory given back, at most this often:
 * with short intervals (top refreshes each second) doing it each time
 * costs page faults to get the memory back, and reloads the symbols of a
 * program that runs again and again (a compiler in a build) whose module
 * went with its last process.
 */
#define SESSION_GC_NS	(10 * 1000000000ULL)
/* Reading rounds are bounded so that signals and deadlines are kept. */
#define SESSION_CONSUME_MS	100
#define SESSION_DRAIN_MS	2000

/* /proc/TID works for threads too, though readdir does not list them. */
bool session__task_alive(pid_t pid)
{
	unsigned long flags;
	char state;

	return !proc_status__stat(pid, NULL, 0, &state, &flags) &&
	       state != 'Z' && state != 'X';
}

bool session__has_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))
	return HAS(CAP_SYS_ADMIN) || (HAS(CAP_BPF) && HAS(CAP_PERFMON));
#undef HAS
}

unsigned int session__max_sample_rate(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");
	unsigned int v = 100000;

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 100000;
		fclose(f);
	}
	return v;
}

int session__check(const struct session_opts *o, char *why, size_t len)
{
	return session__check_targets(o, why, len) ?:
	       session__check_system(o, why, len);
}

int session__check_targets(const struct session_opts *o, char *why,
			   size_t len)
{
	size_t i;

	for (i = 0; i < o->nr_pids; i++)
		if (!session__task_alive(o->pids[i])) {
			snprintf(why, len, "no such process: %d", o->pids[i]);
			return -ESRCH;
		}
	for (i = 0; i < o->nr_tids; i++)
		if (!session__task_alive(o->tids[i])) {
			snprintf(why, len, "no such thread: %d", o->tids[i]);
			return -ESRCH;
		}
	return 0;
}

int session__check_system(const struct session_opts *o, char *why,
			  size_t len)
{
	if (o->freq > session__max_sample_rate()) {
		snprintf(why, len, "frequency %u Hz is above "
			 "kernel.perf_event_max_sample_rate (%u): use a lower "
			 "-F", o->freq, session__max_sample_rate());
		return -EINVAL;
	}
	if (!session__has_caps()) {
		snprintf(why, len, "permission denied: run as root, or with "
			 "CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(why, len, "this kernel has no BTF "
			 "(/sys/kernel/btf/vmlinux): it needs "
			 "CONFIG_DEBUG_INFO_BTF=y");
		return -ENOTSUP;
	}
	return 0;
}

int session__open_cgroup(const char *path, char *why, size_t len)
{
	struct statfs sfs;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0) {
		err = -errno;
		snprintf(why, len, "cannot open cgroup '%s': %s", path,
			 strerror(-err));
		return err;
	}
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		snprintf(why, len, "'%s' is not a cgroup v2 directory (look "
			 "under /sys/fs/cgroup)", path);
		return -ENOTDIR;
	}
	return fd;
}

int session__origins_new(struct session_origins *so,
			 const char *const *containers, size_t nr,
			 char *why, size_t len)
{
	char path[4096];
	size_t i;
	int err;

	so->cgroup_fd = -1;
	so->cgroup[0] = '\0';
	so->cg_err = cgroup_ids__new(NULL, &so->cg);
	if (so->cg_err)
		so->cg = NULL;
	so->dk = docker__new(NULL);
	so->dk_errno = so->dk ? 0 : errno;
	so->o = origins__new(so->cg, so->dk);
	if (!so->o) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		char r[512];

		err = origins__want_ref(so->o, containers[i], r, sizeof(r));
		if (err) {
			snprintf(why, len, "no container '%s': %s",
				 containers[i], r);
			return err;
		}
	}
	if (nr && !origins__wanted_cgroup(so->o, path, sizeof(path))) {
		so->cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(so->cgroup, sizeof(so->cgroup), "%s", path);
	}
	return 0;
}

void session__origins_free(struct session_origins *so)
{
	origins__free(so->o);
	docker__free(so->dk);
	cgroup_ids__free(so->cg);
	if (so->cgroup_fd >= 0)
		close(so->cgroup_fd);
	so->o = NULL;
	so->dk = NULL;
	so->cg = NULL;
	so->cgroup_fd = -1;
}

/* Forks the command, held before exec until start_command(). */
static int fork_command(struct session *s, char *why, size_t len)
{
	int go[2], errp[2], err;

	if (pipe2(go, O_CLOEXEC))
		goto fail;
	if (pipe2(errp, O_CLOEXEC)) {
		err = errno;
		close(go[0]);
		close(go[1]);
		errno = err;
		goto fail;
	}
	s->child = fork();
	if (s->child < 0) {
		err = errno;
		close(go[0]);
		close(go[1]);
		close(errp[0]);
		close(errp[1]);
		s->child = 0;
		snprintf(why, len, "cannot fork: %s", strerror(err));
		return -err;
	}
	if (s->child == 0) {
		char c;
		int e;

		close(go[1]);
		close(errp[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(s->o.command[0], s->o.command);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	s->go_fd = go[1];
	s->err_fd = errp[0];
	return 0;
fail:
	err = errno;
	snprintf(why, len, "cannot create a pipe: %s", strerror(err));
	return -err;
}

static int start_command(struct session *s, char *why, size_t len)
{
	int e = 0;

	if (write(s->go_fd, "g", 1) != 1) {
		e = errno;
		snprintf(why, len, "cannot start '%s': %s", s->o.command[0],
			 strerror(e));
		return -e;
	}
	close(s->go_fd);
	s->go_fd = -1;
	/* EOF: exec succeeded (the pipe is close-on-exec). */
	if (read(s->err_fd, &e, sizeof(e)) == sizeof(e)) {
		snprintf(why, len, "cannot run '%s': %s", s->o.command[0],
			 strerror(e));
		waitpid(s->child, NULL, 0);
		s->child = 0;
		return -e;
	}
	close(s->err_fd);
	s->err_fd = -1;
	return 0;
}

static int on_sample(const struct sample_event *e, size_t size, void *ctx)
{
	struct session *s = ctx;

	if (s->o.exclude_self && (pid_t)e->pid == s->self)
		return 0;
	return recorder__on_sample(e, size, s->rec);
}

/* A Python process found: the sampler reads its stacks from now on. */
static int python_attach(void *ctx, pid_t pid, const struct py_proc *py)
{
	struct session *s = ctx;

	if (py && s->o.python_found)
		s->o.python_found(pid, py);
	return sampler__python_set(s->smp, pid, py);
}

/* The program of the command or first -p target, as its mappings name it. */
static void note_main_file(struct session *s, pid_t pid)
{
	char fn[64];
	ssize_t n;

	snprintf(fn, sizeof(fn), "/proc/%d/exe", pid);
	n = readlink(fn, s->main_file, sizeof(s->main_file) - 1);
	s->main_file[n > 0 ? n : 0] = '\0';
}

int session__new(const struct session_opts *o, struct session **out,
		 char *why, size_t len)
{
	struct sampler_opts so = {
		.freq = o->freq, .user = o->user, .kernel = o->kernel,
		.idle = o->idle, .cgroup_fd = o->cgroup_fd,
		.user_stack_bytes = o->user ? o->user_stack_bytes : 0,
		.pids = o->pids, .nr_pids = o->nr_pids,
		.tids = o->tids, .nr_tids = o->nr_tids, .stop = o->stop,
		.python = o->python && o->user,
		.off_cpu = o->off_cpu, .off_cpu_min_ns = o->off_cpu_min_ns,
		.off_cpu_wakers = o->off_cpu_wakers,
	};
	struct session *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	s->o = *o;
	s->self = getpid();
	s->go_fd = s->err_fd = -1;
	if (o->command) {
		err = fork_command(s, why, len);
		if (err)
			goto fail;
		so.pids = &s->child;
		so.nr_pids = 1;
		so.tids = NULL;
		so.nr_tids = 0;
		so.follow_forks = true;
	}
	err = proc_maps__new(&s->pm);
	if (err) {
		snprintf(why, len, "cannot track processes (perf side-band "
			 "events): %s", sampler__strerror(err));
		goto fail;
	}
	s->rec = recorder__new(s->pm, o->freq);
	s->sym = symbolizer__new(NULL);
	if (so.python && s->rec)
		s->py = python__new(python_attach, s);
	if (!s->rec || !s->sym || (so.python && (!s->py ||
	    recorder__set_python(s->rec, s->py, o->python_lines)))) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto fail;
	}
	recorder__set_jvm_attach(s->rec, !o->no_jvm_attach);
	recorder__set_origins(s->rec, o->origins);
	symbolizer__set_inline(s->sym, o->inline_frames);
	if (o->off_cpu)
		recorder__set_off_cpu(s->rec, o->off_cpu_min_ns);
	err = sampler__new(&so, on_sample, s, &s->smp);
	if (err) {
		snprintf(why, len, "cannot start the BPF sampler: %s",
			 sampler__strerror(err));
		goto fail;
	}
	/* Threads asleep now are charged from now when they wake. */
	if (o->off_cpu && sampler__offcpu_seed(s->smp, o->pids, o->nr_pids,
					       o->tids, o->nr_tids)) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto fail;
	}
	*out = s;
	return 0;
fail:
	session__free(s);
	return err;
}

int session__start(struct session *s, char *why, size_t len)
{
	int err;

	if (s->o.command) {
		err = start_command(s, why, len);
		if (err)
			return err;
	}
	if (s->o.main_file && (s->o.command || s->o.nr_pids))
		note_main_file(s, s->o.command ? s->child : s->o.pids[0]);
	return 0;
}

void session__free(struct session *s)
{
	uint32_t i;

	if (!s)
		return;
	if (s->child > 0 && s->go_fd >= 0) {
		/* Never started: let it go without running the command. */
		close(s->go_fd);
		s->go_fd = -1;
		waitpid(s->child, NULL, 0);
	}
	if (s->go_fd >= 0)
		close(s->go_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	sampler__free(s->smp);
	for (i = 1; s->pm && s->sym && i <= proc_maps__nr_modules(s->pm); i++)
		if (proc_maps__module(s->pm, i))
			symbolizer__forget(s->sym, proc_maps__module(s->pm, i));
	symbolizer__free(s->sym);
	recorder__free(s->rec);
	python__free(s->py);
	proc_maps__free(s->pm);
	free(s);
}

int session__poll(struct session *s, int timeout_ms)
{
	/*
	 * Mappings first: a sample may only use mappings read, and samples
	 * newer than the horizon wait for the next round.
	 */
	sampler__wait(s->smp, timeout_ms);
	proc_maps__drain(s->pm);
	s->horizon = clock__mono_ns();
	if (recorder__set_horizon(s->rec, s->horizon) ||
	    sampler__consume(s->smp, SESSION_CONSUME_MS) < 0)
		return -ENOMEM;
	return 0;
}

bool session__done(struct session *s, int *status)
{
	size_t i;

	if (s->child) {
		if (waitpid(s->child, &s->child_status, WNOHANG) != s->child)
			return false;
		s->child = 0;
		if (status)
			*status = s->child_status;
		return true;
	}
	if (s->o.command)
		return true;
	for (i = 0; i < s->o.nr_pids; i++)
		if (session__task_alive(s->o.pids[i]))
			return false;
	for (i = 0; i < s->o.nr_tids; i++)
		if (session__task_alive(s->o.tids[i]))
			return false;
	return s->o.nr_pids + s->o.nr_tids > 0;
}

pid_t session__child(const struct session *s)
{
	return s->child;
}

static void gc_proc_gone(void *ctx, pid_t pid)
{
	struct session *s = ctx;

	recorder__forget_pid(s->rec, pid);
	if (s->py)
		python__forget_pid(s->py, pid);
}

static void gc_module_gone(void *ctx, struct pm_module *mod)
{
	struct session *s = ctx;

	symbolizer__forget(s->sym, mod);
	recorder__forget_module(s->rec, mod->id);
}

static const struct pm_gc_ops gc_ops = {
	.proc_gone = gc_proc_gone,
	.module_gone = gc_module_gone,
};

static int on_short(const struct off_short_key *k,
		    const struct off_short_val *v, void *ctx)
{
	return recorder__off_cpu_short(ctx, k, v);
}

int session__offcpu_short(struct session *s)
{
	if (!s->o.off_cpu)
		return 0;
	return sampler__offcpu_short(s->smp, true, on_short, s->rec);
}

/*
 * The profile of what was handled so far, symbolized, without starting a
 * new interval (to build it again, e.g. after fetching debug files).
 * NULL with errno set.
 */
static struct profile *session__build(struct session *s)
{
	struct profile *p = recorder__build(s->rec, s->sym);

	if (p && s->main_file[0])
		p->main_file = profile__intern(p, s->main_file);
	return p;
}

struct profile *session__finish(struct session *s, bool debuginfod,
				char *why, size_t len)
{
	struct profile *p;
	uint64_t t_build;

	if (session__offcpu_short(s)) {
		snprintf(why, len, "cannot read the off-CPU sums: %s",
			 strerror(errno));
		return NULL;
	}
	/* Names asked for during the recording: a short last wait. */
	if (s->o.origins)
		origins__settle(s->o.origins, 1000);
	t_build = clock__mono_ns();
	p = session__build(s);
	if (p)
		pr_debug(1, "symbolized and built the profile in %.1f ms "
			 "(%zu distinct frames)",
			 (clock__mono_ns() - t_build) / 1e6,
			 p->nr_frames);
	/* sampled modules still without symbols: fetch, then build again */
	if (p && debuginfod && debuginfod__resolve(s->pm, s->sym)) {
		profile__free(p);
		p = session__build(s);
	}
	if (!p)
		snprintf(why, len, "cannot build the profile: %s",
			 strerror(errno));
	return p;
}

struct profile *session__interval(struct session *s)
{
	struct profile *p = session__build(s);

	if (!p)
		return NULL;
	recorder__reset(s->rec);
	if (!s->o.gc_each_interval &&
	    clock__mono_ns() - s->last_gc < SESSION_GC_NS)
		return p;
	s->last_gc = clock__mono_ns();
	/* Samples older than the horizon are handled: their dead can go. */
	proc_maps__gc(s->pm, s->horizon, &gc_ops, s);
	if (s->o.origins)
		origins__trim(s->o.origins);
	/* Hand what the interval and the dead freed back to the system. */
	malloc_trim(0);
	return p;
}

int session__stop(struct session *s)
{
	uint64_t t_stop = clock__mono_ns();

	sampler__stop(s->smp);
	proc_maps__drain(s->pm);
	/*
	 * The dead are still forgotten only up to the last poll's horizon:
	 * the summary after the last interval names their modules.
	 */
	recorder__set_horizon(s->rec, UINT64_MAX);
	sampler__drain(s->smp, SESSION_DRAIN_MS);
	/* Threads still blocked are charged up to the end. */
	if (s->o.off_cpu && sampler__offcpu_pending(s->smp, t_stop,
						    recorder__on_sample,
						    s->rec,
						    &s->off_in_progress))
		return -ENOMEM;
	return 0;
}

void session__counters(const struct session *s, uint64_t *samples,
		       uint64_t *lost, uint64_t *lost_sideband)
{
	uint64_t n, l;

	sampler__counters(s->smp, &n, &l);
	if (samples)
		*samples = n;
	if (lost)
		*lost = l;
	if (lost_sideband)
		*lost_sideband = proc_maps__lost(s->pm);
}

const struct recorder_stats *session__stats(const struct session *s)
{
	return recorder__stats(s->rec);
}

const struct python_stats *session__python_stats(const struct session *s)
{
	return s->py ? python__stats(s->py) : NULL;
}

struct recorder *session__recorder(struct session *s)
{
	return s->rec;
}

struct symbolizer *session__symbolizer(struct session *s)
{
	return s->sym;
}

struct sampler *session__sampler(struct session *s)
{
	return s->smp;
}

const struct session_opts *session__opts(const struct session *s)
{
	return &s->o;
}

uint64_t session__offcpu_in_progress(const struct session *s)
{
	return s->off_in_progress;
}
