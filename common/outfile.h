/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic output files: data goes to a temporary file beside the target,
 * which replaces the target only on outfile__commit().  "-" is stdout.
 * A reader never sees a half-written recording, and an interrupted write
 * leaves the previous file intact.  A target that is not a regular file
 * (/dev/null, a FIFO, a terminal) is written in place: renaming over it
 * would replace the device.  A symbolic link is followed, so the file it
 * points to is replaced, not the link.
 */
#ifndef EBPROF_OUTFILE_H
#define EBPROF_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *f;		/* write here */
	char *path;		/* target, NULL for stdout */
	char *tmp;		/* temporary path */
};

/* 0 or -errno (e.g. -ENOENT when the directory does not exist). */
int outfile__open(struct outfile *o, const char *path);
/* Flushes, syncs and renames into place; 0 or -errno (file removed). */
int outfile__commit(struct outfile *o);
/* Removes the temporary file. */
void outfile__abort(struct outfile *o);

#endif
