/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall-clock views of recordings made with `record --off-cpu`: where
 * threads ran (cpu), where they waited (off_cpu) and both (wall), and the
 * per-thread split of wall time.  A pprof recording holds cpu and off_cpu
 * in nanoseconds; a folded one holds the wall view in microseconds, its
 * off-CPU stacks ending in a "[off-cpu: STATE]" frame.  Not here: how
 * blocks are recorded (sampler.c, recorder.c).
 */
#ifndef EBPROF_WALLCLOCK_H
#define EBPROF_WALLCLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

/* "sleeping", "disk", "runnable" (enum off_state), else "unknown". */
const char *off_state__name(unsigned int state);

/* Prefix of the leaf frame of an off-CPU stack. */
#define WALLCLOCK_MARKER "[off-cpu: "

/*
 * The type name behind a --sample-type value: "off-cpu" is "off_cpu";
 * other names are returned as they are.
 */
const char *wallclock__type_name(const char *name);

/*
 * Gives @p the types cpu, off_cpu and wall when it is a wall-clock
 * recording (adding the ones it lacks), without changing its default
 * type.  1 when it is one, 0 when not, -ENOMEM.
 */
int wallclock__add_views(struct profile *p);

/*
 * For a folded file: adds wall/microseconds (cpu + off_cpu, rounded per
 * sample) to a profile from recorder__build() with off-CPU time, and
 * makes it the default type.  0 or -ENOMEM.
 */
int wallclock__folded_view(struct profile *p);

/*
 * Adds the views (wallclock__add_views()) and makes @sample_type (NULL:
 * wall for wall-clock recordings, else the file's default) the default
 * type.  0, or -EINVAL with @err set when @p has no such type, -ENOMEM.
 */
int wallclock__select(struct profile *p, const char *sample_type, char *err,
		      size_t errlen);

struct wallclock_thread {
	int32_t pid, tid;
	const char *comm;		/* interned in the profile, or NULL */
	double cpu, off[3];		/* by enum off_state */
	double wall;
};

/*
 * Per-thread sums of a profile with views (wallclock__add_views()),
 * largest wall time first, in the profile's unit (*unit: "nanoseconds"
 * or "microseconds").  0 or -ENOMEM; free *rows.
 */
int wallclock__threads(const struct profile *p, struct wallclock_thread **rows,
		       size_t *nr, const char **unit);

#endif
