// SPDX-License-Identifier: GPL-2.0
/* Folded stacks streamed in chunks; see folded_stream.h. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "folded_stream.h"

#define CHUNK_MIN	(1u << 20)
#define CHUNK_MAX	(32u << 20)	/* text sorted at once */

static const struct {
	const char *suffix;
	uint8_t kind;
} suffixes[] = {
	{ "_[k]", PF_KERNEL }, { "_[j]", PF_JIT },
	{ "_[i]", PF_INLINE }, { "_[w]", PF_WAKER },
};

/* A parsed line of the current chunk: its stack text and count. */
struct fline {
	const char *s;
	size_t len;
	double count;
};

struct reader {
	char *buf;
	size_t cap, len;
	struct fline *lines;
	size_t nr, lcap;
	struct fg_frame *frames;	/* the rest of the current line */
	size_t fcap;
	size_t *starts;			/* frame offsets, previous line */
	size_t scap, depth;
};

/*
 * flamegraph.pl's `^(.*)\s+?(\d+(?:\.\d*)?)$`: a count made of digits with
 * at most one dot, starting with a digit, after at least one space.
 */
static int split_count(const char *line, size_t *len, double *count)
{
	size_t end = *len, i = end, dots = 0;
	char num[64];

	while (i > 0 && (isdigit((unsigned char)line[i - 1]) ||
			 line[i - 1] == '.')) {
		dots += line[i - 1] == '.';
		i--;
	}
	if (i == end || dots > 1 || !isdigit((unsigned char)line[i]) ||
	    end - i >= sizeof(num) || i == 0 ||
	    !isspace((unsigned char)line[i - 1]))
		return -1;
	memcpy(num, line + i, end - i);
	num[end - i] = '\0';
	*count = strtod(num, NULL);
	while (i > 0 && isspace((unsigned char)line[i - 1]))
		i--;
	*len = i;
	return 0;
}

static void frame_kind(struct fg_frame *fr)
{
	size_t k;

	fr->kind = PF_USER;
	for (k = 0; k < sizeof(suffixes) / sizeof(*suffixes); k++) {
		size_t sl = strlen(suffixes[k].suffix);

		if (fr->len > sl && !memcmp(fr->name + fr->len - sl,
					    suffixes[k].suffix, sl)) {
			fr->kind = suffixes[k].kind;
			fr->len -= sl;
			return;
		}
	}
}

long folded_stream__parse(const char *line, size_t len,
			  struct fg_frame **frames, size_t *cap,
			  double *count)
{
	size_t depth = 0, start = 0, i;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (split_count(line, &len, count) || len == 0)
		return -EINVAL;
	for (i = 0; i <= len; i++) {
		struct fg_frame *fr;

		if (i < len && line[i] != ';')
			continue;
		if (array__grow((void **)frames, cap, depth + 1, sizeof(**frames)))
			return -ENOMEM;
		fr = &(*frames)[depth++];
		fr->name = line + start;
		fr->len = i - start;
		frame_kind(fr);
		start = i + 1;
	}
	return (long)depth;
}

/* Length of the common prefix of @a and @b, both at least @n long. */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
	size_t i = 0;

	/* Neighbours share long prefixes: skip equal blocks with memcmp. */
	while (i + 64 <= n && !memcmp(a + i, b + i, 64))
		i += 64;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (i + 8 <= n) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return i + (__builtin_ctzll(x ^ y) >> 3);
		i += 8;
	}
#endif
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

static int cmp_lines(const void *pa, const void *pb)
{
	const struct fline *a = pa, *b = pb;
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

/*
 * Frames of the previous line (text @prev, r->depth frames starting at
 * r->starts) that @cur repeats: same text, ending at the same place.
 */
static size_t shared_frames(const struct reader *r, const struct fline *prev,
			    const struct fline *cur)
{
	size_t l = common_prefix(prev->s, cur->s, prev->len < cur->len ?
				 prev->len : cur->len);
	size_t k;

	for (k = 0; k < r->depth; k++) {
		size_t end = k + 1 < r->depth ? r->starts[k + 1] - 1 :
			prev->len;

		if (end > l)
			break;
		if (end == l && !(cur->len == l || cur->s[l] == ';'))
			break;
	}
	return k;
}

static int emit(struct reader *r, const struct fline *prev,
		const struct fline *cur, folded_stream_fn fn, void *ctx)
{
	size_t same = prev ? shared_frames(r, prev, cur) : 0;
	size_t pos, n = 0;

	if (same == r->depth && prev && cur->len == prev->len)
		return fn(same, NULL, 0, cur->count, ctx);
	pos = same ? (same < r->depth ? r->starts[same] : prev->len + 1) : 0;
	for (;;) {
		const char *semi = memchr(cur->s + pos, ';', cur->len - pos);
		size_t end = semi ? (size_t)(semi - cur->s) : cur->len;
		struct fg_frame *fr;

		if (array__grow((void **)&r->frames, &r->fcap, n + 1,
			 sizeof(*r->frames)) ||
		    array__grow((void **)&r->starts, &r->scap, same + n + 1,
			 sizeof(*r->starts)))
			return -ENOMEM;
		r->starts[same + n] = pos;
		fr = &r->frames[n++];
		fr->name = cur->s + pos;
		fr->len = end - pos;
		frame_kind(fr);
		if (!semi)
			break;
		pos = end + 1;
	}
	r->depth = same + n;
	return fn(same, r->frames, n, cur->count, ctx);
}

/* Parses and hands over the complete lines in buf[0..end). */
static int do_chunk(struct reader *r, size_t end, unsigned int flags,
		    folded_stream_fn fn, void *ctx, struct folded_stats *st)
{
	bool has_nul = memchr(r->buf, '\0', end) != NULL;
	char *p = r->buf, *stop = r->buf + end;
	size_t i;
	int err = 0;

	r->nr = 0;
	while (p < stop) {
		char *nl = memchr(p, '\n', stop - p);
		size_t len = (nl ? nl : stop) - p;
		struct fline fl = { p };

		st->lines++;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		fl.len = len;
		p = nl ? nl + 1 : stop;
		if (!len)
			continue;
		if ((has_nul && memchr(fl.s, '\0', fl.len)) ||
		    split_count(fl.s, &fl.len, &fl.count) || !fl.len) {
			st->bad++;
			if (!st->first_bad)
				st->first_bad = st->lines;
			continue;
		}
		if (array__grow((void **)&r->lines, &r->lcap, r->nr + 1,
			 sizeof(*r->lines)))
			return -ENOMEM;
		r->lines[r->nr++] = fl;
	}
	if (flags & FOLDED_STREAM_SORT) {
		/* Output of stackcollapse-* and of ebprof is sorted already. */
		for (i = 1; i < r->nr; i++)
			if (cmp_lines(&r->lines[i - 1], &r->lines[i]) > 0)
				break;
		if (i < r->nr)
			qsort(r->lines, r->nr, sizeof(*r->lines), cmp_lines);
	}
	r->depth = 0;
	for (i = 0; i < r->nr && !err; i++)
		err = emit(r, i ? &r->lines[i - 1] : NULL, &r->lines[i], fn,
			   ctx);
	return err;
}

int folded_stream__read(FILE *f, const char *head, size_t headlen,
			unsigned int flags, folded_stream_fn fn, void *ctx,
			struct folded_stats *st)
{
	struct reader r = { 0 };
	bool eof = false;
	int err = 0;

	if (array__grow((void **)&r.buf, &r.cap, headlen > CHUNK_MIN ? headlen :
		 CHUNK_MIN, 1))
		return -ENOMEM;
	if (headlen)
		memcpy(r.buf, head, headlen);
	r.len = headlen;
	while (!err) {
		char *nl;
		size_t end, n;

		/* Fill; grow while the chunk is small or a line long. */
		if (!eof && r.len == r.cap) {
			char *last = memrchr(r.buf, '\n', r.len);

			if ((r.cap < CHUNK_MAX || !last) &&
			    array__grow((void **)&r.buf, &r.cap, r.cap + 1, 1)) {
				err = -ENOMEM;
				break;
			}
		}
		if (!eof && r.len < r.cap) {
			n = fread(r.buf + r.len, 1, r.cap - r.len, f);
			r.len += n;
			if (n == 0) {
				if (ferror(f)) {
					err = errno ? -errno : -EIO;
					break;
				}
				eof = true;
			}
			if (!eof && r.len < r.cap)
				continue;
		}
		if (eof) {
			end = r.len;
		} else {
			nl = memrchr(r.buf, '\n', r.len);
			if (!nl || r.cap < CHUNK_MAX)
				continue;	/* grows above */
			end = nl - r.buf + 1;
		}
		err = do_chunk(&r, end, flags, fn, ctx, st);
		memmove(r.buf, r.buf + end, r.len - end);
		r.len -= end;
		if (eof)
			break;
	}
	free(r.buf);
	free(r.lines);
	free(r.frames);
	free(r.starts);
	return err;
}
