// SPDX-License-Identifier: GPL-2.0
/*
 * libcurl at run time (see curl_loader.h).  CURL_FUNCS lists every curl
 * function ebprof calls, with its prototype and the value it returns when
 * libcurl cannot be loaded; one X() line per function generates the
 * pointer and the wrapper.  To call another curl function, add its line.
 * The two variadic functions, curl_easy_setopt() and curl_easy_getinfo(),
 * are written out: they pass on the one argument of the type the option
 * number says (curl.h's CURLOPTTYPE_* and CURLINFO_* ranges).
 *
 * Not here: linking libcurl statically (Debian ships libcurl.a only with
 * its whole TLS, HTTP/2, LDAP and Kerberos stack, which would also need
 * to be static), or any other library.
 */
#define CURL_DISABLE_TYPECHECK	/* we define the functions the macros wrap */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "curl_loader.h"

/* X(return type, name, (parameters), (arguments), value when unloaded) */
#define CURL_FUNCS(X, XV)						\
	X(CURLcode, curl_global_init, (long flags), (flags),		\
	  CURLE_FAILED_INIT)						\
	X(CURL *, curl_easy_init, (void), (), NULL)			\
	X(CURLcode, curl_easy_perform, (CURL *h), (h),			\
	  CURLE_FAILED_INIT)						\
	XV(curl_easy_cleanup, (CURL *h), (h))				\
	XV(curl_easy_reset, (CURL *h), (h))				\
	X(char *, curl_easy_escape, (CURL *h, const char *s, int n),	\
	  (h, s, n), NULL)						\
	X(const char *, curl_easy_strerror, (CURLcode c), (c),		\
	  "libcurl is not loaded")					\
	XV(curl_free, (void *p), (p))					\
	X(time_t, curl_getdate, (const char *p, const time_t *u), (p, u),\
	  -1)								\
	X(curl_mime *, curl_mime_init, (CURL *h), (h), NULL)		\
	XV(curl_mime_free, (curl_mime *m), (m))				\
	X(curl_mimepart *, curl_mime_addpart, (curl_mime *m), (m), NULL)\
	X(CURLcode, curl_mime_data,					\
	  (curl_mimepart *p, const char *d, size_t n), (p, d, n),	\
	  CURLE_FAILED_INIT)						\
	X(CURLcode, curl_mime_name, (curl_mimepart *p, const char *s),	\
	  (p, s), CURLE_FAILED_INIT)					\
	X(CURLcode, curl_mime_filename, (curl_mimepart *p, const char *s),\
	  (p, s), CURLE_FAILED_INIT)					\
	X(CURLcode, curl_mime_type, (curl_mimepart *p, const char *s),	\
	  (p, s), CURLE_FAILED_INIT)					\
	X(struct curl_slist *, curl_slist_append,			\
	  (struct curl_slist *l, const char *s), (l, s), NULL)		\
	XV(curl_slist_free_all, (struct curl_slist *l), (l))		\
	X(curl_version_info_data *, curl_version_info, (CURLversion v),	\
	  (v), NULL)

#define PTR_X(ret, name, params, args, fail) ret (*name) params;
#define PTR_XV(name, params, args) void (*name) params;
static struct {
	CURL_FUNCS(PTR_X, PTR_XV)
	CURLcode (*curl_easy_setopt)(CURL *h, CURLoption o, ...);
	CURLcode (*curl_easy_getinfo)(CURL *h, CURLINFO i, ...);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void *lib;
static char load_err[256];

static int resolve(const char *name, void **slot)
{
	*slot = dlsym(lib, name);
	if (*slot)
		return 0;
	snprintf(load_err, sizeof(load_err), "%s has no %s: install a "
		 "newer %s", CURL_LOADER_SONAME, name, CURL_LOADER_PACKAGE);
	return -1;
}

static void load(void)
{
	lib = dlopen(CURL_LOADER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(load_err, sizeof(load_err), "uploads need libcurl "
			 "(%s not found): install %s", CURL_LOADER_SONAME,
			 CURL_LOADER_PACKAGE);
		return;
	}
#define RES_X(ret, name, params, args, fail)				\
	if (resolve(#name, (void **)&fn.name))				\
		goto out_fail;
#define RES_XV(name, params, args) RES_X(void, name, params, args, 0)
	CURL_FUNCS(RES_X, RES_XV)
	RES_X(, curl_easy_setopt, , , )
	RES_X(, curl_easy_getinfo, , , )
	return;
out_fail:
	dlclose(lib);
	lib = NULL;
	memset(&fn, 0, sizeof(fn));
}

static bool ready(void)
{
	pthread_once(&once, load);
	return lib != NULL;
}

int curl_loader__load(char *err, size_t errlen)
{
	if (ready())
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", load_err);
	return -ENOENT;
}

bool curl_loader__loaded(void)
{
	return lib != NULL;
}

#define DEF_X(ret, name, params, args, fail)				\
	ret name params							\
	{								\
		if (!ready())						\
			return fail;					\
		return fn.name args;					\
	}
#define DEF_XV(name, params, args)					\
	void name params						\
	{								\
		if (ready())						\
			fn.name args;					\
	}
CURL_FUNCS(DEF_X, DEF_XV)

/*
 * The option number's range says the type of the one argument that
 * follows (curl.h: CURLOPTTYPE_*), and it is passed on as that type.
 */
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
	CURLcode rc;
	va_list ap;

	if (!ready())
		return CURLE_FAILED_INIT;
	va_start(ap, o);
	if (o < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.curl_easy_setopt(h, o, va_arg(ap, long));
	else if (o < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn.curl_easy_setopt(h, o, va_arg(ap, void *));
	else if (o < CURLOPTTYPE_OFF_T)
		rc = fn.curl_easy_setopt(h, o, va_arg(ap, void (*)(void)));
	else if (o < CURLOPTTYPE_BLOB)
		rc = fn.curl_easy_setopt(h, o, va_arg(ap, curl_off_t));
	else
		rc = fn.curl_easy_setopt(h, o, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* takes one pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
	CURLcode rc;
	va_list ap;

	if (!ready())
		return CURLE_FAILED_INIT;
	va_start(ap, i);
	rc = fn.curl_easy_getinfo(h, i, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
