// SPDX-License-Identifier: GPL-2.0
/*
 * The demo workload of `make demo`: a toy request handler whose CPU time
 * splits between parsing, hashing, compressing and writing a log through
 * system calls, so the flamegraph shows a few distinct towers, user and
 * kernel.  Usage: demo [SECONDS] (default 3).
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "burn.h"

static char request[4096], out[8192];

__attribute__((noinline)) static unsigned long tokenize(const char *s,
							size_t n)
{
	volatile unsigned long tokens = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == ',' || s[i] == ':')
			tokens++;
	return tokens;
}

__attribute__((noinline)) static unsigned long parse_request(void)
{
	unsigned long t = 0;
	int i;

	for (i = 0; i < 40; i++)
		t += tokenize(request, sizeof(request));
	return t;
}

__attribute__((noinline)) static unsigned long hash_block(const char *s,
							  size_t n)
{
	volatile unsigned long h = 1469598103934665603UL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211UL;
	return h;
}

__attribute__((noinline)) static unsigned long checksum(void)
{
	unsigned long h = 0;
	int i;

	for (i = 0; i < 60; i++)
		h ^= hash_block(request, sizeof(request));
	return h;
}

__attribute__((noinline)) static size_t compress_body(void)
{
	volatile size_t o = 0;
	size_t i, run;

	for (run = 0; run < 30; run++)
		for (i = 0, o = 0; i < sizeof(request) && o + 2 < sizeof(out);
		     i++) {
			size_t r = 1;

			while (i + r < sizeof(request) &&
			       request[i + r] == request[i] && r < 255)
				r++;
			out[o++] = (char)r;
			out[o++] = request[i];
			i += r - 1;
		}
	return o;
}

__attribute__((noinline)) static void write_log(int fd)
{
	int i;

	for (i = 0; i < 20; i++)
		if (write(fd, out, sizeof(out)) < 0)
			break;
}

__attribute__((noinline)) static void handle_request(int fd)
{
	parse_request();
	checksum();
	compress_body();
	write_log(fd);
}

int main(int argc, char **argv)
{
	double until = wl_now() + wl_seconds(argc, argv, 3);
	int fd = open("/dev/null", O_WRONLY), i;

	for (i = 0; i < (int)sizeof(request); i++)
		request[i] = "GET /index.html, host: demo "[i % 28];
	while (wl_now() < until)
		handle_request(fd);
	close(fd);
	return 0;
}
