// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/unwind/unwind.c on the recorded stack snapshots of
 * tests/fixtures/unwind/ (see the README there): each is unwound offline
 * -- registers, stack bytes and the committed binaries only, nothing of
 * this machine -- symbolized with common/symbol/elf_syms.c and compared with
 * the chain the workload declared.  Also: the same snapshots with their
 * stack copy cut short (a prefix of the chain, stopped as "stack copy too
 * short"), and hostile snapshot files (cut anywhere, stack bytes fewer or
 * more than claimed, paths leaving the directory, a stale binary, random
 * corruption) which must fail cleanly or unwind without crashing.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbol/elf_syms.h"
#include "unwind/unwind_snapshot.h"
#include "test.h"

static char dir[4096];
static uint64_t ips[UNWIND_MAX_FRAMES];
static const struct pm_map *mps[UNWIND_MAX_FRAMES];

/* The function of frame @i (a caller's is looked up at its ip - 1). */
static const char *frame_name(struct elf_syms **syms, int i)
{
	const struct pm_map *m = mps[i];
	uint64_t addr = ips[i] - (i > 0), vaddr, start;
	struct elf_syms **es;
	const char *name;

	if (!m || !m->mod)
		return NULL;
	es = &syms[m->mod->id - 1];
	if (!*es)
		*es = elf_syms__open(m->mod->path, NULL, NULL);
	if (!*es || elf_syms__offset_to_vaddr(*es, addr - m->start + m->pgoff,
					      &vaddr))
		return NULL;
	name = elf_syms__lookup(*es, vaddr, &start);
	return name;
}

/*
 * Unwinds @s (with @size of its stack bytes) and compares the first
 * frames with its chain: the index of the first frame that differs, or
 * res->nr when all agree.  @why gets the difference.
 */
static int unwind_cmp(struct unwind_snapshot *s, pid_t pid, size_t size,
		      struct unwind_result *res, char *why, size_t whylen)
{
	struct elf_syms *syms[USNAP_MAX_MAPS] = { NULL };
	int i, j, err;
	struct unwinder *u = unwinder__new(unwind_snapshot__lookup, s);

	why[0] = '\0';
	memset(res, 0, sizeof(*res));
	if (!u) {
		snprintf(why, whylen, "unwinder__new failed");
		return -1;
	}
	err = unwinder__unwind(u, pid, 0, s->regs,
			       s->has_redzone ? s->redzone : NULL, s->stack,
			       size, ips, mps, UNWIND_MAX_FRAMES, res);
	if (err)
		snprintf(why, whylen, "unwinder__unwind: %s", strerror(-err));
	for (i = 0; !err && i < res->nr; i++) {
		const char *got = frame_name(syms, i);

		if (i >= (int)s->nr_expect || !got ||
		    strcmp(got, s->expect[i])) {
			snprintf(why, whylen, "frame %d is %s (%#llx), not %s",
				 i, got ? got : "?", (unsigned long long)ips[i],
				 i < (int)s->nr_expect ? s->expect[i] : "-");
			break;
		}
	}
	for (j = 0; j < USNAP_MAX_MAPS; j++)
		elf_syms__free(syms[j]);
	unwinder__free(u);
	return err ? -1 : i;
}

static void test_fixture(const char *path, pid_t pid)
{
	const char *base = strrchr(path, '/') + 1;
	struct unwind_snapshot *s;
	struct unwind_result res, res2;
	static uint64_t first[UNWIND_MAX_FRAMES];
	char err[512], why[512];
	size_t cut, cuts[] = { 0, 8, 64, 256, 0, 0, 0 };
	int k, nr, bad_cuts = 0;

	if (unwind_snapshot__read(path, &s, err, sizeof(err))) {
		CHECK(0, "%s: read (%s)", base, err);
		return;
	}
	nr = unwind_cmp(s, pid, s->size, &res, why, sizeof(why));
	CHECK(nr == (int)s->nr_expect && res.nr == (int)s->nr_expect,
	      "%s: exact chain of %zu frames (%s)", base, s->nr_expect,
	      why[0] ? why : unwind_stop__name(res.stop));
	CHECK(res.stop == UNWIND_END && res.fp_frames == 0,
	      "%s: complete through DWARF alone (%s, %u frame-pointer frames)",
	      base, unwind_stop__name(res.stop), res.fp_frames);

	/* Again, with libunwind's cache warm: the same frames. */
	memcpy(first, ips, res.nr * sizeof(ips[0]));
	nr = unwind_cmp(s, pid, s->size, &res2, why, sizeof(why));
	CHECK(res2.nr == res.nr && res2.stop == res.stop &&
	      !memcmp(first, ips, res.nr * sizeof(ips[0])),
	      "%s: unwinding twice gives the same frames", base);

	/*
	 * The copy cut short, as a smaller --call-graph dwarf,SIZE would:
	 * the frames found are the chain's first ones, and an incomplete
	 * chain says the copy was short.
	 */
	cuts[4] = s->size / 4;
	cuts[5] = s->size / 2;
	cuts[6] = s->size - 8;
	for (k = 0; k < (int)(sizeof(cuts) / sizeof(cuts[0])); k++) {
		cut = cuts[k];
		if (cut >= s->size)
			continue;
		nr = unwind_cmp(s, pid, cut, &res, why, sizeof(why));
		if (nr != res.nr ||
		    (res.nr < (int)s->nr_expect &&
		     res.stop != UNWIND_STACK_SHORT) ||
		    (res.nr == (int)s->nr_expect && res.stop != UNWIND_END)) {
			if (!bad_cuts++)
				printf("# %s: cut at %zu: %d frames, %s%s%s\n",
				       base, cut, res.nr,
				       unwind_stop__name(res.stop),
				       why[0] ? ": " : "", why);
		}
	}
	CHECK(bad_cuts == 0, "%s: a shorter stack copy gives a prefix of the "
	      "chain, stopped as 'stack copy too short'", base);
	unwind_snapshot__free(s);
}

/* ---- hostile snapshot files ---- */

static char *slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd = open(path, O_RDONLY);

	if (fd >= 0 && !fstat(fd, &st) && (buf = malloc(st.st_size + 1)) &&
	    read(fd, buf, st.st_size) == st.st_size) {
		buf[st.st_size] = '\0';
		*len = st.st_size;
	} else {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

/* @text with the first @from replaced by @to; NULL when not found. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	if (!at || asprintf(&out, "%.*s%s%s", (int)(at - text), text, to,
			    at + strlen(from)) < 0)
		return NULL;
	return out;
}

/* Parses @text, expecting -EINVAL with @msg in the error. */
static void expect_bad(const char *what, char *text, const char *msg)
{
	struct unwind_snapshot *s = NULL;
	char err[512] = "";
	int ret = -1;

	if (text)
		ret = unwind_snapshot__parse(text, strlen(text), &s, err,
					     sizeof(err));
	CHECK(text && ret == -EINVAL && !s && strstr(err, msg),
	      "hostile: %s is refused (%s)", what, err);
	unwind_snapshot__free(s);
	free(text);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_hostile(void)
{
	char path[4200], err[512], *text, *line;
	struct unwind_snapshot *s = NULL;
	struct unwind_result res;
	size_t len, i, bad = 0, ok = 0, unwound = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/chain-pie.snap", dir);
	text = slurp(path, &len);
	CHECK(text != NULL, "hostile: read chain-pie.snap");
	if (!text)
		return;

	/* Cut anywhere before its final "end": always an error. */
	for (i = 0; i + 1 < len; i++) {
		ret = unwind_snapshot__parse(text, i, &s, err, sizeof(err));
		if (ret != -EINVAL || s || !err[0]) {
			if (!bad++)
				printf("# cut at %zu: %d\n", i, ret);
			unwind_snapshot__free(s);
		}
	}
	CHECK(bad == 0, "hostile: the file cut at each of %zu places is "
	      "refused with a message", len - 1);
	ret = unwind_snapshot__parse(text, len / 2, &s, err, sizeof(err));
	CHECK(ret == -EINVAL && strstr(err, "truncated"),
	      "hostile: a truncated file says so (%s)", err);

	/* The stack's size line against its bytes. */
	line = strstr(text, "\nstack ");
	if (line) {
		unsigned long n = strtoul(line + 7, NULL, 10);
		char from[32], to[32];

		snprintf(from, sizeof(from), "\nstack %lu\n", n);
		snprintf(to, sizeof(to), "\nstack %lu\n", n + 8);
		expect_bad("stack bytes fewer than claimed",
			   edit(text, from, to), "claimed");
		snprintf(to, sizeof(to), "\nstack %lu\n", n - 8);
		expect_bad("stack bytes more than claimed",
			   edit(text, from, to), "more than");
		snprintf(to, sizeof(to), "\nstack %d\n",
			 SAMPLER_MAX_USTACK_BYTES + 1);
		expect_bad("a stack larger than any sample's",
			   edit(text, from, to), "stack");
	}
	expect_bad("a missing register", edit(text, "reg rip ", "#eg rip "),
		   "rip missing");
	expect_bad("a register given twice", edit(text, "reg rip ", "reg rax "),
		   "twice");
	expect_bad("a path leaving the directory",
		   edit(text, " workload-pie ", " ../../../bin/ls "),
		   "plain file name");
	expect_bad("a hidden file", edit(text, " workload-pie ", " .x "),
		   "plain file name");
	expect_bad("an inverted map", edit(text, "map 0x", "map 0xffff"),
		   "address range");
	expect_bad("a repeat count out of range",
		   edit(text, "chain_e ", "chain_e*99999 "), "repeat");
	expect_bad("a control byte", edit(text, "case", "ca\x01e"),
		   "unknown item");
	expect_bad("another format", edit(text, "ebprof-unwind-snapshot 1",
					  "# folded"), "not an unwind snapshot");
	expect_bad("a newer version", edit(text, "ebprof-unwind-snapshot 1",
					   "ebprof-unwind-snapshot 2"),
		   "version");
	expect_bad("data after the end", edit(text, "end\n", "end\nend\n"),
		   "after 'end'");
	expect_bad("a non-hex stack byte", edit(text, "\nstack ", "\n#"),
		   "unknown item");
	ret = unwind_snapshot__parse("x\0y", 3, &s, err, sizeof(err));
	CHECK(ret == -EINVAL && !s && strstr(err, "NUL"),
	      "hostile: a binary file is refused (%s)", err);

	/* Files: a stale binary, a missing one. */
	{
		const char *bid = strstr(text, " workload-pie ");
		char *t = NULL, from[64];

		/* " workload-pie " and the 40 digits of its build id */
		if (bid) {
			snprintf(from, sizeof(from), "%.54s", bid);
			t = edit(text, from, " workload-pie 0123456789abcdef");
		}
		ret = t ? unwind_snapshot__parse(t, strlen(t), &s, err,
						 sizeof(err)) : -1;
		if (!ret)
			ret = unwind_snapshot__open_files(s, dir, err,
							  sizeof(err));
		CHECK(ret == -ESTALE && strstr(err, "build id"),
		      "hostile: a binary whose build id differs is refused "
		      "(%s)", err);
		unwind_snapshot__free(s);
		s = NULL;
		free(t);
		t = edit(text, " workload-pie ", " no-such-binary ");
		ret = t ? unwind_snapshot__parse(t, strlen(t), &s, err,
						 sizeof(err)) : -1;
		if (!ret)
			ret = unwind_snapshot__open_files(s, dir, err,
							  sizeof(err));
		CHECK(ret == -ENOENT && strstr(err, "no-such-binary"),
		      "hostile: a missing binary is named (%s)", err);
		unwind_snapshot__free(s);
		s = NULL;
		free(t);
	}
	ret = unwind_snapshot__read("/nonexistent/x.snap", &s, err,
				    sizeof(err));
	CHECK(ret == -ENOENT && !s, "hostile: a missing snapshot (%s)", err);
	ret = unwind_snapshot__read(dir, &s, err, sizeof(err));
	CHECK(ret < 0 && !s, "hostile: a directory (%s)", err);

	/*
	 * Random corruption: bytes changed anywhere (registers, stack,
	 * mappings).  Parsed or refused; when parsed, unwound without
	 * crashing, within the frame limit.
	 */
	for (i = 0; i < 400; i++) {
		char *t = strdup(text);
		int k, n = 1 + rnd() % 4;

		if (!t)
			break;
		for (k = 0; k < n; k++)
			t[rnd() % len] = "0123456789abcdefx \n*#"[rnd() % 21];
		ret = unwind_snapshot__parse(t, len, &s, err, sizeof(err));
		if (!ret && !unwind_snapshot__open_files(s, dir, err,
							  sizeof(err))) {
			struct unwinder *u = unwinder__new(
				unwind_snapshot__lookup, s);

			if (u && !unwinder__unwind(u, 1, 0, s->regs, NULL,
						   s->stack, s->size, ips, mps,
						   UNWIND_MAX_FRAMES, &res) &&
			    res.nr <= UNWIND_MAX_FRAMES)
				unwound++;
			unwinder__free(u);
			ok++;
		} else if (!ret) {
			ok++;
			unwound++;	/* refused at open: fine */
		} else if (!err[0]) {
			bad++;
		}
		unwind_snapshot__free(s);
		s = NULL;
		free(t);
	}
	CHECK(unwound == ok && bad == 0,
	      "hostile: 400 corrupted files are refused with a message or "
	      "unwound (%zu parsed)", ok);
	free(text);
}

int main(void)
{
	const char *root = getenv("ROOT") ? getenv("ROOT") : ".";
	char pattern[4200];
	glob_t g;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/unwind", root);
	snprintf(pattern, sizeof(pattern), "%s/*.snap", dir);
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc) {
		CHECK(0, "snapshots in %s", dir);
		return test_status();
	}
	CHECK(g.gl_pathc >= 8, "%zu snapshots in tests/fixtures/unwind",
	      g.gl_pathc);
	for (i = 0; i < g.gl_pathc; i++)
		test_fixture(g.gl_pathv[i], (pid_t)(i + 1));
	globfree(&g);
	test_hostile();
	return test_status();
}
