// SPDX-License-Identifier: GPL-2.0
/*
 * Pyroscope ingest client on libcurl; see pyroscope.h.  One easy handle per
 * client so that consecutive uploads reuse the connection.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "format/folded.h"
#include "lib/clock.h"
#include "lib/curl_loader.h"
#include "upload/pyroscope.h"

#ifndef EBPROF_VERSION
#define EBPROF_VERSION "unknown"
#endif

#define MAX_FRAME_NAME	1024	/* longer frame names are shortened */
#define MAX_RESPONSE	(64 << 10)	/* bytes of an answer kept */

int64_t pyro__now_ns(void)
{
	return (int64_t)clock__ns(CLOCK_REALTIME);
}

int64_t pyro__mono_ms(void)
{
	return (int64_t)clock__mono_ms();
}

/* ---- names ---- */

static bool app_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == '/';
}

static bool key_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.';
}

static bool value_char(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && !strchr(",{}=", c);
}

static void show_char(char *buf, size_t len, unsigned char c)
{
	if (isprint(c))
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
}

int pyro__check_app(const char *app, char *err, size_t errlen)
{
	char what[16];
	size_t i;

	if (!app || !*app) {
		snprintf(err, errlen, "the application name is empty");
		return -EINVAL;
	}
	for (i = 0; app[i]; i++) {
		if (!app_char(app[i])) {
			show_char(what, sizeof(what), app[i]);
			snprintf(err, errlen,
				 "application name '%s': %s is not allowed "
				 "(use letters, digits and _ . - /)", app, what);
			return -EINVAL;
		}
	}
	return 0;
}

int pyro__check_label(const char *key, const char *value, char *err,
		      size_t errlen)
{
	char what[16];
	size_t i, n;

	if (!key || !*key) {
		snprintf(err, errlen, "a label name is empty");
		return -EINVAL;
	}
	for (i = 0; key[i]; i++) {
		if (!key_char(key[i])) {
			show_char(what, sizeof(what), key[i]);
			snprintf(err, errlen,
				 "label name '%s': %s is not allowed "
				 "(use letters, digits, _ and .)", key, what);
			return -EINVAL;
		}
	}
	if (!strcmp(key, "__name__")) {
		snprintf(err, errlen, "label name '__name__' is reserved");
		return -EINVAL;
	}
	n = value ? strlen(value) : 0;
	if (!n) {
		snprintf(err, errlen, "label '%s' has an empty value", key);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (!value_char(value[i])) {
			show_char(what, sizeof(what), value[i]);
			snprintf(err, errlen,
				 "label '%s': %s is not allowed in a value "
				 "(Pyroscope's name syntax has no escaping "
				 "for , { } = and control characters)",
				 key, what);
			return -EINVAL;
		}
	}
	if (value[0] == ' ' || value[n - 1] == ' ') {
		snprintf(err, errlen,
			 "label '%s': the value starts or ends with a space, "
			 "which the server would strip", key);
		return -EINVAL;
	}
	return 0;
}

void pyro__sanitize_value(char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		if (!value_char(s[i]))
			s[i] = '_';
	if (n && s[0] == ' ')
		s[0] = '_';
	if (n && s[n - 1] == ' ')
		s[n - 1] = '_';
}

static int cmp_label(const void *a, const void *b)
{
	const struct pyro_label *x = a, *y = b;

	return strcmp(x->key, y->key);
}

int pyro__build_name(struct strbuf *out, const char *app,
		     const struct pyro_label *labels, size_t nr,
		     char *err, size_t errlen)
{
	struct pyro_label *sorted = NULL;
	size_t i;
	int r;

	r = pyro__check_app(app, err, errlen);
	if (r)
		return r;
	for (i = 0; i < nr; i++) {
		r = pyro__check_label(labels[i].key, labels[i].value, err,
				      errlen);
		if (r)
			return r;
	}
	if (nr) {
		sorted = malloc(nr * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, labels, nr * sizeof(*sorted));
		qsort(sorted, nr, sizeof(*sorted), cmp_label);
	}
	r = strbuf__addf(out, "%s.cpu{", app);
	for (i = 0; i < nr && !r; i++) {
		if (i && !strcmp(sorted[i].key, sorted[i - 1].key)) {
			snprintf(err, errlen, "label '%s' is given twice",
				 sorted[i].key);
			r = -EINVAL;
			break;
		}
		r = strbuf__addf(out, "%s%s=%s", i ? "," : "", sorted[i].key,
				 sorted[i].value);
	}
	if (!r)
		r = strbuf__addch(out, '}');
	free(sorted);
	return r;
}

/* ---- folded bodies ---- */

/* Appends @stack with every frame name cut to MAX_FRAME_NAME bytes. */
static int cut_frames(struct strbuf *sb, const char *stack, size_t len,
		      size_t *cut)
{
	const char *p = stack, *end = stack + len;
	int r = 0;

	while (p < end && !r) {
		const char *semi = memchr(p, ';', end - p);
		size_t n = (semi ? semi : end) - p;

		if (n > MAX_FRAME_NAME) {
			size_t keep = MAX_FRAME_NAME - 3;

			/* Never split a UTF-8 sequence. */
			while (keep && ((unsigned char)p[keep] & 0xc0) == 0x80)
				keep--;
			r = strbuf__add(sb, p, keep);
			if (!r)
				r = strbuf__adds(sb, "...");
			(*cut)++;
		} else {
			r = strbuf__add(sb, p, n);
		}
		if (!r && semi)
			r = strbuf__addch(sb, ';');
		p = semi ? semi + 1 : end;
	}
	return r;
}

static int chunk_add(struct pyro_chunk **chunks, size_t *nr, size_t *cap,
		     size_t max_lines, size_t max_bytes, const char *line,
		     size_t len, uint64_t count)
{
	struct pyro_chunk *c = *nr ? &(*chunks)[*nr - 1] : NULL;
	char num[24];
	int nlen = snprintf(num, sizeof(num), " %llu\n",
			    (unsigned long long)count);
	size_t need = len + nlen;

	if (!c || c->lines >= max_lines ||
	    (c->len && c->len + need > max_bytes)) {
		if (*nr == *cap) {
			size_t ncap = *cap ? *cap * 2 : 4;
			struct pyro_chunk *n = realloc(*chunks,
						       ncap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			*chunks = n;
			*cap = ncap;
		}
		c = &(*chunks)[(*nr)++];
		memset(c, 0, sizeof(*c));
	}
	{
		char *b = realloc(c->body, c->len + need + 1);

		if (!b)
			return -ENOMEM;
		c->body = b;
	}
	memcpy(c->body + c->len, line, len);
	memcpy(c->body + c->len + len, num, nlen);
	c->len += need;
	c->body[c->len] = '\0';
	c->lines++;
	c->samples += count;
	return 0;
}

int pyro__folded_chunks(const struct profile *p, size_t max_lines,
			size_t max_bytes, struct pyro_chunk **chunks,
			size_t *nr, struct pyro_folded_stats *st)
{
	struct strbuf sb = STRBUF_INIT;
	size_t cap = 0, len = 0;
	char *text = NULL, *line, *end;
	FILE *f;
	int r;

	*chunks = NULL;
	*nr = 0;
	memset(st, 0, sizeof(*st));
	if (!max_lines)
		max_lines = PYRO_MAX_SAMPLES;
	if (!max_bytes)
		max_bytes = PYRO_MAX_BODY;
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	r = folded__write(p, f, 0);
	if (fclose(f) && !r)
		r = -errno;
	if (r)
		goto out;
	for (line = text; line < text + len && (!r || r == -ERANGE);
	     line = end + 1) {
		char *nl = memchr(line, '\n', text + len - line);
		char *sp, *stack = line;
		size_t slen;
		double v;
		long long n;

		end = nl ? nl : text + len;
		*end = '\0';
		sp = strrchr(line, ' ');
		if (!sp || sp == line)
			continue;	/* folded__write never writes these */
		v = strtod(sp + 1, NULL);
		/* llround() of 2^63 or more is undefined: refuse, do not drop. */
		if (!isfinite(v) || v < 0 || v >= 0x1p63) {
			st->unsendable++;
			r = -ERANGE;
			continue;
		}
		n = llround(v);
		if ((double)n != v)
			st->rounded++;
		if (n <= 0) {
			st->zero++;
			continue;
		}
		slen = sp - line;
		if (slen > MAX_FRAME_NAME) {
			strbuf__reset(&sb);
			if (cut_frames(&sb, line, slen, &st->cut_frames)) {
				r = -ENOMEM;
				break;
			}
			stack = sb.buf;
			slen = sb.len;
		}
		if (slen + 24 > PYRO_MAX_LINE) {
			st->too_long++;
			st->too_long_samples += n;
			continue;
		}
		if (!st->unsendable)
			r = chunk_add(chunks, nr, &cap, max_lines, max_bytes,
				      stack, slen, n);
	}
out:
	free(text);
	strbuf__release(&sb);
	if (r) {
		pyro__free_chunks(*chunks, *nr);
		*chunks = NULL;
		*nr = 0;
	}
	return r;
}

void pyro__free_chunks(struct pyro_chunk *chunks, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(chunks[i].body);
	free(chunks);
}

/* ---- answers ---- */

static void put_utf8(char **o, char *end, unsigned int cp)
{
	char tmp[4];
	int n, i;

	if (cp < 0x20 || cp == 0x7f) {
		tmp[0] = ' ';
		n = 1;
	} else if (cp < 0x80) {
		tmp[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = 0xc0 | (cp >> 6);
		tmp[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp >= 0xd800 && cp < 0xe000) {
		tmp[0] = '?';
		n = 1;
	} else {
		tmp[0] = 0xe0 | (cp >> 12);
		tmp[1] = 0x80 | ((cp >> 6) & 0x3f);
		tmp[2] = 0x80 | (cp & 0x3f);
		n = 3;
	}
	if (end - *o < n)
		return;
	for (i = 0; i < n; i++)
		*(*o)++ = tmp[i];
}

/* Decodes the JSON string starting after its '"'; false if unterminated. */
static bool json_string(const char *s, const char *end, char *out,
			size_t outlen)
{
	char *o = out, *oend = out + outlen - 1;

	while (s < end && *s != '"') {
		unsigned int cp = (unsigned char)*s++;

		if (cp == '\\') {
			if (s >= end)
				return false;
			switch (*s++) {
			case 'n': case 'r': case 't': case 'b': case 'f':
				cp = ' ';
				break;
			case 'u': {
				char hex[5] = { 0 };

				if (end - s < 4)
					return false;
				memcpy(hex, s, 4);
				if (strspn(hex, "0123456789abcdefABCDEF") != 4)
					return false;
				cp = strtoul(hex, NULL, 16);
				s += 4;
				break;
			}
			default:
				cp = (unsigned char)s[-1];
			}
			put_utf8(&o, oend, cp);
		} else if (cp < 0x20 || cp == 0x7f) {
			put_utf8(&o, oend, ' ');
		} else if (o < oend) {
			*o++ = cp;
		}
	}
	*o = '\0';
	return s < end;
}

void pyro__error_message(const char *body, size_t len, char *out,
			 size_t outlen)
{
	const char *end = body + len, *p = body;
	size_t i, n;

	if (!outlen)
		return;
	out[0] = '\0';
	if (!body || !len)
		return;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '{') {
		const char *k = memmem(p, end - p, "\"message\"", 9);

		if (k) {
			k += 9;
			while (k < end && isspace((unsigned char)*k))
				k++;
			if (k < end && *k == ':') {
				k++;
				while (k < end && isspace((unsigned char)*k))
					k++;
				if (k < end && *k == '"' &&
				    json_string(k + 1, end, out, outlen))
					return;
			}
		}
	}
	/* Not JSON with a message: the first line, made printable. */
	for (n = 0; p + n < end && p[n] != '\n' && n + 1 < outlen; n++)
		;
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		out[i] = (c < 0x20 || c == 0x7f) ? ' ' : c;
	}
	while (i && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

long pyro__parse_retry_after(const char *v)
{
	time_t t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		char *e;
		unsigned long s = strtoul(v, &e, 10);

		while (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n')
			e++;
		if (*e)
			return -1;
		return s > 86400 ? 86400000L : (long)s * 1000;
	}
	t = curl_getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	t -= time(NULL);
	return t <= 0 ? 0 : t > 86400 ? 86400000L : (long)t * 1000;
}

long pyro__backoff_ms(long min_ms, long max_ms, int attempt,
		      long retry_after_ms, unsigned int *seed)
{
	long w = min_ms > 0 ? min_ms : 1;
	int i;

	for (i = 1; i < attempt && w < max_ms; i++)
		w *= 2;
	if (w > max_ms)
		w = max_ms;
	/* Jitter into [w/2, w] so that clients do not retry in step. */
	w = w / 2 + (long)(rand_r(seed) % (unsigned int)(w / 2 + 1));
	if (retry_after_ms > w)
		w = retry_after_ms;
	return w;
}

/* ---- secrets in URLs and headers ---- */

/* The password of http(s)://user:PASS@host/...: [*@start, *@end). */
static bool url_password(const char *url, size_t *start, size_t *end)
{
	const char *auth = strstr(url, "://"), *host_end, *at, *colon;

	if (!auth)
		return false;
	auth += 3;
	host_end = auth + strcspn(auth, "/?#");
	at = memrchr(auth, '@', host_end - auth);
	if (!at)
		return false;
	colon = memchr(auth, ':', at - auth);
	if (!colon)
		return false;
	*start = colon + 1 - url;
	*end = at - url;
	return true;
}

bool pyro__url_has_password(const char *url)
{
	size_t a, b;

	return url && url_password(url, &a, &b);
}

char *pyro__redact_url(const char *url)
{
	size_t a, b;
	char *out;

	if (!url_password(url, &a, &b))
		return strdup(url);
	if (asprintf(&out, "%.*s***%s", (int)a, url, url + b) < 0)
		return NULL;
	return out;
}

void pyro__scrub_url_password(char *url)
{
	size_t a, b;

	if (url && url_password(url, &a, &b))
		memset(url + a, 'x', b - a);
}

int pyro__check_header_value(const char *v)
{
	for (; v && *v; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return -EINVAL;
	return 0;
}

/* ---- the client ---- */

struct pyro_client {
	struct pyro_config cfg;
	CURL *curl;
	char *base;		/* URL of the server, without a final '/' */
	char *shown;		/* the same with its password redacted */
	_Atomic int64_t deadline_ms;
	unsigned int seed;
	struct strbuf resp;	/* body of the last answer */
	long retry_after_ms;
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct pyro_client *pyro_client__new(const struct pyro_config *cfg,
				     char *err, size_t errlen)
{
	struct pyro_client *c = NULL;
	const char *u = cfg->url ? cfg->url : "";
	char *shown = pyro__redact_url(u);
	size_t n;

	if (!shown)
		goto nomem;
	if (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) {
		snprintf(err, errlen, "server URL '%s' does not start with "
			 "http:// or https://", shown);
		free(shown);
		return NULL;
	}
	if (strpbrk(u, "?# \t\r\n") || !u[strcspn(u, ":") + 3] ||
	    u[strcspn(u, ":") + 3] == '/') {
		snprintf(err, errlen, "server URL '%s' is not of the form "
			 "http(s)://HOST[:PORT][/PATH]", shown);
		free(shown);
		return NULL;
	}
	if (pyro__check_header_value(cfg->token) ||
	    pyro__check_header_value(cfg->tenant)) {
		snprintf(err, errlen, "the %s holds a control character (a "
			 "line break would add HTTP header lines)",
			 pyro__check_header_value(cfg->token) ? "token" :
			 "tenant");
		free(shown);
		return NULL;
	}
	for (n = 0; n < cfg->nr_headers; n++) {
		if (pyro__check_header_value(cfg->headers[n])) {
			snprintf(err, errlen, "a header holds a control "
				 "character (a line break would add HTTP "
				 "header lines)");
			free(shown);
			return NULL;
		}
	}
	if (curl_loader__load(err, errlen))
		return NULL;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc) {
		snprintf(err, errlen, "libcurl: %s",
			 curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->shown = shown;
	shown = NULL;
	c->cfg = *cfg;
	if (!c->cfg.connect_timeout_ms)
		c->cfg.connect_timeout_ms = 5000;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 30000;
	if (!c->cfg.backoff_min_ms)
		c->cfg.backoff_min_ms = 1000;
	if (!c->cfg.backoff_max_ms)
		c->cfg.backoff_max_ms = 30000;
	if (c->cfg.backoff_max_ms < c->cfg.backoff_min_ms)
		c->cfg.backoff_max_ms = c->cfg.backoff_min_ms;
	if (!c->cfg.retry_after_max_ms)
		c->cfg.retry_after_max_ms = 300000;
	c->seed = (unsigned int)pyro__now_ns() ^ (unsigned int)(uintptr_t)c;
	c->base = strdup(u);
	if (!c->base)
		goto nomem;
	n = strlen(c->base);
	while (n && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	/* Accept the ingest URL itself too. */
	if (n >= 7 && !strcmp(c->base + n - 7, "/ingest"))
		c->base[n - 7] = '\0';
	free(c->shown);
	c->shown = pyro__redact_url(c->base);
	if (!c->shown)
		goto nomem;
	c->curl = curl_easy_init();
	if (!c->curl)
		goto nomem;
	return c;
nomem:
	snprintf(err, errlen, "out of memory");
	free(shown);
	pyro_client__free(c);
	return NULL;
}

void pyro_client__free(struct pyro_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->base);
	free(c->shown);
	strbuf__release(&c->resp);
	free(c);
}

void pyro_client__set_deadline(struct pyro_client *c, int64_t mono_ms)
{
	atomic_store(&c->deadline_ms, mono_ms);
}

/* ms left before the deadline, LONG_MAX without one, <= 0 when passed. */
static long time_left(struct pyro_client *c)
{
	int64_t d = atomic_load(&c->deadline_ms);

	if (!d)
		return 0x7fffffff;
	if (d < 0)
		return 0;
	return (long)(d - pyro__mono_ms());
}

static int add_param(struct strbuf *sb, CURL *curl, const char *key,
		     const char *value)
{
	char *e = curl_easy_escape(curl, value, 0);
	int r;

	if (!e)
		return -ENOMEM;
	r = strbuf__addf(sb, "%s%s=%s", sb->buf[sb->len - 1] == '?' ? "" : "&",
			 key, e);
	curl_free(e);
	return r;
}

/* Nanoseconds when they have the 19 digits the server reads as ns. */
static void time_param(char *buf, size_t len, int64_t ns)
{
	if (ns >= 1000000000000000000LL)
		snprintf(buf, len, "%lld", (long long)ns);
	else
		snprintf(buf, len, "%lld", (long long)(ns / 1000000000));
}

static char *request_url(struct pyro_client *c, const struct pyro_request *r,
			 const char *base)
{
	struct strbuf sb = STRBUF_INIT;
	char num[32];
	int err;

	err = strbuf__addf(&sb, "%s/ingest?", base);
	if (!err)
		err = add_param(&sb, c->curl, "name", r->name);
	time_param(num, sizeof(num), r->from_ns);
	if (!err)
		err = add_param(&sb, c->curl, "from", num);
	time_param(num, sizeof(num), r->until_ns);
	if (!err)
		err = add_param(&sb, c->curl, "until", num);
	if (!err && r->sample_rate) {
		snprintf(num, sizeof(num), "%u", r->sample_rate);
		err = add_param(&sb, c->curl, "sampleRate", num);
	}
	if (!err)
		err = add_param(&sb, c->curl, "spyName", "ebprof");
	if (!err)
		err = add_param(&sb, c->curl, "units",
				r->units ? r->units : "samples");
	if (!err)
		err = add_param(&sb, c->curl, "aggregationType",
				r->aggregation ? r->aggregation : "sum");
	if (err) {
		strbuf__release(&sb);
		return NULL;
	}
	return sb.buf;
}

char *pyro_client__url(struct pyro_client *c, const struct pyro_request *r)
{
	return request_url(c, r, c->shown);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct pyro_client *c = arg;
	size_t n = size * nmemb;

	if (c->resp.len < MAX_RESPONSE)
		strbuf__add(&c->resp, data,
			    n < MAX_RESPONSE - c->resp.len ? n :
			    MAX_RESPONSE - c->resp.len);
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct pyro_client *c = arg;
	size_t n = size * nmemb;
	char v[128];

	if (n > 12 && n < 12 + sizeof(v) &&
	    !strncasecmp(data, "Retry-After:", 12)) {
		memcpy(v, data + 12, n - 12);
		v[n - 12] = '\0';
		c->retry_after_ms = pyro__parse_retry_after(v);
	}
	return n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn,
		       curl_off_t ut, curl_off_t un)
{
	return time_left(arg) <= 0;
}

static bool transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_ABORTED_BY_CALLBACK:
		return true;
	default:
		return false;
	}
}

static bool cert_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION ||
	       rc == CURLE_SSL_CACERT_BADFILE ||
	       rc == CURLE_SSL_CERTPROBLEM;
}

static int set_headers(struct pyro_client *c, const struct pyro_request *r,
		       struct curl_slist **list)
{
	struct strbuf sb = STRBUF_INIT;
	struct curl_slist *l = NULL, *n;
	size_t i;
	int err = 0;

#define APPEND(s) do {						\
		n = curl_slist_append(l, (s));			\
		if (!n) { err = -ENOMEM; goto out; }		\
		l = n;						\
	} while (0)

	/* No "100 Continue" round trip before the body. */
	APPEND("Expect:");
	if (r->format == PYRO_FOLDED)
		APPEND("Content-Type: text/plain");
	if (c->cfg.tenant) {
		strbuf__reset(&sb);
		if (strbuf__addf(&sb, "X-Scope-OrgID: %s", c->cfg.tenant)) {
			err = -ENOMEM;
			goto out;
		}
		APPEND(sb.buf);
	}
	if (c->cfg.token) {
		strbuf__reset(&sb);
		if (strbuf__addf(&sb, "Authorization: Bearer %s",
				 c->cfg.token)) {
			err = -ENOMEM;
			goto out;
		}
		APPEND(sb.buf);
	}
	for (i = 0; i < c->cfg.nr_headers; i++)
		APPEND(c->cfg.headers[i]);
#undef APPEND
out:
	if (sb.buf) {
		/* It may have held the token. */
		memset(sb.buf, 0, sb.cap);
		strbuf__release(&sb);
	}
	if (err)
		curl_slist_free_all(l);
	else
		*list = l;
	return err;
}

int pyro_client__send(struct pyro_client *c, const struct pyro_request *r,
		      struct pyro_result *res)
{
	struct curl_slist *hdrs = NULL;
	curl_mime *mime = NULL;
	CURL *h = c->curl;
	char *url = NULL;
	long left, status = 0;
	CURLcode rc;
	int err = 0;

	res->status = 0;
	res->retryable = false;
	res->retry_after_ms = -1;
	res->message[0] = '\0';
	left = time_left(c);
	if (left <= 0) {
		snprintf(res->message, sizeof(res->message),
			 "stopped before sending");
		res->retryable = true;
		return -ECANCELED;
	}
	url = request_url(c, r, c->base);
	if (!url || set_headers(c, r, &hdrs)) {
		err = -ENOMEM;
		snprintf(res->message, sizeof(res->message), "out of memory");
		goto out;
	}
	strbuf__reset(&c->resp);
	c->retry_after_ms = -1;
	c->errbuf[0] = '\0';
	/* Reset keeps the connection cache: the next upload reuses it. */
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ebprof/" EBPROF_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 c->cfg.connect_timeout_ms < left ?
			 c->cfg.connect_timeout_ms : left);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 c->cfg.timeout_ms < left ? c->cfg.timeout_ms : left);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	if (c->cfg.user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->cfg.user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
				 c->cfg.password ? c->cfg.password : "");
	}
	if (c->cfg.cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.cacert);
	if (c->cfg.insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (r->format == PYRO_PPROF) {
		curl_mimepart *part;

		mime = curl_mime_init(h);
		part = mime ? curl_mime_addpart(mime) : NULL;
		if (!part || curl_mime_name(part, "profile") ||
		    curl_mime_filename(part, "profile.pprof") ||
		    curl_mime_type(part, "application/octet-stream") ||
		    curl_mime_data(part, r->body, r->len)) {
			err = -ENOMEM;
			snprintf(res->message, sizeof(res->message),
				 "out of memory");
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
	} else {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)r->len);
	}
	rc = curl_easy_perform(h);
	res->retry_after_ms = c->retry_after_ms;
	if (rc != CURLE_OK) {
		const char *why = c->errbuf[0] ? c->errbuf :
				  curl_easy_strerror(rc);

		res->retryable = transient(rc);
		if (rc == CURLE_ABORTED_BY_CALLBACK ||
		    (rc == CURLE_OPERATION_TIMEDOUT && time_left(c) <= 0)) {
			err = -ECANCELED;
			snprintf(res->message, sizeof(res->message),
				 "stopped: the deadline passed");
		} else {
			err = -EIO;
			snprintf(res->message, sizeof(res->message),
				 "cannot reach %s: %s%s", c->shown, why,
				 cert_error(rc) ? " (give the server's CA "
				 "with --cacert FILE, or skip the check with "
				 "--insecure)" : "");
		}
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	res->status = status;
	if (status >= 200 && status < 300)
		goto out;
	err = -EPROTO;
	res->retryable = status == 408 || status == 429 || status >= 500;
	if (status >= 300 && status < 400) {
		char *loc = NULL, *shown;

		curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
		/* Resolved against ours, it may carry our password. */
		shown = loc ? pyro__redact_url(loc) : NULL;
		snprintf(res->message, sizeof(res->message),
			 "redirected to %s (give that URL instead)",
			 shown ? shown : "another place");
		free(shown);
	} else {
		pyro__error_message(c->resp.buf, c->resp.len, res->message,
				    sizeof(res->message));
	}
out:
	curl_mime_free(mime);
	curl_slist_free_all(hdrs);
	free(url);
	return err;
}

/* Sleeps @ms, in steps, ending early at the deadline; false then. */
static bool wait_ms(struct pyro_client *c, long ms)
{
	while (ms > 0) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = { 0, step * 1000000L };

		if (time_left(c) <= step)
			return false;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return true;
}

int pyro_client__upload(struct pyro_client *c, const struct pyro_request *r,
			struct pyro_result *res)
{
	int attempt, err;

	for (attempt = 1;; attempt++) {
		long w;

		err = pyro_client__send(c, r, res);
		res->attempts = attempt;
		if (!err || !res->retryable || attempt > c->cfg.retries ||
		    err == -ECANCELED)
			return err;
		if (res->retry_after_ms > c->cfg.retry_after_max_ms) {
			size_t n = strlen(res->message);

			snprintf(res->message + n, sizeof(res->message) - n,
				 " (the server asks to retry in %ld s)",
				 res->retry_after_ms / 1000);
			return err;
		}
		w = pyro__backoff_ms(c->cfg.backoff_min_ms,
				     c->cfg.backoff_max_ms, attempt,
				     res->retry_after_ms, &c->seed);
		if (c->cfg.on_retry)
			c->cfg.on_retry(c->cfg.ctx, res, w);
		if (!wait_ms(c, w))
			return err;
	}
}
