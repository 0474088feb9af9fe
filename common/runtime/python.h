/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPython processes: detecting the interpreter (libpython3.X loaded, or a
 * python executable with libpython linked in), its version and where its
 * thread states and frames are (tables for 3.10-3.12, the interpreter's
 * own _Py_DebugOffsets for 3.13), registering that with the BPF walker,
 * then turning the (code object, instruction) pairs of each sample into
 * functions (qualified name, file, first line) and lines by reading code
 * objects from the live process (cached per code object).
 *
 * A Python frame's name is "qualname (file.py)": the qualified function
 * name and the base name of its file, as py-spy prints them; the full
 * path, first line and line go to pprof.  Not here: the BPF side
 * (bpf/python.bpf.h), merging with native frames (recorder.c).
 */
#ifndef EBPROF_PYTHON_H
#define EBPROF_PYTHON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sample/sampler.h"

struct python;

struct python_stats {
	uint64_t processes;	/* interpreters attached */
	uint64_t unsupported;	/* interpreters we cannot walk */
	uint64_t samples;	/* samples of threads running Python */
	uint64_t complete;	/*   with their whole Python chain */
	uint64_t truncated;	/*   deeper than PY_MAX_FRAMES */
	uint64_t unreadable;	/*   a frame or code object unreadable
				 *   (mostly module code that an import ran
				 *   and freed before it was read) */
	uint64_t no_thread;	/* samples of threads without Python frames
				 * (interpreter start-up and exit, native
				 * threads) */
	uint64_t early;		/* samples of a Python process before it was
				 * attached (its first moments) */
	uint64_t frames;	/* Python frames named */
};

/* A Python function, as frames name it. */
struct py_func {
	const char *name;	/* "qualname (file.py)" */
	const char *qualname;
	const char *file;	/* co_filename as is */
	uint32_t first_line;
	const char *interp;	/* the interpreter's file (libpython or the
				 * executable) that first ran it */
};

/* Registers (@py) or forgets (NULL) a process with the BPF walker. */
typedef int (*python_attach_fn)(void *ctx, pid_t pid,
				const struct py_proc *py);

struct python *python__new(python_attach_fn attach, void *ctx);
void python__free(struct python *py);

/*
 * Notes a sample of @pid named @pcomm at @now (CLOCK_MONOTONIC ns): a
 * process seen for the first time, or that exec'd, is checked for an
 * interpreter (a just-started one again a little later).
 */
void python__check(struct python *py, pid_t pid, const char *pcomm,
		   uint64_t now);

/* Is this mapped file (device, inode) @pid's interpreter? */
bool python__is_interp(const struct python *py, pid_t pid, uint64_t dev,
		       uint64_t ino);

/*
 * A Python frame as the recorder keeps it: function id << 32 | PYF_ENTRY
 * << 31 | line.
 */
#define PY_WORD_ENTRY (1ULL << 31)
static inline uint32_t py_word__func(uint64_t w) { return w >> 32; }
static inline uint32_t py_word__line(uint64_t w) { return w & 0x7fffffff; }

/*
 * Reads the code objects of sample @e that are new, as soon as it comes
 * (before it waits for its mappings): module code dies right after the
 * import that runs it.  Also does python__check().
 */
void python__prefetch(struct python *py, const struct sample_event *e);

/*
 * The Python frames of sample @e as words, outermost first, into @out
 * (room for PY_MAX_FRAMES).  Returns how many, or -ENOMEM; counts the
 * sample in the statistics.
 */
int python__frames(struct python *py, const struct sample_event *e,
		   uint64_t *out);

/* The function of id @id (from a word), or NULL. */
const struct py_func *python__func(const struct python *py, uint32_t id);

/* Is @name the interpreter loop that Python frames stand for? */
bool python__is_eval(const char *name);

/*
 * "qualname (file.py:LINE)", valid until the next call; NULL on
 * allocation failure.
 */
const char *python__name_line(struct python *py, const struct py_func *f,
			      uint32_t line);

/* Forgets a process that exited (its code objects). */
void python__forget_pid(struct python *py, pid_t pid);

const struct python_stats *python__stats(const struct python *py);

/* Line of code unit @lasti in a co_linetable of 3.@minor; -1 if none. */
int python__line(unsigned int minor, const uint8_t *table, size_t len,
		 int first_line, int lasti);

#endif
