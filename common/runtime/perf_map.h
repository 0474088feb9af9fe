/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The perf map format, /tmp/perf-PID.map: one "START SIZE name" line per
 * JIT-compiled function, hex numbers with or without "0x", as written by
 * V8 (--perf-basic-prof), CPython 3.12+ (-X perf), .NET, HotSpot
 * (Compiler.perfmap) and others.  The runtimes append while they run, so
 * the reader is incremental: each call parses the complete lines added
 * since the last one.  Not here: finding or opening the file (jit_syms.c)
 * and keeping the symbols.
 */
#ifndef EBPROF_PERF_MAP_H
#define EBPROF_PERF_MAP_H

#include <stddef.h>
#include <stdint.h>

/* Lines longer than this are skipped whole. */
#define PERF_MAP_MAX_LINE 4096

/* Called per symbol; a non-zero return stops the reading with it. */
typedef int (*perf_map_add_fn)(void *ctx, uint64_t start, uint64_t size,
			       const char *name, size_t name_len);

/*
 * Parses one line (without its newline): 0, or -EINVAL when it is not
 * "START SIZE name" (perf skips such lines too).  The name is the rest of
 * the line, without surrounding blanks or a '\r'.
 */
int perf_map__parse_line(const char *line, size_t len, uint64_t *start,
			 uint64_t *size, const char **name, size_t *name_len);

/*
 * Parses the complete lines of buf[0..len) and returns how many bytes it
 * used: a last line without its newline is left for the next call, unless
 * @eof.  A line longer than PERF_MAP_MAX_LINE is skipped, the part of it
 * seen so far included.  *@err gets the first non-zero @add return.
 */
size_t perf_map__parse(const char *buf, size_t len, int eof,
		       perf_map_add_fn add, void *ctx, int *err);

struct perf_map_reader {
	uint64_t off;		/* bytes of the file parsed */
	int skipping;		/* inside a line too long to keep */
};

/*
 * Reads and parses what the file open at @fd gained since the last call,
 * at most @max_bytes of it.  Returns 0, -ESTALE if the file shrank (it was
 * rewritten: start over with a zeroed reader), or another -errno.
 */
int perf_map__read(int fd, struct perf_map_reader *rd, uint64_t max_bytes,
		   perf_map_add_fn add, void *ctx);

#endif
