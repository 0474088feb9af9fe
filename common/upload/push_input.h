/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `ebprof push` makes of one FILE before anything is sent: the
 * recording read (a file or stdin, bounded) and parsed (folded or pprof),
 * its time window (the recording's own times, the file's modification
 * time, or --from/--until/--now) checked against what Pyroscope accepts,
 * and the bodies to upload: pprof byte for byte, folded stacks as integer
 * counts split above max_samples.  Warnings about the input (skipped
 * lines, rounded counts) go out through lib/log.h.
 *
 * Not here: the options and the client configuration (push_opts.h), the
 * HTTP requests and their retries (pyroscope.h, used by cmd/push.c), the
 * usage messages and exit statuses (cmd/push.c).
 */
#ifndef EBPROF_PUSH_INPUT_H
#define EBPROF_PUSH_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "upload/push_opts.h"
#include "upload/pyroscope.h"

/* --from, --until (argv's strings, or NULL) and --now. */
struct push_window {
	const char *from, *until;
	bool now;
};

/* One FILE, ready to send. */
struct push_input {
	const char *path;
	enum pyro_format format;
	char *raw;			/* pprof: the file's bytes */
	size_t raw_len;
	struct pyro_chunk *chunks;	/* folded: the bodies */
	size_t nr_chunks;
	uint64_t samples;
	int64_t from_ns, until_ns;
};

/*
 * Checks --from, --until and --now before any file is read: 0, or
 * PUSH_BAD_USAGE with the reason added to @msg.
 */
int push_window__check(const struct push_window *w, struct strbuf *msg);

/*
 * Reads and checks @in->path ("-": stdin) and fills @in: 0,
 * PUSH_BAD_USAGE with the reason in @err (--from after --until), or
 * PUSH_FAILED after a message.  @max_samples bounds folded uploads.
 * push_input__release() frees what it holds, also after a failure.
 */
int push_input__prepare(struct push_input *in, const struct push_window *w,
			size_t max_samples, char *err, size_t errlen);
void push_input__release(struct push_input *in);

#endif
