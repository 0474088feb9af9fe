/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the sampling commands (record, top) share on their command line:
 * the target options (-p, -t, -a, --cgroup, --container, or a command
 * after the options), their checks and the cgroup and container origins
 * they lead to, and stopping on SIGINT, SIGTERM and SIGHUP.  Each command
 * keeps its own option table (its help words differ) and its other
 * options.  Not here: the sampling itself (common/record/session.c).
 */
#ifndef EBPROF_TARGET_OPTS_H
#define EBPROF_TARGET_OPTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "record/session.h"

/* Option values of --cgroup and --container, clear of the commands' own. */
enum { TARGET_OPT_CGROUP = 768, TARGET_OPT_CONTAINER };

struct target_opts {
	pid_t *pids, *tids;
	size_t nr_pids, nr_tids;
	bool all;
	const char *cgroup_path;
	int cgroup_fd;			/* --cgroup opened, or -1 */
	const char **containers;	/* --container */
	size_t nr_containers;
	char **command;			/* the operands, or NULL */
	struct session_origins origins;	/* target_opts__origins() */
};

#define TARGET_OPTS_INIT { .cgroup_fd = -1, .origins = { .cgroup_fd = -1 } }

/*
 * Takes option @c if it is a target option: 1 taken, 0 not one, -EINVAL
 * for a bad value, -ENOMEM.
 */
int target_opts__parse(struct target_opts *t, int c, const char *arg);
/*
 * After the options: the operands are the command.  How many targets
 * were given (0 or 1), or -1 after a usage error for more than one.
 */
int target_opts__finish(struct target_opts *t, int argc, char **argv,
			const char *cmd);
/* Opens --cgroup, if given; 0, or -1 after an error message. */
int target_opts__open_cgroup(struct target_opts *t);
/*
 * The origins for container labels and the --container filter; with
 * @debug, debug lines on what is missing.  0, or -1 after a message.
 */
int target_opts__origins(struct target_opts *t, bool debug);
/* The session's targets: processes, threads, cgroup, command, origins. */
void target_opts__session(const struct target_opts *t, struct session_opts *o);
void target_opts__release(struct target_opts *t);

/* Set by SIGINT, SIGTERM or SIGHUP once target_stop__catch() ran. */
extern volatile sig_atomic_t target_stop_signal;
/*
 * Catches SIGINT and SIGTERM, and SIGHUP unless it is ignored (under
 * nohup the sampling goes on, as asked).
 */
void target_stop__catch(void);

#endif
