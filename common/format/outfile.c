// SPDX-License-Identifier: GPL-2.0
/*
 * Output files: atomic, private, not redirectable through others' links;
 * see outfile.h.
 *
 * The path is resolved one component at a time with O_PATH descriptors, so
 * that every link can be checked against the protected_symlinks rule and
 * nothing is resolved twice: what was checked is what is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "format/outfile.h"

#define MAX_LINKS	40	/* as the kernel's path walk */
#define NR_TEMPS	8
#define TEMP_NAME_LEN	32

/* ---- named temporary files, for signal handlers ---- */

static struct {
	volatile sig_atomic_t used;
	int dirfd;
	char name[TEMP_NAME_LEN];
} temps[NR_TEMPS];

static int temp__register(int dirfd, const char *name)
{
	int i;

	for (i = 0; i < NR_TEMPS; i++) {
		if (temps[i].used)
			continue;
		temps[i].dirfd = dirfd;
		strncpy(temps[i].name, name, TEMP_NAME_LEN - 1);
		temps[i].name[TEMP_NAME_LEN - 1] = '\0';
		temps[i].used = 1;
		return i;
	}
	return -1;		/* not removed on a signal, still on errors */
}

static void temp__unregister(int dirfd, const char *name)
{
	int i;

	for (i = 0; i < NR_TEMPS; i++)
		if (temps[i].used && temps[i].dirfd == dirfd &&
		    !strcmp(temps[i].name, name))
			temps[i].used = 0;
}

void outfile__remove_temps(void)
{
	int i;

	for (i = 0; i < NR_TEMPS; i++)
		if (temps[i].used)
			unlinkat(temps[i].dirfd, temps[i].name, 0);
}

static void on_fatal_signal(int sig)
{
	outfile__remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void outfile__cleanup_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* Leave an ignored signal ignored (nohup). */
		if (!sigaction(sigs[i], NULL, &old) &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* ---- standard output ---- */

static bool stdout_closed;

void outfile__guard_stdio(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		n = open("/dev/null", O_RDONLY);
		if (n >= 0 && n != fd) {
			dup2(n, fd);
			close(n);
		}
		if (fd == STDOUT_FILENO)
			stdout_closed = true;
	}
}

const char *outfile__strerror(int err)
{
	switch (-err) {
	case EPERM:
		return "refused: a link or a file owned by another user in "
		       "a sticky world-writable directory (the rule of "
		       "fs.protected_symlinks and fs.protected_regular)";
	case EBADF:
		return "standard output is closed";
	default:
		return strerror(-err);
	}
}

/* ---- writing ---- */

/* A stdio stream on o->fd that remembers the errno of a failed write. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
	struct outfile *o = cookie;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(o->fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			if (!o->werr)
				o->werr = errno;
			return done ? (ssize_t)done : -1;
		}
		done += n;
	}
	return done;
}

static int make_stream(struct outfile *o)
{
	static const cookie_io_functions_t io = { .write = cookie_write };

	o->f = fopencookie(o, "w", io);
	return o->f ? 0 : -errno;
}

/* ---- resolving the path ---- */

static bool sticky_world_writable(const struct stat *dir)
{
	return (dir->st_mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH);
}

/* The kernel's may_follow_link() and may_create_in_sticky(), always on. */
static bool protected(int dirfd, const struct stat *st)
{
	struct stat d;

	if (fstat(dirfd, &d))
		return true;
	return sticky_world_writable(&d) && st->st_uid != geteuid() &&
	       st->st_uid != d.st_uid;
}

static int reopen(int *dirfd, const char *name)
{
	int fd = openat(*dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(*dirfd);
	*dirfd = fd;
	return 0;
}

/*
 * Walks @path: *@dirfd (O_PATH) and *@name are the directory and the name
 * of the file to write, which may not exist yet.  *@magic is set for a
 * procfs link (/proc/self/fd/1), which only opening can follow.
 */
static int resolve(const char *path, int *dirfd, char **name, bool *magic)
{
	char *rest = strdup(path), *p, target[4096];
	int links = 0, err = 0;

	*dirfd = -1;
	*name = NULL;
	*magic = false;
	if (!rest)
		return -ENOMEM;
	if (!*path) {
		free(rest);
		return -ENOENT;
	}
	*dirfd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY |
		      O_CLOEXEC);
	if (*dirfd < 0) {
		err = -errno;
		goto out;
	}
	p = rest;
	for (;;) {
		char *comp, *next, *joined;
		struct statfs sfs;
		struct stat st;
		bool last;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p) {
			err = -EISDIR;
			break;
		}
		comp = p;
		next = strchr(p, '/');
		if (next)
			*next++ = '\0';
		else
			next = p + strlen(p);
		while (*next == '/')
			next++;
		last = !*next;
		p = next;
		if (last && next != comp + strlen(comp)) {
			err = -EISDIR;		/* "FILE/": a directory */
			break;
		}
		if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
			err = last ? -EISDIR : reopen(dirfd, comp);
			if (err)
				break;
			continue;
		}
		if (fstatat(*dirfd, comp, &st, AT_SYMLINK_NOFOLLOW)) {
			err = -errno;
			if (err == -ENOENT && last && strlen(comp) < 256) {
				*name = strdup(comp);
				err = *name ? 0 : -ENOMEM;
			}
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++links > MAX_LINKS) {
				err = -ELOOP;
				break;
			}
			if (protected(*dirfd, &st)) {
				err = -EPERM;
				break;
			}
			if (last && !fstatfs(*dirfd, &sfs) &&
			    sfs.f_type == PROC_SUPER_MAGIC) {
				*magic = true;
				*name = strdup(comp);
				err = *name ? 0 : -ENOMEM;
				break;
			}
			n = readlinkat(*dirfd, comp, target,
				       sizeof(target) - 1);
			if (n <= 0 || n >= (ssize_t)sizeof(target) - 1) {
				err = n < 0 ? -errno : n ? -ENAMETOOLONG :
				      -ENOENT;
				break;
			}
			target[n] = '\0';
			if (asprintf(&joined, "%s/%s", target, p) < 0) {
				err = -ENOMEM;
				break;
			}
			if (!*p)
				joined[n] = '\0';
			free(rest);
			rest = p = joined;
			if (target[0] == '/') {
				close(*dirfd);
				*dirfd = open("/", O_PATH | O_DIRECTORY |
					      O_CLOEXEC);
				if (*dirfd < 0) {
					err = -errno;
					break;
				}
			}
			continue;
		}
		if (last) {
			*name = strdup(comp);
			err = *name ? 0 : -ENOMEM;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			err = -ENOTDIR;
			break;
		}
		err = reopen(dirfd, comp);
		if (err)
			break;
	}
out:
	free(rest);
	if (err) {
		if (*dirfd >= 0)
			close(*dirfd);
		*dirfd = -1;
		free(*name);
		*name = NULL;
	}
	return err;
}

/* ---- open, commit, abort ---- */

static void temp_name(char *buf)
{
	static unsigned int seed;

	if (!seed)
		seed = (unsigned int)time(NULL) ^ ((unsigned int)getpid() << 16);
	snprintf(buf, TEMP_NAME_LEN, ".ebprof.tmp.%08x", rand_r(&seed));
}

/* A named temporary file (no O_TMPFILE here); -errno. */
static int open_named_temp(struct outfile *o)
{
	char buf[TEMP_NAME_LEN];
	int i;

	for (i = 0; i < 100; i++) {
		temp_name(buf);
		o->fd = openat(o->dirfd, buf, O_WRONLY | O_CREAT | O_EXCL |
			       O_NOFOLLOW | O_CLOEXEC, 0600);
		if (o->fd >= 0) {
			o->tmp = strdup(buf);
			if (!o->tmp) {
				unlinkat(o->dirfd, buf, 0);
				return -ENOMEM;
			}
			temp__register(o->dirfd, o->tmp);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Writes over the target itself: devices, FIFOs, unwritable dirs. */
static int open_in_place(struct outfile *o, bool follow)
{
	o->fd = openat(o->dirfd, o->name, O_WRONLY | O_TRUNC | O_NOCTTY |
		       O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	if (o->fd < 0)
		return -errno;
	close(o->dirfd);
	o->dirfd = -1;
	return 0;
}

static void release(struct outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->fd >= 0 && o->fd != STDOUT_FILENO)
		close(o->fd);
	if (o->tmp) {
		unlinkat(o->dirfd, o->tmp, 0);
		temp__unregister(o->dirfd, o->tmp);
	}
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->name);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
	o->fd = o->dirfd = -1;
}

int outfile__open(struct outfile *o, const char *path)
{
	struct stat st;
	bool magic;
	int err;

	memset(o, 0, sizeof(*o));
	o->fd = o->dirfd = -1;
	if (!strcmp(path, "-")) {
		if (stdout_closed)
			return -EBADF;
		fflush(stdout);
		o->fd = STDOUT_FILENO;
		err = make_stream(o);
		goto out;
	}
	err = resolve(path, &o->dirfd, &o->name, &magic);
	if (err)
		goto out;
	if (magic) {
		err = open_in_place(o, true);
		goto stream;
	}
	if (!fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (S_ISDIR(st.st_mode)) {
			err = -EISDIR;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {	/* swapped in meanwhile */
			err = -ELOOP;
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			err = open_in_place(o, false);
			goto stream;
		}
		if (protected(o->dirfd, &st)) {
			err = -EPERM;
			goto out;
		}
		o->replace = true;
		o->uid = st.st_uid;
		o->gid = st.st_gid;
		o->mode = st.st_mode & 0777;
	}
	o->fd = openat(o->dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (o->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR ||
			  errno == EINVAL))
		err = open_named_temp(o);
	else if (o->fd < 0)
		err = -errno;
	if ((err == -EACCES || err == -EPERM) && o->replace)
		err = open_in_place(o, false);
stream:
	if (!err)
		err = make_stream(o);
out:
	if (err)
		release(o);
	return err;
}

/* Gives the unnamed file @o->fd the name @name in @o->dirfd; -errno. */
static int link_tmpfile(struct outfile *o, const char *name)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	if (!linkat(AT_FDCWD, proc, o->dirfd, name, AT_SYMLINK_FOLLOW))
		return 0;
	if (errno != ENOENT)
		return -errno;
	/* No /proc: root may link the descriptor itself. */
	return linkat(o->fd, "", o->dirfd, name, AT_EMPTY_PATH) ? -errno : 0;
}

static int install(struct outfile *o)
{
	char buf[TEMP_NAME_LEN];
	int err, i;

	if (o->replace) {
		/* As root, chown first: it clears the set-id bits. */
		if (fchown(o->fd, o->uid, o->gid) && errno != EPERM)
			return -errno;
		if (fchmod(o->fd, o->mode))
			return -errno;
	}
	if (!o->tmp) {
		err = o->replace ? -EEXIST : link_tmpfile(o, o->name);
		if (err != -EEXIST)
			return err;
		for (i = 0; i < 100; i++) {
			temp_name(buf);
			err = link_tmpfile(o, buf);
			if (err != -EEXIST)
				break;
		}
		if (err)
			return err;
		o->tmp = strdup(buf);
		if (!o->tmp) {
			unlinkat(o->dirfd, buf, 0);
			return -ENOMEM;
		}
		temp__register(o->dirfd, o->tmp);
	}
	if (renameat(o->dirfd, o->tmp, o->dirfd, o->name))
		return -errno;
	temp__unregister(o->dirfd, o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

int outfile__commit(struct outfile *o)
{
	int err = 0;

	if (!o->f)
		return -EBADF;
	if (fflush(o->f) || ferror(o->f) || o->werr)
		err = o->werr ? -o->werr : errno ? -errno : -EIO;
	fclose(o->f);
	o->f = NULL;
	if (!err && o->dirfd >= 0 && fsync(o->fd))
		err = -errno;
	if (!err && o->dirfd >= 0)
		err = install(o);
	release(o);
	return err;
}

int outfile__abort(struct outfile *o)
{
	int err;

	if (o->f)
		fflush(o->f);
	err = o->werr ? -o->werr : 0;
	release(o);
	return err;
}
