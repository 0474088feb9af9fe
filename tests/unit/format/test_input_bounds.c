// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input: format detection by content (a NUL in folded text, a
 * truncated pprof, endless streams) and the bounds on stack depth and on
 * the frames a flame graph draws.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/folded.h"
#include "format/input.h"
#include "format/pprof.h"
#include "lib/topn.h"
#include "profile/report.h"
#include "record/recorder.h"
#include "render/flamegraph.h"
#include "render/flamesvg.h"
#include "render/folded_stream.h"
#include "symbol/elf_syms.h"
#include "test.h"

static char dir[] = "/tmp/ebprof-test-bounds.XXXXXX";

static const char *file_with(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fwrite(data, 1, len, f);
	fclose(f);
	return path;
}

static int read_path(const char *path, struct profile **out,
		     struct input_stats *st, char *err, size_t errlen)
{
	*out = profile__new();
	return input__read(*out, path, st, err, errlen);
}

static void test_detection(void)
{
	static const char damaged[] = "a;b 2\nx\0y 1\na;c 3\n";
	struct input_stats st;
	struct profile *p, *q;
	char err[256] = "", *gz = NULL, *buf = NULL;
	size_t gzlen = 0, len = 0;
	void *plain = NULL;
	FILE *f;
	int r;

	r = read_path(file_with("nul.folded", damaged, sizeof(damaged) - 1),
		      &p, &st, err, sizeof(err));
	CHECK(r == 0 && st.format == INPUT_FOLDED && st.bad_lines == 1 &&
	      profile__total(p) == 5,
	      "input: one NUL byte in folded text is one bad line (%s)", err);
	profile__free(p);

	/* An uncompressed pprof profile, cut in the middle. */
	p = profile__new();
	r = read_path(file_with("ok.folded", "a;b 2\na;c 3\n", 12), &q, &st,
		      err, sizeof(err));
	f = open_memstream(&gz, &gzlen);
	profile__merge(p, q);
	r |= pprof__write(p, f);
	fclose(f);
	r |= pprof__gunzip(gz, gzlen, 1 << 20, &plain, &len, err, sizeof(err));
	buf = plain;
	free(gz);
	profile__free(p);
	profile__free(q);
	CHECK(r == 0 && len > 40 && !pprof__is_gzip(buf, len),
	      "input: plain pprof written (%zu bytes)", len);
	r = read_path(file_with("whole.pb", buf, len), &p, &st, err,
		      sizeof(err));
	CHECK(r == 0 && st.format == INPUT_PPROF && profile__total(p) == 5,
	      "input: whole plain pprof reads as pprof (%s)", err);
	profile__free(p);
	r = read_path(file_with("cut.pb", buf, len / 2), &p, &st, err,
		      sizeof(err));
	CHECK(r == -EPROTO && strstr(err, "truncated pprof profile"),
	      "input: truncated plain pprof is said so (%s)", err);
	profile__free(p);
	free(buf);

	r = read_path("/dev/zero", &p, &st, err, sizeof(err));
	CHECK(r == -EPROTO && strstr(err, "not a recording"),
	      "input: /dev/zero is refused at once (%s)", err);
	profile__free(p);
	CHECK(input__check_head("\x1f\x8b\x08", 3, true) == 0 &&
	      input__check_head("main;f 1\n", 9, true) == 0 &&
	      input__check_head("\0\0\0\0", 4, true) == -EPROTO,
	      "input: the head of gzip or text may be a recording, zeros not");
	CHECK(strstr(input__strerror(-EFBIG), "1 GiB"),
	      "input: the size limit has a message");
}

static void test_profile_depth(void)
{
	struct profile *p = profile__new();
	uint32_t *st = malloc(10000 * sizeof(*st));
	struct pf_frame f = { 0 };
	char name[32];
	const struct pf_sample *s;
	double v = 1;
	size_t i;

	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		f.name = name;
		st[i] = profile__frame(p, &f);
	}
	profile__set_types(p, &(struct pf_value_type){ "samples", "count" },
			   1);
	CHECK(!profile__add(p, st, 10000, NULL, &v) && p->nr_samples == 1,
	      "depth: a 10000-frame stack is added");
	s = &p->samples[0];
	CHECK(s->depth == PROFILE_MAX_DEPTH && p->cut_stacks == 1,
	      "depth: cut to %d frames, counted", PROFILE_MAX_DEPTH);
	CHECK(s->frames[0] == st[0] &&
	      s->frames[PROFILE_KEEP_ROOT - 1] == st[PROFILE_KEEP_ROOT - 1] &&
	      !strcmp(profile__frame_get(p, s->frames[PROFILE_KEEP_ROOT])->name,
		      PROFILE_CUT_FRAME) &&
	      s->frames[PROFILE_MAX_DEPTH - 1] == st[9999] &&
	      s->frames[PROFILE_KEEP_ROOT + 1] ==
	      st[10000 - (PROFILE_MAX_DEPTH - PROFILE_KEEP_ROOT - 1)],
	      "depth: root frames, the marker, then the leaf frames");
	CHECK(!profile__add(p, st, 10000, NULL, &v) && p->nr_samples == 1 &&
	      p->samples[0].values[0] == 2,
	      "depth: the same deep stack again merges");
	free(st);
	profile__free(p);
}

/* Rebuilds whole stacks from what folded_stream hands over. */
struct rebuild {
	char path[PROFILE_MAX_DEPTH][16];
	size_t depth, calls, deepest;
	char leaf[16];
	bool marked;
};

static int on_stack(size_t same, const struct fg_frame *rest, size_t nrest,
		    double count, void *ctx)
{
	struct rebuild *r = ctx;
	size_t i;

	if (same > r->depth || same + nrest > PROFILE_MAX_DEPTH)
		return -EINVAL;
	for (i = 0; i < nrest; i++)
		snprintf(r->path[same + i], sizeof(r->path[0]), "%.*s",
			 (int)(rest[i].len < 15 ? rest[i].len : 15),
			 rest[i].name);
	r->depth = same + nrest;
	if (r->depth > r->deepest)
		r->deepest = r->depth;
	if (r->depth == PROFILE_MAX_DEPTH &&
	    !strncmp(r->path[PROFILE_KEEP_ROOT], "[frames cut", 11))
		r->marked = true;
	snprintf(r->leaf, sizeof(r->leaf), "%s", r->path[r->depth - 1]);
	r->calls++;
	return 0;
}

static void test_stream_depth(void)
{
	static struct rebuild r;
	struct folded_stats st = { 0 };
	char *text = NULL;
	size_t len = 0, i;
	FILE *out = open_memstream(&text, &len), *in;
	int err;

	/* Before and after a deep line: stacks that share its root. */
	fputs("main;a;x 1\nmain;a", out);
	for (i = 0; i < 9000; i++)
		fputs(";a", out);
	fputs(";deepleaf 1\nmain;a;y 1\n", out);
	fclose(out);
	in = fmemopen(text, len, "r");
	err = folded_stream__read(in, NULL, 0, 0, on_stack, &r, &st);
	fclose(in);
	CHECK(!err && r.calls == 3 && st.cut == 1 && r.deepest ==
	      PROFILE_MAX_DEPTH && r.marked,
	      "stream: a 9000-frame line is cut, marked and counted");
	CHECK(r.depth == 3 && !strcmp(r.path[0], "main") &&
	      !strcmp(r.path[1], "a") && !strcmp(r.leaf, "y"),
	      "stream: the line after a cut one is whole (%s;%s;%s)",
	      r.path[0], r.path[1], r.leaf);
	free(text);
}

static void test_flame_cap(void)
{
	struct flamegraph *fg = flamegraph__new(0);
	struct fg_frame fr[2] = { { "root", 4, 0 }, { NULL, 0, 0 } };
	char names[FLAMESVG_MAX_FRAMES / 100 * 2][12];
	size_t i, n = sizeof(names) / sizeof(names[0]), dropped;
	double w;

	/* Fewer frames than the cap: -m decides alone. */
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		fr[1].name = names[i];
		fr[1].len = strlen(names[i]);
		flamegraph__add(fg, fr, 2, i < n / 2 ? 1 : 3, 0);
	}
	flamegraph__finish(fg, false);
	w = flamegraph__cap_minwidth(fg, 0.5, n + 1, &dropped);
	CHECK(w == 0.5 && dropped == 0, "flame cap: under the cap, unchanged");
	/* Over: the narrowest go, ties with them too. */
	w = flamegraph__cap_minwidth(fg, 0.5, n / 2 + 10, &dropped);
	CHECK(w > 1 && w <= 3 && dropped == n / 2,
	      "flame cap: the %zu narrowest frames left out (%zu)", n / 2,
	      dropped);
	flamegraph__free(fg);
}

static void test_topn(void)
{
	double v[] = { 1, 5, 3, 3, 3, 9 };

	CHECK(topn__threshold(v, 6, 6) == -INFINITY,
	      "topn: all kept when few enough");
	CHECK(topn__threshold(v, 6, 2) > 3 && topn__threshold(v, 6, 2) <= 5,
	      "topn: the two largest kept");
	CHECK(topn__threshold(v, 6, 3) > 3 && topn__threshold(v, 6, 3) <= 5,
	      "topn: ties with the first left out go too");
}

static void test_tree_cap(void)
{
	struct profile *p = profile__new();
	struct pf_frame f = { 0 };
	uint32_t st[2];
	char name[32];
	struct report_tree *t;
	size_t i, hidden;
	double v, limit;

	profile__set_types(p, &(struct pf_value_type){ "samples", "count" },
			   1);
	f.name = "root";
	st[0] = profile__frame(p, &f);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		f.name = name;
		st[1] = profile__frame(p, &f);
		v = i < 100 ? 1 : 2;
		profile__add(p, st, 2, NULL, &v);
	}
	t = report__tree(p, 0, false);
	limit = report_tree__cap_limit(t, 0, 1000, &hidden);
	CHECK(t && limit == 0 && hidden == 0, "tree cap: under the cap");
	limit = report_tree__cap_limit(t, 0, 250, &hidden);
	CHECK(hidden == 100 && limit > 100.0 / 500 && limit <= 200.0 / 500,
	      "tree cap: the 100 smallest nodes hidden (%zu, %g%%)", hidden,
	      limit);
	report_tree__free(t);
	profile__free(p);
}

/* Samples newer than the horizon are kept aside, in bounded memory. */
static void test_deferred_cap(void)
{
	struct recorder *r = recorder__new(NULL, 99);
	struct sample_event *e = calloc(1, sizeof(*e));
	size_t n = 0;
	int ret = 0;

	recorder__set_horizon(r, 0);
	while (r && e && n < 1000000) {
		e->ts = ++n;
		ret = recorder__sample(r, e);
		if (ret)
			break;
	}
	CHECK(ret == 1 && n * sizeof(*e) >= RECORDER_MAX_DEFERRED_BYTES &&
	      (n - 1) * sizeof(*e) < RECORDER_MAX_DEFERRED_BYTES,
	      "recorder: reading stops at %u MiB kept aside (%zu samples)",
	      RECORDER_MAX_DEFERRED_BYTES >> 20, n);
	free(e);
	recorder__free(r);
}

/* Which file the symbols came from: a path can be swapped under us. */
static void test_elf_identity(void)
{
	struct elf_syms *es = elf_syms__open("/proc/self/exe", NULL, NULL);
	struct stat st;

	CHECK(es && !stat("/proc/self/exe", &st) &&
	      elf_syms__is_file(es, st.st_dev, st.st_ino) &&
	      !elf_syms__is_file(es, st.st_dev, st.st_ino + 1),
	      "elf_syms: tells the file it read");
	elf_syms__free(es);
	errno = 0;
	es = elf_syms__open("/dev/null", NULL, NULL);
	CHECK(!es && errno == ENOEXEC, "elf_syms: a device is not opened");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_detection();
	test_profile_depth();
	test_stream_depth();
	test_flame_cap();
	test_topn();
	test_tree_cap();
	test_deferred_cap();
	test_elf_identity();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			return 1;
	}
	return test_status();
}
