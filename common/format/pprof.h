/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pprof (Google's profile.proto, gzipped): writer and reader of the
 * in-memory profile, and the choice between pprof and folded output.
 *
 * How the profile maps onto the format:
 *   - sample types, period, time, duration and comments map one to one;
 *     the default type is written as default_sample_type.
 *   - a frame becomes a Line of a Location; a run of PF_INLINE frames (root
 *     first) joins the location of the frame before it, the frame they were
 *     inlined into, as extra lines (callees first, as the format wants).
 *     One location per distinct run, so equal addresses share a location.
 *   - frames without a mapping: kernel frames go to a "[kernel.kallsyms]"
 *     mapping, frames with a module to a mapping named after it, others
 *     have none (name-only locations, as from folded input).  JIT and
 *     waker frames keep their folded suffix (_[j], _[w]) in the name: pprof
 *     has no such notion and the reader turns the suffix back into a kind.
 *   - labels: "pid", "tid" (numbers), "thread_comm" (thread name),
 *     "comm" (process name), "cgroup", the keys of Google's perf converter.
 *
 * Not here: reading files (input.c) and atomic output (outfile.c).
 */
#ifndef EBPROF_PPROF_H
#define EBPROF_PPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "profile/profile.h"

/* Decompressed input larger than this is refused (zip bombs). */
#define PPROF_MAX_DECOMPRESSED	(1ULL << 30)

/* Writes @p to @f as a gzipped Profile.  0 or -errno. */
int pprof__write(const struct profile *p, FILE *f);

/*
 * Encodes @p into a new malloc()ed buffer, gzipped when @gzip.  0 or
 * -errno (-ENOMEM, -EOVERFLOW for a profile too large for the format).
 */
int pprof__encode(const struct profile *p, bool gzip, void **buf,
		  size_t *len);

/*
 * Adds the Profile in @data (gzipped or raw) to @p (see profile__merge():
 * the first input also gives the types and metadata).  @sample_type names
 * the type to make the default one; NULL keeps the file's
 * default_sample_type, or its last type.  Returns 0 or -errno; malformed
 * input is -EINVAL with a one-line reason in @err; @p is unchanged then.
 */
int pprof__read(struct profile *p, const void *data, size_t len,
		const char *sample_type, char *err, size_t errlen);

/* Does @data start like gzip data? */
bool pprof__is_gzip(const void *data, size_t len);

/*
 * Decompresses gzip @data (several members allowed) into a new malloc()ed
 * buffer, at most @max bytes.  0, -EINVAL (corrupt or truncated, see @err)
 * or -EFBIG (larger than @max) or -ENOMEM.
 */
int pprof__gunzip(const void *data, size_t len, size_t max, void **out,
		  size_t *outlen, char *err, size_t errlen);

enum out_format {
	OUT_FOLDED,
	OUT_PPROF,
};

/* From the output file name: .pb.gz, .pb, .pprof (and .pprof.gz) → pprof. */
enum out_format out_format__from_path(const char *path);

/* "folded" or "pprof"; 0 or -EINVAL. */
int out_format__parse(const char *name, enum out_format *f);

/* "folded" / "pprof". */
const char *out_format__name(enum out_format f);

#endif
