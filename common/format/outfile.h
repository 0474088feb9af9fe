/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output files, written so that nothing is lost and nobody is redirected:
 *
 * - Atomic: data goes to an unnamed temporary file (O_TMPFILE) in the
 *   target's directory, which replaces the target only on
 *   outfile__commit().  A reader never sees a half-written recording; an
 *   interrupted write (Ctrl-C, SIGKILL, a full disk) leaves the previous
 *   file intact and no temporary file behind.  Where the file system has
 *   no O_TMPFILE, a named ".NAME.tmp.XXXXXX" (O_EXCL, 0600) is used and
 *   removed on every error path and on SIGINT/SIGTERM/SIGHUP
 *   (outfile__remove_temps()).
 * - Private: a new file is created 0600, as perf creates perf.data (a
 *   recording names every process, command line and library); a file that
 *   is replaced keeps its owner and mode.
 * - Links: a symbolic link is followed (the file it points to is replaced,
 *   next to it, so another file system is no problem), but only under the
 *   rule of fs.protected_symlinks, whatever the sysctl says: in a sticky
 *   world-writable directory (/tmp) a link is followed only when it belongs
 *   to us or to the directory's owner.  Likewise, as fs.protected_regular,
 *   a file there owned by another user is not replaced.  Both give -EPERM.
 * - A target that is not a regular file (/dev/null, a FIFO, a terminal,
 *   /dev/stdout) is written in place: renaming over it would replace the
 *   device.  So is a file whose directory we may not write.
 * - "-" is standard output; -EBADF when it was closed (see
 *   outfile__guard_stdio()).
 *
 * Write errors keep their errno (a full disk is ENOSPC, not EIO).
 */
#ifndef EBPROF_OUTFILE_H
#define EBPROF_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct outfile {
	FILE *f;		/* write here */
	int fd;			/* under f */
	int dirfd;		/* the target's directory, -1: in place */
	char *name;		/* the target's name in dirfd */
	char *tmp;		/* named temporary file in dirfd, or NULL */
	int werr;		/* errno of the first failed write */
	bool replace;		/* the target exists: keep its owner, mode */
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/*
 * 0 or -errno: -ENOENT when the directory does not exist, -EPERM for a
 * link or file that the rules above refuse, -EISDIR, -EBADF for a closed
 * stdout.  @o must stay where it is until commit or abort.
 */
int outfile__open(struct outfile *o, const char *path);
/* Flushes, syncs and renames into place; 0 or -errno (file removed). */
int outfile__commit(struct outfile *o);
/*
 * Drops what was written (the previous file stays); returns the error of a
 * failed write (-errno), 0 if none: better than a writer's -EIO.
 */
int outfile__abort(struct outfile *o);

/* A message for the errors above. */
const char *outfile__strerror(int err);

/*
 * Call first in main(): a closed standard descriptor (`>&-`) is reserved
 * (with a read-only /dev/null, so writes to it still fail with EBADF)
 * instead of being reused by the next open(), which would send output into
 * that file or descriptor.
 */
void outfile__guard_stdio(void);

/*
 * Removes the named temporary files of open outfiles; async-signal-safe,
 * for signal handlers.  outfile__cleanup_on_signals() installs a handler
 * for SIGINT, SIGTERM and SIGHUP that does so and then dies of the signal.
 */
void outfile__remove_temps(void);
void outfile__cleanup_on_signals(void);

#endif
