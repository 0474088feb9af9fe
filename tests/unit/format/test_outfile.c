// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/format/outfile.c: atomic output files (also onto
 * /dev/null and through symbolic links).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/outfile.h"
#include "test.h"

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

	snprintf(path, sizeof(path), "%s/out.folded", test_tmpdir());
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

	snprintf(link, sizeof(link), "%s/link.folded", test_tmpdir());
	snprintf(path, sizeof(path), "%s/target.folded", test_tmpdir());
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
	snprintf(path, sizeof(path), "%s/no/such/dir/x", test_tmpdir());
	CHECK(outfile__open(&o, path) == -ENOENT,
	      "outfile: missing directory is -ENOENT");

	/* Private, kept modes, nothing visible until committed. */
	snprintf(path, sizeof(path), "%s/priv/new.folded", test_tmpdir());
	snprintf(link, sizeof(link), "%s/priv", test_tmpdir());
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
	snprintf(link, sizeof(link), "%s/sticky", test_tmpdir());
	mkdir(link, 0777);
	chmod(link, 01777);
	snprintf(link, sizeof(link), "%s/sticky/l", test_tmpdir());
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

int main(void)
{
	test_outfile();
	return test_status();
}
