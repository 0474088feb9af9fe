// SPDX-License-Identifier: GPL-2.0
/* Folded stacks streamed in chunks; see folded_stream.h. */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format/input.h"
#include "lib/array.h"
#include "render/folded_stream.h"

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
	struct skey *keys;		/* sorting: the lines' order */
	size_t kcap;
	size_t *lcps;			/* sorting: prefix shared with the
					   line before, by position */
	size_t pcap;
	struct srange *ranges;		/* sorting: ranges left to sort */
	size_t nranges, rcap;
	size_t cut;			/* lines cut to PROFILE_MAX_DEPTH */
};

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
	if (folded__split_count(line, &len, count) || len == 0)
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
 * Sorting a chunk's lines.  The order must be exactly that of memcmp() on
 * the stack text (a prefix first), ties in input order: it decides the
 * order in which tree nodes are created, and so the order in which values
 * are summed.  Lines of a profile share long prefixes (hundreds of bytes),
 * which makes comparison sorts slow: every comparison re-reads the common
 * prefix.  This is a three-way radix quicksort (multikey quicksort) on 8
 * bytes at a time instead: lines are partitioned by the 8 bytes at the
 * current depth (cached next to the line's index, big-endian so integers
 * compare like bytes), and the group that is equal there moves on to the
 * next depth -- after skipping, in one pass, whatever prefix the whole
 * group still shares.  A line's bytes are then read about once, not once
 * per comparison; what remains is a cache miss each time a group that
 * holds the line is split (about ten times per line on the benchmark).
 */

/* A line being sorted: its 8 bytes at the current depth, and its index. */
struct skey {
	uint64_t key;
	size_t idx;
};

/* A range of keys equal before @depth, still to sort. */
struct srange {
	size_t lo, hi, depth;
	unsigned int budget;	/* partitions left before falling back */
};

#define SORT_SMALL	12	/* insertion sort below this many lines */

/*
 * The 8 bytes of @l at @d, zero-padded past its end.  Stack text holds no
 * NUL, so a key whose last byte is 0 means the line ends within it.
 */
static uint64_t key_at(const struct fline *l, size_t d)
{
	uint64_t w = 0;
	size_t i;

	if (d + 8 <= l->len) {
		memcpy(&w, l->s + d, 8);
		return be64toh(w);
	}
	for (i = d; i < l->len; i++)
		w |= (uint64_t)(unsigned char)l->s[i] << (56 - 8 * (i - d));
	return w;
}

static bool key_ends(uint64_t key)
{
	return (key & 0xff) == 0;
}

/* Full order of two lines equal before @d, whose keys are at @d. */
static int cmp_at(const struct skey *a, const struct skey *b,
		  const struct fline *lines, size_t d)
{
	const struct fline *x, *y;
	size_t n;
	int c;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (!key_ends(a->key)) {
		x = &lines[a->idx];
		y = &lines[b->idx];
		d += 8;
		n = (x->len < y->len ? x->len : y->len) - d;
		c = memcmp(x->s + d, y->s + d, n);
		if (c)
			return c;
		if (x->len != y->len)
			return x->len < y->len ? -1 : 1;
	}
	return (a->idx > b->idx) - (a->idx < b->idx);
}

struct cmp_ctx {
	const struct fline *lines;
	size_t depth;
};

static int cmp_at_r(const void *a, const void *b, void *ctx)
{
	const struct cmp_ctx *c = ctx;

	return cmp_at(a, b, c->lines, c->depth);
}

static int cmp_idx(const void *pa, const void *pb)
{
	const struct skey *a = pa, *b = pb;

	return (a->idx > b->idx) - (a->idx < b->idx);
}

static void insertion_sort(struct skey *k, size_t n, const struct fline *lines,
			   size_t d)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct skey t = k[i];

		for (j = i; j > 0 && cmp_at(&k[j - 1], &t, lines, d) > 0; j--)
			k[j] = k[j - 1];
		k[j] = t;
	}
}

/*
 * After sorting k[0..n) (equal before @d) by comparisons: the prefix each
 * line shares with the one before, into @lcps[1..n).
 */
static void set_lcps(const struct skey *k, size_t n, size_t *lcps,
		     const struct fline *lines, size_t d)
{
	size_t i;

	for (i = 1; i < n; i++) {
		const struct fline *a = &lines[k[i - 1].idx];
		const struct fline *b = &lines[k[i].idx];

		lcps[i] = d + common_prefix(a->s + d, b->s + d,
					    (a->len < b->len ? a->len : b->len) -
					    d);
	}
}

static void swap_keys(struct skey *a, struct skey *b)
{
	struct skey t = *a;

	*a = *b;
	*b = t;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	if (a < b)
		return b < c ? b : (a < c ? c : a);
	return a < c ? a : (b < c ? c : b);
}

/*
 * The keys k[0..n) are equal before @d: moves @d past the prefix all
 * their lines share and reloads the keys there.  Returns the new depth.
 */
static size_t skip_shared(struct skey *k, size_t n, const struct fline *lines,
			  size_t d)
{
	const struct fline *first = &lines[k[0].idx];
	size_t lcp = first->len - d, i;

	for (i = 1; i < n && lcp; i++) {
		const struct fline *l = &lines[k[i].idx];
		size_t m = l->len - d;

		/*
		 * The lines are scattered over the chunk: fetch ahead, as
		 * much as the group may still share.
		 */
		if (i + 8 < n) {
			const struct fline *ahead = &lines[k[i + 8].idx];
			size_t off;

			for (off = 0; off < lcp && off < 512 &&
			     d + off < ahead->len; off += 64)
				__builtin_prefetch(ahead->s + d + off);
		}
		lcp = common_prefix(first->s + d, l->s + d, m < lcp ? m : lcp);
	}
	d += lcp;
	for (i = 0; i < n; i++)
		k[i].key = key_at(&lines[k[i].idx], d);
	return d;
}

static int push_range(struct reader *r, size_t lo, size_t hi, size_t depth,
		      unsigned int budget)
{
	if (hi - lo < 2)
		return 0;
	if (array__grow((void **)&r->ranges, &r->rcap, r->nranges + 1,
			sizeof(*r->ranges)))
		return -ENOMEM;
	r->ranges[r->nranges++] = (struct srange){ lo, hi, depth, budget };
	return 0;
}

/* Partitions of one depth allowed before a range falls back to qsort. */
static unsigned int budget_for(size_t n)
{
	unsigned int b = 8;

	while (n >>= 1)
		b += 2;
	return b;
}

/* Bytes shared by two keys, big-endian, that differ. */
static size_t key_prefix(uint64_t a, uint64_t b)
{
	return (size_t)__builtin_clzll(a ^ b) / 8;
}

/*
 * Sorts r->lines into r->keys[0..r->nr) (indexes into r->lines), and
 * tells in r->lcps[i] how many bytes the i-th line shares with the one
 * before (for i > 0): what emit() needs, known here for free.
 */
static int sort_lines(struct reader *r)
{
	const struct fline *lines = r->lines;
	struct skey *k;
	size_t i;

	if (array__grow((void **)&r->keys, &r->kcap, r->nr, sizeof(*r->keys)) ||
	    array__grow((void **)&r->lcps, &r->pcap, r->nr, sizeof(*r->lcps)))
		return -ENOMEM;
	k = r->keys;
	for (i = 0; i < r->nr; i++)
		k[i] = (struct skey){ key_at(&lines[i], 0), i };
	r->nranges = 0;
	if (push_range(r, 0, r->nr, 0, budget_for(r->nr)))
		return -ENOMEM;
	while (r->nranges) {
		struct srange g = r->ranges[--r->nranges];
		struct skey *a = k + g.lo;
		size_t *lcps = r->lcps + g.lo;
		size_t n = g.hi - g.lo, lt = 0, gt = n, j = 0, d;
		uint64_t v, below = 0, above = UINT64_MAX;

		if (n < SORT_SMALL) {
			insertion_sort(a, n, lines, g.depth);
			set_lcps(a, n, lcps, lines, g.depth);
			continue;
		}
		if (!g.budget) {
			/* Keys that defeat the pivots: sort by comparisons. */
			struct cmp_ctx c = { lines, g.depth };

			qsort_r(a, n, sizeof(*a), cmp_at_r, &c);
			set_lcps(a, n, lcps, lines, g.depth);
			continue;
		}
		/*
		 * Three-way partition on the key: [0,lt) < v, [gt,n) > v.  The
		 * largest key below v and the smallest above give the shared
		 * prefixes across the two boundaries, wherever the lines on
		 * either side end up.
		 */
		v = median3(a[0].key, a[n / 2].key, a[n - 1].key);
		while (j < gt) {
			uint64_t x = a[j].key;

			if (x < v) {
				below = x > below ? x : below;
				swap_keys(&a[lt++], &a[j++]);
			} else if (x > v) {
				above = x < above ? x : above;
				swap_keys(&a[j], &a[--gt]);
			} else {
				j++;
			}
		}
		if (lt)
			lcps[lt] = g.depth + key_prefix(below, v);
		if (gt < n)
			lcps[gt] = g.depth + key_prefix(v, above);
		if (push_range(r, g.lo + gt, g.hi, g.depth, g.budget - 1) ||
		    push_range(r, g.lo, g.lo + lt, g.depth, g.budget - 1))
			return -ENOMEM;
		if (gt - lt < 2)
			continue;
		if (key_ends(v)) {
			/* Equal lines: input order. */
			qsort(a + lt, gt - lt, sizeof(*a), cmp_idx);
			for (j = lt + 1; j < gt; j++)
				lcps[j] = lines[a[j].idx].len;
			continue;
		}
		/* Pushed last, so sorted next, while its lines are cached. */
		d = skip_shared(a + lt, gt - lt, lines, g.depth + 8);
		if (push_range(r, g.lo + lt, g.lo + gt, d, budget_for(gt - lt)))
			return -ENOMEM;
	}
	return 0;
}

/* Where frame @k of the previous line (text @prev) ends. */
static size_t frame_end(const struct reader *r, const struct fline *prev,
			size_t k)
{
	return k + 1 < r->depth ? r->starts[k + 1] - 1 : prev->len;
}

/*
 * Frames of the previous line (text @prev, r->depth frames starting at
 * r->starts) that @cur repeats: same text, ending at the same place.  The
 * two lines share @l bytes.
 */
static size_t shared_frames(const struct reader *r, const struct fline *prev,
			    const struct fline *cur, size_t l)
{
	size_t lo = 0, hi = r->depth;

	/* Frames ending before byte @l: a binary search, stacks are deep. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (frame_end(r, prev, mid) < l)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* One that ends at @l is shared if @cur's frame ends there too. */
	if (lo < r->depth && frame_end(r, prev, lo) == l &&
	    (cur->len == l || cur->s[l] == ';'))
		lo++;
	return lo;
}

/*
 * Splits @cur from byte @pos (after its first @same frames) into r->frames,
 * their offsets into r->starts[same...]; *n frames.  0 or -ENOMEM.
 */
static int split_frames(struct reader *r, const struct fline *cur,
			size_t pos, size_t same, size_t *n)
{
	*n = 0;
	for (;;) {
		const char *semi = memchr(cur->s + pos, ';', cur->len - pos);
		size_t end = semi ? (size_t)(semi - cur->s) : cur->len;
		struct fg_frame *fr;

		if (array__grow((void **)&r->frames, &r->fcap, *n + 1,
			 sizeof(*r->frames)) ||
		    array__grow((void **)&r->starts, &r->scap, same + *n + 1,
			 sizeof(*r->starts)))
			return -ENOMEM;
		r->starts[same + *n] = pos;
		fr = &r->frames[(*n)++];
		fr->name = cur->s + pos;
		fr->len = end - pos;
		frame_kind(fr);
		if (!semi)
			break;
		pos = end + 1;
	}
	return 0;
}

/*
 * A line deeper than PROFILE_MAX_DEPTH, cut as profile__add() cuts (a few
 * KB of gzip can hold millions of frames): handed over whole, and the next
 * line shares nothing with it.
 */
static int emit_cut(struct reader *r, const struct fline *cur,
		    folded_stream_fn fn, void *ctx)
{
	static const struct fg_frame mark = {
		PROFILE_CUT_FRAME, sizeof(PROFILE_CUT_FRAME) - 1, 0,
	};
	size_t leaf = PROFILE_MAX_DEPTH - PROFILE_KEEP_ROOT - 1;
	size_t n, i;

	/* The frames shared with the line before were not split: all now. */
	if (split_frames(r, cur, 0, 0, &n))
		return -ENOMEM;
	r->frames[PROFILE_KEEP_ROOT] = mark;
	for (i = 0; i < leaf; i++)
		r->frames[PROFILE_KEEP_ROOT + 1 + i] = r->frames[n - leaf + i];
	r->depth = 0;
	r->cut++;
	return fn(0, r->frames, PROFILE_MAX_DEPTH, cur->count, ctx);
}

/* Hands over @cur, which shares @lcp bytes with @prev (NULL: none). */
static int emit(struct reader *r, const struct fline *prev,
		const struct fline *cur, size_t lcp, folded_stream_fn fn,
		void *ctx)
{
	size_t same = prev ? shared_frames(r, prev, cur, lcp) : 0;
	size_t pos, n = 0;

	if (same && frame_end(r, prev, same - 1) == cur->len) {
		/* @prev again, or (in input order only) a prefix of it. */
		r->depth = same;
		return fn(same, NULL, 0, cur->count, ctx);
	}
	pos = same ? (same < r->depth ? r->starts[same] : prev->len + 1) : 0;
	if (split_frames(r, cur, pos, same, &n))
		return -ENOMEM;
	if (same + n > PROFILE_MAX_DEPTH)
		return emit_cut(r, cur, fn, ctx);
	r->depth = same + n;
	return fn(same, r->frames, n, cur->count, ctx);
}

/* Parses and hands over the complete lines in buf[0..end). */
static int do_chunk(struct reader *r, size_t end, unsigned int flags,
		    folded_stream_fn fn, void *ctx, struct folded_stats *st)
{
	bool has_nul = memchr(r->buf, '\0', end) != NULL;
	char *p = r->buf, *stop = r->buf + end;
	const struct fline *prev = NULL;
	const struct skey *sorted = NULL;	/* NULL: input order */
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
		    folded__split_count(fl.s, &fl.len, &fl.count) || !fl.len) {
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
		if (i < r->nr) {
			err = sort_lines(r);
			if (err)
				return err;
			sorted = r->keys;
		}
	}
	r->depth = 0;
	for (i = 0; i < r->nr && !err; i++) {
		const struct fline *cur = &r->lines[sorted ? sorted[i].idx : i];
		size_t lcp = 0;

		if (sorted && i + 4 < r->nr)
			__builtin_prefetch(r->lines[sorted[i + 4].idx].s +
					   r->lcps[i + 4]);
		if (sorted && i)
			lcp = r->lcps[i];
		else if (prev)
			lcp = common_prefix(prev->s, cur->s,
					    prev->len < cur->len ? prev->len :
					    cur->len);
		err = emit(r, prev, cur, lcp, fn, ctx);
		prev = cur;
	}
	return err;
}

int folded_stream__read(FILE *f, const char *head, size_t headlen,
			unsigned int flags, folded_stream_fn fn, void *ctx,
			struct folded_stats *st)
{
	struct reader r = { 0 };
	size_t total = headlen;
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
			total += n;
			if (total > INPUT_MAX_BYTES) {
				err = -EFBIG;	/* /dev/zero, `yes` */
				break;
			}
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
	st->cut += r.cut;
	free(r.buf);
	free(r.lines);
	free(r.frames);
	free(r.starts);
	free(r.keys);
	free(r.lcps);
	free(r.ranges);
	return err;
}
