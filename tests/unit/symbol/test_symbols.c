// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the extra symbol sources: MiniDebugInfo (minidebug.c, read
 * through elf_syms) and Go's pclntab (gopclntab.c).  Binaries are built at
 * test time: a MiniDebugInfo binary made the way Fedora's find-debuginfo
 * makes it (nm, objcopy, xz), and stripped Go binaries (default and PIE)
 * with the system's Go.  Expected names, addresses and lines come from
 * binutils nm and `go tool nm` / `go tool addr2line`, never from our code.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbol/elf_syms.h"
#include "symbol/gopclntab.h"
#include "symbol/minidebug.h"
#include "test.h"
#include "test_sh.h"

static char tmp[PATH_MAX];
static const char *root = ".";

/* ---- MiniDebugInfo ---- */

static void test_decompress(void)
{
	static const char text[] = "MiniDebugInfo round trip";
	uint8_t xz[4096];
	size_t n = 0, size = 0;
	char *out, *bomb;
	FILE *f;

	CHECK(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
				      (const uint8_t *)text, sizeof(text), xz,
				      &n, sizeof(xz)) == LZMA_OK,
	      "minidebug: liblzma encodes the sample");
	out = minidebug__decompress(xz, n, &size);
	CHECK(out && size == sizeof(text) && !memcmp(out, text, size),
	      "minidebug: decompresses an xz stream");
	free(out);
	errno = 0;
	out = minidebug__decompress(xz, n - 5, &size);
	CHECK(!out && errno == EINVAL, "minidebug: truncated stream refused");
	xz[n / 2] ^= 0x55;
	errno = 0;
	out = minidebug__decompress(xz, n, &size);
	CHECK(!out && errno == EINVAL, "minidebug: corrupt stream refused");
	out = minidebug__decompress("", 0, &size);
	CHECK(!out && errno == EINVAL, "minidebug: empty section refused");

	/* 270 MiB of zeros in 41 KiB: over the bound, refused */
	bomb = fmt("%s/bomb.xz", tmp);
	if (sh("head -c 270M /dev/zero | xz -0 > '%s'", bomb) &&
	    (f = fopen(bomb, "rb"))) {
		static uint8_t buf[1 << 20];

		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		errno = 0;
		out = minidebug__decompress(buf, n, &size);
		CHECK(!out && errno == EFBIG,
		      "minidebug: decompression bomb refused (%zu bytes in)",
		      n);
		free(out);
	} else {
		CHECK(0, "minidebug: xz makes the bomb");
	}
	free(bomb);
}

/* Address of function @name in @bin per binutils nm; 0 when absent. */
static uint64_t nm_addr(const char *bin, const char *name)
{
	char *cmd = fmt("nm '%s' | awk '$3 == \"%s\" { print $1 }'", bin,
			name);
	unsigned long long a = 0;
	FILE *p = popen(cmd, "r");

	if (p) {
		if (fscanf(p, "%llx", &a) != 1)
			a = 0;
		pclose(p);
	}
	free(cmd);
	return a;
}

/* Fedora's find-debuginfo add_minidebug, step by step. */
static bool make_minidebug(const char *bin, const char *out)
{
	return sh("cd '%s' && objcopy --only-keep-debug '%s' md.debug && "
		  "strip --strip-all -o '%s' '%s' && "
		  "nm -D '%s' --format=posix --defined-only | "
		  "awk '{ print $1 }' | sort > md.dynsyms && "
		  "nm md.debug --format=posix --defined-only | "
		  "awk '{ if ($2 == \"T\" || $2 == \"t\" || $2 == \"D\") "
		  "print $1 }' | sort > md.funcsyms && "
		  "comm -13 md.dynsyms md.funcsyms > md.keep && "
		  "objcopy -S --remove-section .gdb_index "
		  "--remove-section .comment --keep-symbols=md.keep "
		  "md.debug md.mini && xz -f md.mini && "
		  "objcopy --add-section .gnu_debugdata=md.mini.xz '%s'",
		  tmp, bin, out, bin, out, out);
}

static void test_minidebug_binary(void)
{
	static const char *const fns[] = { "fx_alpha", "fx_beta", "main" };
	char *src = fmt("%s/tests/unit/fixtures/elf/prog.c", root);
	char *bin = fmt("%s/md-prog", tmp), *out = fmt("%s/md-mini", tmp);
	char *plain = fmt("%s/md-stripped", tmp);
	struct elf_syms *es;
	uint64_t start;
	const char *n;
	size_t i;

	if (!sh("cc -O1 -g -fpie -pie -o '%s' '%s'", bin, src) ||
	    !make_minidebug(bin, out) ||
	    !sh("strip --strip-all -o '%s' '%s'", plain, bin)) {
		CHECK(0, "minidebug: fixtures build");
		goto out;
	}
	CHECK(sh("nm '%s' 2>&1 | grep -q 'no symbols'", out),
	      "minidebug: the binary has no .symtab (nm finds none)");
	es = elf_syms__open(plain, NULL, tmp);
	CHECK(es && !elf_syms__lookup(es, nm_addr(bin, "fx_alpha"), NULL),
	      "minidebug: stripped twin without .gnu_debugdata: no fx_alpha");
	elf_syms__free(es);
	es = elf_syms__open(out, NULL, tmp);
	CHECK(es && elf_syms__source(es) &&
	      !strcmp(elf_syms__source(es), "minidebuginfo"),
	      "minidebug: symbols from .gnu_debugdata (source %s)",
	      es && elf_syms__source(es) ? elf_syms__source(es) : "none");
	for (i = 0; es && i < sizeof(fns) / sizeof(*fns); i++) {
		uint64_t a = nm_addr(bin, fns[i]);

		n = a ? elf_syms__lookup(es, a + 1, &start) : NULL;
		CHECK(n && !strcmp(n, fns[i]) && start == a,
		      "minidebug: %s at nm's address %#llx (got %s)", fns[i],
		      (unsigned long long)a, n ? n : "nothing");
	}
	elf_syms__free(es);
out:
	free(src);
	free(bin);
	free(out);
	free(plain);
}

/* A debug file handed over (by debuginfod.c): only with the same build id */
static void test_use_debug_file(void)
{
	char *src = fmt("%s/tests/unit/fixtures/elf/prog.c", root);
	char *a = fmt("%s/uf-a", tmp), *b = fmt("%s/uf-b", tmp);
	char *bare = fmt("%s/uf-bare", tmp);
	struct elf_syms *es = NULL;
	uint64_t start, at;
	const char *n;

	if (!sh("cc -O1 -g -o '%s' '%s' && cc -O2 -g -o '%s' '%s' && "
		"objcopy --only-keep-debug '%s' '%s.debug' && "
		"objcopy --only-keep-debug '%s' '%s.debug' && "
		"strip --strip-all --remove-section=.gnu_debuglink -o '%s' '%s'",
		a, src, b, src, a, a, b, b, bare, a)) {
		CHECK(0, "use_debug_file: fixtures build");
		goto out;
	}
	es = elf_syms__open(bare, NULL, tmp);
	at = nm_addr(a, "fx_alpha");
	CHECK(es && !elf_syms__lookup(es, at, NULL),
	      "use_debug_file: the stripped binary has no fx_alpha");
	n = fmt("%s.debug", b);
	CHECK(es && elf_syms__use_debug_file(es, n, "debuginfod") < 0 &&
	      !elf_syms__lookup(es, at, NULL),
	      "use_debug_file: another build's debug file is refused");
	free((char *)n);
	n = fmt("%s.debug", a);
	CHECK(es && !elf_syms__use_debug_file(es, n, "debuginfod") &&
	      !strcmp(elf_syms__source(es), "debuginfod"),
	      "use_debug_file: the matching one is used");
	free((char *)n);
	n = es ? elf_syms__lookup(es, at, &start) : NULL;
	CHECK(n && !strcmp(n, "fx_alpha") && start == at,
	      "use_debug_file: fx_alpha named from it");
out:
	elf_syms__free(es);
	free(src);
	free(a);
	free(b);
	free(bare);
}

/* ---- Go pclntab ---- */

static bool go_build(const char *out, const char *flags)
{
	return sh("cd '%s' && env -u GO111MODULE GOCACHE='%s/gocache' "
		  "GOPATH='%s/gopath' GOFLAGS=-mod=mod GOPROXY=off "
		  "go build %s -o '%s' '%s/tests/workloads/go/cpusplit.go'",
		  tmp, tmp, tmp, flags, out, root);
}

static Elf *elf_open(const char *path, int *fd)
{
	elf_version(EV_CURRENT);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? NULL : elf_begin(*fd, ELF_C_READ_MMAP, NULL);
}

/*
 * Every `go tool nm` text symbol of @full (unstripped twin of @bin) is
 * named the same, at the same start, by elf_syms on the stripped @bin;
 * pclntab names lack the ABI suffix (".abi0") that the symtab has.
 */
static void check_go_names(const char *what, const char *bin,
			   const char *full)
{
	char *cmd = fmt("env GOCACHE='%s/gocache' go tool nm '%s' | "
			"awk '$2 == \"T\" { print $1, $3 }'", tmp, full);
	struct elf_syms *es = elf_syms__open(bin, NULL, tmp);
	size_t total = 0, same = 0, mains = 0;
	char name[512], want[512];
	unsigned long long a;
	uint64_t start;
	FILE *p;

	CHECK(es && elf_syms__source(es) &&
	      !strcmp(elf_syms__source(es), "gopclntab"),
	      "go %s: symbols from the pclntab", what);
	p = popen(cmd, "r");
	while (es && p && fscanf(p, "%llx %511s", &a, name) == 2) {
		const char *n = elf_syms__lookup(es, a, &start);
		size_t l = strlen(name);

		snprintf(want, sizeof(want), "%s", name);
		if (l > 5 && !strcmp(name + l - 5, ".abi0"))
			want[l - 5] = '\0';
		total++;
		if (n && !strcmp(n, want) && start == a)
			same++;
		if (!strncmp(name, "main.", 5) && n && !strcmp(n, name))
			mains++;
	}
	if (p)
		pclose(p);
	CHECK(total > 500 && same * 100 >= total * 99,
	      "go %s: %zu of %zu go tool nm functions named alike", what, same,
	      total);
	CHECK(mains == 7, "go %s: main.{main,run,workA,workB,workC,burn,store}",
	      what);
	elf_syms__free(es);
	free(cmd);
}

/* file:line against `go tool addr2line` at addresses across .text. */
static void check_go_lines(const char *bin)
{
	char *addrs = fmt("%s/go.addrs", tmp), *cmd;
	struct gopclntab *t;
	uint64_t start, end, pc;
	size_t i, n, total = 0, same = 0;
	FILE *f, *p;
	Elf *elf;
	int fd;

	elf = elf_open(bin, &fd);
	t = elf ? gopclntab__from_elf(elf) : NULL;
	CHECK(t && gopclntab__count(t) > 500, "go lines: table found");
	if (!t)
		goto out;
	f = fopen(addrs, "w");
	n = gopclntab__count(t);
	for (i = 0; f && i < n; i += 1 + n / 400) {
		if (!gopclntab__func(t, i, &start, &end))
			continue;
		fprintf(f, "%#llx\n%#llx\n", (unsigned long long)start,
			(unsigned long long)(start + (end - start) / 2));
	}
	if (f)
		fclose(f);
	cmd = fmt("env GOCACHE='%s/gocache' go tool addr2line '%s' < '%s'",
		  tmp, bin, addrs);
	p = popen(cmd, "r");
	f = fopen(addrs, "r");
	while (p && f) {
		unsigned long long a;
		char wname[512], wfl[1024], *colon;
		const char *name, *file;
		int line;

		if (fscanf(f, "%llx", &a) != 1 ||
		    fscanf(p, "%511s %1023s", wname, wfl) != 2)
			break;
		pc = a;
		total++;
		name = gopclntab__lookup(t, pc, &start, &file, &line);
		colon = strrchr(wfl, ':');
		if (!colon || !name)
			continue;
		*colon = '\0';
		/* functions without lines (wrappers): go prints ":-1" */
		if (!strcmp(name, wname) &&
		    ((file && !strcmp(file, wfl) && line == atoi(colon + 1)) ||
		     (!file && !*wfl && atoi(colon + 1) <= 0)))
			same++;
		else if (total - same < 5)
			fprintf(stderr, "# %#llx: %s %s:%d, go: %s %s:%s\n", a,
				name, file ? file : "?", line, wname, wfl,
				colon + 1);
	}
	if (p)
		pclose(p);
	if (f)
		fclose(f);
	CHECK(total > 500 && same == total,
	      "go lines: %zu of %zu name and file:line as go tool addr2line",
	      same, total);
	free(cmd);
out:
	gopclntab__free(t);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	free(addrs);
}

static void test_go_hostile(const char *bin)
{
	struct gopclntab *t, *u;
	uint64_t start, end;
	const char *file;
	unsigned char *b;
	size_t size = 0, i, j;
	int line, fd;
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstr;

	elf = elf_open(bin, &fd);
	t = NULL;
	b = NULL;
	if (elf && !elf_getshdrstrndx(elf, &shstr))
		while ((scn = elf_nextscn(elf, scn)))
			if (gelf_getshdr(scn, &sh) &&
			    !strcmp(elf_strptr(elf, shstr, sh.sh_name),
				    ".gopclntab")) {
				Elf_Data *d = elf_rawdata(scn, NULL);

				size = d->d_size;
				b = malloc(size);
				memcpy(b, d->d_buf, size);
			}
	CHECK(b, "go hostile: section read");
	if (!b)
		goto out;
	for (i = 0; i < 64; i++) {
		errno = 0;
		t = gopclntab__new(b, i, 0x401000);
		if (t)
			break;
	}
	CHECK(!t && errno == ENOEXEC, "go hostile: truncated headers refused");
	/* cut tables and flipped bytes: lookups stay inside the data */
	for (i = 1; i <= 16; i++) {
		size_t cut = size * i / 17;

		t = gopclntab__new(b, cut, 0);
		for (j = 0; t && j < gopclntab__count(t); j += 97) {
			gopclntab__func(t, j, &start, &end);
			gopclntab__lookup(t, 0x401000 + j * 64, &start, &file,
					  &line);
		}
		gopclntab__free(t);
	}
	srand(1);
	for (i = 0; i < 200; i++) {
		size_t at = 8 + (size_t)rand() % (size > 4096 ? 4096 : size - 8);

		b[at] ^= (unsigned char)(1 + rand() % 255);
		u = gopclntab__new(b, size, 0);
		for (j = 0; u && j < 64; j++)
			gopclntab__lookup(u, 0x401000 + (uint64_t)rand() % 0x70000,
					  &start, &file, &line);
		gopclntab__free(u);
	}
	CHECK(1, "go hostile: cut and flipped tables do not crash");
out:
	free(b);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

/*
 * The layouts the system's Go cannot produce (1.16, 1.20, 32-bit): the
 * synthetic tables of tests/fuzz/gen_gopclntab.py (written from Go's
 * sources; the functions and lines are listed there).
 */
static void test_go_layouts(void)
{
	static const char *const names[] = { "go116-64", "go116-32",
		"go118-64", "go118-32", "go120-64", "go120-32" };
	static const struct {
		uint64_t pc, start;
		const char *name, *file;
		int line;
	} want[] = {
		{ 0x401000, 0x401000, "main.alpha", "a.go", 10 },
		{ 0x40103f, 0x401000, "main.alpha", "a.go", 11 },
		{ 0x401040, 0x401040, "main.beta", "b.go", 20 },
		{ 0x401070, 0x401040, "main.beta", "b.go", 21 },
		{ 0x4010ff, 0x4010a0, "runtime.gamma", "c.go", 31 },
	};
	size_t i, j;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
		char *path = fmt("%s/tests/fuzz/corpus/gopclntab/%s", root,
				 names[i]);
		static unsigned char buf[4096];
		struct gopclntab *t = NULL;
		size_t n = 0, ok = 0;
		const char *file, *name;
		uint64_t start;
		int line;
		FILE *f = fopen(path, "rb");

		if (f) {
			n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			t = gopclntab__new(buf, n, 0);
		}
		for (j = 0; t && j < sizeof(want) / sizeof(*want); j++) {
			name = gopclntab__lookup(t, want[j].pc, &start, &file,
						 &line);
			ok += name && !strcmp(name, want[j].name) &&
			      start == want[j].start && file &&
			      !strcmp(file, want[j].file) &&
			      line == want[j].line;
		}
		CHECK(t && gopclntab__count(t) == 3 &&
		      ok == sizeof(want) / sizeof(*want) &&
		      !gopclntab__lookup(t, 0x401100, &start, &file, &line) &&
		      !gopclntab__lookup(t, 0x400fff, &start, &file, &line),
		      "go layout %s: names, starts, files and lines", names[i]);
		gopclntab__free(t);
		free(path);
	}
}

static void test_go(void)
{
	char *bin = fmt("%s/go-strip", tmp), *full = fmt("%s/go-full", tmp);
	char *pie = fmt("%s/go-pie", tmp), *piefull = fmt("%s/go-piefull", tmp);

	if (!go_build(bin, "-ldflags='-s -w'") || !go_build(full, "") ||
	    !go_build(pie, "-buildmode=pie -ldflags='-s -w'") ||
	    !go_build(piefull, "-buildmode=pie")) {
		CHECK(0, "go: workloads build");
		goto out;
	}
	CHECK(sh("nm '%s' 2>&1 | grep -q 'no symbols' && "
		 "nm '%s' 2>&1 | grep -q 'no symbols'", bin, pie),
	      "go: stripped builds have no .symtab");
	check_go_names("default", bin, full);
	check_go_names("pie", pie, piefull);
	check_go_lines(bin);
	test_go_hostile(bin);
out:
	free(bin);
	free(full);
	free(pie);
	free(piefull);
}

int main(void)
{
	char tmpl[] = "/tmp/ebprof-symbols.XXXXXX";

	if (getenv("ROOT"))
		root = getenv("ROOT");
	if (!mkdtemp(tmpl) || !realpath(tmpl, tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_decompress();
	test_minidebug_binary();
	test_use_debug_file();
	test_go_layouts();
	test_go();
	sh("rm -rf '%s'", tmp);
	return test_status();
}
