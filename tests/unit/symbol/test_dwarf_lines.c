// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of dwarf_lines (inline frames and lines through libdw)
 * against elfutils' eu-addr2line -a -i -f at every instruction of the
 * test workloads' functions with inlined code (tests/workloads/inline.c,
 * inline_tmpl.cc), in the binary itself and through a separate debug file
 * of its stripped copy.  The workloads are built by `make workloads`.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbol/dwarf_lines.h"
#include "test.h"
#include "test_sh.h"

static char tmp[PATH_MAX];

struct want {
	unsigned long long addr;
	int n;
	char name[DWARF_LINES_MAX_DEPTH][256];
	char file[DWARF_LINES_MAX_DEPTH][2048];
	int line[DWARF_LINES_MAX_DEPTH];
};

/* Instruction addresses of @fn in @bin, per objdump, into @out. */
static bool insn_addrs(const char *bin, const char *fn, const char *out)
{
	return sh("objdump -d --no-show-raw-insn '%s' | awk -v f='<%s>:' "
		  "'$2 == f { on = 1; next } on && /^$/ { on = 0 } "
		  "on && /^ +[0-9a-f]+:/ { sub(\":\", \"\", $1); print \"0x\" $1 }'"
		  " >> '%s'", bin, fn, out);
}

/* Reads one address's record of eu-addr2line -a -i -f from @f. */
static bool read_want(FILE *f, struct want *w, char *pending, size_t sz)
{
	char line[2048];

	memset(w, 0, sizeof(*w));
	if (!pending[0] && !fgets(pending, sz, f))
		return false;
	if (sscanf(pending, "%llx", &w->addr) != 1)
		return false;
	pending[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *c;

		if (!strncmp(line, "0x", 2)) {
			snprintf(pending, sz, "%s", line);
			break;
		}
		if (w->n >= DWARF_LINES_MAX_DEPTH)
			continue;
		sscanf(line, "%255s", w->name[w->n]);
		if (!fgets(line, sizeof(line), f))
			break;
		line[strcspn(line, "\n")] = '\0';
		/* file:line:column; "??:0" when unknown */
		c = strrchr(line, ':');
		if (c && strchr(line, ':') != c) {
			*c = '\0';
			c = strrchr(line, ':');
		}
		if (c) {
			*c = '\0';
			w->line[w->n] = atoi(c + 1);
		}
		snprintf(w->file[w->n], sizeof(w->file[0]), "%s", line);
		w->n++;
	}
	return true;
}

static bool same(const struct want *w, const struct dl_frame *fr, int n)
{
	int i;

	/* eu-addr2line prints "??" for what it does not know */
	if (!n && w->n == 1 && !strcmp(w->name[0], "??") &&
	    !strcmp(w->file[0], "??"))
		return true;
	if (n != w->n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(fr[i].name ? fr[i].name : "??", w->name[i]) ||
		    !fr[i].file || strcmp(fr[i].file, w->file[i]) ||
		    fr[i].line != w->line[i])
			return false;
	return true;
}

static void check_binary(const char *what, const char *bin,
			 const char *const *fns, const char *open_path,
			 const char *debug)
{
	char *addrs = fmt("%s/addrs", tmp), *cmd;
	struct dwarf_lines *dl;
	char pending[2048] = "";
	size_t total = 0, ok = 0, inl = 0;
	struct want w;
	FILE *p;
	int i;

	unlink(addrs);
	for (i = 0; fns[i]; i++)
		insn_addrs(bin, fns[i], addrs);
	dl = dwarf_lines__open(open_path, -1, debug);
	CHECK(dl, "%s: opened", what);
	cmd = fmt("eu-addr2line -a -i -f -e '%s' < '%s'", bin, addrs);
	p = popen(cmd, "r");
	while (dl && p && read_want(p, &w, pending, sizeof(pending))) {
		struct dl_frame fr[DWARF_LINES_MAX_DEPTH];
		int n = dwarf_lines__frames(dl, w.addr, fr,
					    DWARF_LINES_MAX_DEPTH);

		total++;
		inl += w.n > 1;
		if (same(&w, fr, n))
			ok++;
		else if (total - ok <= 3)
			fprintf(stderr, "# %#llx: want %d frames (%s %s:%d), "
				"got %d (%s %s:%d)\n", w.addr, w.n, w.name[0],
				w.file[0], w.line[0], n,
				n ? fr[0].name : "-", n ? fr[0].file : "-",
				n ? fr[0].line : 0);
	}
	if (p)
		pclose(p);
	CHECK(total >= 20 && inl >= 5 && ok == total,
	      "%s: %zu of %zu instructions (%zu inside inlined code) with "
	      "eu-addr2line -i's frames, files and lines", what, ok, total,
	      inl);
	dwarf_lines__free(dl);
	free(cmd);
	free(addrs);
}

static void test_workload(const char *wl, const char *name,
			  const char *const *fns)
{
	char *bin = fmt("%s/%s", wl, name);
	char *bare = fmt("%s/%s-bare", tmp, name);
	char *dbg = fmt("%s/%s.debug", tmp, name);
	char *what;

	if (access(bin, R_OK)) {
		CHECK(0, "%s: built by make workloads", bin);
		goto out;
	}
	what = fmt("%s (own DWARF)", name);
	check_binary(what, bin, fns, bin, NULL);
	free(what);
	if (sh("objcopy --only-keep-debug '%s' '%s' && "
	       "strip --strip-all -o '%s' '%s'", bin, dbg, bare, bin)) {
		what = fmt("%s (stripped, debug file)", name);
		check_binary(what, bin, fns, bare, dbg);
		free(what);
	}
	CHECK(!dwarf_lines__open(bare, -1, NULL) && errno == ENOENT,
	      "%s: stripped without a debug file: no DWARF", name);
out:
	free(bin);
	free(bare);
	free(dbg);
}

static void test_hostile(const char *wl)
{
	char *fifo = fmt("%s/fifo.debug", tmp), *bare = fmt("%s/h-bare", tmp);
	struct dwarf_lines *dl;

	/* a debug file that is a FIFO must not block: no DWARF instead */
	if (!sh("mkfifo '%s' && strip --strip-all -o '%s' '%s/inline-fp'",
		fifo, bare, wl)) {
		CHECK(0, "hostile: fixtures");
		goto out;
	}
	dl = dwarf_lines__open(bare, -1, fifo);
	CHECK(!dl, "hostile: a FIFO as debug file is refused, no hang");
	dwarf_lines__free(dl);
	dl = dwarf_lines__open(fifo, -1, NULL);
	CHECK(!dl, "hostile: a FIFO as the binary is refused, no hang");
	dwarf_lines__free(dl);
out:
	free(fifo);
	free(bare);
}

int main(void)
{
	static const char *const c_fns[] = { "hot_outer", "main", NULL };
	static const char *const cc_fns[] = { "_Z8run_intsv", "main", NULL };
	const char *root = getenv("ROOT") ? getenv("ROOT") : ".";
	const char *o = getenv("O") ? getenv("O") : "build";
	char tmpl[] = "/tmp/ebprof-dwarf-lines.XXXXXX";
	char *wl = fmt("%s/%s/workloads", root, o);

	if (!mkdtemp(tmpl) || !realpath(tmpl, tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_workload(wl, "inline-fp", c_fns);
	test_workload(wl, "inline-nofp", c_fns);
	test_workload(wl, "inline_tmpl-fp", cc_fns);
	test_hostile(wl);
	sh("rm -rf '%s'", tmp);
	free(wl);
	return test_status();
}
