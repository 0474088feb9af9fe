/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading recordings of any supported format into a profile.  The format
 * is recognised from the content, never from the file name, so every
 * command reads whatever another command (or another tool) wrote.
 */
#ifndef EBPROF_INPUT_H
#define EBPROF_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "format/pprof.h"
#include "profile/profile.h"

enum input_format {
	INPUT_FOLDED,
	INPUT_PPROF,
};

/*
 * Most bytes read from one input, as PPROF_MAX_DECOMPRESSED bounds what
 * gzip may expand to: /dev/zero or `yes` end with -EFBIG, not with memory
 * exhausted.
 */
#define INPUT_MAX_BYTES PPROF_MAX_DECOMPRESSED

/*
 * 0 when @head (the first @len bytes of an input; @more: more follow)
 * may be a recording, -EPROTO when it cannot: binary bytes that are
 * neither gzip nor protobuf.
 */
int input__check_head(const void *head, size_t len, bool more);

/*
 * Reads all of @fd (left open) into a new malloc()ed buffer, at most
 * INPUT_MAX_BYTES, and gives up after the first block when that cannot be
 * a recording (input__check_head()).  0, -EFBIG, -EPROTO or -errno.
 */
int input__slurp_fd(int fd, char **out, size_t *len);

/* The message for an error of input__read() or folded_stream__read(). */
const char *input__strerror(int err);

struct input_stats {
	enum input_format format;
	size_t lines, bad_lines, first_bad;	/* folded input */
};

/*
 * Adds the recording at @path ("-": stdin) to @p.  Returns 0 or -errno;
 * on error @err (size @errlen) says what was wrong, without the path.
 */
int input__read(struct profile *p, const char *path, struct input_stats *st,
		char *err, size_t errlen);

/* input__read() of each path into a new profile; NULL on error (see @err). */
struct profile *input__read_all(char *const *paths, size_t n, char *err,
				size_t errlen);

/*
 * The same, making the sample type named @sample_type the default one
 * (pprof input may have several; NULL: the file's default, see pprof.h).
 * A name the input does not have is an error.
 */
int input__read_type(struct profile *p, const char *path,
		     const char *sample_type, struct input_stats *st,
		     char *err, size_t errlen);
struct profile *input__read_all_type(char *const *paths, size_t n,
				     const char *sample_type, char *err,
				     size_t errlen);

#endif
