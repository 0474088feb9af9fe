/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this build of ebprof is made of and what this kernel offers it,
 * for `ebprof --version`: static or dynamic build, each library with its
 * version and whether it is linked in, shared, or loaded at run time
 * (libcurl), and the kernel's BPF features the sampler relies on.
 *
 * (Not named features.h: -Icommon would hide glibc's <features.h>.)
 *
 * Not here: refusing to run without a feature (the sampler's load fails
 * with its own message) or printing (cmd/ebprof.c prints the text).
 */
#ifndef EBPROF_BUILD_INFO_H
#define EBPROF_BUILD_INFO_H

#include "lib/strbuf.h"

/* Appends the description, one "name value" line each.  0 or -ENOMEM. */
int build_info__describe(struct strbuf *out);

#endif
