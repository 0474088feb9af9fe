/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a cgroup path says about its tasks: the container id (Docker,
 * containerd, CRI-O, Podman, in their systemd and cgroupfs namings), the
 * Kubernetes pod UID and QoS class (kubepods paths, both drivers) and the
 * systemd unit.  Pure string parsing: no file is read here (cgroup_ids.c
 * finds the paths, docker.c the names).
 */
#ifndef EBPROF_CONTAINER_H
#define EBPROF_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#define CONTAINER_ID_LEN	64	/* hex digits of a full id */
#define CONTAINER_SHORT_LEN	12	/* what `docker ps` shows */
#define POD_UID_LEN		36	/* 8-4-4-4-12 */
#define UNIT_NAME_MAX		255

enum ct_runtime {
	CT_NONE,
	CT_DOCKER,
	CT_CONTAINERD,
	CT_CRIO,
	CT_PODMAN,
	CT_OTHER,	/* a bare 64-hex directory outside the known parents */
};

enum ct_qos {
	QOS_NONE,
	QOS_GUARANTEED,
	QOS_BURSTABLE,
	QOS_BESTEFFORT,
};

struct cgroup_info {
	enum ct_runtime runtime;
	char id[CONTAINER_ID_LEN + 1];		/* "" when none */
	enum ct_qos qos;
	char pod_uid[POD_UID_LEN + 1];		/* "" when none */
	char unit[UNIT_NAME_MAX + 1];		/* "" when none */
};

/*
 * Parses a cgroup path as in /proc/PID/cgroup ("/system.slice/docker-ID.
 * scope").  The innermost container wins (nested runtimes); monitor
 * scopes (*-conmon-*) are not containers.  The unit is the innermost
 * ".service", else the innermost ".scope" that is no container.  Always
 * fills @ci (zeroed first); returns true when anything was found.
 */
bool cgroup_path__parse(const char *path, struct cgroup_info *ci);

const char *ct_runtime__name(enum ct_runtime rt);
const char *ct_qos__name(enum ct_qos q);

/* True when @s is 1 to 64 lowercase hex digits (an id or its prefix). */
bool container_id__is_prefix(const char *s);

#endif
