// SPDX-License-Identifier: GPL-2.0
/*
 * `ebprof push`'s files made ready to send (see push_input.h): reading,
 * parsing, the time window and its checks, the upload bodies.  Sending
 * them is cmd/push.c's business.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "format/input.h"
#include "lib/log.h"
#include "profile/profile.h"
#include "upload/push_input.h"
#include "upload/pyroscope.h"

#define NS_PER_SEC	1000000000LL

/*
 * Times: "now", "now-5m", Unix time in s (with decimals), ms, us or ns (by
 * digit count, as the server reads them), or YYYY-MM-DDTHH:MM:SS[.f]Z /
 * +HH:MM.  -1 when invalid.
 */
static int parse_time(const char *s, int64_t now, int64_t *out)
{
	size_t nd = strspn(s, "0123456789");
	struct tm tm;
	char *end;

	if (!strncmp(s, "now", 3)) {
		long d = 0;

		if (s[3] == '-' || s[3] == '+') {
			d = push_opts__parse_duration_ms(s + 4);
			if (d < 0)
				return -1;
		} else if (s[3]) {
			return -1;
		}
		*out = now + (s[3] == '-' ? -1 : 1) * (int64_t)d * 1000000;
		return 0;
	}
	if (nd && !s[nd]) {
		long long v;

		errno = 0;
		v = strtoll(s, NULL, 10);
		if (errno)
			return -1;
		*out = nd == 19 ? v : nd == 16 ? v * 1000 :
		       nd == 13 ? v * 1000000 : v * NS_PER_SEC;
		return nd > 19 ? -1 : 0;
	}
	if (nd && s[nd] == '.') {
		double v = strtod(s, &end);

		if (*end || v > 4e9)
			return -1;
		*out = (int64_t)(v * 1e9);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end) {
		int64_t frac = 0, off = 0;
		time_t t;

		if (*end == '.') {
			int64_t scale = 100000000;

			for (end++; isdigit((unsigned char)*end); end++) {
				frac += (*end - '0') * scale;
				scale /= 10;
			}
		}
		if (*end == 'Z' && !end[1]) {
			off = 0;
		} else if ((*end == '+' || *end == '-') &&
			   isdigit((unsigned char)end[1]) &&
			   isdigit((unsigned char)end[2]) && end[3] == ':' &&
			   isdigit((unsigned char)end[4]) &&
			   isdigit((unsigned char)end[5]) && !end[6]) {
			off = ((end[1] - '0') * 10 + end[2] - '0') * 3600 +
			      ((end[4] - '0') * 10 + end[5] - '0') * 60;
			if (*end == '-')
				off = -off;
		} else {
			return -1;
		}
		t = timegm(&tm);
		*out = ((int64_t)t - off) * NS_PER_SEC + frac;
		return 0;
	}
	return -1;
}

int push_window__check(const struct push_window *w, struct strbuf *msg)
{
	int64_t t, now = pyro__now_ns();

	if (w->now && (w->from || w->until)) {
		strbuf__adds(msg, "--now replaces --from/--until: give one "
			     "or the other");
		return PUSH_BAD_USAGE;
	}
	if (w->from && parse_time(w->from, now, &t)) {
		strbuf__addf(msg, "bad --from '%s' (Unix seconds, "
			     "2024-05-01T12:00:00Z, now-5m...)", w->from);
		return PUSH_BAD_USAGE;
	}
	if (w->until && parse_time(w->until, now, &t)) {
		strbuf__addf(msg, "bad --until '%s' (Unix seconds, "
			     "2024-05-01T12:00:00Z, now...)", w->until);
		return PUSH_BAD_USAGE;
	}
	return 0;
}

static void show_age(char *buf, size_t len, int64_t ns)
{
	long long s = ns / NS_PER_SEC;

	if (s >= 86400)
		snprintf(buf, len, "%lldd%lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldm%llds", s / 60, s % 60);
}

static int read_raw(const char *path, char **out, size_t *len,
		    int64_t *mtime_ns)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	struct stat st;
	int err;

	if (fd < 0)
		return -errno;
	*mtime_ns = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		*mtime_ns = (int64_t)st.st_mtim.tv_sec * NS_PER_SEC +
			    st.st_mtim.tv_nsec;
	/* Bounded: /dev/zero or `yes` end with an error. */
	err = input__slurp_fd(fd, out, len);
	if (fd)
		close(fd);
	return err;
}

/* input__read() of bytes already in memory (stdin cannot be read twice). */
static int parse_bytes(struct profile *p, const char *buf, size_t len,
		       struct input_stats *st, char *err, size_t errlen)
{
	char path[64];
	int fd = memfd_create("ebprof-push", MFD_CLOEXEC), r = 0;
	size_t off = 0;

	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(errno));
		return -errno;
	}
	while (off < len && !r) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			off += n;
	}
	if (!r) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = input__read(p, path, st, err, errlen);
	} else {
		snprintf(err, errlen, "%s", strerror(-r));
	}
	close(fd);
	return r;
}

int push_input__prepare(struct push_input *u, const struct push_window *w,
			size_t max_samples, char *err, size_t errlen)
{
	int64_t now = pyro__now_ns(), mtime = 0, dur = 0;
	struct pyro_folded_stats fst;
	struct input_stats ist;
	struct profile *p = profile__new();
	const char *path = u->path;
	char why[256], age[32];
	int r, status = PUSH_FAILED;

	if (!p) {
		pr_err("out of memory");
		return PUSH_FAILED;
	}
	r = read_raw(path, &u->raw, &u->raw_len, &mtime);
	if (r) {
		pr_err("cannot read '%s': %s", path, input__strerror(r));
		goto out;
	}
	r = parse_bytes(p, u->raw, u->raw_len, &ist, why, sizeof(why));
	if (r) {
		pr_err("cannot read '%s': %s", path, why);
		goto out;
	}
	if (!p->nr_samples) {
		pr_err("'%s' holds no samples%s", path,
		       ist.bad_lines ? " (no line parsed as folded stacks)" :
		       "");
		goto out;
	}
	if (ist.bad_lines)
		pr_warn("'%s': %zu line%s that are not folded stacks "
			"skipped (the first is line %zu)", path,
			ist.bad_lines, ist.bad_lines == 1 ? "" : "s",
			ist.first_bad);
	u->format = ist.format == INPUT_PPROF ? PYRO_PPROF : PYRO_FOLDED;
	/* Times: the recording's own, else the file's modification time. */
	if (u->format == PYRO_PPROF && p->time_nanos > 0) {
		u->from_ns = p->time_nanos;
		dur = p->duration_nanos > 0 ? p->duration_nanos : 0;
	} else {
		u->from_ns = mtime ? mtime : now;
	}
	u->until_ns = u->from_ns + dur;
	if (w->now) {
		u->until_ns = now;
		u->from_ns = now - dur;
	}
	if (w->from && parse_time(w->from, now, &u->from_ns) == 0 &&
	    !w->until)
		u->until_ns = u->from_ns + dur;
	if (w->until && parse_time(w->until, now, &u->until_ns) == 0 &&
	    !w->from)
		u->from_ns = u->until_ns - dur;
	if (u->from_ns > u->until_ns) {
		snprintf(err, errlen, "--from is after --until");
		status = PUSH_BAD_USAGE;
		goto out;
	}
	if (u->until_ns < now - PYRO_MAX_AGE_NS) {
		show_age(age, sizeof(age), now - u->until_ns);
		pr_err("'%s' ended %s ago and Pyroscope refuses profiles older "
		       "than 1h: add --now to stamp it with the current time",
		       path, age);
		goto out;
	}
	if (u->from_ns > now + PYRO_MAX_AHEAD_NS) {
		show_age(age, sizeof(age), u->from_ns - now);
		pr_err("'%s' starts %s in the future and Pyroscope refuses "
		       "profiles more than 10m ahead: check --from/--until or "
		       "the clock, or add --now", path, age);
		goto out;
	}
	if (u->format == PYRO_PPROF) {
		u->samples = (uint64_t)profile__total(p);
		if (p->nr_samples > max_samples)
			pr_warn("'%s' has %zu samples; Pyroscope accepts "
				"%zu per profile by default and may refuse it "
				"(pprof files are sent as they are: push it as "
				"folded stacks to have it split)", path,
				p->nr_samples, max_samples);
		if (u->raw_len > PYRO_MAX_BODY)
			pr_warn("'%s' is %zu bytes; Pyroscope accepts 4 MiB "
				"per profile by default", path, u->raw_len);
		status = 0;
		goto out;
	}
	/* Folded: the server wants integer counts and bounded bodies. */
	free(u->raw);
	u->raw = NULL;
	r = pyro__folded_chunks(p, max_samples, PYRO_MAX_BODY,
				&u->chunks, &u->nr_chunks, &fst);
	if (r == -ERANGE) {
		pr_err("'%s': %zu stack%s with a count of 2^63 or more, or "
		       "negative, which Pyroscope cannot take: nothing sent",
		       path, fst.unsendable, fst.unsendable == 1 ? "" : "s");
		goto out;
	}
	if (r) {
		pr_err("cannot encode '%s': %s", path, strerror(-r));
		goto out;
	}
	if (fst.rounded)
		pr_warn("'%s': %zu count%s rounded to integers (Pyroscope "
			"wants whole numbers)", path, fst.rounded,
			fst.rounded == 1 ? "" : "s");
	if (fst.zero)
		pr_warn("'%s': %zu stack%s with a count of 0 (after rounding) "
			"left out", path, fst.zero, fst.zero == 1 ? "" : "s");
	if (fst.cut_frames)
		pr_warn("'%s': %zu frame names over 1 KiB shortened", path,
			fst.cut_frames);
	if (fst.too_long)
		pr_warn("'%s': %zu stack%s over 64 KiB left out (%llu "
			"samples): the server cannot read such lines", path,
			fst.too_long, fst.too_long == 1 ? "" : "s",
			(unsigned long long)fst.too_long_samples);
	if (!u->nr_chunks) {
		pr_err("'%s': no samples left to send", path);
		goto out;
	}
	if (u->nr_chunks > 1)
		pr_info("'%s': %zu stacks, sent in %zu uploads of at most %zu",
			path, p->nr_samples, u->nr_chunks, max_samples);
	for (size_t i = 0; i < u->nr_chunks; i++)
		u->samples += u->chunks[i].samples;
	status = 0;
out:
	profile__free(p);
	return status;
}

void push_input__release(struct push_input *u)
{
	free(u->raw);
	pyro__free_chunks(u->chunks, u->nr_chunks);
	u->raw = NULL;
	u->chunks = NULL;
	u->nr_chunks = 0;
}
