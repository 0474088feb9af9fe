// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup path -> container id, pod, unit; see container.h.  The namings
 * (runc's systemd driver "<prefix>-<id>.scope", cgroupfs "<parent>/<id>",
 * kubelet's "kubepods/<qos>/pod<uid>" and its systemd form with '-' in the
 * UID turned into '_') are those of the runtimes' own sources.
 */
#include <string.h>

#include "container/container.h"

/* Systemd-driver prefixes ("<prefix>-<id>.scope") and cgroupfs ones. */
static const struct {
	const char *prefix;
	enum ct_runtime rt;
} prefixes[] = {
	{ "docker-", CT_DOCKER },
	{ "cri-containerd-", CT_CONTAINERD },
	{ "crio-", CT_CRIO },
	{ "libpod-payload-", CT_PODMAN },
	{ "libpod-", CT_PODMAN },
};

static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

bool container_id__is_prefix(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= CONTAINER_ID_LEN && is_hex(s, n);
}

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);

	return n >= k && !memcmp(s + n - k, suf, k);
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static bool starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && !memcmp(s, lit, k);
}

/* A container id in component c[0..n), or CT_NONE. */
static enum ct_runtime container_of(const char *c, size_t n, bool under_docker,
				    const char **id)
{
	size_t i, k;

	if (has_suffix(c, n, ".scope"))
		n -= 6;
	if (n == CONTAINER_ID_LEN && is_hex(c, n)) {
		*id = c;
		return under_docker ? CT_DOCKER : CT_OTHER;
	}
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		k = strlen(prefixes[i].prefix);
		if (n != k + CONTAINER_ID_LEN ||
		    memcmp(c, prefixes[i].prefix, k) ||
		    !is_hex(c + k, CONTAINER_ID_LEN))
			continue;
		*id = c + k;
		return prefixes[i].rt;
	}
	return CT_NONE;
}

/* "pod<uid>" (cgroupfs) or "<...>-pod<uid_>.slice" (systemd). */
static bool pod_of(const char *c, size_t n, struct cgroup_info *ci)
{
	const char *u;
	size_t len, i;
	char uid[POD_UID_LEN + 1];

	if (starts(c, n, "pod")) {
		u = c + 3;
		len = n - 3;
	} else if (starts(c, n, "kubepods-") && has_suffix(c, n, ".slice")) {
		const char *p = c + 9, *end = c + n - 6;

		if (starts(p, end - p, "burstable-pod")) {
			ci->qos = QOS_BURSTABLE;
			p += 13;
		} else if (starts(p, end - p, "besteffort-pod")) {
			ci->qos = QOS_BESTEFFORT;
			p += 14;
		} else if (starts(p, end - p, "pod")) {
			ci->qos = QOS_GUARANTEED;
			p += 3;
		} else {
			return false;
		}
		u = p;
		len = end - p;
	} else {
		return false;
	}
	/* 36 with dashes (API-server pods) or 32 hex (static pods). */
	if (len != 36 && len != 32)
		return false;
	for (i = 0; i < len; i++) {
		char ch = u[i] == '_' ? '-' : u[i];

		if (ch != '-' && !is_hex(&ch, 1))
			return false;
		uid[i] = ch;
	}
	uid[len] = '\0';
	memcpy(ci->pod_uid, uid, len + 1);
	return true;
}

bool cgroup_path__parse(const char *path, struct cgroup_info *ci)
{
	const char *c = path, *id = NULL;
	bool under_docker = false, in_kubepods = false;
	char scope[UNIT_NAME_MAX + 1] = "";
	enum ct_qos qos = QOS_NONE;

	memset(ci, 0, sizeof(*ci));
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		enum ct_runtime rt;
		const char *cid = NULL;

		if (!n)
			goto next;
		if (memmem(c, n, "-conmon-", 8) || starts(c, n, "conmon")) {
			/* A runtime's monitor: not the workload. */
		} else if ((rt = container_of(c, n, under_docker, &cid)) != CT_NONE) {
			ci->runtime = rt;
			id = cid;
		} else if (eq(c, n, "kubepods") || eq(c, n, "kubepods.slice")) {
			in_kubepods = true;
			qos = QOS_GUARANTEED;
		} else if (in_kubepods && (eq(c, n, "burstable") ||
				eq(c, n, "kubepods-burstable.slice"))) {
			qos = QOS_BURSTABLE;
		} else if (in_kubepods && (eq(c, n, "besteffort") ||
				eq(c, n, "kubepods-besteffort.slice"))) {
			qos = QOS_BESTEFFORT;
		} else if (in_kubepods && pod_of(c, n, ci)) {
			if (starts(c, n, "pod"))
				ci->qos = qos;
		} else if (has_suffix(c, n, ".service") && n <= UNIT_NAME_MAX) {
			memcpy(ci->unit, c, n);
			ci->unit[n] = '\0';
		} else if (has_suffix(c, n, ".scope") && n <= UNIT_NAME_MAX) {
			memcpy(scope, c, n);
			scope[n] = '\0';
		}
		under_docker = eq(c, n, "docker");
next:
		if (!e)
			break;
		c = e + 1;
	}
	if (id) {
		memcpy(ci->id, id, CONTAINER_ID_LEN);
		ci->id[CONTAINER_ID_LEN] = '\0';
	}
	if (!ci->unit[0] && scope[0])
		memcpy(ci->unit, scope, sizeof(scope));
	if (!ci->pod_uid[0])
		ci->qos = QOS_NONE;
	return ci->id[0] || ci->pod_uid[0] || ci->unit[0];
}

const char *ct_runtime__name(enum ct_runtime rt)
{
	static const char *const names[] = {
		[CT_NONE] = "", [CT_DOCKER] = "docker",
		[CT_CONTAINERD] = "containerd", [CT_CRIO] = "cri-o",
		[CT_PODMAN] = "podman", [CT_OTHER] = "container",
	};

	return rt <= CT_OTHER ? names[rt] : "";
}

const char *ct_qos__name(enum ct_qos q)
{
	static const char *const names[] = {
		[QOS_NONE] = "", [QOS_GUARANTEED] = "guaranteed",
		[QOS_BURSTABLE] = "burstable", [QOS_BESTEFFORT] = "besteffort",
	};

	return q <= QOS_BESTEFFORT ? names[q] : "";
}
