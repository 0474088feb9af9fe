/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A shared library loaded on first use (dlopen), with the functions ebprof
 * calls resolved at once: libcurl for uploads (curl_loader.c) and, in the
 * dynamic build, capstone (capstone_loader.c).  Not linking them keeps
 * their pages and their own dependencies out of every process that never
 * uses them (`record -a` needs neither), and lets ebprof run where they
 * are not installed.
 *
 * A loader defines the library's functions as thin wrappers (the callers
 * keep calling curl_* / cs_* as declared by the library's headers) with
 * LAZY_FN(); a wrapper called when the library cannot be loaded returns
 * the value given for that case.
 *
 * Not here: which functions a library has (its loader's list).
 */
#ifndef EBPROF_LAZY_LIB_H
#define EBPROF_LAZY_LIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct lazy_lib {
	const char *soname;		/* "libcurl.so.4" */
	const char *package;		/* Debian package holding it */
	const char *needed_for;		/* "uploads need libcurl" */
	const char *const *names;	/* functions to resolve */
	void **fns;			/* their addresses, same order */
	size_t nr;
	/* state */
	pthread_mutex_t lock;
	int state;			/* 0 not tried, 1 loaded, -1 failed */
	void *handle;
	char err[256];
};

#define LAZY_LIB_INIT(so, pkg, what, names_, fns_, nr_)			\
	{ .soname = (so), .package = (pkg), .needed_for = (what),	\
	  .names = (names_), .fns = (fns_), .nr = (nr_),		\
	  .lock = PTHREAD_MUTEX_INITIALIZER }

/* Loads @l once; whether its functions are there. */
bool lazy_lib__ready(struct lazy_lib *l);

/*
 * As lazy_lib__ready(), but 0 or -ENOENT with @err holding one line that
 * names the file and the package to install.
 */
int lazy_lib__load(struct lazy_lib *l, char *err, size_t errlen);

/*
 * Defines wrapper NAME with return type RET, parameters PARAMS and
 * arguments ARGS calling fns[IDX] of LIB, or returning UNLOADED.
 */
#define LAZY_FN(lib, idx, ret, name, params, args, unloaded)		\
	ret name params							\
	{								\
		if (!lazy_lib__ready(&(lib)))				\
			return unloaded;				\
		return ((ret (*) params)(lib).fns[idx]) args;		\
	}
#define LAZY_FN_VOID(lib, idx, name, params, args)			\
	void name params						\
	{								\
		if (lazy_lib__ready(&(lib)))				\
			((void (*) params)(lib).fns[idx]) args;		\
	}

/*
 * A loader lists its functions once, as an X-macro LIST(X, XV) of
 * X(ret, name, params, args, unloaded) and XV(name, params, args) for
 * void ones, and expands it three times:
 *	enum { LIST(LAZY_IDX, LAZY_IDX_V) NR_FNS };
 *	static const char *const names[NR_FNS] = {
 *		LIST(LAZY_NAME, LAZY_NAME_V) };
 *	#define LAZY_THIS lib	(its struct lazy_lib)
 *	LIST(LAZY_DEF, LAZY_DEF_V)
 */
#define LAZY_IDX(ret, name, params, args, unloaded)	IDX_##name,
#define LAZY_IDX_V(name, params, args)			IDX_##name,
#define LAZY_NAME(ret, name, params, args, unloaded)	#name,
#define LAZY_NAME_V(name, params, args)			#name,
#define LAZY_DEF(ret, name, params, args, unloaded)			\
	LAZY_FN(LAZY_THIS, IDX_##name, ret, name, params, args, unloaded)
#define LAZY_DEF_V(name, params, args)					\
	LAZY_FN_VOID(LAZY_THIS, IDX_##name, name, params, args)

#endif
