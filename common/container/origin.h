/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where samples come from: each sample's cgroup v2 id is resolved once,
 * when first seen (so a cgroup removed before the end still counts), to
 * an origin: cgroup path, container id, pod, systemd unit, and, from the
 * Docker API when one answers, container name and compose service.  On
 * hybrid hosts whose runtimes use v1 controllers only, the task's v1 path
 * decides, per process.  Also keeps each container process's PID in its
 * own namespace.  Filters samples by container for record --container.
 * Not here: path parsing (container.c), ids (cgroup_ids.c), the Docker
 * client (docker.c).
 */
#ifndef EBPROF_ORIGIN_H
#define EBPROF_ORIGIN_H

#include <stdint.h>
#include <sys/types.h>

#include "container/cgroup_ids.h"
#include "container/docker.h"
#include "profile/profile.h"

struct origins;

/*
 * @cg may be NULL (no v2 hierarchy: v1 paths only), @dk NULL (no names).
 * Both stay the caller's.  NULL on ENOMEM.
 */
struct origins *origins__new(struct cgroup_ids *cg, struct docker *dk);
void origins__free(struct origins *o);

/* Keeps only containers whose id starts with @prefix (repeatable). */
int origins__want(struct origins *o, const char *prefix);
/*
 * Same for a container named by @ref: the Docker API's answer for it (a
 * name, an id or its prefix), else @ref itself when it is hex.  0, or
 * -ENOENT with the reason in @why.
 */
int origins__want_ref(struct origins *o, const char *ref, char *why,
		      size_t len);
/*
 * The cgroup directory (absolute) of the wanted containers when they are
 * exactly one that has a cgroup now: the kernel can filter on it.  0 or
 * -ENOENT.
 */
int origins__wanted_cgroup(struct origins *o, char *path, size_t len);

/* Origin (>= 1) of a sample of @pid in cgroup @cgroup_id; 0: filtered out. */
uint32_t origins__of(struct origins *o, uint64_t cgroup_id, pid_t pid);

/*
 * Fills @l's cgroup, origin[] and ns_pid for a sample of @pid from
 * @origin.  The strings stay valid until origins__free().
 */
void origins__labels(struct origins *o, uint32_t origin, pid_t pid,
		     struct pf_labels *l);

/*
 * Forgets what it knew of processes that are gone (continuous mode, after
 * a window is built), so that a recording that runs for days stays flat.
 */
void origins__trim(struct origins *o);

/* Waits up to @ms for pending name lookups (before a final build). */
void origins__settle(struct origins *o, long ms);

#endif
