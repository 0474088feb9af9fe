// SPDX-License-Identifier: GPL-2.0
/*
 * The on-disk spool of pending uploads; see spool.h.
 *
 * An entry is the file NNNNNNNNNNNNNNNN.spool (16 hex digits, the arrival
 * number): a text header, a blank line, then the body bytes:
 *
 *	ebprof-spool 1
 *	name APP.cpu{k=v}
 *	from NS
 *	until NS
 *	rate HZ
 *	format folded|pprof
 *	length BYTES
 *
 *	BODY
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/strbuf.h"
#include "upload/spool.h"

#define MAGIC		"ebprof-spool 1\n"
#define MAX_HEADER	8192
#define MAX_ENTRY	(256u << 20)	/* bigger files are not ours */

struct spool_entry {
	uint64_t id;
	uint64_t size;
};

struct spool {
	char *dir;
	int dirfd, lockfd;
	uint64_t max_bytes, total;
	uint64_t next_id;
	struct spool_entry *e;	/* oldest first */
	size_t nr, cap;
};

static int mkdir_p(const char *path)
{
	char *p = strdup(path), *s;
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) && errno != EEXIST) {
				err = -errno;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return err;
}

/*
 * The spool directory must be ours alone: owned by the running user and
 * closed to everyone else.  Whoever could write it could plant links for
 * root to follow, or forged uploads for root to send with its token.
 */
static int open_dir(const char *dir, int *fd)
{
	struct stat st;

	*fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -ENOTDIR : -errno;
	if (fstat(*fd, &st))
		return -errno;
	if (st.st_uid != geteuid())
		return -EPERM;
	if (st.st_mode & 077)
		return -EACCES;
	return 0;
}

/* Opens (creates) @name in the spool: a regular file of ours, no link. */
static int open_file(struct spool *s, const char *name, int flags)
{
	struct stat st;
	int fd = openat(s->dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno == ELOOP ? -EBADMSG : -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		close(fd);
		return -EBADMSG;
	}
	return fd;
}

const char *spool__strerror(int err)
{
	switch (-err) {
	case EPERM:
		return "it belongs to another user (remove it, or give "
		       "--spool-dir a directory of your own)";
	case EACCES:
		return "other users may open it (chmod 700 it, or give "
		       "--spool-dir another directory)";
	case ENOTDIR:
		return "not a directory (a symbolic link is refused)";
	case EBADMSG:
		return "its lock file is not a regular file of ours";
	case EBUSY:
		return "another ebprof is using it";
	default:
		return strerror(-err);
	}
}

static bool entry_name(const char *n, uint64_t *id)
{
	char *end;

	if (strlen(n) != 22 || strcmp(n + 16, ".spool") ||
	    strspn(n, "0123456789abcdef") != 16)
		return false;
	*id = strtoull(n, &end, 16);
	return end == n + 16;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct spool_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int push_entry(struct spool *s, uint64_t id, uint64_t size)
{
	if (array__grow((void **)&s->e, &s->cap, s->nr + 1, sizeof(*s->e)))
		return -ENOMEM;
	s->e[s->nr].id = id;
	s->e[s->nr].size = size;
	s->nr++;
	s->total += size;
	return 0;
}

static int scan(struct spool *s)
{
	int fd = dup(s->dirfd);
	struct dirent *d;
	DIR *dir;
	int err = 0;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((d = readdir(dir)) && !err) {
		struct stat st;
		uint64_t id;

		if (!strncmp(d->d_name, ".tmp-", 5)) {
			unlinkat(s->dirfd, d->d_name, 0);
			continue;
		}
		if (!entry_name(d->d_name, &id))
			continue;
		/* Only our own files: never send what someone planted. */
		if (fstatat(s->dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		err = push_entry(s, id, st.st_size);
		if (id >= s->next_id)
			s->next_id = id + 1;
	}
	closedir(dir);
	if (!err && s->nr)
		qsort(s->e, s->nr, sizeof(*s->e), cmp_entry);
	return err;
}

struct spool *spool__open(const char *dir, uint64_t max_bytes, int *err)
{
	struct spool *s = calloc(1, sizeof(*s));
	int r;

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->dirfd = s->lockfd = -1;
	s->max_bytes = max_bytes;
	s->next_id = 1;
	s->dir = strdup(dir);
	if (!s->dir) {
		r = -ENOMEM;
		goto fail;
	}
	r = mkdir_p(dir);
	if (r)
		goto fail;
	r = open_dir(dir, &s->dirfd);
	if (r)
		goto fail;
	s->lockfd = open_file(s, ".lock", O_RDWR | O_CREAT);
	if (s->lockfd < 0) {
		r = s->lockfd;
		goto fail;
	}
	if (flock(s->lockfd, LOCK_EX | LOCK_NB)) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto fail;
	}
	r = scan(s);
	if (r)
		goto fail;
	return s;
fail:
	*err = r;
	spool__close(s);
	return NULL;
}

void spool__close(struct spool *s)
{
	if (!s)
		return;
	if (s->lockfd >= 0)
		close(s->lockfd);	/* releases the lock */
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->e);
	free(s->dir);
	free(s);
}

size_t spool__count(const struct spool *s)
{
	return s->nr;
}

uint64_t spool__bytes(const struct spool *s)
{
	return s->total;
}

static void entry_path(char *buf, size_t len, uint64_t id)
{
	snprintf(buf, len, "%016" PRIx64 ".spool", id);
}

static int drop_oldest(struct spool *s)
{
	char name[32];

	entry_path(name, sizeof(name), s->e[0].id);
	if (unlinkat(s->dirfd, name, 0) && errno != ENOENT)
		return -errno;
	s->total -= s->e[0].size;
	memmove(s->e, s->e + 1, (s->nr - 1) * sizeof(*s->e));
	s->nr--;
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int spool__add(struct spool *s, const struct spool_item *it, size_t *dropped)
{
	struct strbuf hdr = STRBUF_INIT;
	char tmp[48], name[32];
	uint64_t size;
	int fd = -1, err;

	if (dropped)
		*dropped = 0;
	if (!it->name || strchr(it->name, '\n'))
		return -EINVAL;
	err = strbuf__addf(&hdr, MAGIC "name %s\nfrom %lld\nuntil %lld\n"
			   "rate %u\nformat %s\nlength %zu\n\n", it->name,
			   (long long)it->from_ns, (long long)it->until_ns,
			   it->sample_rate,
			   it->format == PYRO_PPROF ? "pprof" : "folded",
			   it->len);
	if (err)
		goto out;
	size = hdr.len + it->len;
	if (size > s->max_bytes || size > MAX_ENTRY) {
		err = -EFBIG;
		goto out;
	}
	snprintf(tmp, sizeof(tmp), ".tmp-%016" PRIx64, s->next_id);
	entry_path(name, sizeof(name), s->next_id);
	/* A new file, never one that is there (a planted link). */
	fd = open_file(s, tmp, O_WRONLY | O_CREAT | O_EXCL);
	if (fd == -EEXIST) {
		unlinkat(s->dirfd, tmp, 0);
		fd = open_file(s, tmp, O_WRONLY | O_CREAT | O_EXCL);
	}
	if (fd < 0) {
		err = fd == -EBADMSG ? -EEXIST : fd;
		goto out;
	}
	err = write_all(fd, hdr.buf, hdr.len);
	if (!err)
		err = write_all(fd, it->body, it->len);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	fd = -1;
	/* Make room before the entry appears, so the bound always holds. */
	while (!err && s->nr && s->total + size > s->max_bytes) {
		err = drop_oldest(s);
		if (!err && dropped)
			(*dropped)++;
	}
	if (!err && renameat(s->dirfd, tmp, s->dirfd, name))
		err = -errno;
	if (!err)
		fsync(s->dirfd);
	if (!err)
		err = push_entry(s, s->next_id, size);
	if (err)
		unlinkat(s->dirfd, tmp, 0);
	else
		s->next_id++;
out:
	strbuf__release(&hdr);
	return err;
}

void spool_item__release(struct spool_item *it)
{
	free(it->name);
	free(it->body);
	memset(it, 0, sizeof(*it));
}

/* "KEY VALUE\n" at *@p; the value is NUL-terminated in place. */
static char *header_field(char **p, char *end, const char *key)
{
	size_t k = strlen(key);
	char *nl, *v;

	if ((size_t)(end - *p) <= k || memcmp(*p, key, k) || (*p)[k] != ' ')
		return NULL;
	v = *p + k + 1;
	nl = memchr(v, '\n', end - v);
	if (!nl)
		return NULL;
	*nl = '\0';
	*p = nl + 1;
	return v;
}

static bool parse_ll(const char *s, long long *out)
{
	char *e;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoll(s, &e, 10);
	return !*e && !errno;
}

static int parse_entry(char *buf, size_t len, struct spool_item *it)
{
	char *p = buf, *end = buf + len, *v;
	long long from, until, rate, blen;

	if (len < strlen(MAGIC) || memcmp(buf, MAGIC, strlen(MAGIC)))
		return -EBADMSG;
	p += strlen(MAGIC);
	if (!(v = header_field(&p, end, "name")) || !*v)
		return -EBADMSG;
	it->name = strdup(v);
	if (!it->name)
		return -ENOMEM;
	if (!(v = header_field(&p, end, "from")) || !parse_ll(v, &from) ||
	    !(v = header_field(&p, end, "until")) || !parse_ll(v, &until) ||
	    !(v = header_field(&p, end, "rate")) || !parse_ll(v, &rate) ||
	    rate < 0 || rate > 1000000 ||
	    !(v = header_field(&p, end, "format")))
		return -EBADMSG;
	if (!strcmp(v, "pprof"))
		it->format = PYRO_PPROF;
	else if (!strcmp(v, "folded"))
		it->format = PYRO_FOLDED;
	else
		return -EBADMSG;
	if (!(v = header_field(&p, end, "length")) || !parse_ll(v, &blen) ||
	    blen < 0 || p >= end || *p != '\n' ||
	    (size_t)(end - p - 1) != (size_t)blen)
		return -EBADMSG;
	p++;
	it->from_ns = from;
	it->until_ns = until;
	it->sample_rate = rate;
	it->len = blen;
	it->body = malloc(blen + 1);
	if (!it->body)
		return -ENOMEM;
	memcpy(it->body, p, blen);
	((char *)it->body)[blen] = '\0';
	return 0;
}

int spool__oldest(struct spool *s, struct spool_item *it, uint64_t *id)
{
	char name[32], *buf = NULL;
	struct stat st;
	size_t got = 0;
	int fd, err = 0;

	memset(it, 0, sizeof(*it));
	if (!s->nr)
		return -ENOENT;
	*id = s->e[0].id;
	entry_path(name, sizeof(name), *id);
	fd = open_file(s, name, O_RDONLY);
	if (fd < 0) {
		err = fd == -ENOENT ? -EBADMSG : fd;
		goto out;
	}
	if (fstat(fd, &st) || (uint64_t)st.st_size > MAX_ENTRY) {
		err = -EBADMSG;
		goto out;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EBADMSG;
			goto out;
		}
		got += n;
	}
	err = parse_entry(buf, got, it);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err) {
		spool_item__release(it);
		if (err == -EBADMSG)
			spool__remove(s, *id);
	}
	return err;
}

int spool__remove(struct spool *s, uint64_t id)
{
	char name[32];
	size_t i;

	for (i = 0; i < s->nr && s->e[i].id != id; i++)
		;
	if (i == s->nr)
		return -ENOENT;
	entry_path(name, sizeof(name), id);
	if (unlinkat(s->dirfd, name, 0) && errno != ENOENT)
		return -errno;
	s->total -= s->e[i].size;
	memmove(s->e + i, s->e + i + 1, (s->nr - i - 1) * sizeof(*s->e));
	s->nr--;
	return 0;
}
