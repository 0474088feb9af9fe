/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a recording was made, as its profile's comments (pprof keeps them,
 * the folded writer does not): the command line, the kernel, the sampling
 * settings, and the losses.  `record` and `top` (its `w` and -o) write the
 * same notes.  Not here: the samples, or writing the profile.
 */
#ifndef EBPROF_NOTES_H
#define EBPROF_NOTES_H

#include <stdbool.h>

#include "profile/profile.h"
#include "record/session.h"

/*
 * Adds the notes of @s, sampling for the command line @argv, to @p: with
 * @losses, also the lost samples and side-band records and the off-CPU
 * settings and losses (saying the values are in nanoseconds with @pprof,
 * else wall-clock microseconds).  0 or -ENOMEM.
 */
int notes__add(struct profile *p, struct session *s, char *const *argv,
	       bool losses, bool pprof);

#endif
