// SPDX-License-Identifier: GPL-2.0
/*
 * libcurl at run time (see curl_loader.h, lazy_lib.h).  CURL_FUNCS lists
 * every curl function ebprof calls, with its prototype and the value it
 * returns when libcurl cannot be loaded; one line per function makes its
 * index, name and wrapper.  To call another curl function, add its line.
 * The two variadic functions, curl_easy_setopt() and curl_easy_getinfo(),
 * are written out: they pass on the one argument of the type the option
 * number says (curl.h's CURLOPTTYPE_* and CURLINFO_* ranges).
 *
 * Not here: linking libcurl statically (Debian ships libcurl.a only with
 * its whole TLS, HTTP/2, LDAP and Kerberos stack, which would also need
 * to be static).
 */
#define CURL_DISABLE_TYPECHECK	/* we define the functions the macros wrap */
#include <curl/curl.h>
#include <stdarg.h>

#include "lib/curl_loader.h"
#include "lib/lazy_lib.h"

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

enum { CURL_FUNCS(LAZY_IDX, LAZY_IDX_V) IDX_setopt, IDX_getinfo, NR_FNS };

static const char *const names[NR_FNS] = {
	CURL_FUNCS(LAZY_NAME, LAZY_NAME_V) "curl_easy_setopt", "curl_easy_getinfo",
};
static void *fns[NR_FNS];
static struct lazy_lib curl = LAZY_LIB_INIT(CURL_LOADER_SONAME,
					    CURL_LOADER_PACKAGE,
					    "uploads need libcurl", names, fns,
					    NR_FNS);

int curl_loader__load(char *err, size_t errlen)
{
	return lazy_lib__load(&curl, err, errlen);
}

#define LAZY_THIS curl
CURL_FUNCS(LAZY_DEF, LAZY_DEF_V)

typedef CURLcode (*setopt_fn)(CURL *h, CURLoption o, ...);
typedef CURLcode (*getinfo_fn)(CURL *h, CURLINFO i, ...);

/*
 * The option number's range says the type of the one argument that
 * follows (curl.h: CURLOPTTYPE_*), and it is passed on as that type.
 */
CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
	setopt_fn set;
	CURLcode rc;
	va_list ap;

	if (!lazy_lib__ready(&curl))
		return CURLE_FAILED_INIT;
	set = (setopt_fn)fns[IDX_setopt];
	va_start(ap, o);
	if (o < CURLOPTTYPE_OBJECTPOINT)
		rc = set(h, o, va_arg(ap, long));
	else if (o < CURLOPTTYPE_FUNCTIONPOINT)
		rc = set(h, o, va_arg(ap, void *));
	else if (o < CURLOPTTYPE_OFF_T)
		rc = set(h, o, va_arg(ap, void (*)(void)));
	else if (o < CURLOPTTYPE_BLOB)
		rc = set(h, o, va_arg(ap, curl_off_t));
	else
		rc = set(h, o, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO_* takes one pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
	CURLcode rc;
	va_list ap;

	if (!lazy_lib__ready(&curl))
		return CURLE_FAILED_INIT;
	va_start(ap, i);
	rc = ((getinfo_fn)fns[IDX_getinfo])(h, i, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
