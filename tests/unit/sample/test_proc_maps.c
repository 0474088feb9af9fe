// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/sample/proc_maps.c: /proc/PID/maps lines.
 */
#include <errno.h>
#include <string.h>

#include "sample/proc_maps.h"
#include "test.h"

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

int main(void)
{
	test_maps_line();
	return test_status();
}
