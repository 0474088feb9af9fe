/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Container names from a Docker-compatible Engine API (Docker, Podman's
 * compatible service) over its unix socket: DOCKER_HOST ("unix://PATH"),
 * else /var/run/docker.sock.  `GET /containers/{id}/json` gives the name
 * and the compose labels (com.docker.compose.service, .project), in the
 * API version the daemon reports on `GET /version`.
 *
 * The socket is someone else's: it is used only when it is a socket owned
 * by root (or by us) and the peer that answers runs as root (or as us).
 * Lookups run on a worker thread, one query per container with a short
 * timeout, so a slow or missing daemon never holds up a recording.
 * Not here: finding container ids (container.c, cgroup_ids.c).
 */
#ifndef EBPROF_DOCKER_H
#define EBPROF_DOCKER_H

#include <stdbool.h>

struct docker;

struct docker_info {
	char id[65];		/* full id as the daemon gives it */
	char *name;		/* without the leading '/', or NULL */
	char *service;		/* com.docker.compose.service, or NULL */
	char *project;		/* com.docker.compose.project, or NULL */
};

/*
 * A client for @host (a DOCKER_HOST value; NULL: the environment's, else
 * the default socket).  No connection is made here.  NULL with errno
 * EPROTONOSUPPORT for a host that is not unix://, ENOMEM.
 */
struct docker *docker__new(const char *host);
/* Stops the worker (a query under way ends within its timeout). */
void docker__free(struct docker *d);
const char *docker__socket(const struct docker *d);

/*
 * Asks now (blocking, at most @timeout_ms) for the container @ref (an id,
 * an id prefix or a name).  0, -ENOENT (no such container), -ECONNREFUSED
 * / -ETIMEDOUT / -EPERM (socket missing, slow, untrusted), -EPROTO.
 * docker_info__release() the result.
 */
int docker__inspect(struct docker *d, const char *ref, long timeout_ms,
		    struct docker_info *out);
void docker_info__release(struct docker_info *info);

/*
 * Queues a lookup of the 64-hex id @id: once per id, again only when the
 * daemon did not answer and its back-off (30 s) is over.  Never blocks.
 */
void docker__request(struct docker *d, const char *id);
/*
 * The answer for @id: true and *@out filled (pointers owned by @d, valid
 * until docker__free()) when the daemon named it; false while pending,
 * unknown or unreachable.
 */
bool docker__get(struct docker *d, const char *id, struct docker_info *out);
/* Waits up to @ms for queued lookups to finish (end of a recording). */
void docker__settle(struct docker *d, long ms);

/* Parses an inspect answer; 0 or -EPROTO.  For tests and fuzzing. */
int docker__parse_inspect(const char *json, size_t len,
			  struct docker_info *out);

#endif
