/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cgroup v2 ids (what bpf_get_current_cgroup_id() returns) -> paths.  The
 * id is the kernfs node id of the task's cgroup in the v2 hierarchy, which
 * name_to_handle_at() returns as the directory's file handle (and stat()
 * as its inode).  The v2 mount is found in /proc/self/mountinfo: pure v2
 * (/sys/fs/cgroup) and hybrid (/sys/fs/cgroup/unified beside v1
 * controllers) hosts both work.  A path comes from the sampled task's
 * /proc/PID/cgroup when its id matches, else from a walk of the mount
 * (which also serves tasks that are gone).  Not here: what a path means
 * (container.c).
 */
#ifndef EBPROF_CGROUP_IDS_H
#define EBPROF_CGROUP_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cgroup_ids;

/*
 * Finds the cgroup v2 mount in @mountinfo (NULL: /proc/self/mountinfo).
 * 0, -ENOENT (no cgroup2 mount), -ENOMEM.
 */
int cgroup_ids__new(const char *mountinfo, struct cgroup_ids **out);
void cgroup_ids__free(struct cgroup_ids *c);

/* Where the v2 hierarchy is mounted ("/sys/fs/cgroup/unified"). */
const char *cgroup_ids__mount(const struct cgroup_ids *c);
/* Whether v1 hierarchies are mounted too (a hybrid host). */
bool cgroup_ids__has_v1(const struct cgroup_ids *c);

/* The id of the cgroup directory @path (absolute).  0 or -errno. */
int cgroup_ids__id_of(const char *path, uint64_t *id);

/*
 * Path of cgroup @id relative to the mount ("/system.slice/x.service", "/"
 * for the root), @pid being a task just seen in it (0: none).  The string
 * stays valid until cgroup_ids__free().  NULL when no cgroup has this id
 * (after a walk of the hierarchy: cache the answer).
 */
const char *cgroup_ids__path(struct cgroup_ids *c, uint64_t id, pid_t pid);

/*
 * Calls @fn for every cgroup below the mount (the root included), with
 * its path relative to the mount and its id, and caches them.  Stops when
 * @fn returns non-zero and returns that.  Depth and count are bounded.
 */
int cgroup_ids__walk(struct cgroup_ids *c,
		     int (*fn)(void *ctx, const char *path, uint64_t id),
		     void *ctx);

/*
 * The lines of /proc/PID/cgroup: @v2 gets the "0::" path, @v1 the paths
 * of the v1 hierarchies other than "/", one a line.  Either may be NULL.
 * 0 or -errno.
 */
int cgroup_proc__paths(pid_t pid, char *v2, size_t v2len, char *v1,
		       size_t v1len);

/* The PID of @pid in its innermost PID namespace (NSpid), or 0. */
pid_t proc__nspid(pid_t pid);

#endif
