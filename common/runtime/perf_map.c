// SPDX-License-Identifier: GPL-2.0
/*
 * perf map parsing (see perf_map.h).  Numbers are read like perf's
 * hex2u64() (strtoull base 16, so "0x" is optional); a line perf would
 * skip is skipped.  The reader works in bounded chunks with pread(), so a
 * file that another process appends to while we read is never read past
 * a partial line, and one that is rewritten shows as shrunk.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/perf_map.h"

#define CHUNK (64 * 1024)

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Digit values, 0xff for what is no hex digit. */
static const unsigned char hexval[256] = {
	['0'] = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
	['a'] = 10, 11, 12, 13, 14, 15,
	['A'] = 10, 11, 12, 13, 14, 15,
	[0 ... '0' - 1] = 0xff, ['9' + 1 ... 'A' - 1] = 0xff,
	['F' + 1 ... 'a' - 1] = 0xff, ['f' + 1 ... 255] = 0xff,
};

/* A hex number of at most 16 digits, "0x" optional; the end or NULL. */
static const char *parse_hex(const char *p, const char *end, uint64_t *v)
{
	const char *start;
	uint64_t x = 0;

	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	start = p;
	for (; p < end; p++) {
		unsigned int d = hexval[(unsigned char)*p];

		if (d == 0xff)
			break;
		x = x << 4 | d;
	}
	if (p == start || p - start > 16)
		return NULL;
	*v = x;
	return p;
}

int perf_map__parse_line(const char *line, size_t len, uint64_t *start,
			 uint64_t *size, const char **name, size_t *name_len)
{
	const char *p = line, *end = line + len;

	while (p < end && is_blank(*p))
		p++;
	p = parse_hex(p, end, start);
	if (!p || p == end || !is_blank(*p))
		return -EINVAL;
	while (p < end && is_blank(*p))
		p++;
	p = parse_hex(p, end, size);
	if (!p || p == end || !is_blank(*p))
		return -EINVAL;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;
	if (p == end || !*size || *start + *size < *start)
		return -EINVAL;
	*name = p;
	*name_len = end - p;
	return 0;
}

size_t perf_map__parse(const char *buf, size_t len, int eof,
		       perf_map_add_fn add, void *ctx, int *err)
{
	size_t used = 0;

	*err = 0;
	while (used < len && !*err) {
		const char *line = buf + used;
		const char *nl = memchr(line, '\n', len - used);
		size_t n = nl ? (size_t)(nl - line) : len - used;
		uint64_t start, size;
		const char *name;
		size_t name_len;

		if (!nl && !eof)
			break;
		if (n <= PERF_MAP_MAX_LINE &&
		    !perf_map__parse_line(line, n, &start, &size, &name,
					  &name_len))
			*err = add(ctx, start, size, name, name_len);
		used += n + (nl != NULL);
	}
	return used;
}

int perf_map__read(int fd, struct perf_map_reader *rd, uint64_t max_bytes,
		   perf_map_add_fn add, void *ctx)
{
	char *buf;
	size_t have = 0;
	uint64_t done = 0;
	struct stat st;
	int err = 0;

	if (fstat(fd, &st))
		return -errno;
	if ((uint64_t)st.st_size < rd->off)
		return -ESTALE;
	if ((uint64_t)st.st_size == rd->off)
		return 0;
	buf = malloc(CHUNK + PERF_MAP_MAX_LINE + 1);
	if (!buf)
		return -ENOMEM;
	/* rd->off is where the first unparsed line starts. */
	while (done < max_bytes && !err) {
		ssize_t n = pread(fd, buf + have, CHUNK,
				  rd->off + have);
		size_t used, skip = 0;

		if (n < 0) {
			err = errno == EINTR ? 0 : -errno;
			continue;
		}
		if (n == 0)
			break;
		have += n;
		if (rd->skipping) {
			char *nl = memchr(buf, '\n', have);

			skip = nl ? (size_t)(nl - buf) + 1 : have;
			rd->skipping = !nl;
		}
		used = skip + perf_map__parse(buf + skip, have - skip, 0, add,
					      ctx, &err);
		if (have - used > PERF_MAP_MAX_LINE) {
			/* No newline in sight: drop the line. */
			used = have;
			rd->skipping = 1;
		}
		rd->off += used;
		done += used;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	return err;
}
