// SPDX-License-Identifier: GPL-2.0
/*
 * libdebuginfod at run time (see debuginfod_loader.h, lazy_lib.h): one
 * line of DI_FUNCS per function ebprof calls, with the value it returns
 * when the library cannot be loaded.
 */
#include <elfutils/debuginfod.h>
#include <errno.h>

#include "lib/debuginfod_loader.h"
#include "lib/lazy_lib.h"

/* X(return type, name, (parameters), (arguments), value when unloaded) */
#define DI_FUNCS(X, XV)							\
	X(debuginfod_client *, debuginfod_begin, (void), (), NULL)	\
	XV(debuginfod_end, (debuginfod_client *c), (c))			\
	X(int, debuginfod_find_debuginfo,				\
	  (debuginfod_client *c, const unsigned char *id, int n,	\
	   char **path), (c, id, n, path), -ENOSYS)			\
	XV(debuginfod_set_progressfn,					\
	   (debuginfod_client *c, debuginfod_progressfn_t fn), (c, fn))	\
	XV(debuginfod_set_user_data, (debuginfod_client *c, void *v),	\
	   (c, v))							\
	X(void *, debuginfod_get_user_data, (debuginfod_client *c), (c),\
	  NULL)

enum { DI_FUNCS(LAZY_IDX, LAZY_IDX_V) NR_FNS };

static const char *const names[NR_FNS] = { DI_FUNCS(LAZY_NAME, LAZY_NAME_V) };
static void *fns[NR_FNS];
static struct lazy_lib di = LAZY_LIB_INIT(DEBUGINFOD_LOADER_SONAME,
					  DEBUGINFOD_LOADER_PACKAGE,
					  "fetching debug files needs "
					  "libdebuginfod", names, fns, NR_FNS);

int debuginfod_loader__load(char *err, size_t errlen)
{
	return lazy_lib__load(&di, err, errlen);
}

#define LAZY_THIS di
DI_FUNCS(LAZY_DEF, LAZY_DEF_V)
