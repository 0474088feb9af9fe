// SPDX-License-Identifier: GPL-2.0
/* Atomic output files (temp file + rename); see outfile.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

int outfile__open(struct outfile *o, const char *path)
{
	int fd, err;
	mode_t um;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		o->f = stdout;
		return 0;
	}
	o->path = strdup(path);
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
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}
