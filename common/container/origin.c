// SPDX-License-Identifier: GPL-2.0
/*
 * Sample origins: cgroup id (and, on v1-only runtimes, pid) -> container,
 * pod, unit; see origin.h.  A hash lookup per sample; files are read only
 * for a cgroup or process seen for the first time.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "container/origin.h"
#include "lib/array.h"
#include "lib/hashmap.h"

#define PATH_LEN 4096

struct org {
	uint64_t cgroup_id;
	pid_t pid;		/* 0: every task of the cgroup */
	bool wanted;
	bool named;		/* docker answered */
	char *path;		/* cgroup path, or NULL */
	struct cgroup_info ci;
	char short_id[CONTAINER_SHORT_LEN + 1];
	struct docker_info dk;	/* strings owned by struct docker */
};

struct pidorg {
	uint64_t cgroup_id;
	pid_t pid;
	uint32_t org;
};

struct nspid {
	pid_t pid, ns;
};

struct origins {
	struct cgroup_ids *cg;
	struct docker *dk;
	struct org *orgs;	/* origin i at orgs[i - 1] */
	size_t nr, cap;
	struct hashmap idx;
	struct nspid *pids;
	size_t nr_pids, pids_cap;
	struct hashmap pid_idx;
	struct pidorg *pidorgs;
	struct hashmap pidorg_idx;
	size_t nr_pidorgs, pidorgs_cap;
	bool v1;			/* v1 hierarchies are mounted */
	char **want;
	size_t nr_want, want_cap;
};

struct origins *origins__new(struct cgroup_ids *cg, struct docker *dk)
{
	struct origins *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->cg = cg;
	o->dk = dk;
	o->v1 = !cg || cgroup_ids__has_v1(cg);
	hashmap__init(&o->idx);
	hashmap__init(&o->pid_idx);
	hashmap__init(&o->pidorg_idx);
	return o;
}

void origins__free(struct origins *o)
{
	size_t i;

	if (!o)
		return;
	for (i = 0; i < o->nr; i++)
		free(o->orgs[i].path);
	for (i = 0; i < o->nr_want; i++)
		free(o->want[i]);
	free(o->want);
	free(o->orgs);
	free(o->pids);
	free(o->pidorgs);
	hashmap__release(&o->idx);
	hashmap__release(&o->pid_idx);
	hashmap__release(&o->pidorg_idx);
	free(o);
}

int origins__want(struct origins *o, const char *prefix)
{
	char *copy;

	if (!container_id__is_prefix(prefix))
		return -EINVAL;
	if (array__grow((void **)&o->want, &o->want_cap, o->nr_want + 1,
			sizeof(*o->want)))
		return -ENOMEM;
	copy = strdup(prefix);
	if (!copy)
		return -ENOMEM;
	o->want[o->nr_want++] = copy;
	return 0;
}

static bool wanted(const struct origins *o, const struct cgroup_info *ci)
{
	size_t i;

	if (!o->nr_want)
		return true;
	for (i = 0; i < o->nr_want; i++)
		if (ci->id[0] && !strncmp(ci->id, o->want[i],
					  strlen(o->want[i])))
			return true;
	return false;
}

int origins__want_ref(struct origins *o, const char *ref, char *why,
		      size_t len)
{
	struct docker_info info;
	int err = o->dk ? docker__inspect(o->dk, ref, 2000, &info) :
		  -ECONNREFUSED;

	if (!err) {
		err = origins__want(o, info.id);
		docker_info__release(&info);
		return err;
	}
	if (container_id__is_prefix(ref))
		return origins__want(o, ref);
	if (err == -ENOENT)
		snprintf(why, len, "the Docker API at %s knows no such "
			 "container", docker__socket(o->dk));
	else if (o->dk)
		snprintf(why, len, "no answer from the Docker API at %s: %s",
			 docker__socket(o->dk), strerror(-err));
	else
		snprintf(why, len, "no Docker API to ask for names");
	return -ENOENT;
}

struct find_ctx {
	struct origins *o;
	char path[PATH_LEN];
	char id[CONTAINER_ID_LEN + 1];
	int found;		/* containers seen */
};

static int find_one(void *ctx, const char *path, uint64_t id)
{
	struct find_ctx *f = ctx;
	struct cgroup_info ci;

	if (!cgroup_path__parse(path, &ci) || !ci.id[0] ||
	    !wanted(f->o, &ci) || !strcmp(ci.id, f->id))
		return 0;
	/* The outermost directory of the container comes first. */
	if (f->found++)
		return 1;
	memcpy(f->id, ci.id, sizeof(f->id));
	snprintf(f->path, sizeof(f->path), "%s", path);
	return 0;
}

int origins__wanted_cgroup(struct origins *o, char *path, size_t len)
{
	struct find_ctx *f;
	int err = -ENOENT;

	if (!o->cg || !o->nr_want)
		return -ENOENT;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->o = o;
	if (!cgroup_ids__walk(o->cg, find_one, f) && f->found == 1 &&
	    (size_t)snprintf(path, len, "%s%s", cgroup_ids__mount(o->cg),
			     f->path) < len)
		err = 0;
	free(f);
	return err;
}

struct org_key {
	uint64_t id;
	pid_t pid;
};

static uint64_t org_hash(const struct org_key *k)
{
	return hash__u64(k->id, (uint32_t)k->pid);
}

static bool org_eq(uint32_t i, const void *key, void *ctx)
{
	const struct org *g = &((struct origins *)ctx)->orgs[i - 1];
	const struct org_key *k = key;

	return g->cgroup_id == k->id && g->pid == k->pid;
}


static uint32_t add(struct origins *o, uint64_t id, pid_t pid,
		    const char *path, const struct cgroup_info *ci)
{
	struct org_key k = { id, pid };
	struct org *g;

	if (array__grow((void **)&o->orgs, &o->cap, o->nr + 1,
			sizeof(*o->orgs)))
		return 0;
	g = &o->orgs[o->nr];
	memset(g, 0, sizeof(*g));
	g->cgroup_id = id;
	g->pid = pid;
	g->ci = *ci;
	if (path && !(g->path = strdup(path)))
		return 0;
	memcpy(g->short_id, ci->id, CONTAINER_SHORT_LEN);
	g->wanted = wanted(o, ci);
	if (hashmap__insert(&o->idx, org_hash(&k), o->nr + 1)) {
		free(g->path);
		return 0;
	}
	if (ci->id[0])
		docker__request(o->dk, ci->id);
	return ++o->nr;
}

static bool nspid_eq(uint32_t i, const void *key, void *ctx)
{
	return ((struct origins *)ctx)->pids[i - 1].pid == *(const pid_t *)key;
}

static struct nspid *nspid_find(struct origins *o, pid_t pid)
{
	uint32_t i = hashmap__find(&o->pid_idx, hash__u64(pid, 1), nspid_eq,
				   &pid, o);

	return i ? &o->pids[i - 1] : NULL;
}

/* Reads the process's own PID the first time it is seen in a container. */
static void nspid_note(struct origins *o, pid_t pid)
{
	if (pid <= 0 || nspid_find(o, pid) ||
	    array__grow((void **)&o->pids, &o->pids_cap, o->nr_pids + 1,
			sizeof(*o->pids)))
		return;
	o->pids[o->nr_pids].pid = pid;
	o->pids[o->nr_pids].ns = proc__nspid(pid);
	if (!hashmap__insert(&o->pid_idx, hash__u64(pid, 1), o->nr_pids + 1))
		o->nr_pids++;
}

/* The v1 path of @pid when it names a container. */
static bool v1_container(pid_t pid, char *path, struct cgroup_info *ci)
{
	char all[PATH_LEN], *line, *save = NULL;

	if (pid <= 0 || cgroup_proc__paths(pid, NULL, 0, all, sizeof(all)))
		return false;
	for (line = strtok_r(all, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (cgroup_path__parse(line, ci) && ci->id[0]) {
			snprintf(path, PATH_LEN, "%s", line);
			return true;
		}
	return false;
}

static bool pidorg_eq(uint32_t i, const void *key, void *ctx)
{
	const struct pidorg *p = &((struct origins *)ctx)->pidorgs[i - 1];
	const struct org_key *k = key;

	return p->cgroup_id == k->id && p->pid == k->pid;
}

/*
 * Hybrid hosts: a runtime may put a container in v1 hierarchies only, its
 * tasks sharing a v2 cgroup with others.  There each process's own v1
 * paths decide, read once per process.
 */
static uint32_t by_pid(struct origins *o, uint32_t base, uint64_t cgroup_id,
		       pid_t pid)
{
	struct org_key k = { cgroup_id, pid };
	uint64_t h = org_hash(&k);
	uint32_t i = hashmap__find(&o->pidorg_idx, h, pidorg_eq, &k, o);
	struct cgroup_info ci;
	char v1[PATH_LEN];
	uint32_t org = base;

	if (i)
		return o->pidorgs[i - 1].org;
	if (v1_container(pid, v1, &ci)) {
		/* The container's other processes may have made it. */
		for (org = 0; org < o->nr; org++)
			if (o->orgs[org].cgroup_id == cgroup_id &&
			    o->orgs[org].pid && o->orgs[org].path &&
			    !strcmp(o->orgs[org].path, v1))
				break;
		org = org < o->nr ? org + 1 : add(o, cgroup_id, pid, v1, &ci);
		if (!org)
			return base;
	}
	if (!array__grow((void **)&o->pidorgs, &o->pidorgs_cap,
			 o->nr_pidorgs + 1, sizeof(*o->pidorgs))) {
		o->pidorgs[o->nr_pidorgs] = (struct pidorg){ cgroup_id, pid, org };
		if (!hashmap__insert(&o->pidorg_idx, h, o->nr_pidorgs + 1))
			o->nr_pidorgs++;
	}
	return org;
}

uint32_t origins__of(struct origins *o, uint64_t cgroup_id, pid_t pid)
{
	struct org_key k = { cgroup_id, 0 };
	uint32_t i = hashmap__find(&o->idx, org_hash(&k), org_eq, &k, o);
	struct org *g;

	if (!i) {
		const char *path = o->cg ? cgroup_ids__path(o->cg, cgroup_id,
							    pid) : NULL;
		struct cgroup_info ci;

		cgroup_path__parse(path ? path : "", &ci);
		i = add(o, cgroup_id, 0, path, &ci);
		if (!i)
			return 0;
	}
	if (o->v1 && pid > 0 && !o->orgs[i - 1].ci.id[0])
		i = by_pid(o, i, cgroup_id, pid);
	g = &o->orgs[i - 1];
	if (!g->wanted)
		return 0;
	if (g->ci.id[0] || g->ci.pod_uid[0])
		nspid_note(o, pid);
	return i;
}

void origins__labels(struct origins *o, uint32_t origin, pid_t pid,
		     struct pf_labels *l)
{
	struct org *g;
	const char **v = l->origin;
	struct nspid *ns;

	if (!origin || origin > o->nr)
		return;
	g = &o->orgs[origin - 1];
	if (g->ci.id[0] && !g->named) {
		g->named = docker__get(o->dk, g->ci.id, &g->dk);
		/* A daemon that was down may answer by the next window. */
		if (!g->named)
			docker__request(o->dk, g->ci.id);
	}
	l->cgroup = g->path;
	if (g->ci.id[0]) {
		v[PF_CONTAINER_ID] = g->ci.id;
		v[PF_CONTAINER_NAME] = g->named && g->dk.name ? g->dk.name :
				       g->short_id;
	}
	if (g->named) {
		v[PF_SERVICE_NAME] = g->dk.service;
		v[PF_COMPOSE_PROJECT] = g->dk.project;
	}
	if (!v[PF_SERVICE_NAME])
		v[PF_SERVICE_NAME] = v[PF_CONTAINER_NAME];
	if (g->ci.pod_uid[0]) {
		v[PF_POD_UID] = g->ci.pod_uid;
		v[PF_POD_QOS] = ct_qos__name(g->ci.qos);
	}
	if (g->ci.unit[0]) {
		v[PF_SYSTEMD_UNIT] = g->ci.unit;
		if (!v[PF_SERVICE_NAME])
			v[PF_SERVICE_NAME] = g->ci.unit;
	}
	ns = nspid_find(o, pid);
	if (ns && ns->ns && ns->ns != pid)
		l->ns_pid = ns->ns;
}

void origins__trim(struct origins *o)
{
	size_t i, n;

	for (i = n = 0; i < o->nr_pidorgs; i++)
		if (kill(o->pidorgs[i].pid, 0) == 0 || errno != ESRCH)
			o->pidorgs[n++] = o->pidorgs[i];
	o->nr_pidorgs = n;
	hashmap__release(&o->pidorg_idx);
	hashmap__init(&o->pidorg_idx);
	for (i = 0; i < n; i++) {
		struct org_key k = { o->pidorgs[i].cgroup_id,
				     o->pidorgs[i].pid };

		if (hashmap__insert(&o->pidorg_idx, org_hash(&k), i + 1)) {
			o->nr_pidorgs = i;
			break;
		}
	}
	for (i = n = 0; i < o->nr_pids; i++)
		if (kill(o->pids[i].pid, 0) == 0 || errno != ESRCH)
			o->pids[n++] = o->pids[i];
	o->nr_pids = n;
	hashmap__release(&o->pid_idx);
	hashmap__init(&o->pid_idx);
	for (i = 0; i < n; i++)
		if (hashmap__insert(&o->pid_idx, hash__u64(o->pids[i].pid, 1),
				    i + 1)) {
			o->nr_pids = i;
			break;
		}
}

void origins__settle(struct origins *o, long ms)
{
	docker__settle(o->dk, ms);
}
