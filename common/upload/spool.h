/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The spool: a directory of uploads that could not be delivered yet, kept
 * on disk so that a server outage of minutes (or a restart of ebprof)
 * loses nothing.  Each entry is one file, written to a temporary name,
 * synced and renamed, so a crash leaves whole entries or none.  Entries are
 * numbered in arrival order; the total size is bounded and the oldest go
 * first when a new one does not fit.  One process at a time owns a spool
 * (a lock file), so two ebprof never send the same entry.
 *
 * Secrets are never stored: an entry holds the series name, times, sample
 * rate, format and body; the server and credentials come from whoever
 * drains the spool.  Not thread-safe: one owner thread.
 */
#ifndef EBPROF_SPOOL_H
#define EBPROF_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "upload/pyroscope.h"

struct spool_item {
	char *name;		/* series name, APP.cpu{...} */
	int64_t from_ns, until_ns;
	unsigned int sample_rate;
	enum pyro_format format;
	void *body;
	size_t len;
};

struct spool;

/*
 * Opens (creating it, mode 0700, with its parents) the spool directory
 * @dir holding at most @max_bytes of entries.  Leftover temporary files of
 * an interrupted write are removed.  NULL with *@err = -errno; -EBUSY when
 * another process holds the spool.
 *
 * The directory must belong to the running user and be closed to others
 * (-EPERM, -EACCES otherwise; -ENOTDIR for a link); in it, files are opened
 * with O_NOFOLLOW, created with O_EXCL, and only regular files of the
 * running user are read or sent: a spool that someone else made or
 * planted files in (e.g. /var/tmp/ebprof-spool made first by another user)
 * is refused, not trusted.
 */
struct spool *spool__open(const char *dir, uint64_t max_bytes, int *err);
/* A message for spool__open()'s errors, saying what to do. */
const char *spool__strerror(int err);
void spool__close(struct spool *s);

/*
 * Adds @it as the newest entry.  When it does not fit, the oldest entries
 * are deleted first and counted in *@dropped (may be NULL).  0, -EFBIG when
 * @it alone is over the bound, or -errno (the spool is unchanged then).
 */
int spool__add(struct spool *s, const struct spool_item *it, size_t *dropped);

/*
 * Loads the oldest entry into @it (release with spool_item__release()) and
 * its id into *@id.  -ENOENT when empty; -EBADMSG when the entry was not a
 * valid spool file (it is deleted: call again for the next one).
 */
int spool__oldest(struct spool *s, struct spool_item *it, uint64_t *id);

/* Deletes entry @id (after it was delivered or rejected).  0 or -errno. */
int spool__remove(struct spool *s, uint64_t id);

size_t spool__count(const struct spool *s);
uint64_t spool__bytes(const struct spool *s);

void spool_item__release(struct spool_item *it);

#endif
