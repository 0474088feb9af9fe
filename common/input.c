// SPDX-License-Identifier: GPL-2.0
/* Format detection and reading of recordings; see input.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "folded.h"
#include "input.h"

int input__read(struct profile *p, const char *path, struct input_stats *st,
		char *err, size_t errlen)
{
	struct folded_stats fs = { 0 };
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int r;

	memset(st, 0, sizeof(*st));
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return r;
	}
	st->format = INPUT_FOLDED;
	r = folded__read(p, f, &fs);
	if (r)
		snprintf(err, errlen, "%s", strerror(-r));
	st->lines = fs.lines;
	st->bad_lines = fs.bad;
	st->first_bad = fs.first_bad;
	if (f != stdin)
		fclose(f);
	return r;
}

struct profile *input__read_all(char *const *paths, size_t n, char *err,
				size_t errlen)
{
	struct profile *p = profile__new();
	struct input_stats st;
	char why[256];
	size_t i;

	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (input__read(p, paths[i], &st, why, sizeof(why))) {
			snprintf(err, errlen, "cannot read '%s': %s", paths[i],
				 why);
			profile__free(p);
			return NULL;
		}
	}
	return p;
}
