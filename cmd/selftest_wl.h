/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workloads ebprof carries inside itself for `unwind-test` (see
 * mk/selftest.mk): tests/workloads/unwind_chains.c built with and without
 * frame pointers.  A child runs one with
 *   ebprof --workload NAME MODE [SECONDS]
 * so the self-test needs no file beside the binary.
 *
 * Not here: sampling and scoring the workloads (cmd/unwind_test.c).
 */
#ifndef EBPROF_SELFTEST_WL_H
#define EBPROF_SELFTEST_WL_H

#define SELFTEST_WL_OPTION	"--workload"

typedef int (*selftest_wl_fn)(int argc, char **argv);

/*
 * The entry point of workload @name (called with argv[0] the workload's
 * name, then its arguments; returns its exit status), or NULL.  main()
 * calls it itself: a frame of ours between main and the workload, built
 * without frame pointers, would cut the frame-pointer chains it tests.
 */
selftest_wl_fn selftest_wl__find(const char *name);

#endif
