// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of small common/ pieces: atomic output files (also onto
 * /dev/null and through symbolic links), /proc/PID/maps lines, kernel
 * symbol lookup, the string pool, and opening untrusted files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbol/ksyms.h"
#include "format/outfile.h"
#include "sample/proc_maps.h"
#include "lib/safe_open.h"
#include "lib/strpool.h"
#include "test.h"

static char dir[] = "/tmp/ebprof-unit.XXXXXX";

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static void test_outfile(void)
{
	struct outfile o;
	char path[256], link[256], buf[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/out.folded", dir);
	CHECK(!outfile__open(&o, path), "outfile: open");
	fputs("a;b 1\n", o.f);
	CHECK(access(path, F_OK) != 0, "outfile: nothing at the target before commit");
	CHECK(!outfile__commit(&o), "outfile: commit");
	CHECK(!read_file(path, buf, sizeof(buf)) && !strcmp(buf, "a;b 1\n"),
	      "outfile: content after commit");

	CHECK(!outfile__open(&o, path), "outfile: reopen");
	fputs("partial", o.f);
	outfile__abort(&o);
	CHECK(!read_file(path, buf, sizeof(buf)) && !strcmp(buf, "a;b 1\n"),
	      "outfile: abort keeps the previous file");

	snprintf(link, sizeof(link), "%s/link.folded", dir);
	snprintf(path, sizeof(path), "%s/target.folded", dir);
	CHECK(!symlink("target.folded", link), "outfile: make a dangling link");
	CHECK(!outfile__open(&o, link) && fputs("x 2\n", o.f) >= 0 &&
	      !outfile__commit(&o), "outfile: write through a link");
	CHECK(!lstat(link, &st) && S_ISLNK(st.st_mode) &&
	      !read_file(path, buf, sizeof(buf)) && !strcmp(buf, "x 2\n"),
	      "outfile: the link stays, its target is written");

	CHECK(!outfile__open(&o, "/dev/null") && fputs("x 1\n", o.f) >= 0 &&
	      !outfile__commit(&o), "outfile: /dev/null");
	CHECK(!stat("/dev/null", &st) && S_ISCHR(st.st_mode),
	      "outfile: /dev/null is still a device");
	snprintf(path, sizeof(path), "%s/no/such/dir/x", dir);
	CHECK(outfile__open(&o, path) == -ENOENT,
	      "outfile: missing directory is -ENOENT");

	/* Private, kept modes, nothing visible until committed. */
	snprintf(path, sizeof(path), "%s/priv/new.folded", dir);
	snprintf(link, sizeof(link), "%s/priv", dir);
	mkdir(link, 0755);
	CHECK(!outfile__open(&o, path) && fputs("x 1\n", o.f) >= 0 &&
	      count_entries(link) == 0, "outfile: no entry before commit");
	CHECK(!outfile__commit(&o) && !stat(path, &st) &&
	      (st.st_mode & 0777) == 0600, "outfile: new file is 0600");
	chmod(path, 0640);
	CHECK(!outfile__open(&o, path) && !outfile__commit(&o) &&
	      !stat(path, &st) && (st.st_mode & 0777) == 0640 &&
	      count_entries(link) == 1, "outfile: replaced file keeps its mode");
	CHECK(outfile__open(&o, "/dev/null/x") == -ENOTDIR,
	      "outfile: a path through a device fails");

	/* protected_symlinks: another user's link in a sticky dir. */
	snprintf(link, sizeof(link), "%s/sticky", dir);
	mkdir(link, 0777);
	chmod(link, 01777);
	snprintf(link, sizeof(link), "%s/sticky/l", dir);
	if (geteuid() == 0 && !symlink(path, link) &&
	    !lchown(link, 65534, 65534)) {
		CHECK(outfile__open(&o, link) == -EPERM &&
		      !read_file(path, buf, sizeof(buf)) &&
		      !strcmp(buf, ""), "outfile: another user's link in a "
		      "sticky directory is refused");
		CHECK(!lchown(link, 0, 0) && !outfile__open(&o, link) &&
		      !outfile__commit(&o), "outfile: our own link there is "
		      "followed");
	} else {
		SKIP("not root", "outfile: protected_symlinks");
	}
}

static void test_maps_line(void)
{
	uint64_t s, e, off, dev, ino;
	const char *path;
	char perms[5];

	CHECK(!proc_maps__parse_line("7f1c2a000000-7f1c2a028000 r-xp 00028000 fd:01 1234567    /usr/lib/x86_64-linux-gnu/libc.so.6",
				     &s, &e, perms, &off, &dev, &ino, &path) &&
	      s == 0x7f1c2a000000ULL && e == 0x7f1c2a028000ULL &&
	      !strcmp(perms, "r-xp") && off == 0x28000 && ino == 1234567 &&
	      !strcmp(path, "/usr/lib/x86_64-linux-gnu/libc.so.6"),
	      "proc_maps: file mapping line");
	CHECK(!proc_maps__parse_line("7ffd1000-7ffd3000 r-xp 00000000 00:00 0                          [vdso]",
				     &s, &e, perms, &off, &dev, &ino, &path) &&
	      !strcmp(path, "[vdso]") && ino == 0, "proc_maps: [vdso] line");
	CHECK(!proc_maps__parse_line("1000-2000 r-xp 00000000 00:00 0 ",
				     &s, &e, perms, &off, &dev, &ino, &path) &&
	      !strcmp(path, ""), "proc_maps: anonymous mapping");
	CHECK(proc_maps__parse_line("garbage", &s, &e, perms, &off, &dev,
				    &ino, &path) == -EINVAL,
	      "proc_maps: garbage rejected");
}

static void test_ksyms(void)
{
	char path[256];
	const char *mod, *name;
	struct ksyms *ks;
	uint64_t start;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	f = fopen(path, "w");
	fputs("ffffffff81000300 T second_func\n"
	      "ffffffff81000000 T _stext\n"
	      "ffffffff81000100 t first_func\n"
	      "ffffffff81000200 D some_data\n"
	      "0000000000000000 A absolute\n"
	      "ffffffffc0001000 t mod_func\t[mymod]\n", f);
	fclose(f);
	ks = ksyms__load(path);
	CHECK(ks != NULL, "ksyms: load");
	if (!ks)
		return;
	name = ksyms__lookup(ks, 0xffffffff81000150ULL, &start, &mod);
	CHECK(name && !strcmp(name, "first_func") &&
	      start == 0xffffffff81000100ULL &&
	      !strcmp(mod, "[kernel.kallsyms]"),
	      "ksyms: address inside a function (unsorted input)");
	name = ksyms__lookup(ks, 0xffffffff81000250ULL, NULL, NULL);
	CHECK(name && !strcmp(name, "first_func"),
	      "ksyms: data symbols are not functions");
	name = ksyms__lookup(ks, 0xffffffffc0001010ULL, NULL, &mod);
	CHECK(name && !strcmp(name, "mod_func") && !strcmp(mod, "mymod"),
	      "ksyms: module symbol and its module");
	CHECK(!ksyms__lookup(ks, 0x1000, NULL, NULL),
	      "ksyms: below every symbol");
	CHECK(!ksyms__lookup(ks, 0xffffffffc0100000ULL, NULL, NULL),
	      "ksyms: far past the last symbol");
	ksyms__free(ks);

	f = fopen(path, "w");
	fputs("0000000000000000 T _stext\n0000000000000000 t x\n", f);
	fclose(f);
	ks = ksyms__load(path);
	CHECK(!ks && errno == EPERM, "ksyms: hidden addresses (kptr_restrict) are EPERM");
	ksyms__free(ks);
}

static void test_strpool(void)
{
	struct strpool sp;
	const char *a, *b;
	char name[32];
	int i, ok = 1;

	strpool__init(&sp);
	a = strpool__intern(&sp, "hello");
	b = strpool__intern_len(&sp, "hello world", 5);
	CHECK(a && a == b, "strpool: equal strings share one copy");
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		if (strpool__id(&sp, name, strlen(name)) != (uint32_t)i + 2)
			ok = 0;
	}
	CHECK(ok && strpool__id(&sp, "s5", 2) == 7,
	      "strpool: ids in order of first sight, stable after growth");
	strpool__release(&sp);
}

static void test_safe_open(void)
{
	struct safe_open_opts o = { .owner = SAFE_ANY_OWNER };
	char path[256], fifo[256], link[256], sub[256];
	int fd;

	snprintf(path, sizeof(path), "%s/regular", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0 && write(fd, "0123456789", 10) != 10)
		fd = -1;
	if (fd >= 0)
		close(fd);
	fd = safe_open(path, &o);
	CHECK(fd >= 0, "safe_open: a regular file opens");
	if (fd >= 0)
		close(fd);
	/* A FIFO with no writer would block a plain open() forever. */
	CHECK(mkfifo(fifo, 0666) == 0 && safe_open(fifo, &o) == -EINVAL,
	      "safe_open: a FIFO is refused without blocking");
	CHECK(safe_open("/dev/zero", &o) == -EINVAL,
	      "safe_open: a device is refused");
	CHECK(safe_open(dir, &o) == -EINVAL, "safe_open: a directory is refused");
	CHECK(symlink(fifo, link) == 0 && safe_open(link, &o) == -EINVAL,
	      "safe_open: a link to a FIFO is refused");
	o.max_size = 5;
	CHECK(safe_open(path, &o) == -EFBIG, "safe_open: size limit");
	o.max_size = 0;
	o.owner = 12345;
	CHECK(chown(path, 23456, 23456) == 0 && safe_open(path, &o) == -EPERM,
	      "safe_open: owner check refuses another user's file");
	o.owner = SAFE_ANY_OWNER;
	o.nofollow = 1;
	unlink(link);
	CHECK(symlink(path, link) == 0 && safe_open(link, &o) == -ELOOP,
	      "safe_open: nofollow refuses a final link");
	/* In a root, an absolute link resolves inside that root. */
	o.nofollow = 0;
	o.root = dir;
	snprintf(sub, sizeof(sub), "%s/abs", dir);
	CHECK(symlink("/regular", sub) == 0 && (fd = safe_open("/abs", &o)) >= 0,
	      "safe_open: an absolute link stays inside the root");
	if (fd >= 0)
		close(fd);
	unlink(sub);
	CHECK(symlink("/etc/passwd", sub) == 0 && safe_open("/abs", &o) == -ENOENT,
	      "safe_open: a link cannot escape the root");
	CHECK(safe_open("/../../../etc/passwd", &o) == -ENOENT,
	      "safe_open: .. cannot escape the root");
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 1;
	test_outfile();
	test_maps_line();
	test_ksyms();
	test_strpool();
	test_safe_open();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return test_status();
}
