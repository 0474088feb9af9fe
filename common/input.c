// SPDX-License-Identifier: GPL-2.0
/*
 * Format detection and reading of recordings; see input.h.  The whole
 * input is read into memory first (stdin cannot be rewound, and pprof is
 * decoded from memory anyway), then:
 *   - gzip magic: decompressed (bounded, see PPROF_MAX_DECOMPRESSED) and
 *     looked at again, so gzipped folded stacks read too;
 *   - a NUL byte anywhere: pprof.  Folded stacks are text and never hold
 *     one, while every pprof profile does (string_table[0] is "", encoded
 *     as the bytes 0x32 0x00), so binary input is never parsed as text;
 *   - otherwise folded stacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "folded.h"
#include "input.h"
#include "pprof.h"

/* Reads all of @f into a new malloc()ed buffer.  0 or -errno. */
static int slurp(FILE *f, char **out, size_t *outlen)
{
	struct stat st;
	size_t cap = 65536, len = 0, n;
	char *buf, *nb;

	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return errno ? -errno : -EIO;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

static int read_folded(struct profile *p, char *data, size_t len,
		       struct input_stats *st, char *err, size_t errlen)
{
	struct folded_stats fs = { 0 };
	FILE *f;
	int r;

	if (!len)
		return 0;
	f = fmemopen(data, len, "r");
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return r;
	}
	r = folded__read(p, f, &fs);
	fclose(f);
	if (r)
		snprintf(err, errlen, "%s", strerror(-r));
	st->lines = fs.lines;
	st->bad_lines = fs.bad;
	st->first_bad = fs.first_bad;
	return r;
}

int input__read_type(struct profile *p, const char *path,
		     const char *sample_type, struct input_stats *st,
		     char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *data = NULL, *plain = NULL;
	size_t len, plen;
	int r;

	memset(st, 0, sizeof(*st));
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return r;
	}
	r = slurp(f, &data, &len);
	if (f != stdin)
		fclose(f);
	if (r) {
		snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	if (pprof__is_gzip(data, len)) {
		void *out;

		r = pprof__gunzip(data, len, PPROF_MAX_DECOMPRESSED, &out,
				  &plen, err, errlen);
		if (r) {
			if (r == -ENOMEM)
				snprintf(err, errlen, "out of memory");
			goto out;
		}
		plain = out;
	} else {
		plain = data;
		plen = len;
	}
	if (memchr(plain, '\0', plen)) {
		st->format = INPUT_PPROF;
		r = pprof__read(p, plain, plen, sample_type, err, errlen);
	} else {
		st->format = INPUT_FOLDED;
		r = read_folded(p, plain, plen, st, err, errlen);
	}
	if (!r && sample_type && profile__find_type(p, sample_type) < 0) {
		snprintf(err, errlen, "no sample type '%s' in the input",
			 sample_type);
		r = -EINVAL;
	}
out:
	if (plain != data)
		free(plain);
	free(data);
	return r;
}

int input__read(struct profile *p, const char *path, struct input_stats *st,
		char *err, size_t errlen)
{
	return input__read_type(p, path, NULL, st, err, errlen);
}

struct profile *input__read_all_type(char *const *paths, size_t n,
				     const char *sample_type, char *err,
				     size_t errlen)
{
	struct profile *p = profile__new();
	struct input_stats st;
	char why[256];
	size_t i;
	int t;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (input__read_type(p, paths[i], sample_type, &st, why,
				     sizeof(why))) {
			snprintf(err, errlen, "cannot read '%s': %s", paths[i],
				 why);
			profile__free(p);
			return NULL;
		}
	}
	if (sample_type) {
		/* Folded input has one type, "samples". */
		t = profile__find_type(p, sample_type);
		if (t < 0) {
			snprintf(err, errlen, "no sample type '%s' in the "
				 "input", sample_type);
			profile__free(p);
			return NULL;
		}
		p->default_type = t;
	}
	return p;
}

struct profile *input__read_all(char *const *paths, size_t n, char *err,
				size_t errlen)
{
	return input__read_all_type(paths, n, NULL, err, errlen);
}
