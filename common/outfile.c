// SPDX-License-Identifier: GPL-2.0
/* Atomic output files (temp file + rename); see outfile.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/*
 * The file a path names after following symbolic links, also a link to
 * a file that does not exist yet; malloc'd, NULL on error.
 */
static char *follow_links(const char *path)
{
	char *cur = strdup(path), target[4096];
	int depth;

	for (depth = 0; cur && depth < 16; depth++) {
		ssize_t n = readlink(cur, target, sizeof(target) - 1);
		char *next, *slash;

		if (n < 0)
			return cur;		/* not a link: done */
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash)
			next = strdup(target);
		else if (asprintf(&next, "%.*s/%s", (int)(slash - cur), cur,
				  target) < 0)
			next = NULL;
		free(cur);
		cur = next;
	}
	return cur;
}

int outfile__open(struct outfile *o, const char *path)
{
	struct stat st;
	int fd, err;
	mode_t um;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		o->f = fopen(path, "we");
		return o->f ? 0 : -errno;
	}
	o->path = follow_links(path);
	if (!o->path || asprintf(&o->tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(o->path);
		o->path = NULL;
		o->tmp = NULL;
		return -ENOMEM;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0)
		goto fail;
	/* mkstemp creates 0600; recordings are ordinary files. */
	um = umask(0);
	umask(um);
	fchmod(fd, 0644 & ~um);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		goto fail;
	}
	return 0;
fail:
	err = -errno;
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	return err;
}

int outfile__commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return -EBADF;
	if (fflush(o->f) || ferror(o->f))
		err = errno ? -errno : -EIO;
	if (!o->path) {
		if (o->f != stdout && fclose(o->f) && !err)
			err = -errno;
		o->f = NULL;
		return err;
	}
	if (!err && fsync(fileno(o->f)))
		err = -errno;
	if (fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	if (!err && rename(o->tmp, o->path))
		err = -errno;
	if (err)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	return err;
}

void outfile__abort(struct outfile *o)
{
	if (o->f && o->path) {
		fclose(o->f);
		unlink(o->tmp);
	} else if (o->f && o->f != stdout) {
		fclose(o->f);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}
