// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for input.c, what report, flame and push read: format
 * detection by content (text, gzip, protobuf, damaged text, garbage), the
 * bounded reading of a file, then either reader; and folded_stream.c, the
 * flame fast path, on the same bytes.  Properties: an error always has a
 * message, no stack is deeper than PROFILE_MAX_DEPTH, and the fast path
 * cuts and counts the lines the profile path cut.  Seeds in
 * tests/fuzz/corpus/input/ (deep stacks, a NUL in text, truncated pprof).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "format/input.h"
#include "render/folded_stream.h"

static int on_stack(size_t same, const struct fg_frame *rest, size_t nrest,
		    double count, void *ctx)
{
	size_t *depth = ctx;

	if (same > *depth || same + nrest > PROFILE_MAX_DEPTH) {
		fprintf(stderr, "stream: same %zu after depth %zu, %zu more\n",
			same, *depth, nrest);
		abort();
	}
	*depth = same + nrest;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile *p = profile__new();
	struct folded_stats fs = { 0 };
	struct input_stats st;
	char path[64], err[256] = "";
	size_t i, depth = 0;
	int fd, r;
	FILE *f;

	fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (!p || fd < 0 || write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = input__read(p, path, &st, err, sizeof(err));
	if (r && !err[0]) {
		fprintf(stderr, "error %d without a message\n", r);
		abort();
	}
	for (i = 0; !r && i < p->nr_samples; i++)
		if (p->samples[i].depth > PROFILE_MAX_DEPTH)
			abort();
	/* Plain text takes flame's fast path too (flame.c: looks_text()). */
	for (i = 0; i < size && data[i] >= 0x09 &&
		    (data[i] <= 0x0d || data[i] >= 0x20 || data[i] == 0x1b);
	     i++)
		;
	if (!r && st.format == INPUT_FOLDED && size && i == size) {
		f = fmemopen((void *)data, size, "r");
		if (f && !folded_stream__read(f, NULL, 0, FOLDED_STREAM_SORT,
					      on_stack, &depth, &fs) &&
		    fs.cut != p->cut_stacks) {
			fprintf(stderr, "stream cut %zu, profile cut %zu\n",
				fs.cut, p->cut_stacks);
			abort();
		}
		if (f)
			fclose(f);
	}
out:
	if (fd >= 0)
		close(fd);
	profile__free(p);
	return 0;
}
