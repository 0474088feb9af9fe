// SPDX-License-Identifier: GPL-2.0
/* /proc/PID/status: namespace pid, effective ids, signal masks. */
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

int proc_status__read(pid_t pid, struct proc_status *st)
{
	char path[64], buf[8192];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	return proc_status__parse(buf, pid, st);
}
