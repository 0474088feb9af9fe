// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/record/summary.c that need no BPF session: the
 * Python line, short (top) and detailed (record), to the FILE * given,
 * prefixed like lib/log.h and silenced by -q.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "record/summary.h"
#include "test.h"

/* What summary__python() writes for @ps, in @buf. */
static void python_line(const struct python_stats *ps, bool details,
			char *buf, size_t len)
{
	FILE *f = tmpfile();
	size_t n = 0;

	if (f) {
		summary__python(f, ps, details);
		rewind(f);
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

int main(void)
{
	struct python_stats ps = {
		.processes = 2, .unsupported = 1, .complete = 90,
		.samples = 100, .truncated = 3, .unreadable = 7,
		.no_thread = 5, .early = 4,
	};
	struct python_stats none = { 0 };
	char buf[1024], want[1024];

	log_prefix = "ebprof top";
	python_line(&ps, false, buf, sizeof(buf));
	CHECK(!strcmp(buf, "ebprof top: python: 2 processes (1 unsupported), "
		      "90 of 100 Python samples with complete Python "
		      "stacks\n"), "summary: short Python line (top)");

	log_prefix = "ebprof record";
	snprintf(want, sizeof(want), "ebprof record: python: 2 processes (1 "
		 "unsupported), 90 of 100 Python samples with complete Python "
		 "stacks (3 truncated at %d frames, 7 with code unreadable); 5 "
		 "samples of threads without Python frames, 4 before "
		 "attaching\n", PY_MAX_FRAMES);
	python_line(&ps, true, buf, sizeof(buf));
	CHECK(!strcmp(buf, want), "summary: detailed Python line (record)");

	python_line(&none, true, buf, sizeof(buf));
	CHECK(!buf[0], "summary: no Python processes, no line");
	python_line(NULL, false, buf, sizeof(buf));
	CHECK(!buf[0], "summary: no Python stats, no line");

	log_verbosity = -1;
	python_line(&ps, true, buf, sizeof(buf));
	CHECK(!buf[0], "summary: -q silences the Python line");
	return test_status();
}
