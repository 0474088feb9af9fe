// SPDX-License-Identifier: GPL-2.0
/*
 * The end-of-session summary (see summary.h): `record` prints all of it,
 * `top` the Python line.  Not here: deciding when to print, or output.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/log.h"
#include "record/summary.h"
#include "sample/sampler.h"
#include "unwind/unwind.h"

/* One line as lib/log.h writes it, to @f. */
static void __attribute__((format(printf, 3, 4)))
say(FILE *f, const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log__vprint(f, level, fmt, ap);
	va_end(ap);
}

#define info(f, ...)	say(f, "", __VA_ARGS__)
#define warn(f, ...)	say(f, "warning: ", __VA_ARGS__)
#define debug(f, ...)	do {					\
		if (log_verbosity >= 1)				\
			say(f, "debug: ", __VA_ARGS__);		\
	} while (0)

/* DWARF mode: how unwinding ended, by cause; fp mode: the leaf fix-up. */
static void print_unwind_summary(FILE *f, const struct recorder_stats *st)
{
	char causes[256] = "";
	size_t len = 0;
	uint64_t bad = 0;
	int i;

	if (!st->dwarf_samples) {
		if (st->leaf_fixed)
			info(f, "leaf fix-up: %llu callers restored",
			     (unsigned long long)st->leaf_fixed);
		if (st->midstack_fixed)
			info(f, "frameless functions: %llu skipped callers "
			     "restored from unwind tables",
			     (unsigned long long)st->midstack_fixed);
		return;
	}
	for (i = 0; i < UNWIND_STOP_NR; i++) {
		if (i == UNWIND_END || !st->dwarf_stop[i])
			continue;
		bad += st->dwarf_stop[i];
		len += snprintf(causes + len, sizeof(causes) - len, "%s%llu %s",
				len ? ", " : " (",
				(unsigned long long)st->dwarf_stop[i],
				unwind_stop__name(i));
		if (len >= sizeof(causes))
			len = sizeof(causes) - 1;
	}
	info(f, "dwarf unwinding: %llu of %llu stacks incomplete%s%s, %.1f "
	     "frames and %.0f stack bytes per stack, %llu frames by frame "
	     "pointer, %.1f us per stack",
	     (unsigned long long)bad,
	     (unsigned long long)st->dwarf_samples, causes, len ? ")" : "",
	     (double)st->dwarf_frames / st->dwarf_samples,
	     (double)st->dwarf_bytes / st->dwarf_samples,
	     (unsigned long long)st->dwarf_fp_frames,
	     st->dwarf_ns / 1e3 / st->dwarf_samples);
}

/* A rate the reader kept up with, with room to spare. */
static unsigned int suggest_freq(unsigned int freq, uint64_t kept,
				 uint64_t lost)
{
	double f = (double)freq * kept / (kept + lost) / 2;

	if (f >= 999)
		return f >= 9999 ? 9999 : 999;
	return f >= 99 ? 99 : 49;
}

/* Python samples: how many came out whole, and why the others did not. */
void summary__python(FILE *f, const struct python_stats *ps, bool details)
{
	if (log_verbosity < 0 || !ps || (!ps->processes && !ps->unsupported))
		return;
	if (!details) {
		info(f, "python: %llu processes (%llu unsupported), %llu of "
		     "%llu Python samples with complete Python stacks",
		     (unsigned long long)ps->processes,
		     (unsigned long long)ps->unsupported,
		     (unsigned long long)ps->complete,
		     (unsigned long long)ps->samples);
		return;
	}
	info(f, "python: %llu processes (%llu unsupported), %llu of %llu "
	     "Python samples with complete Python stacks (%llu truncated "
	     "at %d frames, %llu with code unreadable); %llu samples of "
	     "threads without Python frames, %llu before attaching",
	     (unsigned long long)ps->processes,
	     (unsigned long long)ps->unsupported,
	     (unsigned long long)ps->complete,
	     (unsigned long long)ps->samples,
	     (unsigned long long)ps->truncated, PY_MAX_FRAMES,
	     (unsigned long long)ps->unreadable,
	     (unsigned long long)ps->no_thread,
	     (unsigned long long)ps->early);
}

void summary__print(FILE *f, struct session *s, const struct profile *p,
		    double secs)
{
	const struct session_opts *o = session__opts(s);
	const struct recorder_stats *st = session__stats(s);
	struct sampler *smp = session__sampler(s);
	uint64_t n, lost, lost_sb, runs, ns;

	if (log_verbosity < 0)
		return;
	session__counters(s, &n, &lost, &lost_sb);
	if (!sampler__prog_stats(smp, &runs, &ns) && runs)
		debug(f, "BPF program: %llu runs, %.0f ns per run",
		      (unsigned long long)runs, (double)ns / runs);
	if (o->off_cpu && !sampler__offcpu_prog_stats(smp, &runs, &ns) &&
	    runs)
		debug(f, "off-CPU BPF program: %llu context switches, %.0f "
		      "ns per switch", (unsigned long long)runs,
		      (double)ns / runs);
	info(f, "%llu samples in %.1f s (%llu lost, %llu side-band records "
	     "lost), %zu distinct stacks",
	     (unsigned long long)st->samples, secs,
	     (unsigned long long)lost,
	     (unsigned long long)lost_sb, p->nr_samples);
	if (lost && lost * 100 >= st->samples + lost)
		warn(f, "%.0f%% of the samples were lost: ebprof could not "
		     "keep up with %u Hz on %s; use a lower -F (e.g. -F %u)",
		     100.0 * lost / (st->samples + lost), o->freq,
		     o->nr_pids + o->nr_tids || o->command ? "its targets" :
		     "these CPUs", suggest_freq(o->freq, st->samples, lost));
	if (o->user)
		info(f, "user stacks: %llu missing (%llu unreadable), %llu "
		     "truncated at %d frames, %llu addresses outside any "
		     "mapping",
		     (unsigned long long)st->user_missing,
		     (unsigned long long)st->user_missing_efault,
		     (unsigned long long)st->user_truncated,
		     st->dwarf_samples ? UNWIND_MAX_FRAMES : SAMPLER_MAX_STACK,
		     (unsigned long long)st->unmapped_frames);
	if (o->user)
		print_unwind_summary(f, st);
	if (o->off_cpu) {
		struct sampler_offcpu_stats os;

		sampler__offcpu_stats(smp, &os);
		info(f, "off-CPU: %llu blocks with stacks (%.3f s), %llu under "
		     "%.0f us summed per thread (%.3f s); lost: %llu blocks "
		     "(%.3f s) ring buffer full, %llu (%.3f s) short-block "
		     "map full, %llu switch-outs untracked; %llu blocks "
		     "still open at the end charged up to it",
		     (unsigned long long)st->off_blocks, st->off_ns / 1e9,
		     (unsigned long long)st->off_short_blocks,
		     o->off_cpu_min_ns / 1e3, st->off_short_ns / 1e9,
		     (unsigned long long)os.lost, os.lost_ns / 1e9,
		     (unsigned long long)os.short_lost,
		     os.short_lost_ns / 1e9,
		     (unsigned long long)os.no_start,
		     (unsigned long long)session__offcpu_in_progress(s));
	}
	summary__python(f, session__python_stats(s), true);
	if (o->kernel)
		info(f, "kernel stacks: %llu missing, %llu truncated at %d "
		     "frames%s",
		     (unsigned long long)st->kernel_missing,
		     (unsigned long long)st->kernel_truncated,
		     SAMPLER_MAX_STACK,
		     symbolizer__kernel_error(session__symbolizer(s)) ?
		     ", kernel symbols unreadable (/proc/kallsyms)" : "");
	fflush(f);
	recorder__print_unresolved(session__recorder(s), f, 1.0);
}
