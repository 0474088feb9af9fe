/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdebuginfod, loaded at run time: ebprof is not linked with
 * -ldebuginfod (Debian ships no static archive of it, and it brings
 * libcurl's whole stack).  The debuginfod_* functions debuginfod.c calls
 * are defined in debuginfod_loader.c as wrappers that dlopen the library
 * on first use, so a host without it records, only without fetching.
 *
 * Not here: when and what to fetch (debuginfod.c).
 */
#ifndef EBPROF_DEBUGINFOD_LOADER_H
#define EBPROF_DEBUGINFOD_LOADER_H

#include <stddef.h>

#define DEBUGINFOD_LOADER_SONAME	"libdebuginfod.so.1"
#define DEBUGINFOD_LOADER_PACKAGE	"libdebuginfod1"

/* Loads libdebuginfod once: 0, or -ENOENT with @err naming what to
 * install. */
int debuginfod_loader__load(char *err, size_t errlen);

#endif
