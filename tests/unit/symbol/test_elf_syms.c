// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of elf_syms (ELF function symbols, debug files, PT_LOAD
 * translation) and demangle.  The ELF files are built at test time from
 * tests/unit/fixtures/elf/ with the system's gcc, g++, objcopy and rustc;
 * expected addresses come from binutils (nm, readelf) on the unstripped
 * files, never from elf_syms itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elf.h>

#include "symbol/demangle.h"
#include "symbol/elf_syms.h"
#include "test.h"
#include "test_sh.h"

static char tmp[PATH_MAX];	/* realpath of the temporary directory */
static char fixtures[PATH_MAX];
static const char *empty_dbg;	/* a debug_dir with nothing in it */

/* Address and size of @sym per `nm -S` (mangled names) on @file. */
static bool nm_sym(const char *file, const char *sym, uint64_t *addr,
		   uint64_t *size, bool dynamic)
{
	char *cmd = fmt("nm -S --defined-only %s '%s'", dynamic ? "-D" : "",
			file);
	FILE *p = popen(cmd, "r");
	char line[4096], name[4000];
	unsigned long long a, s;
	char t;
	bool found = false;

	free(cmd);
	if (!p)
		return false;
	while (!found && fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%llx %llx %c %3999s", &a, &s, &t, name) == 4)
			;
		else if (sscanf(line, "%llx %c %3999s", &a, &t, name) == 3)
			s = 0;
		else
			continue;
		if (dynamic)	/* "__vdso_time@@LINUX_2.6" */
			name[strcspn(name, "@")] = 0;
		if (!strcmp(name, sym)) {
			*addr = a;
			*size = s;
			found = true;
		}
	}
	pclose(p);
	return found;
}

/* First line of a command's output matching nothing in particular. */
static char *capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *line = NULL;
	size_t cap = 0;

	if (!p)
		return NULL;
	if (getline(&line, &cap, p) < 0) {
		free(line);
		line = NULL;
	} else {
		line[strcspn(line, "\n")] = 0;
	}
	pclose(p);
	return line;
}

static char *readelf_build_id(const char *file)
{
	char *cmd = fmt("readelf -n '%s' | sed -n 's/.*Build ID: *//p'", file);
	char *id = capture(cmd);

	free(cmd);
	if (id && !*id) {
		free(id);
		id = NULL;
	}
	return id;
}

/*
 * Checks that @sym's start, an address inside it and its last byte
 * resolve to @expect (usually @sym itself, or the chosen alias).
 */
static void check_fn(const struct elf_syms *es, const char *what,
		     const char *file, const char *sym, const char *expect)
{
	uint64_t addr, size, start = 0;
	const char *n1, *n2, *n3;

	if (!nm_sym(file, sym, &addr, &size, false)) {
		CHECK(0, "%s: nm finds %s", what, sym);
		return;
	}
	n1 = elf_syms__lookup(es, addr, &start);
	CHECK(n1 && !strcmp(n1, expect) && start == addr,
	      "%s: %s at its start (%s)", what, sym, n1 ? n1 : "NULL");
	n2 = elf_syms__lookup(es, addr + size / 2, &start);
	CHECK(n2 && !strcmp(n2, expect) && start == addr,
	      "%s: %s in its middle", what, sym);
	n3 = elf_syms__lookup(es, addr + (size ? size - 1 : 0), NULL);
	CHECK(n3 && !strcmp(n3, expect), "%s: %s at its last byte", what, sym);
}

/* offset_to_vaddr against every LOAD line of `readelf -lW`. */
static void check_loads(const struct elf_syms *es, const char *what,
			const char *file)
{
	char *cmd = fmt("readelf -lW '%s'", file);
	FILE *p = popen(cmd, "r");
	char line[512];
	unsigned long long off, va, pa, fsz, msz, end = 0;
	int n = 0, good = 0;
	uint64_t got;

	free(cmd);
	while (p && fgets(line, sizeof(line), p)) {
		if (sscanf(line, " LOAD 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx",
			   &off, &va, &pa, &fsz, &msz) != 5 || !fsz)
			continue;
		n++;
		if (!elf_syms__offset_to_vaddr(es, off + fsz / 2, &got) &&
		    got == va + fsz / 2 &&
		    !elf_syms__offset_to_vaddr(es, off, &got) && got == va)
			good++;
		if (off + fsz > end)
			end = off + fsz;
	}
	if (p)
		pclose(p);
	CHECK(n > 0 && good == n, "%s: offset_to_vaddr matches readelf -l "
	      "(%d of %d segments)", what, good, n);
	CHECK(elf_syms__offset_to_vaddr(es, end + 4096, &got) == -ENOENT,
	      "%s: offset past every segment is -ENOENT", what);
}

static void test_prog(const char *what, const char *bin, bool pie)
{
	struct elf_syms *es = elf_syms__open(bin, NULL, empty_dbg);
	uint64_t a, s;

	CHECK(es, "%s: opens", what);
	if (!es)
		return;
	CHECK(elf_syms__is_dyn(es) == pie, "%s: is_dyn is %d", what, pie);
	CHECK(!elf_syms__debug_file(es), "%s: no debug file needed", what);
	check_fn(es, what, bin, "fx_alpha", "fx_alpha");
	check_fn(es, what, bin, "fx_alpha_weak", "fx_alpha");
	check_fn(es, what, bin, "__fx_alpha_impl", "fx_alpha");
	check_fn(es, what, bin, "fx_beta", "fx_beta");
	check_fn(es, what, bin, "fx_local", "fx_local");
	check_fn(es, what, bin, "main", "main");
	if (nm_sym(bin, "fx_nosize", &a, &s, false)) {
		const char *n = elf_syms__lookup(es, a + 3, NULL);

		CHECK(s == 0 && n && !strcmp(n, "fx_nosize"),
		      "%s: size-0 symbol covers up to the next", what);
		n = elf_syms__lookup(es, a + 5, NULL);
		CHECK(n && !strcmp(n, "fx_after"),
		      "%s: size-0 symbol ends at the next", what);
	}
	if (nm_sym(bin, "fx_sized", &a, &s, false))
		CHECK(s == 1 && !elf_syms__lookup(es, a + 1, NULL) &&
		      !elf_syms__lookup(es, a + 20, NULL),
		      "%s: address in a gap after a sized symbol is NULL", what);
	CHECK(!elf_syms__lookup(es, 1, NULL), "%s: address 1 is NULL", what);
	check_loads(es, what, bin);
	elf_syms__free(es);
}

static void test_lib(const char *lib)
{
	struct elf_syms *es = elf_syms__open(lib, NULL, empty_dbg);

	CHECK(es && elf_syms__is_dyn(es), "lib: opens, is_dyn");
	if (!es)
		return;
	check_fn(es, "lib", lib, "fx_lib_exported", "fx_lib_exported");
	check_fn(es, "lib", lib, "fx_lib_hidden", "fx_lib_hidden");
	check_fn(es, "lib", lib, "fx_lib_static", "fx_lib_static");
	check_loads(es, "lib", lib);
	elf_syms__free(es);
}

/* A stripped library: only the exported function is known. */
static void test_dynsym_only(const char *lib)
{
	char *stripped = fmt("%s/libfx-stripped.so", tmp);
	struct elf_syms *es;
	uint64_t a, s;

	if (!sh("strip --strip-all -o '%s' '%s'", stripped, lib))
		goto out;
	es = elf_syms__open(stripped, NULL, empty_dbg);
	CHECK(es && elf_syms__count(es) > 0 && !elf_syms__debug_file(es),
	      "dynsym: stripped library has .dynsym symbols only");
	if (!es)
		goto out;
	check_fn(es, "dynsym", lib, "fx_lib_exported", "fx_lib_exported");
	if (nm_sym(lib, "fx_lib_static", &a, &s, false))
		CHECK(!elf_syms__lookup(es, a + s / 2, NULL),
		      "dynsym: static function is not found");
	check_loads(es, "dynsym", stripped);
	elf_syms__free(es);
out:
	free(stripped);
}

/*
 * Debug file found through .gnu_debuglink: in the binary's directory,
 * in its .debug/, under debug_dir/<dir>/; and rejected on a CRC mismatch.
 */
static void test_debuglink(const char *pie)
{
	static const char *const where[] = { "same dir", ".debug/",
					     "debug_dir", "bad crc" };
	int i;

	for (i = 0; i < 4; i++) {
		char *dir = fmt("%s/dl%d", tmp, i);
		char *bin = fmt("%s/prog", dir);
		char *dbg, *what = fmt("debuglink %s", where[i]);
		const char *dd = empty_dbg;
		struct elf_syms *es;

		/* the link is made next to the binary, then the file moves */
		if (!sh("mkdir -p '%s/.debug' && cd '%s' && cp '%s' full && "
			"objcopy --only-keep-debug full prog.debug && "
			"objcopy --strip-all --add-gnu-debuglink=prog.debug "
			"full prog && rm full", dir, dir, pie))
			goto next;
		if (i == 0 || i == 3) {
			dbg = fmt("%s/prog.debug", dir);
		} else if (i == 1) {
			dbg = fmt("%s/.debug/prog.debug", dir);
		} else {
			dd = fmt("%s/dd%d", tmp, i);
			dbg = fmt("%s%s/prog.debug", dd, dir);
		}
		sh("mkdir -p \"$(dirname '%s')\" && mv '%s/prog.debug' '%s' "
		   "2>/dev/null; true", dbg, dir, dbg);
		if (i == 3)	/* still a valid ELF, but another CRC */
			sh("printf x >> '%s'", dbg);
		es = elf_syms__open(bin, NULL, dd);
		CHECK(es, "%s: opens", what);
		if (es && i < 3) {
			const char *df = elf_syms__debug_file(es);

			CHECK(df && !strcmp(df, dbg), "%s: uses %s (%s)", what,
			      dbg, df ? df : "none");
			check_fn(es, what, pie, "fx_local", "fx_local");
			check_fn(es, what, pie, "fx_alpha", "fx_alpha");
			check_loads(es, what, bin);
		} else if (es) {
			uint64_t a, s;

			CHECK(!elf_syms__debug_file(es),
			      "%s: debug file skipped", what);
			if (nm_sym(pie, "fx_local", &a, &s, false))
				CHECK(!elf_syms__lookup(es, a, NULL),
				      "%s: local function unknown", what);
		}
		elf_syms__free(es);
		free(dbg);
		if (dd != empty_dbg)
			free((char *)dd);
next:
		free(dir);
		free(bin);
		free(what);
	}
}

/*
 * Debug file found in a build-id tree, also inside a "container root";
 * a file at the right path with another build id is rejected.
 */
static void test_build_id(const char *pie, const char *lib)
{
	char *bin = fmt("%s/bid-prog", tmp), *dd = fmt("%s/bid", tmp);
	char *id = NULL, *dbg = NULL, *rbin = NULL, *rdbg = NULL;
	char *lib_stripped = fmt("%s/bid-lib.so", tmp);
	char *lib_id = NULL, *lib_dbg = NULL;
	struct elf_syms *es;

	if (!sh("objcopy --strip-all '%s' '%s'", pie, bin))
		goto out;
	id = readelf_build_id(pie);
	CHECK(id && strlen(id) > 2, "build-id: readelf shows one");
	if (!id || strlen(id) <= 2)
		goto out;
	dbg = fmt("%s/.build-id/%.2s/%s.debug", dd, id, id + 2);
	if (!sh("mkdir -p \"$(dirname '%s')\" && "
		"objcopy --only-keep-debug '%s' '%s'", dbg, pie, dbg))
		goto out;
	es = elf_syms__open(bin, NULL, dd);
	CHECK(es && elf_syms__build_id(es) &&
	      !strcmp(elf_syms__build_id(es), id),
	      "build-id: same as readelf -n");
	CHECK(es && elf_syms__debug_file(es) &&
	      !strcmp(elf_syms__debug_file(es), dbg),
	      "build-id: debug file found in the build-id tree");
	if (es) {
		check_fn(es, "build-id", pie, "fx_local", "fx_local");
		check_fn(es, "build-id", pie, "main", "main");
	}
	elf_syms__free(es);

	/* inside a root: <root>/usr/lib/debug/.build-id/..., default dir */
	rbin = fmt("%s/root/opt/prog", tmp);
	rdbg = fmt("%s/root/usr/lib/debug/.build-id/%.2s/%s.debug", tmp, id,
		   id + 2);
	if (sh("mkdir -p \"$(dirname '%s')\" \"$(dirname '%s')\" && "
	       "cp '%s' '%s' && cp '%s' '%s'", rbin, rdbg, bin, rbin, dbg,
	       rdbg)) {
		char *root = fmt("%s/root", tmp);

		es = elf_syms__open(rbin, root, NULL);
		CHECK(es && elf_syms__debug_file(es) &&
		      !strcmp(elf_syms__debug_file(es), rdbg),
		      "build-id: found under the process root");
		if (es)
			check_fn(es, "build-id root", pie, "fx_beta",
				 "fx_beta");
		elf_syms__free(es);
		free(root);
	}

	/* the library's debug file placed under the library's id... */
	lib_id = readelf_build_id(lib);
	if (!lib_id || !sh("objcopy --strip-all '%s' '%s'", lib,
			   lib_stripped))
		goto out;
	lib_dbg = fmt("%s/.build-id/%.2s/%s.debug", dd, lib_id, lib_id + 2);
	/* ...but with the program's content: its build id differs */
	if (!sh("mkdir -p \"$(dirname '%s')\" && cp '%s' '%s'", lib_dbg, dbg,
		lib_dbg))
		goto out;
	es = elf_syms__open(lib_stripped, NULL, dd);
	CHECK(es && !elf_syms__debug_file(es),
	      "build-id: debug file with another build id is rejected");
	elf_syms__free(es);
out:
	free(bin);
	free(dd);
	free(id);
	free(dbg);
	free(rbin);
	free(rdbg);
	free(lib_stripped);
	free(lib_id);
	free(lib_dbg);
}

/* Demangled name of the symbol at @sym's address, checked against nm -C. */
static void check_cxx(const struct elf_syms *es, const char *bin,
		      const char *mangled, const char *expect)
{
	uint64_t a, s;
	const char *n;
	char *d = NULL, *cmd, *nmc;

	if (!nm_sym(bin, mangled, &a, &s, false)) {
		CHECK(0, "c++: nm finds %s", mangled);
		return;
	}
	n = elf_syms__lookup(es, a + s / 2, NULL);
	if (n)
		d = demangle(n);
	cmd = fmt("nm -C '%s' | grep -i '^0*%llx ' | head -n 1 | "
		  "cut -d' ' -f3-", bin, (unsigned long long)a);
	nmc = capture(cmd);
	CHECK(n && !strcmp(n, mangled) && d && !strcmp(d, expect) && nmc &&
	      !strcmp(nmc, expect), "c++: %s -> %s (nm -C: %s)", mangled,
	      d ? d : "NULL", nmc ? nmc : "NULL");
	free(d);
	free(cmd);
	free(nmc);
}

static void test_cxx(const char *bin)
{
	struct elf_syms *es = elf_syms__open(bin, NULL, empty_dbg);

	CHECK(es, "c++: opens");
	if (!es)
		return;
	check_cxx(es, bin, "_ZN2fx5twiceIiEET_S1_", "int fx::twice<int>(int)");
	check_cxx(es, bin, "_ZN2fx5twiceIlEET_S1_",
		  "long fx::twice<long>(long)");
	check_cxx(es, bin, "_ZNK2fx6Widget4spinEi",
		  "fx::Widget::spin(int) const");
	elf_syms__free(es);
}

static void test_demangle_plain(void)
{
	char *d;

	CHECK(!demangle("main") && !demangle("fx_alpha") && !demangle("") &&
	      !demangle("_") && !demangle("_Z") && !demangle("_R"),
	      "demangle: plain and truncated names give NULL");
	d = demangle("_ZN2ns3barEv.cold");
	CHECK(d && !strcmp(d, "ns::bar() [clone .cold]"),
	      "demangle: clone suffix (%s)", d ? d : "NULL");
	free(d);
	d = demangle("_ZN3std2rt10lang_start17h0123456789abcdefE");
	CHECK(d && !strcmp(d, "std::rt::lang_start"),
	      "demangle: legacy rust hash dropped (%s)", d ? d : "NULL");
	free(d);
	{	/* a hostile, very long name must not blow the stack */
		size_t n = 1 << 20;
		char *big = malloc(n + 1);

		memcpy(big, "_Z", 2);
		memset(big + 2, 'P', n - 3);
		big[n - 1] = 'i';
		big[n] = 0;
		d = demangle(big);
		CHECK(!d, "demangle: 1 MiB name refused");
		free(d);
		free(big);
	}
}

/*
 * Rust, legacy (rustc's default) and v0 manglings of the same functions,
 * looked up in the built binary and demangled.
 */
static void test_rust(void)
{
	static const struct {
		const char *flag, *what;
		const char *spin;
	} v[] = {
		{ "", "legacy", "fixture::inner::W::spin" },
		{ "-C symbol-mangling-version=v0", "v0",
		  "<fixture::inner::W>::spin" },
	};
	char *rustc = capture("command -v rustc || "
			      "ls \"$HOME/.cargo/bin/rustc\" 2>/dev/null");
	int i;

	if (!rustc || !*rustc) {
		SKIP("rustc not found", "rust demangling");
		free(rustc);
		return;
	}
	for (i = 0; i < 2; i++) {
		char *bin = fmt("%s/rust-%s", tmp, v[i].what);
		char *cmd, *func, *spin;
		struct elf_syms *es;
		uint64_t a, s;

		if (!sh("'%s' -O %s --crate-name fixture -o '%s' '%s/rust.rs'",
			rustc, v[i].flag, bin, fixtures)) {
			CHECK(0, "rust %s: builds", v[i].what);
			free(bin);
			continue;
		}
		cmd = fmt("nm '%s' | awk '/fx_rust_func/ {print $3; exit}'",
			  bin);
		func = capture(cmd);
		free(cmd);
		cmd = fmt("nm '%s' | awk '/4spin/ {print $3; exit}'", bin);
		spin = capture(cmd);
		free(cmd);
		es = elf_syms__open(bin, NULL, empty_dbg);
		CHECK(es && func && spin && *func == '_' && *spin == '_',
		      "rust %s: built, symbols %s %s", v[i].what,
		      func ? func : "?", spin ? spin : "?");
		if (es && func && spin && nm_sym(bin, func, &a, &s, false)) {
			const char *n = elf_syms__lookup(es, a + s / 2, NULL);
			char *d = n ? demangle(n) : NULL;

			CHECK(d && !strcmp(d, "fixture::fx_rust_func"),
			      "rust %s: %s -> %s", v[i].what, func,
			      d ? d : "NULL");
			free(d);
			d = demangle(spin);
			CHECK(d && !strcmp(d, v[i].spin), "rust %s: %s -> %s",
			      v[i].what, spin, d ? d : "NULL");
			free(d);
		}
		elf_syms__free(es);
		free(func);
		free(spin);
		free(bin);
	}
	free(rustc);
}

/* Debian's libc has no .symtab: libc6-dbg's build-id file supplies it. */
static void test_libc(void)
{
	const char *libc = "/lib/x86_64-linux-gnu/libc.so.6";
	char *id = readelf_build_id(libc), *dbg = NULL;
	struct elf_syms *es = NULL;
	uint64_t a, s;
	const char *n;

	if (!id) {
		SKIP("no build id in libc", "libc");
		goto out;
	}
	dbg = fmt("/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
	if (access(dbg, R_OK)) {
		SKIP("libc6-dbg not installed", "libc");
		goto out;
	}
	es = elf_syms__open(libc, NULL, NULL);
	CHECK(es && elf_syms__debug_file(es) &&
	      !strcmp(elf_syms__debug_file(es), dbg),
	      "libc: debug file from libc6-dbg's build-id tree");
	if (!es)
		goto out;
	if (nm_sym(dbg, "__libc_start_call_main", &a, &s, false)) {
		n = elf_syms__lookup(es, a, NULL);
		CHECK(n && !strcmp(n, "__libc_start_call_main"),
		      "libc: __libc_start_call_main at its start");
		n = elf_syms__lookup(es, a + s / 2, NULL);
		CHECK(n && !strcmp(n, "__libc_start_call_main"),
		      "libc: __libc_start_call_main in its middle");
	} else {
		CHECK(0, "libc: nm finds __libc_start_call_main in %s", dbg);
	}
	if (nm_sym(libc, "malloc", &a, &s, true)) {
		n = elf_syms__lookup(es, a + 1, NULL);
		CHECK(n && !strcmp(n, "malloc"),
		      "libc: malloc preferred over its aliases (%s)",
		      n ? n : "NULL");
	}
	check_loads(es, "libc", libc);
out:
	elf_syms__free(es);
	free(id);
	free(dbg);
}

/* Size of an ELF image in memory: its section header table ends it. */
static size_t image_size(const void *image)
{
	const Elf64_Ehdr *eh = image;
	const Elf64_Phdr *ph = (const void *)((const char *)image + eh->e_phoff);
	size_t size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	int i;

	for (i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_offset + ph[i].p_filesz > size)
			size = ph[i].p_offset + ph[i].p_filesz;
	return size;
}

static void test_vdso(void)
{
	const void *vdso = (const void *)getauxval(AT_SYSINFO_EHDR);
	char *file = fmt("%s/vdso.so", tmp);
	struct elf_syms *es = NULL;
	uint64_t a, s;
	const char *n;
	size_t size;
	FILE *f;

	if (!vdso) {
		SKIP("no AT_SYSINFO_EHDR", "vdso");
		goto out;
	}
	size = image_size(vdso);
	es = elf_syms__open_mem(vdso, size, "[vdso]");
	CHECK(es && elf_syms__count(es) > 0, "vdso: opens from memory");
	/* binutils reads a copy on disk to give the expected address */
	f = fopen(file, "w");
	if (!es || !f || fwrite(vdso, 1, size, f) != size) {
		if (f)
			fclose(f);
		goto out;
	}
	fclose(f);
	if (nm_sym(file, "__vdso_clock_gettime", &a, &s, true)) {
		n = elf_syms__lookup(es, a + s / 2, NULL);
		CHECK(n && (!strcmp(n, "__vdso_clock_gettime") ||
			    !strcmp(n, "clock_gettime")),
		      "vdso: clock_gettime resolves (%s)", n ? n : "NULL");
	} else {
		CHECK(0, "vdso: nm -D finds __vdso_clock_gettime");
	}
	{
		struct elf_syms *disk = elf_syms__open(file, NULL, empty_dbg);
		const char *bid = elf_syms__build_id(es);

		CHECK(disk && elf_syms__count(disk) == elf_syms__count(es) &&
		      (!bid || !strcmp(bid, elf_syms__build_id(disk))),
		      "vdso: memory and file copies agree");
		elf_syms__free(disk);
	}
out:
	elf_syms__free(es);
	free(file);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc(n)) &&
	    fread(buf, 1, n, f) == (size_t)n)
		*size = n;
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static bool spit(const char *path, const void *buf, size_t size)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(buf, 1, size, f) == size;

	if (f && fclose(f))
		ok = false;
	return ok;
}

/*
 * Opens @buf from a file and from memory and queries both: how many of
 * the two opened, or -1 when a result breaks the API's promises (an empty
 * name, a symbol starting after the address asked for).
 */
static int poke(const char *path, const unsigned char *buf, size_t size,
		const uint64_t *addrs, int nr_addrs)
{
	struct elf_syms *es[2];
	int i, j, opened = 0;
	uint64_t v, st;
	const char *n;

	spit(path, buf, size);
	es[0] = elf_syms__open(path, NULL, empty_dbg);
	es[1] = elf_syms__open_mem(buf, size, "mem");
	for (i = 0; i < 2; i++) {
		if (!es[i])
			continue;
		if (opened >= 0)
			opened++;
		for (j = 0; j < nr_addrs; j++) {
			n = elf_syms__lookup(es[i], addrs[j], &st);
			if (n && (!*n || st > addrs[j]))
				opened = -1;
		}
		elf_syms__offset_to_vaddr(es[i], 0x1000, &v);
		n = elf_syms__build_id(es[i]);
		if (n && strspn(n, "0123456789abcdef") != strlen(n))
			opened = -1;
		elf_syms__free(es[i]);
	}
	return opened;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_hostile(const char *bin)
{
	char *path = fmt("%s/hostile", tmp);
	size_t size = 0, cut, i;
	unsigned char *orig = slurp(bin, &size), *buf = NULL;
	uint64_t addrs[4] = { 0, 1, UINT64_MAX, 0x401000 }, s;
	struct elf_syms *es;
	Elf64_Ehdr eh;
	bool ok;
	int n;

	es = elf_syms__open("/nonexistent/file", NULL, NULL);
	CHECK(!es && errno == ENOENT, "hostile: missing file is ENOENT");
	es = elf_syms__open(tmp, NULL, NULL);
	CHECK(!es && errno == ENOEXEC, "hostile: directory is ENOEXEC");
	CHECK(orig && size > sizeof(eh), "hostile: fixture read");
	if (!orig || size <= sizeof(eh))
		goto out;
	nm_sym(bin, "fx_alpha", &addrs[3], &s, false);
	buf = malloc(size);
	memcpy(&eh, orig, sizeof(eh));

	ok = true;
	for (cut = 0; cut < sizeof(eh); cut++) {
		spit(path, orig, cut);
		es = elf_syms__open(path, NULL, empty_dbg);
		if (es || errno != ENOEXEC)
			ok = false;
		elf_syms__free(es);
		es = elf_syms__open_mem(orig, cut, "cut");
		if (es || errno != ENOEXEC)
			ok = false;
		elf_syms__free(es);
	}
	CHECK(ok, "hostile: files shorter than an ELF header are ENOEXEC");
	ok = true;
	for (cut = sizeof(eh); cut < size; cut += 97)
		if (poke(path, orig, cut, addrs, 4) < 0)
			ok = false;
	CHECK(ok, "hostile: %zu truncated copies give sane results",
	      size / 97);

	for (i = 0; i < size; i++)
		buf[i] = rng();
	buf[0] = 0x7e;	/* never "\177ELF" by chance */
	spit(path, buf, size);
	es = elf_syms__open(path, NULL, empty_dbg);
	CHECK(!es && errno == ENOEXEC, "hostile: random bytes are ENOEXEC");
	memcpy(buf, orig, 64);	/* a real header over random content */
	n = poke(path, buf, size, addrs, 4);
	CHECK(n >= 0, "hostile: valid header over random bytes (opened %d)",
	      n);

	/* section headers all garbage: no symbols, but no failure either */
	memcpy(buf, orig, size);
	if (eh.e_shoff < size)
		for (i = eh.e_shoff; i < size; i++)
			buf[i] = rng();
	spit(path, buf, size);
	es = elf_syms__open(path, NULL, empty_dbg);
	CHECK(es || errno == ENOEXEC,
	      "hostile: garbage section headers open cleanly or ENOEXEC");
	if (es) {
		uint64_t v;

		elf_syms__lookup(es, addrs[3], NULL);
		CHECK(!elf_syms__offset_to_vaddr(es, 0, &v),
		      "hostile: program headers still used");
	}
	elf_syms__free(es);

	/* e_shoff / e_shnum / e_shstrndx pointing nowhere */
	memcpy(buf, orig, size);
	((Elf64_Ehdr *)buf)->e_shoff = UINT64_MAX - 100;
	((Elf64_Ehdr *)buf)->e_shnum = 0xffff;
	((Elf64_Ehdr *)buf)->e_shstrndx = 0xfffe;
	n = poke(path, buf, size, addrs, 4);
	CHECK(n == 2, "hostile: section header table out of file (opened %d)",
	      n);

	/* every section's sh_link and sh_offset/sh_size made absurd */
	for (int k = 0; k < 3; k++) {
		memcpy(buf, orig, size);
		for (i = 0; i < eh.e_shnum &&
		     eh.e_shoff + (i + 1) * sizeof(Elf64_Shdr) <= size; i++) {
			Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh.e_shoff) + i;

			if (k == 0)
				sh->sh_link = 0x7fff + i;
			else if (k == 1)
				sh->sh_size = UINT64_MAX / 2;
			else
				sh->sh_offset = size - 1;
		}
		n = poke(path, buf, size, addrs, 4);
		CHECK(n >= 0, "hostile: corrupted section headers %d "
		      "(opened %d)", k, n);
	}

	/* random mutations, denser in the header and section headers */
	ok = true;
	for (int iter = 0; iter < 300; iter++) {
		int nr = 1 + rng() % 16;

		memcpy(buf, orig, size);
		while (nr--) {
			size_t at = rng() % 3 ? rng() % size :
				(eh.e_shoff < size ? eh.e_shoff +
				 rng() % (size - eh.e_shoff) : 0);

			if (rng() % 4 == 0 && at < 64)
				at = 16 + rng() % 48;
			buf[at] = rng();
		}
		if (poke(path, buf, size, addrs, 4) < 0)
			ok = false;
	}
	CHECK(ok, "hostile: 300 randomly mutated files give sane results");
out:
	free(orig);
	free(buf);
	free(path);
}

int main(void)
{
	const char *root = getenv("ROOT");
	char tmpl[] = "/tmp/ebprof-elf-syms.XXXXXX";
	char *np, *pie, *lib, *cxx;
	bool built;

	snprintf(fixtures, sizeof(fixtures), "%s/tests/unit/fixtures/elf",
		 root ? root : ".");
	if (!mkdtemp(tmpl) || !realpath(tmpl, tmp)) {
		perror("mkdtemp");
		return 1;
	}
	empty_dbg = fmt("%s/empty-debug", tmp);
	np = fmt("%s/prog-nopie", tmp);
	pie = fmt("%s/prog-pie", tmp);
	lib = fmt("%s/libfx.so", tmp);
	cxx = fmt("%s/prog-cxx", tmp);
	built = sh("mkdir -p '%s'", empty_dbg) &&
		sh("cc -O1 -g -fno-pie -no-pie -o '%s' '%s/prog.c'", np,
		   fixtures) &&
		sh("cc -O1 -g -fpie -pie -o '%s' '%s/prog.c'", pie, fixtures) &&
		sh("cc -O1 -g -fpic -shared -o '%s' '%s/lib.c'", lib,
		   fixtures) &&
		sh("c++ -O1 -g -o '%s' '%s/prog.cc'", cxx, fixtures);
	CHECK(built, "fixtures build");
	if (built) {
		test_prog("non-pie", np, false);
		test_prog("pie", pie, true);
		test_lib(lib);
		test_dynsym_only(lib);
		test_debuglink(pie);
		test_build_id(pie, lib);
		test_cxx(cxx);
		test_hostile(np);
	}
	test_demangle_plain();
	test_rust();
	test_libc();
	test_vdso();
	sh("rm -rf '%s'", tmp);
	free((char *)empty_dbg);
	free(np);
	free(pie);
	free(lib);
	free(cxx);
	return test_status();
}
