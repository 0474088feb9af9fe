// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup v2 id -> path; see cgroup_ids.h.  Every id met is kept with its
 * path, so a cgroup removed later still resolves.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/cgroup_ids.h"
#include "lib/array.h"
#include "lib/hashmap.h"

#define WALK_MAX_DEPTH	32
#define WALK_MAX_DIRS	100000
#define PATH_MAX_LEN	4096

struct cg_entry {
	uint64_t id;
	char *path;
};

struct cgroup_ids {
	char *mount;
	struct cg_entry *ents;		/* id i at ents[i - 1] */
	size_t nr, cap;
	struct hashmap idx;
	bool v1;			/* v1 hierarchies mounted too */
	size_t walked;			/* directories of the current walk */
};

/* Undoes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 |
			       (s[3] - '0');
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The mount point of a cgroup2 line of mountinfo whose root is "/". */
static char *cgroup2_mount(char *line)
{
	char *sep = strstr(line, " - "), *f[5], *save = NULL;
	int i;

	if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
		return NULL;
	*sep = '\0';
	f[0] = strtok_r(line, " ", &save);
	for (i = 1; i < 5 && f[i - 1]; i++)
		f[i] = strtok_r(NULL, " ", &save);
	if (i < 5 || !f[4] || strcmp(f[3], "/"))
		return NULL;
	unescape(f[4]);
	return f[4];
}

int cgroup_ids__new(const char *mountinfo, struct cgroup_ids **out)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	char *line = NULL, *mnt, *mount = NULL;
	size_t cap = 0;
	bool v1 = false;
	int err = -ENOENT;

	*out = NULL;
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, " - cgroup "))
			v1 = true;
		mnt = cgroup2_mount(line);
		if (mnt && !mount && !(mount = strdup(mnt))) {
			err = -ENOMEM;
			break;
		}
	}
	free(line);
	fclose(f);
	if (mount) {
		err = -ENOMEM;
		*out = calloc(1, sizeof(**out));
		if (*out) {
			(*out)->mount = mount;
			(*out)->v1 = v1;
			hashmap__init(&(*out)->idx);
			return 0;
		}
	}
	free(mount);
	return err;
}

void cgroup_ids__free(struct cgroup_ids *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++)
		free(c->ents[i].path);
	free(c->ents);
	hashmap__release(&c->idx);
	free(c->mount);
	free(c);
}

const char *cgroup_ids__mount(const struct cgroup_ids *c)
{
	return c->mount;
}

bool cgroup_ids__has_v1(const struct cgroup_ids *c)
{
	return c->v1;
}

static int id_at(int dirfd, const char *name, uint64_t *id)
{
	struct {
		struct file_handle fh;
		unsigned char buf[16];
	} h = { .fh.handle_bytes = 16 };
	struct stat st;
	int mnt;

	if (!name_to_handle_at(dirfd, name, &h.fh, &mnt, 0) &&
	    h.fh.handle_bytes == 8) {
		memcpy(id, h.fh.f_handle, 8);
		return 0;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;
	return 0;
}

int cgroup_ids__id_of(const char *path, uint64_t *id)
{
	return id_at(AT_FDCWD, path, id);
}

static bool ent_eq(uint32_t i, const void *key, void *ctx)
{
	return ((struct cgroup_ids *)ctx)->ents[i - 1].id ==
	       *(const uint64_t *)key;
}

static struct cg_entry *lookup(struct cgroup_ids *c, uint64_t id)
{
	uint32_t i = hashmap__find(&c->idx, hash__u64(id, 0), ent_eq, &id, c);

	return i ? &c->ents[i - 1] : NULL;
}

static struct cg_entry *remember(struct cgroup_ids *c, uint64_t id,
				 const char *path)
{
	struct cg_entry *e = lookup(c, id);
	char *copy;

	if (e)
		return e;
	if (array__grow((void **)&c->ents, &c->cap, c->nr + 1,
			sizeof(*c->ents)))
		return NULL;
	copy = strdup(path);
	if (!copy)
		return NULL;
	c->ents[c->nr].id = id;
	c->ents[c->nr].path = copy;
	if (hashmap__insert(&c->idx, hash__u64(id, 0), c->nr + 1)) {
		free(copy);
		return NULL;
	}
	return &c->ents[c->nr++];
}

struct walk {
	struct cgroup_ids *c;
	int (*fn)(void *ctx, const char *path, uint64_t id);
	void *ctx;
	char path[PATH_MAX_LEN];
};

/* @fd: the directory of w->path (of length @len); closed here. */
static int walk_dir(struct walk *w, int fd, size_t len, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		close(fd);
		return 0;
	}
	while (!ret && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		uint64_t id;
		int sub;

		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    len + 1 + n >= sizeof(w->path) ||
		    ++w->c->walked > WALK_MAX_DIRS)
			continue;
		if (id_at(dirfd(d), de->d_name, &id))
			continue;
		w->path[len] = '/';
		memcpy(w->path + len + 1, de->d_name, n + 1);
		if (!remember(w->c, id, w->path)) {
			ret = -ENOMEM;
			break;
		}
		if (w->fn)
			ret = w->fn(w->ctx, w->path, id);
		if (ret || depth + 1 >= WALK_MAX_DEPTH)
			continue;
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			ret = walk_dir(w, sub, len + 1 + n, depth + 1);
	}
	w->path[len] = '\0';
	closedir(d);
	return ret;
}

int cgroup_ids__walk(struct cgroup_ids *c,
		     int (*fn)(void *ctx, const char *path, uint64_t id),
		     void *ctx)
{
	struct walk *w = malloc(sizeof(*w));
	uint64_t id;
	int fd, ret = 0;

	if (!w)
		return -ENOMEM;
	w->c = c;
	w->fn = fn;
	w->ctx = ctx;
	w->path[0] = '\0';
	c->walked = 0;
	if (!id_at(AT_FDCWD, c->mount, &id)) {
		if (!remember(c, id, "/"))
			ret = -ENOMEM;
		else if (fn)
			ret = fn(ctx, "/", id);
	}
	fd = open(c->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!ret && fd >= 0)
		ret = walk_dir(w, fd, 0, 0);
	else if (fd >= 0)
		close(fd);
	free(w);
	return ret;
}

int cgroup_proc__paths(pid_t pid, char *v2, size_t v2len, char *v1,
		       size_t v1len)
{
	char fn[64], line[PATH_MAX_LEN + 64];
	size_t n1 = 0;
	FILE *f;

	if (v2 && v2len)
		v2[0] = '\0';
	if (v1 && v1len)
		v1[0] = '\0';
	snprintf(fn, sizeof(fn), "/proc/%d/cgroup", pid);
	f = fopen(fn, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path;
		int k;

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		ctl++;
		path[strcspn(path, "\n")] = '\0';
		if (!strcmp(line, "0") && !*ctl) {
			if (v2 && v2len)
				snprintf(v2, v2len, "%s", path);
		} else if (v1 && n1 < v1len && strcmp(path, "/")) {
			k = snprintf(v1 + n1, v1len - n1, "%s\n", path);
			if (k > 0 && (size_t)k < v1len - n1)
				n1 += k;
			else
				v1[n1] = '\0';
		}
	}
	fclose(f);
	return 0;
}

const char *cgroup_ids__path(struct cgroup_ids *c, uint64_t id, pid_t pid)
{
	struct cg_entry *e = lookup(c, id);
	char rel[PATH_MAX_LEN], full[PATH_MAX_LEN + 256];
	uint64_t got;

	if (e)
		return e->path;
	/* The task's own view: exact unless it moved meanwhile. */
	if (pid > 0 && !cgroup_proc__paths(pid, rel, sizeof(rel), NULL, 0) &&
	    rel[0] == '/' && (size_t)snprintf(full, sizeof(full), "%s%s",
					      c->mount, rel) < sizeof(full) &&
	    !id_at(AT_FDCWD, full, &got) && got == id) {
		e = remember(c, id, rel);
		return e ? e->path : NULL;
	}
	/* Once per id not met before: callers cache what this returns. */
	if (cgroup_ids__walk(c, NULL, NULL))
		return NULL;
	e = lookup(c, id);
	return e ? e->path : NULL;
}

pid_t proc__nspid(pid_t pid)
{
	char fn[64], line[256];
	pid_t v = 0;
	FILE *f;

	snprintf(fn, sizeof(fn), "/proc/%d/status", pid);
	f = fopen(fn, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		/* The last field: the innermost namespace. */
		for (p = line + 6; *p; p = end) {
			long n = strtol(p, &end, 10);

			if (end == p)
				break;
			v = n;
		}
		break;
	}
	fclose(f);
	return v;
}
