// SPDX-License-Identifier: GPL-2.0
/* A recording's notes as profile comments; see notes.h. */
#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "record/notes.h"
#include "sample/sampler.h"

int notes__add(struct profile *p, struct session *s, char *const *argv,
	       bool losses, bool pprof)
{
	const struct session_opts *o = session__opts(s);
	struct sampler_offcpu_stats os;
	uint64_t lost, lost_sideband;
	struct utsname u;
	char buf[4096];
	size_t n = 0;
	int i, err = 0;

	for (i = 0; argv[i] && n < sizeof(buf) - 1; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
			      argv[i]);
	err |= profile__add_comment(p, buf);
	if (!uname(&u)) {
		snprintf(buf, sizeof(buf), "kernel: %s %s %s", u.sysname,
			 u.release, u.machine);
		err |= profile__add_comment(p, buf);
	}
	snprintf(buf, sizeof(buf), "frequency: %u Hz, call graph: fp, "
		 "stacks: %s", o->freq, o->user && o->kernel ? "user+kernel" :
		 o->user ? "user" : "kernel");
	err |= profile__add_comment(p, buf);
	if (!losses)
		return err ? -ENOMEM : 0;
	session__counters(s, NULL, &lost, &lost_sideband);
	snprintf(buf, sizeof(buf), "lost samples: %llu, lost side-band "
		 "records: %llu", (unsigned long long)lost,
		 (unsigned long long)lost_sideband);
	err |= profile__add_comment(p, buf);
	if (o->off_cpu) {
		sampler__offcpu_stats(session__sampler(s), &os);
		snprintf(buf, sizeof(buf), "off-cpu: blocks under %.0f us "
			 "summed per thread; lost off-CPU blocks: %llu "
			 "(%.0f us); values: %s", o->off_cpu_min_ns / 1e3,
			 (unsigned long long)(os.lost + os.short_lost),
			 (os.lost_ns + os.short_lost_ns) / 1e3,
			 pprof ? "cpu and off_cpu in "
			 "nanoseconds" : "wall-clock microseconds");
		err |= profile__add_comment(p, buf);
	}
	return err ? -ENOMEM : 0;
}
