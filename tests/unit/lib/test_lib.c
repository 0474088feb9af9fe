// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/lib/: the string pool, and opening untrusted files
 * (safe_open.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safe_open.h"
#include "lib/strpool.h"
#include "test.h"

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

	snprintf(path, sizeof(path), "%s/regular", test_tmpdir());
	snprintf(fifo, sizeof(fifo), "%s/fifo", test_tmpdir());
	snprintf(link, sizeof(link), "%s/link", test_tmpdir());
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
	CHECK(safe_open(test_tmpdir(), &o) == -EINVAL,
	      "safe_open: a directory is refused");
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
	o.root = test_tmpdir();
	snprintf(sub, sizeof(sub), "%s/abs", test_tmpdir());
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
	test_strpool();
	test_safe_open();
	return test_status();
}
