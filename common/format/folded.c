// SPDX-License-Identifier: GPL-2.0
/*
 * Folded-stack reader and writer (see folded.h).  The reader follows
 * flamegraph.pl's parse: `^(.*)\s+(\d+(\.\d*)?)$`, frames split on ';'.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "lib/strbuf.h"

int folded__split_count(const char *line, size_t *len, double *count)
{
	size_t end = *len, i = end, dots = 0;
	char num[64];

	while (i > 0 && (isdigit((unsigned char)line[i - 1]) ||
			 line[i - 1] == '.')) {
		dots += line[i - 1] == '.';
		i--;
	}
	/* \d+(\.\d*)? after white space: starts with a digit, one dot. */
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

int folded__parse_line(struct profile *p, char *line, size_t len)
{
	uint32_t stack_buf[256], *stack = stack_buf;
	size_t depth = 0, cap = 256, i, start;
	double *vals, count;
	int err = -EINVAL;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (folded__split_count(line, &len, &count) || len == 0)
		return -EINVAL;
	vals = calloc(p->nr_types, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	vals[p->default_type] = count;
	for (start = 0, i = 0; i <= len; i++) {
		struct pf_frame f = { 0 };
		size_t n;
		int kind;

		if (i < len && line[i] != ';')
			continue;
		n = i - start;
		kind = pf_kind__from_suffix(line + start, n);
		if (kind >= 0) {
			f.kind = kind;
			n -= 4;
		}
		f.name = strpool__intern_len(&p->strings, line + start, n);
		if (!f.name)
			goto nomem;
		if (depth == cap) {
			uint32_t *ns;

			cap *= 2;
			ns = stack == stack_buf ? malloc(cap * sizeof(*ns)) :
				realloc(stack, cap * sizeof(*ns));
			if (!ns)
				goto nomem;
			if (stack == stack_buf)
				memcpy(ns, stack_buf, sizeof(stack_buf));
			stack = ns;
		}
		stack[depth] = profile__frame(p, &f);
		if (!stack[depth++])
			goto nomem;
		start = i + 1;
	}
	err = profile__add(p, stack, depth, NULL, vals);
	goto out;
nomem:
	err = -ENOMEM;
out:
	if (stack != stack_buf)
		free(stack);
	free(vals);
	return err;
}

int folded__read(struct profile *p, FILE *f, struct folded_stats *st)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = n;
		int r;

		st->lines++;
		while (len && isspace((unsigned char)line[len - 1]))
			len--;
		if (!len)
			continue;
		/* Text never holds a NUL: a damaged line, not a name. */
		r = memchr(line, '\0', len) ? -EINVAL :
		    folded__parse_line(p, line, len);
		if (r == -ENOMEM) {
			err = r;
			break;
		}
		if (r) {
			st->bad++;
			if (!st->first_bad)
				st->first_bad = st->lines;
		}
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	return err;
}

int folded__escape_name(struct strbuf *sb, const char *name)
{
	const char *s;

	if (strbuf__grow(sb, strlen(name)))
		return -ENOMEM;
	for (s = name; *s; s++) {
		char c = *s;

		if (c == ';')
			c = ':';
		else if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		sb->buf[sb->len++] = c;
	}
	sb->buf[sb->len] = '\0';
	return 0;
}

/* One output line while writing: the rendered stack and its summed count. */
struct line_acc {
	struct strpool lines;
	double *counts;		/* by line id - 1 */
	size_t nr, cap;
};

static int line_add(struct line_acc *acc, const struct strbuf *sb, double v)
{
	uint32_t id = strpool__id(&acc->lines, sb->buf, sb->len);

	if (!id)
		return -ENOMEM;
	if (id > acc->cap) {
		size_t cap = acc->cap ? acc->cap * 2 : 1024;
		double *c = realloc(acc->counts, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		acc->counts = c;
		acc->cap = cap;
	}
	if (id > acc->nr) {
		acc->counts[id - 1] = 0;
		acc->nr = id;
	}
	acc->counts[id - 1] += v;
	return 0;
}

static int render_sample(const struct profile *p, const struct pf_sample *s,
			 unsigned int flags, struct strbuf *sb)
{
	const char *root = s->labels.comm ? s->labels.comm : s->labels.process;
	size_t i;
	int err = 0;

	strbuf__reset(sb);
	if (flags & FOLDED_PER_CONTAINER) {
		const char *ct = s->labels.origin[PF_CONTAINER_NAME];

		err |= folded__escape_name(sb, ct ? ct : "[host]");
	}
	if (root) {
		if (sb->len)
			err |= strbuf__addch(sb, ';');
		err |= folded__escape_name(sb, root);
		if (flags & FOLDED_PER_THREAD)
			err |= strbuf__addf(sb, "-%d/%d", s->labels.pid,
					    s->labels.tid);
		else if (flags & FOLDED_PER_PID)
			err |= strbuf__addf(sb, "-%d", s->labels.pid);
	}
	for (i = 0; i < s->depth; i++) {
		const struct pf_frame *f = profile__frame_get(p, s->frames[i]);

		if (sb->len)
			err |= strbuf__addch(sb, ';');
		err |= folded__escape_name(sb, f->name);
		err |= strbuf__adds(sb, pf_kind__suffix(f->kind));
	}
	return err ? -ENOMEM : 0;
}

static int cmp_str(const void *a, const void *b, void *ctx)
{
	const char *const *strs = ctx;

	return strcmp(strs[*(const uint32_t *)a], strs[*(const uint32_t *)b]);
}

int folded__write(const struct profile *p, FILE *f, unsigned int flags)
{
	struct line_acc acc = { 0 };
	struct strbuf sb = STRBUF_INIT;
	uint32_t *order = NULL;
	int err = 0;
	size_t i;

	/* Equal lines (same names, other addresses) merge through the pool. */
	strpool__init(&acc.lines);
	for (i = 0; i < p->nr_samples && !err; i++) {
		const struct pf_sample *s = &p->samples[i];
		double v = s->values[p->default_type];

		if (v == 0)
			continue;
		err = render_sample(p, s, flags, &sb);
		if (!err && sb.len)
			err = line_add(&acc, &sb, v);
	}
	if (err)
		goto out;
	order = malloc((acc.lines.nr + 1) * sizeof(*order));
	if (!order) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < acc.lines.nr; i++)
		order[i] = i;
	qsort_r(order, acc.lines.nr, sizeof(*order), cmp_str, acc.lines.strs);
	for (i = 0; i < acc.lines.nr; i++) {
		double v = acc.counts[order[i]];

		/* The cast is defined only within long long's range. */
		if (fabs(v) < 0x1p63 && v == (double)(long long)v)
			fprintf(f, "%s %lld\n", acc.lines.strs[order[i]],
				(long long)v);
		else
			fprintf(f, "%s %.15g\n", acc.lines.strs[order[i]], v);
	}
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
out:
	free(order);
	free(acc.counts);
	strbuf__release(&sb);
	strpool__release(&acc.lines);
	return err;
}
