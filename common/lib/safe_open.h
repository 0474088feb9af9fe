/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening files that someone else names.  ebprof runs as root and reads
 * files that target processes point at (mappings, debug links, perf maps,
 * jitdumps, build-id links).  A user can swap such a path for a FIFO (root
 * would block in open()), a device (open() may have side effects), or a link
 * to a file only root may read.  safe_open() never opens anything but a
 * regular file for reading: it resolves the path without opening it
 * (O_PATH), checks the inode, then reopens that same inode.
 *
 * Not here: output files (outfile.c) and the spool (spool.c), which ebprof
 * creates itself.
 */
#ifndef EBPROF_SAFE_OPEN_H
#define EBPROF_SAFE_OPEN_H

#include <stdint.h>
#include <sys/types.h>

#define SAFE_ANY_OWNER ((uid_t)-1)

struct safe_open_opts {
	/* Resolve `path` inside this directory as if it were "/" (symlinks
	 * included: a container's links stay in the container), e.g.
	 * "/proc/PID/root".  NULL: the caller's own root. */
	const char *root;
	/* Refuse files larger than this (0: no limit) with -EFBIG. */
	uint64_t max_size;
	/* Refuse files owned by anyone but this user or root (-EPERM), as
	 * perf does for perf maps; SAFE_ANY_OWNER to allow any owner. */
	uid_t owner;
	/* Do not follow a symlink as the last component (-ELOOP). */
	int nofollow;
};

/*
 * Opens `path` read-only (O_CLOEXEC) if it is a regular file, else returns
 * -errno: -EINVAL for a FIFO, device, socket or directory, -EFBIG, -EPERM,
 * or what resolving the path gave.  `opts` may be NULL (any owner, no size
 * limit, own root, links followed).
 */
int safe_open(const char *path, const struct safe_open_opts *opts);

/* Checks an fd the caller already has (e.g. from /proc/PID/map_files)
 * against `opts` the same way: 0 or -errno. */
int safe_open__check(int fd, const struct safe_open_opts *opts);

/* Message for the -errno values above ("not a regular file" for
 * -EINVAL, strerror otherwise). */
const char *safe_open__strerror(int err);

#endif
