// SPDX-License-Identifier: GPL-2.0
/*
 * Format detection and reading of recordings; see input.h.  The whole
 * input is read into memory first (stdin cannot be rewound, and pprof is
 * decoded from memory anyway), then:
 *   - gzip magic: decompressed (bounded, see PPROF_MAX_DECOMPRESSED) and
 *     looked at again, so gzipped folded stacks read too;
 *   - text (no control bytes but white space): folded stacks;
 *   - bytes that are a sequence of protobuf fields, exactly: pprof (every
 *     pprof profile also holds a NUL: string_table[0] is "");
 *   - fields that run past the end: a truncated pprof profile, an error;
 *   - mostly text (under 1% control bytes, or fewer than lines): folded
 *     stacks, the damaged lines counted as such;
 *   - anything else is no recording, an error.
 * Input is bounded (INPUT_MAX_BYTES), and binary input that is neither is
 * refused after its first block, so /dev/zero or `yes` end with an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/folded.h"
#include "format/input.h"
#include "format/pprof.h"

#define NOT_A_RECORDING "not a recording: neither folded stacks (text) nor " \
	"a pprof profile (protobuf, may be gzipped)"

/* Bytes looked at before reading on (an endless binary stream stops). */
#define SNIFF_BYTES 65536

enum sniff {
	SNIFF_TEXT,		/* folded stacks */
	SNIFF_PPROF,		/* a whole protobuf message */
	SNIFF_TRUNCATED,	/* protobuf fields, the last cut short */
	SNIFF_DAMAGED_TEXT,	/* text with a few control bytes */
	SNIFF_BAD,		/* none of these */
};

static int varint(const unsigned char *b, size_t len, size_t *i,
		  uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; shift < 64; shift += 7) {
		if (*i >= len)
			return -EPIPE;
		*v |= (uint64_t)(b[*i] & 0x7f) << shift;
		if (!(b[(*i)++] & 0x80))
			return 0;
	}
	return -EINVAL;
}

/*
 * Top-level protobuf fields of @b: 0 when they fill it exactly, -EPIPE
 * when the last one runs past the end (*at: where it starts), -EINVAL
 * for bytes that are no field (a field number 0, a group, a varint too
 * long).
 */
static int proto_walk(const unsigned char *b, size_t len, size_t *at)
{
	size_t i = 0;

	while (i < len) {
		uint64_t tag, v;
		int err;

		*at = i;
		err = varint(b, len, &i, &tag);
		if (err)
			return err;
		if (tag >> 3 == 0 || tag >> 3 > 536870911)
			return -EINVAL;
		switch (tag & 7) {
		case 0:
			err = varint(b, len, &i, &v);
			if (err)
				return err;
			break;
		case 1:
			v = 8;
			goto skip;
		case 2:
			err = varint(b, len, &i, &v);
			if (err)
				return err;
			goto skip;
		case 5:
			v = 4;
skip:
			if (v > len - i)
				return -EPIPE;
			i += v;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* Bytes that plain text does not hold (ESC allowed: coloured output). */
static bool is_control(unsigned char c)
{
	return c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) || c == 0x7f;
}

/*
 * What @b looks like; @prefix: more may follow (a truncated walk is then
 * no verdict).  *at: see proto_walk().
 */
static enum sniff sniff(const unsigned char *b, size_t len, bool prefix,
			size_t *at)
{
	size_t i, ctl = 0, lines = 0;
	int w;

	for (i = 0; i < len; i++) {
		ctl += is_control(b[i]);
		lines += b[i] == '\n';
	}
	if (!ctl)
		return SNIFF_TEXT;
	w = proto_walk(b, len, at);
	if (!w || (w == -EPIPE && prefix))
		return SNIFF_PPROF;
	/* pprof is full of small varints: far more than its '\n' tags. */
	if (ctl * 100 < len || ctl < lines)
		return SNIFF_DAMAGED_TEXT;
	return w == -EPIPE ? SNIFF_TRUNCATED : SNIFF_BAD;
}

int input__check_head(const void *head, size_t len, bool more)
{
	size_t at;

	if (pprof__is_gzip(head, len) ||
	    sniff(head, len, more, &at) != SNIFF_BAD)
		return 0;
	return -EPROTO;
}

const char *input__strerror(int err)
{
	if (err == -EFBIG)
		return "more than 1 GiB of input (an endless stream such as "
		       "/dev/zero?)";
	if (err == -EPROTO)
		return NOT_A_RECORDING;
	return strerror(err < 0 ? -err : err);
}

int input__slurp_fd(int fd, char **out, size_t *outlen)
{
	struct stat st;
	size_t cap = 65536, len = 0;
	bool checked = false;
	char *buf, *nb;
	ssize_t n;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > INPUT_MAX_BYTES)
			return -EFBIG;
		cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			/* One byte over the limit tells it is exceeded. */
			size_t ncap = cap * 2 > INPUT_MAX_BYTES + 1 ?
				      INPUT_MAX_BYTES + 1 : cap * 2;

			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (!checked && (len + n >= SNIFF_BYTES || !n)) {
			size_t m = len + n < SNIFF_BYTES ? len + n :
				   SNIFF_BYTES;

			checked = true;
			if (input__check_head(buf, m, n || m < len + n)) {
				free(buf);
				return -EPROTO;
			}
		}
		len += n;
		if (len > INPUT_MAX_BYTES) {
			free(buf);
			return -EFBIG;
		}
		if (n == 0)
			break;
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
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	char *data = NULL, *plain = NULL;
	size_t len, plen, at = 0;
	int r;

	memset(st, 0, sizeof(*st));
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return r;
	}
	r = input__slurp_fd(fd, &data, &len);
	if (fd)
		close(fd);
	if (r) {
		snprintf(err, errlen, "%s", input__strerror(r));
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
	switch (sniff((unsigned char *)plain, plen, false, &at)) {
	case SNIFF_PPROF:
		st->format = INPUT_PPROF;
		r = pprof__read(p, plain, plen, sample_type, err, errlen);
		break;
	case SNIFF_TRUNCATED:
		snprintf(err, errlen, "a truncated pprof profile (%zu bytes, "
			 "the field at byte %zu runs past the end)", plen, at);
		r = -EPROTO;
		break;
	case SNIFF_BAD:
		snprintf(err, errlen, "%s", NOT_A_RECORDING);
		r = -EPROTO;
		break;
	default:
		st->format = INPUT_FOLDED;
		r = read_folded(p, plain, plen, st, err, errlen);
		break;
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
