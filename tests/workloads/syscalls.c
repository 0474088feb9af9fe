// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: syscall-heavy, so most samples are in the kernel under
 * write(2) to /dev/null and read(2) from /dev/zero, called from
 * io_loop.  Usage: syscalls [SECONDS] (default 3).
 */
#include <fcntl.h>
#include <unistd.h>

#include "burn.h"

static char buf[1 << 16];

__attribute__((noinline)) void io_loop(double until)
{
	int z = open("/dev/zero", O_RDONLY), n = open("/dev/null", O_WRONLY);

	while (wl_now() < until) {
		if (read(z, buf, sizeof(buf)) < 0 ||
		    write(n, buf, sizeof(buf)) < 0)
			break;
	}
	close(z);
	close(n);
}

int main(int argc, char **argv)
{
	io_loop(wl_now() + wl_seconds(argc, argv, 3));
	return 0;
}
