/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sampling session: the target's checks, the side-band tracking
 * (proc_maps), the BPF sampler, the recorder and the symbolizer wired
 * together, plus a command started under it.  The caller polls, takes the
 * profile of the interval since the last one (memory of the dead then goes,
 * as in a continuous recording), and stops.  Not here: what is done with
 * the profiles (writing, ranking, drawing; the summary is summary.c's) or
 * messages: errors come back as -errno with a one-line reason, and only a
 * debug line (the last build's time) goes through lib/log.h.
 */
#ifndef EBPROF_SESSION_H
#define EBPROF_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "container/origin.h"
#include "profile/profile.h"
#include "record/recorder.h"
#include "runtime/python.h"
#include "sample/proc_maps.h"
#include "symbol/symbolizer.h"

struct session_opts {
	unsigned int freq;		/* Hz */
	bool user, kernel, idle;	/* which stacks; keep pid 0 */
	const pid_t *pids;		/* processes, or NULL */
	size_t nr_pids;
	const pid_t *tids;		/* threads, or NULL */
	size_t nr_tids;
	int cgroup_fd;			/* cgroup v2 directory, or -1 */
	char *const *command;		/* argv of a command to run, or NULL */
	unsigned int user_stack_bytes;	/* DWARF mode; 0: frame pointers */
	bool exclude_self;		/* drop samples of our own process */
	bool python;			/* Python frames (needs user) */
	bool python_lines;		/* qualname (file.py:LINE) */
	bool no_jvm_attach;		/* no perf-map request to JVMs */
	bool inline_frames;		/* DWARF inline frames and lines */
	bool off_cpu;			/* also where threads wait */
	bool off_cpu_wakers;		/*   with the wakers' stacks */
	uint64_t off_cpu_min_ns;	/*   shorter blocks: summed, no stack */
	bool gc_each_interval;		/* forget the dead at every
					 * session__interval(), not at most
					 * every 10 s (continuous push) */
	bool main_file;			/* the profiles name the program of
					 * the command or first -p target */
	/* A Python process found (for a debug line), or NULL. */
	void (*python_found)(pid_t pid, const struct py_proc *py);
	struct origins *origins;	/* container labels and filter, or
					 * NULL (see session_origins) */
	const volatile sig_atomic_t *stop; /* reading stops when set, or
					 * NULL */
};

struct session;

/*
 * Where samples come from (origin.h) for container labels, and the
 * --container filter: in the kernel (cgroup_fd) when the containers asked
 * for are one cgroup now, in user space always (one may start later).
 */
struct session_origins {
	struct cgroup_ids *cg;		/* NULL: v1 paths only */
	struct docker *dk;		/* NULL: no container names */
	struct origins *o;
	int cgroup_fd;			/* the one container's cgroup, or -1 */
	int cg_err;			/* why cg is NULL (-errno), or 0 */
	int dk_errno;			/* why dk is NULL, or 0 */
	char cgroup[4096];		/* the one container's cgroup, or "" */
};

/* 0, or -errno with a reason in @why; free it even then. */
int session__origins_new(struct session_origins *so,
			 const char *const *containers, size_t nr,
			 char *why, size_t len);
void session__origins_free(struct session_origins *so);

/* A process or thread that exists and is not a zombie. */
bool session__task_alive(pid_t pid);
/* Root, or CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON. */
bool session__has_caps(void);
/* kernel.perf_event_max_sample_rate. */
unsigned int session__max_sample_rate(void);

/*
 * Checks that need no sampler: targets alive, frequency within
 * kernel.perf_event_max_sample_rate, privileges, BTF.  0, or -errno with
 * a reason in @why.  session__check() is session__check_targets() (the
 * -p/-t tasks alive) then session__check_system() (the rest).
 */
int session__check(const struct session_opts *o, char *why, size_t len);
int session__check_targets(const struct session_opts *o, char *why,
			   size_t len);
int session__check_system(const struct session_opts *o, char *why,
			  size_t len);

/*
 * Opens a cgroup v2 directory for session_opts.cgroup_fd; the fd, or
 * -errno with a reason in @why.
 */
int session__open_cgroup(const char *path, char *why, size_t len);

/*
 * Starts tracking, loads and attaches the sampler, with the command (if
 * any) forked but held before exec.  0, or -errno with a reason in @why.
 */
int session__new(const struct session_opts *o, struct session **out,
		 char *why, size_t len);
/*
 * Lets the command run, sampled from its first instruction.  0, or
 * -errno with a reason in @why.
 */
int session__start(struct session *s, char *why, size_t len);
/* Stops and frees; a command still running is left running. */
void session__free(struct session *s);

/*
 * Waits up to @timeout_ms for samples, reads the side-band records they
 * may need, then handles them.  0 or -ENOMEM.
 */
int session__poll(struct session *s, int timeout_ms);

/*
 * True once the target is gone: the command exited (its wait status in
 * *@status, if given) or every -p/-t task ended.
 */
bool session__done(struct session *s, int *status);

/* The command's pid, 0 when none or reaped. */
pid_t session__child(const struct session *s);

/*
 * With off_cpu: the off-CPU time of short blocks, summed in the kernel,
 * joins the profile (taken from the kernel's sums).  0, or -1 with errno.
 */
int session__offcpu_short(struct session *s);

/*
 * The last profile, after session__stop(): the off-CPU sums taken, the
 * container names asked for waited for (up to 1 s), built, and with
 * @debuginfod built again once the debug files of sampled modules without
 * symbols are fetched (debuginfod.h).  A debug line says how long the
 * build took.  NULL with a reason in @why.
 */
struct profile *session__finish(struct session *s, bool debuginfod,
				char *why, size_t len);

/*
 * The profile of what was handled since the last call (or the start),
 * symbolized; the recorder then starts the next interval and forgets the
 * processes and files no later sample can need (at most every 10 s, so
 * that short intervals do not reload the symbols of programs that run
 * again and again).  NULL with errno set.
 */
struct profile *session__interval(struct session *s);

/* Stops sampling and handles the pending samples, for at most 2 s (what
 * is left then is dropped and counted as lost); with off_cpu, the threads
 * still blocked are charged up to the stop.  Call before the last
 * session__interval().  0, or -ENOMEM (with off_cpu only). */
int session__stop(struct session *s);

/* Samples counted by the sampler, lost in its ring buffer, and side-band
 * records lost. */
void session__counters(const struct session *s, uint64_t *samples,
		       uint64_t *lost, uint64_t *lost_sideband);

const struct recorder_stats *session__stats(const struct session *s);
/* The Python stacks' counters, or NULL without Python frames. */
const struct python_stats *session__python_stats(const struct session *s);
struct recorder *session__recorder(struct session *s);
struct symbolizer *session__symbolizer(struct session *s);
struct sampler *session__sampler(struct session *s);
const struct session_opts *session__opts(const struct session *s);
/* Off-CPU blocks still open at the stop, charged up to it. */
uint64_t session__offcpu_in_progress(const struct session *s);

#endif
