// SPDX-License-Identifier: GPL-2.0
/*
 * Opening regular files that untrusted users name: resolve with O_PATH (no
 * open side effects, no blocking), check the inode with fstat, reopen the
 * same inode through /proc/self/fd.  Containers' paths resolve with
 * openat2(RESOLVE_IN_ROOT) so their links cannot escape to the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/safe_open.h"

static int open_path(const char *path, const struct safe_open_opts *o)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (o && o->nofollow ? O_NOFOLLOW : 0),
	};
	int dirfd = AT_FDCWD, fd, err;

	if (o && o->root) {
		dirfd = open(o->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return -errno;
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	}
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	err = fd < 0 ? -errno : 0;
	if (err == -ENOSYS && dirfd == AT_FDCWD)	/* before Linux 5.6 */
		fd = open(path, how.flags), err = fd < 0 ? -errno : 0;
	if (dirfd != AT_FDCWD)
		close(dirfd);
	return fd < 0 ? err : fd;
}

int safe_open__check(int fd, const struct safe_open_opts *o)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISLNK(st.st_mode))	/* O_PATH | O_NOFOLLOW on a link */
		return -ELOOP;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (o && o->max_size && (uint64_t)st.st_size > o->max_size)
		return -EFBIG;
	if (o && o->owner != SAFE_ANY_OWNER && st.st_uid != o->owner &&
	    st.st_uid != 0)
		return -EPERM;
	return 0;
}

int safe_open(const char *path, const struct safe_open_opts *o)
{
	char self[64];
	int pfd, fd, err;

	pfd = open_path(path, o);
	if (pfd < 0)
		return pfd;
	err = safe_open__check(pfd, o);
	if (err) {
		close(pfd);
		return err;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", pfd);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	err = fd < 0 ? -errno : 0;
	close(pfd);
	return fd < 0 ? err : fd;
}

const char *safe_open__strerror(int err)
{
	if (err == -EINVAL)
		return "not a regular file";
	if (err == -EPERM)
		return "owned by another user";
	return strerror(err < 0 ? -err : err);
}
