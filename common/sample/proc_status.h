/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few facts of /proc/PID/status that acting on a process's behalf
 * needs: its PID in its own PID namespace (the number it writes in file
 * names such as /tmp/perf-PID.map), its thread group, its effective ids
 * (the owner its files must have, the user to act as), and whether it
 * handles SIGQUIT; and of /proc/PID/stat, a task's name, state and flags.
 */
#ifndef EBPROF_PROC_STATUS_H
#define EBPROF_PROC_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_status {
	pid_t nspid;		/* last NSpid field, else the pid */
	pid_t tgid;		/* Tgid field, else the pid */
	uid_t euid;
	gid_t egid;
	uint64_t sig_caught, sig_ignored;	/* SigCgt, SigIgn masks */
};

/* 0 or -errno (-ESRCH when the process is gone). */
int proc_status__read(pid_t pid, struct proc_status *st);

/* Parses status text (exposed for tests): 0 or -EINVAL. */
int proc_status__parse(const char *text, pid_t pid, struct proc_status *st);

/*
 * From /proc/PID/stat (a thread's too): its name in @comm (zero-filled
 * to @len, cut to @len - 1 bytes), its state letter ('R', 'S', 'D',
 * 'Z', ...) and its PF_* flags.  0, or -errno (-ESRCH when it is gone,
 * -EINVAL for text that does not parse).
 */
int proc_status__stat(pid_t pid, char *comm, size_t len, char *state,
		      unsigned long *flags);

#endif
