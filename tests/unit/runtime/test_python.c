// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/runtime/python.c's line tables: co_linetable of one
 * function as CPython 3.10 and 3.12 compiled it, against the lines that
 * the interpreter's own code.co_lines() gives for every code unit
 * (tables and lines printed by those interpreters), plus truncated and
 * hostile tables.
 */
#include <string.h>

#include "runtime/python.h"
#include "test.h"

/*
 * def f(a, b):            # line 2
 *     x = a + b
 *     if x > 3:
 *         y = [i * 2
 *              for i in range(x)]
 *     else:
 *         y = None
 *
 *     return (x,
 *             y)
 */
static const uint8_t t310[] = {
	0x08, 0x01, 0x08, 0x01, 0x06, 0x01, 0x06, 0x01, 0x06, 0xff, 0x02, 0x05,
	0x02, 0x01, 0x04, 0xff, 0x04, 0xfe, 0x02, 0x02, 0x02, 0x01, 0x04, 0xff,
};
static const int l310[] = {
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 6, 6, 6, 5, 5, 5, 10, 11, 10, 10, 8,
	8, 10, 11, 10, 10,
};

static const uint8_t t312[] = {
	0x80, 0x00, 0xd8, 0x08, 0x09, 0x88, 0x41, 0x89, 0x05, 0x80, 0x41, 0xd8,
	0x07, 0x08, 0x88, 0x31, 0x82, 0x75, 0xe4, 0x16, 0x1b, 0x98, 0x41, 0x93,
	0x68, 0xf6, 0x03, 0x01, 0x0d, 0x20, 0xd8, 0x11, 0x12, 0xf0, 0x03, 0x00,
	0x0e, 0x0f, 0x90, 0x11, 0x8b, 0x55, 0xf0, 0x00, 0x01, 0x0d, 0x20, 0x88,
	0x01, 0xf0, 0x00, 0x01, 0x0d, 0x20, 0xf0, 0x0a, 0x00, 0x0d, 0x0e, 0xd8,
	0x0c, 0x0d, 0xf0, 0x03, 0x01, 0x0c, 0x0f, 0xf0, 0x00, 0x01, 0x05, 0x0f,
	0xf0, 0x05, 0x00, 0x0d, 0x11, 0x88, 0x01, 0xe0, 0x0c, 0x0d, 0xd8, 0x0c,
	0x0d, 0xf0, 0x03, 0x01, 0x0c, 0x0f, 0xf0, 0x00, 0x01, 0x05, 0x0f, 0xf9,
	0xf2, 0x0b, 0x01, 0x0d, 0x20,
};
static const int l312[] = {
	2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5,
	5, 5, 5, 5, 5, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5, 10, 11, 10, 10, 8, 8, 10,
	11, 10, 10, -1, -1, 5, 5, 5,
};

static void check_table(unsigned int minor, const uint8_t *t, size_t len,
			const int *want, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if (python__line(minor, t, len, 2, i) != want[i])
			bad++;
	CHECK(!bad, "python__line 3.%u: %zu code units as co_lines() says "
	      "(%zu differ)", minor, n, bad);
	CHECK(python__line(minor, t, len, 2, n + 5) == -1,
	      "python__line 3.%u: past the end: no line", minor);
	CHECK(python__line(minor, t, len, 2, -1) == 2,
	      "python__line 3.%u: before the first instruction: first line",
	      minor);
}

static void test_hostile(void)
{
	uint8_t junk[64];
	size_t i, len;
	int ok = 1;

	/* Every prefix of a table, and random bytes: no read past the end. */
	for (len = 0; len <= sizeof(t312); len++)
		for (i = 0; i < 60; i++)
			(void)python__line(12, t312, len, 2, i);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 0xc5);
	for (i = 0; i < 200; i++) {
		int l = python__line(11, junk, sizeof(junk), 1, i);

		if (l < -1 && l > -100000000)
			ok = 0;
		(void)python__line(10, junk, sizeof(junk), 1, i);
	}
	CHECK(ok, "python__line: truncated and random tables stay in bounds");
	CHECK(python__line(12, NULL, 0, 7, 3) == -1,
	      "python__line: no table: no line");
}

int main(void)
{
	check_table(10, t310, sizeof(t310), l310, sizeof(l310) / sizeof(*l310));
	check_table(12, t312, sizeof(t312), l312, sizeof(l312) / sizeof(*l312));
	test_hostile();
	return test_status();
}
