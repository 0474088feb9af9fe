// SPDX-License-Identifier: GPL-2.0
/*
 * HotSpot attach (see jvm_attach.h).  The parent checks the target and
 * prepares every path; the child, which alone changes namespace, root and
 * user, does the file, signal and socket work and writes the result code
 * and output to a pipe; the parent bounds the whole exchange in time and
 * kills the child when it runs over.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "runtime/jvm_attach.h"
#include "sample/proc_status.h"

#define SIGQUIT_BIT	(1ULL << (SIGQUIT - 1))
/* HotSpot's limits: a command name of 16 bytes, arguments of 1024. */
#define MAX_CMD		16
#define MAX_ARG		1024

bool jvm_attach__is_hotspot(pid_t pid)
{
	static const char lib[] = "/libjvm.so";
	char path[64], line[4096];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n');
		size_t n;

		if (nl)
			*nl = '\0';
		n = strlen(line);
		found = n > sizeof(lib) && !strcmp(line + n - (sizeof(lib) - 1),
						   lib);
	}
	fclose(f);
	return found;
}

/* Does @file of @pid (cmdline, environ) hold @what?  Bounded read. */
static bool proc_file_has(pid_t pid, const char *file, const char *what)
{
	char path[64], *buf;
	ssize_t n;
	bool found = false;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	buf = malloc(256 * 1024);
	n = buf ? read(fd, buf, 256 * 1024) : -1;
	close(fd);
	found = n > 0 && memmem(buf, n, what, strlen(what));
	free(buf);
	return found;
}

bool jvm_attach__has_option(pid_t pid, const char *opt)
{
	/* On the command line, or in JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS. */
	return proc_file_has(pid, "cmdline", opt) ||
	       proc_file_has(pid, "environ", opt);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct attach {
	pid_t pid;
	struct proc_status st;
	char mnt[64], root[64];
	char sock[64], trigger[64];	/* paths in the JVM's root */
	char req[4 + MAX_CMD + 1 + MAX_ARG + 1 + 2];
	size_t req_len;
	int timeout_ms;
};

/* Enters the JVM's mount namespace and root, becomes its user. */
static int become_target(const struct attach *a)
{
	struct stat ours, theirs;
	int fd, root;

	fd = open(a->mnt, O_RDONLY | O_CLOEXEC);
	root = open(a->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || root < 0)
		return -ESRCH;
	if (fstat(fd, &theirs) || stat("/proc/self/ns/mnt", &ours) ||
	    theirs.st_ino != ours.st_ino)
		if (setns(fd, CLONE_NEWNS))
			return -errno;
	if (fchdir(root) || chroot(".") || chdir("/"))
		return -errno;
	close(fd);
	close(root);
	if (setgroups(0, NULL) ||
	    setresgid(a->st.egid, a->st.egid, a->st.egid) ||
	    setresuid(a->st.euid, a->st.euid, a->st.euid))
		return -EPERM;
	return 0;
}

/* The JVM's socket, once it is a socket of the JVM's user. */
static int socket_ready(const struct attach *a)
{
	struct stat st;
	int fd = open(a->sock, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISSOCK(st.st_mode) || st.st_uid != a->st.euid)
		err = -EPERM;
	close(fd);
	return err;
}

/* Makes the JVM start its attach listener; 0 once the socket is there. */
static int start_listener(const struct attach *a, uint64_t deadline)
{
	bool created = false, resent = false;
	uint64_t start = clock__mono_ms();
	int fd, err;

	err = socket_ready(a);
	if (err != -ENOENT)
		return err;
	fd = open(a->trigger, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		created = true;
	} else if (errno != EEXIST) {
		/* Without the file, SIGQUIT would print a thread dump. */
		return -errno;
	}
	if (kill(a->pid, SIGQUIT)) {
		err = -errno;
		goto out;
	}
	while ((err = socket_ready(a)) == -ENOENT &&
	       clock__mono_ms() < deadline) {
		sleep_ms(50);
		/* As jcmd does: the first signal may have come too early. */
		if (!resent &&
		    clock__mono_ms() > start + (deadline - start) / 2) {
			resent = true;
			kill(a->pid, SIGQUIT);
		}
	}
	if (err == -ENOENT)
		err = -ETIMEDOUT;
out:
	if (created)
		unlink(a->trigger);
	return err;
}

static int talk(const struct attach *a, int out, uint64_t deadline)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char buf[4096];
	int fd, err;

	strcpy(sa.sun_path, a->sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto out;
	}
	/* The listener must be the JVM itself. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.pid != a->pid || cred.uid != a->st.euid) {
		err = -EPERM;
		goto out;
	}
	if (write(fd, a->req, a->req_len) != (ssize_t)a->req_len) {
		err = -EIO;
		goto out;
	}
	err = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int64_t left = (int64_t)(deadline - clock__mono_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (write(out, buf, n) != n)
			break;
	}
out:
	close(fd);
	return err;
}

static void child(const struct attach *a, int out)
{
	uint64_t deadline = clock__mono_ms() + a->timeout_ms;
	int err;

	/* Nothing of ours goes along: the pipe becomes fd 3, the rest closes. */
	if (dup2(out, 3) < 0 || syscall(SYS_close_range, 4, ~0U, 0))
		_exit(EBADF);
	out = 3;
	/* Not dumpable: the JVM's user cannot ptrace us, then or later. */
	prctl(PR_SET_DUMPABLE, 0);
	err = become_target(a);
	/* Changing ids cleared it: set it as the JVM's user. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!err)
		err = start_listener(a, deadline);
	if (!err)
		err = talk(a, out, deadline);
	/* The reply, if any, is already in the pipe: exit with why not. */
	_exit(err ? (-err & 0xff) : 0);
}

static int prepare(struct attach *a, pid_t pid, const char *cmd,
		   const char *arg, int timeout_ms)
{
	int err = proc_status__read(pid, &a->st);
	size_t cl = strlen(cmd), al = arg ? strlen(arg) : 0;

	if (err)
		return err;
	if (!(a->st.sig_caught & SIGQUIT_BIT) ||
	    (a->st.sig_ignored & SIGQUIT_BIT))
		return -ENOTSUP;
	if (!cl || cl > MAX_CMD || al > MAX_ARG)
		return -EINVAL;
	a->pid = pid;
	a->timeout_ms = timeout_ms;
	snprintf(a->mnt, sizeof(a->mnt), "/proc/%d/ns/mnt", pid);
	snprintf(a->root, sizeof(a->root), "/proc/%d/root", pid);
	snprintf(a->sock, sizeof(a->sock), "/tmp/.java_pid%d", a->st.nspid);
	snprintf(a->trigger, sizeof(a->trigger), "/tmp/.attach_pid%d",
		 a->st.nspid);
	/* Protocol 1: "1" cmd arg0 arg1 arg2, each NUL-terminated. */
	memcpy(a->req, "1", 2);
	a->req_len = 2;
	memcpy(a->req + a->req_len, cmd, cl + 1);
	a->req_len += cl + 1;
	if (al)
		memcpy(a->req + a->req_len, arg, al);
	a->req_len += al;
	memset(a->req + a->req_len, 0, 3);
	a->req_len += 3;
	return 0;
}

int jvm_attach__request(pid_t pid, const char *cmd, const char *arg,
			char *out, size_t out_len, int timeout_ms)
{
	struct attach a;
	uint64_t deadline = clock__mono_ms() + timeout_ms + 500;
	size_t got = 0;
	pid_t c;
	int p[2], status = 0, err;
	long code;
	char *end;

	if (!out_len)
		return -EINVAL;
	out[0] = '\0';
	err = prepare(&a, pid, cmd, arg, timeout_ms);
	if (err)
		return err;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	c = fork();
	if (c < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (c == 0) {
		close(p[0]);
		child(&a, p[1]);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pf = { p[0], POLLIN, 0 };
		int64_t left = (int64_t)(deadline - clock__mono_ms());
		char sink[4096];
		ssize_t n;

		if (left <= 0 || poll(&pf, 1, left) <= 0) {
			kill(c, SIGKILL);
			err = -ETIMEDOUT;
			break;
		}
		if (got + 1 < out_len)
			n = read(p[0], out + got, out_len - 1 - got);
		else
			n = read(p[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + 1 < out_len)
			got += n;
	}
	out[got] = '\0';
	close(p[0]);
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	if (err)
		return err;
	if (!WIFEXITED(status))
		return -ETIMEDOUT;
	if (WEXITSTATUS(status))
		return -WEXITSTATUS(status);
	/* "RESULT\n" then the output. */
	code = strtol(out, &end, 10);
	if (end == out || (*end && *end != '\n') || code < 0)
		return -EPROTO;
	if (*end)
		end++;
	memmove(out, end, strlen(end) + 1);
	return (int)code;
}
