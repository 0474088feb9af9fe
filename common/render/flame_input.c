// SPDX-License-Identifier: GPL-2.0
/*
 * The recordings `ebprof flame` draws, read into its flame graph (see
 * flame_input.h).  Plain folded text is streamed straight into the tree
 * (folded_stream.c); anything else -- gzip, pprof, off-CPU recordings,
 * reversed graphs -- becomes a profile first (format/input.c), standard
 * input through an anonymous file since input__read() reads a path.
 * Not here: options, the layout or the SVG (flamegraph.c, flamesvg.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/input.h"
#include "lib/log.h"
#include "profile/wallclock.h"
#include "render/flame_input.h"
#include "render/folded_stream.h"

static void tally_add(struct flame_input *t, const char *path,
		      size_t bad, size_t first)
{
	if (bad && !t->bad) {
		t->first_path = path;
		t->first_line = first;
	}
	t->bad += bad;
}

/* Reads @path (shown as @name) into a new profile; NULL after a message. */
static struct profile *read_profile(const char *path, const char *name,
				    const char *sample_type,
				    struct flame_input *t)
{
	struct profile *p = profile__new();
	struct input_stats st;
	char why[256];

	if (!p) {
		pr_err("out of memory");
		return NULL;
	}
	if (input__read_type(p, path, NULL, &st, why, sizeof(why))) {
		pr_err("cannot read '%s': %s", name, why);
		profile__free(p);
		return NULL;
	}
	if (wallclock__select(p, sample_type, why, sizeof(why))) {
		pr_err("cannot read '%s': %s", name, why);
		profile__free(p);
		return NULL;
	}
	tally_add(t, name, st.bad_lines, st.first_bad);
	t->cut += p->cut_stacks;
	return p;
}

/*
 * Plain folded text takes the fast path (folded_stream.c: no profile, and
 * only the frames that differ from a neighbour are looked up); anything
 * else -- gzip, pprof, text with control bytes -- goes to input__read(),
 * which recognises formats by content.  So this test only has to be sure
 * about "plain text", the same rule input.c applies (no NUL, not gzip).
 */
static bool looks_text(const unsigned char *b, size_t n)
{
	size_t i;

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return false;
	for (i = 0; i < n; i++)
		if (b[i] < 0x09 || (b[i] > 0x0d && b[i] < 0x20 &&
				    b[i] != 0x1b))
			return false;
	return true;
}

struct stream_ctx {
	struct flamegraph *fg;
	bool base;
};

static int add_stream_line(size_t same, const struct fg_frame *rest,
			   size_t nrest, double count, void *ctx)
{
	struct stream_ctx *c = ctx;

	return flamegraph__add_shared(c->fg, same, rest, nrest,
				      c->base ? 0 : count,
				      c->base ? count : 0);
}

/*
 * Copies @head and the rest of @f to an anonymous file (memfd: nothing is
 * left on disk, whatever kills us); its /proc/self/fd path or NULL, and
 * the descriptor to close in *@fd.
 */
static char *spill(FILE *f, const unsigned char *head, size_t n, int *fd)
{
	char buf[65536], *path;
	size_t got;
	FILE *out;

	*fd = memfd_create("ebprof-flame", MFD_CLOEXEC);
	if (*fd < 0 || asprintf(&path, "/proc/self/fd/%d", *fd) < 0)
		return NULL;
	out = fdopen(dup(*fd), "w");
	if (!out) {
		free(path);
		return NULL;
	}
	fwrite(head, 1, n, out);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0 &&
	       (n += got) <= INPUT_MAX_BYTES)
		fwrite(buf, 1, got, out);
	if (ferror(f) | fclose(out) || n > INPUT_MAX_BYTES) {
		if (n > INPUT_MAX_BYTES)
			errno = EFBIG;
		free(path);
		return NULL;
	}
	return path;
}

/* Adds the recording @path ("-": stdin) to @fg, as NEW or BASE. */
static int read_input(struct flamegraph *fg, struct flame_input *a,
		      const char *path, bool base)
{
	static unsigned char head[65536];
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	struct stream_ctx ctx = { fg, base };
	struct folded_stats st = { 0 };
	struct profile *p;
	char *tmp = NULL;
	size_t n;
	int err, tmpfd = -1;

	if (!f) {
		pr_err("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	n = fread(head, 1, sizeof(head), f);
	if (ferror(f)) {
		pr_err("cannot read '%s': %s", path, strerror(errno));
		if (!is_stdin)
			fclose(f);
		return -1;
	}
	/* Off-CPU stacks: the profile path knows their views and unit. */
	if (looks_text(head, n) && !(a->flags & FG_REVERSE) &&
	    !a->sample_type && !memmem(head, n, WALLCLOCK_MARKER,
				       strlen(WALLCLOCK_MARKER))) {
		err = folded_stream__read(f, (const char *)head, n,
					  (a->flags & FG_FLAMECHART) ? 0 :
					  FOLDED_STREAM_SORT, add_stream_line,
					  &ctx, &st);
		if (!is_stdin)
			fclose(f);
		if (err) {
			pr_err("cannot read '%s': %s", path,
			       input__strerror(err));
			return -1;
		}
		tally_add(a, path, st.bad, st.first_bad);
		a->cut += st.cut;
		return 0;
	}
	/* Before copying an endless stream of garbage to a file. */
	if (input__check_head(head, n, n == sizeof(head))) {
		pr_err("cannot read '%s': %s", path, input__strerror(-EPROTO));
		if (!is_stdin)
			fclose(f);
		return -1;
	}
	/* input__read() opens the path again: give it all the bytes. */
	if (is_stdin) {
		tmp = spill(f, head, n, &tmpfd);
		if (!tmp) {
			if (errno == EFBIG)
				pr_err("cannot read '-': %s",
				       input__strerror(-EFBIG));
			else
				pr_err("cannot read '-': cannot copy it to a "
				       "temporary file: %s", strerror(errno));
			if (tmpfd >= 0)
				close(tmpfd);
			return -1;
		}
	} else {
		fclose(f);
	}
	p = read_profile(tmp ? tmp : path, path, base ? a->base_type :
			 a->sample_type, a);
	if (tmp) {
		close(tmpfd);
		free(tmp);
	}
	if (!p)
		return -1;
	if (!base && !a->base_type) {
		/* BASE is read as the same type: pprof files compare. */
		a->base_type = strdup(p->types[p->default_type].type);
		if (a->base_type && strcmp(a->base_type, "samples") &&
		    *p->types[p->default_type].unit)
			a->unit = strdup(p->types[p->default_type].unit);
	}
	err = flamegraph__add_profile(fg, p, p->default_type, base);
	profile__free(p);
	if (err) {
		pr_err("cannot read '%s': %s", path, strerror(-err));
		return -1;
	}
	return 0;
}

int flame_input__read_all(struct flamegraph *fg, struct flame_input *in,
			  char *const *inputs, size_t nr_inputs,
			  char *const *bases, size_t nr_bases)
{
	size_t i;
	int err = 0;

	for (i = 0; i < nr_inputs && !err; i++)
		err = read_input(fg, in, inputs[i], false);
	for (i = 0; i < nr_bases && !err; i++)
		err = read_input(fg, in, bases[i], true);
	return err;
}

void flame_input__release(struct flame_input *in)
{
	free(in->base_type);
	free(in->unit);
	in->base_type = in->unit = NULL;
}
