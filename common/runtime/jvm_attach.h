/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HotSpot's dynamic attach, the way jcmd uses it on Linux: create
 * .attach_pidNSPID in the JVM's /tmp, send SIGQUIT, wait for the JVM's
 * /tmp/.java_pidNSPID socket, connect, send one request ("1" cmd arg0
 * arg1 arg2, NUL-terminated), read "RESULT\n" and the output until the
 * JVM closes the socket.  It all happens in a child process that enters
 * the JVM's mount namespace and root and becomes the JVM's user (the JVM
 * accepts only its own user or root, and root in another user namespace
 * is nobody to it), so a container's files are the container's and no
 * file is created or signal sent with more rights than the JVM's own.
 * Used for "jcmd Compiler.perfmap" (the JVM writes /tmp/perf-PID.map) and
 * "printflag PreserveFramePointer".  Not here: deciding when to attach.
 */
#ifndef EBPROF_JVM_ATTACH_H
#define EBPROF_JVM_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Does @pid map HotSpot's libjvm.so? */
bool jvm_attach__is_hotspot(pid_t pid);

/*
 * Was @pid started with option @opt, on its command line or in the JVM's
 * option variables (JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS)?  For what can be
 * known without asking: -XX:+DisableAttachMechanism (such a JVM answers
 * SIGQUIT with a thread dump on its output, so it must not get one).
 */
bool jvm_attach__has_option(pid_t pid, const char *opt);

/*
 * Sends request @cmd with argument @arg to JVM @pid and waits at most
 * @timeout_ms.  Returns the JVM's result code (>= 0; 0 is success) with
 * the output in @out (NUL-terminated, truncated to @out_len), or -errno:
 * -ENOTSUP when the process does not handle SIGQUIT (it is no JVM, or it
 * runs with -Xrs), -ETIMEDOUT when no attach listener answered (e.g.
 * -XX:+DisableAttachMechanism), -EPERM when the socket is not the JVM's.
 */
int jvm_attach__request(pid_t pid, const char *cmd, const char *arg,
			char *out, size_t out_len, int timeout_ms);

#endif
