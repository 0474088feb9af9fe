// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/status: namespace pid, thread group, effective ids, signal
 * masks; /proc/PID/stat: name, state, flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample/proc_status.h"

static const char *field(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p) {
		if (!strncmp(p, name, n))
			return p + n;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

int proc_status__parse(const char *text, pid_t pid, struct proc_status *st)
{
	const char *p;
	unsigned long long v;
	unsigned int r, e;
	char *end;

	memset(st, 0, sizeof(*st));
	st->nspid = pid;
	st->tgid = pid;
	p = field(text, "Tgid:");
	if (p && sscanf(p, "%llu", &v) == 1 && v && v <= 0x7fffffff)
		st->tgid = v;
	p = field(text, "NSpid:");
	if (p) {
		/* The last number of the line: the innermost namespace. */
		for (;;) {
			v = strtoull(p, &end, 10);
			if (end == p || v == 0 || v > 0x7fffffff)
				break;
			st->nspid = v;
			p = end;
			if (*p == '\n' || !*p)
				break;
		}
	}
	p = field(text, "Uid:");
	if (!p || sscanf(p, "%u %u", &r, &e) != 2)
		return -EINVAL;
	st->euid = e;
	p = field(text, "Gid:");
	if (!p || sscanf(p, "%u %u", &r, &e) != 2)
		return -EINVAL;
	st->egid = e;
	p = field(text, "SigIgn:");
	if (p && sscanf(p, "%llx", &v) == 1)
		st->sig_ignored = v;
	p = field(text, "SigCgt:");
	if (p && sscanf(p, "%llx", &v) == 1)
		st->sig_caught = v;
	return 0;
}

/* /proc/PID/@what into @buf, NUL-terminated: 0 or -errno (-ESRCH: gone). */
static int read_proc(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	return 0;
}

int proc_status__read(pid_t pid, struct proc_status *st)
{
	char buf[8192];
	int err = read_proc(pid, "status", buf, sizeof(buf));

	return err ? err : proc_status__parse(buf, pid, st);
}

int proc_status__stat(pid_t pid, char *comm, size_t len, char *state,
		      unsigned long *flags)
{
	char buf[1024], *open_p, *close_p;
	size_t n_comm;
	int err = read_proc(pid, "stat", buf, sizeof(buf));

	if (err)
		return err;
	/* The name may hold ')' and spaces: it ends at the last ')'. */
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p)
		return -EINVAL;
	/* state ppid pgrp session tty tpgid flags */
	if (sscanf(close_p + 1, " %c %*d %*d %*d %*d %*d %lu", state,
		   flags) != 2)
		return -EINVAL;
	if (comm && len) {
		n_comm = close_p - open_p - 1;
		if (n_comm >= len)
			n_comm = len - 1;
		memset(comm, 0, len);
		memcpy(comm, open_p + 1, n_comm);
	}
	return 0;
}
