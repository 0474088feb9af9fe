// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a library on first use (see lazy_lib.h): dlopen with RTLD_LOCAL
 * (its symbols never interpose on ours or other libraries'), every
 * function resolved before any is called, and the first answer kept.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "lib/lazy_lib.h"

/* 1 loaded, -1 not (l->err says why). */
static int load(struct lazy_lib *l)
{
	size_t i;

	l->handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!l->handle) {
		snprintf(l->err, sizeof(l->err), "%s (%s not found): "
			 "install %s", l->needed_for, l->soname, l->package);
		return -1;
	}
	for (i = 0; i < l->nr; i++) {
		l->fns[i] = dlsym(l->handle, l->names[i]);
		if (!l->fns[i]) {
			snprintf(l->err, sizeof(l->err), "%s has no %s: "
				 "install a newer %s", l->soname, l->names[i],
				 l->package);
			dlclose(l->handle);
			l->handle = NULL;
			return -1;
		}
	}
	return 1;
}

bool lazy_lib__ready(struct lazy_lib *l)
{
	int state = __atomic_load_n(&l->state, __ATOMIC_ACQUIRE);

	if (!state) {
		pthread_mutex_lock(&l->lock);
		state = l->state;
		if (!state) {
			state = load(l);
			__atomic_store_n(&l->state, state, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&l->lock);
	}
	return state > 0;
}

int lazy_lib__load(struct lazy_lib *l, char *err, size_t errlen)
{
	if (lazy_lib__ready(l))
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", l->err);
	return -ENOENT;
}
