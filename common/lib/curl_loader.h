/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libcurl, loaded at run time: ebprof is not linked with -lcurl.  The
 * curl_* functions the rest of ebprof calls are defined in curl_loader.c
 * as thin wrappers that dlopen("libcurl.so.4") on first use, so callers
 * include <curl/curl.h> and call curl as usual; a host without libcurl
 * runs every command but uploads.
 *
 * Not here: anything HTTP (pyroscope.c), and messages (callers print the
 * text curl_loader__load() fills in).
 */
#ifndef EBPROF_CURL_LOADER_H
#define EBPROF_CURL_LOADER_H

#include <stddef.h>

/* The library file loaded, and the Debian package that holds it. */
#define CURL_LOADER_SONAME	"libcurl.so.4"
#define CURL_LOADER_PACKAGE	"libcurl4"

/*
 * Loads libcurl and resolves every function ebprof uses (once; later
 * calls return the first answer).  0, or -ENOENT with @err holding one
 * line that names what to install.
 */
int curl_loader__load(char *err, size_t errlen);

#endif
