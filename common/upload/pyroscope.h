/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A client of Grafana Pyroscope's HTTP ingest API (POST {URL}/ingest),
 * built on libcurl: the series name `APP.cpu{k=v,...}` and its character
 * rules, the query (from, until, sampleRate, spyName, units,
 * aggregationType), folded bodies with integer counts or pprof as
 * multipart/form-data field `profile`, basic / bearer / tenant headers,
 * TLS verification, timeouts, and retries with exponential backoff and
 * jitter on connection errors, 408, 429 and 5xx (Retry-After honoured).
 *
 * Not here: reading recordings (input.c), keeping uploads on disk
 * (spool.c), the background thread of continuous mode (uploader.c), and
 * any message on stderr (cmd/push.c, push_input.c and push_opts.c turn
 * results into messages).
 */
#ifndef EBPROF_PYROSCOPE_H
#define EBPROF_PYROSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "profile/profile.h"

/* Server defaults (Pyroscope 1.x) the client plans around. */
#define PYRO_MAX_SAMPLES	16000		/* samples per profile */
#define PYRO_MAX_BODY		(4u << 20)	/* bytes of a profile */
#define PYRO_MAX_AGE_NS		(3600LL * 1000000000LL)	 /* too old */
#define PYRO_MAX_AHEAD_NS	(600LL * 1000000000LL)	 /* too new */
#define PYRO_MAX_LINE		65000	/* the server's line scanner: 64 KiB */

struct pyro_label {
	const char *key, *value;
};

/*
 * Character rules of the name: the application (service) name is
 * [A-Za-z0-9_.-/], label names are [A-Za-z0-9_.], label values are any
 * bytes but control characters and `,{}=` (the name syntax has no
 * escaping), without spaces at either end.  0 or -EINVAL with @err saying
 * which character is wrong.
 */
int pyro__check_app(const char *app, char *err, size_t errlen);
int pyro__check_label(const char *key, const char *value, char *err,
		      size_t errlen);
/* Rewrites @s in place into a valid label value ('_' for bad bytes). */
void pyro__sanitize_value(char *s);

/*
 * Appends `APP.cpu{k=v,...}` to @out, labels sorted by name.  Checks
 * every part as above and rejects duplicate label names.  0 or -errno.
 */
int pyro__build_name(struct strbuf *out, const char *app,
		     const struct pyro_label *labels, size_t nr,
		     char *err, size_t errlen);

struct pyro_chunk {
	char *body;		/* folded lines, "stack COUNT\n" each */
	size_t len;
	size_t lines;
	uint64_t samples;	/* sum of the counts */
};

struct pyro_folded_stats {
	size_t rounded;		/* lines whose count was not an integer */
	size_t zero;		/* lines left out: count rounded to 0 */
	size_t unsendable;	/* counts of 2^63 or more, negative, NaN */
	size_t cut_frames;	/* frame names shortened */
	size_t too_long;	/* lines left out: still over PYRO_MAX_LINE */
	uint64_t too_long_samples;
};

/*
 * Renders @p's default sample type as folded bodies the server accepts:
 * integer counts (rounded half away from zero), frame names of at most 1 KiB,
 * lines under PYRO_MAX_LINE, and chunks of at most @max_lines lines and
 * @max_bytes bytes (a profile over the server's limits becomes several
 * uploads of the same series and time, which the server sums).  Sets
 * *@chunks (free with pyro__free_chunks()) and *@nr; a profile without
 * samples gives 0 chunks.  0 or -errno; -ERANGE when a count cannot be
 * sent (2^63 or more: the server reads signed 64-bit counts; negative;
 * not a number), counted in @st->unsendable: no stack is dropped silently.
 */
int pyro__folded_chunks(const struct profile *p, size_t max_lines,
			size_t max_bytes, struct pyro_chunk **chunks,
			size_t *nr, struct pyro_folded_stats *st);
void pyro__free_chunks(struct pyro_chunk *chunks, size_t nr);

struct pyro_result;

struct pyro_config {
	const char *url;	/* http(s)://host[:port][/prefix] */
	const char *user;	/* basic auth when set ... */
	const char *password;	/* ... with this password */
	const char *token;	/* bearer token, or NULL */
	const char *tenant;	/* X-Scope-OrgID, or NULL */
	const char *const *headers;	/* extra "Key: value" lines */
	size_t nr_headers;
	const char *cacert;	/* CA bundle file, or NULL: system's */
	bool insecure;		/* no certificate verification */
	long connect_timeout_ms;	/* 0: 5 s */
	long timeout_ms;		/* whole request; 0: 30 s */
	int retries;		/* retries after the first attempt */
	long backoff_min_ms;	/* first wait; 0: 1 s */
	long backoff_max_ms;	/* cap of the exponential wait; 0: 30 s */
	long retry_after_max_ms; /* longer Retry-After: give up; 0: 5 min */
	/* Called before each wait between attempts (may be NULL). */
	void (*on_retry)(void *ctx, const struct pyro_result *res,
			 long wait_ms);
	void *ctx;
};

enum pyro_format {
	PYRO_FOLDED = 0,	/* body: folded lines */
	PYRO_PPROF,		/* body: a pprof file, sent as multipart */
};

struct pyro_request {
	const char *name;	/* pyro__build_name() */
	int64_t from_ns, until_ns;
	unsigned int sample_rate; /* Hz, 0: not sent (server default 100) */
	const char *units;	/* NULL: "samples" */
	const char *aggregation; /* NULL: "sum" */
	enum pyro_format format;
	const void *body;
	size_t len;
};

struct pyro_result {
	long status;		/* HTTP status of the last attempt, 0: none */
	int attempts;
	bool retryable;		/* the failure may pass if tried later */
	long retry_after_ms;	/* the server's Retry-After, -1: none */
	char message[512];	/* why it failed (the server's own words) */
};

struct pyro_client;

/* NULL with @err set on a bad URL or when libcurl cannot start. */
struct pyro_client *pyro_client__new(const struct pyro_config *cfg,
				     char *err, size_t errlen);
void pyro_client__free(struct pyro_client *c);

/*
 * The URL a request goes to, for messages and --dry-run (a password in it
 * redacted); free() it.
 */
char *pyro_client__url(struct pyro_client *c, const struct pyro_request *r);

/*
 * One attempt.  0 on a 2xx answer; otherwise -EIO (transport), -EPROTO
 * (HTTP error status), -ECANCELED (deadline or cancel), -EINVAL, -ENOMEM,
 * with @res filled in.
 */
int pyro_client__send(struct pyro_client *c, const struct pyro_request *r,
		      struct pyro_result *res);
/* pyro_client__send() with the configured retries and waits. */
int pyro_client__upload(struct pyro_client *c, const struct pyro_request *r,
			struct pyro_result *res);

/*
 * From another thread: requests in flight and waits end at @mono_ms
 * (CLOCK_MONOTONIC, ms; 0: no deadline).  -1: stop now.
 */
void pyro_client__set_deadline(struct pyro_client *c, int64_t mono_ms);

/*
 * Wait before retry number @attempt (1-based): min(max, min * 2^(n-1)),
 * scaled into [1/2, 1] of itself by @seed's jitter, or the server's
 * Retry-After when longer.
 */
long pyro__backoff_ms(long min_ms, long max_ms, int attempt,
		      long retry_after_ms, unsigned int *seed);

/*
 * The text of an error answer: JSON {"message": ...} when it is one,
 * otherwise its first line; control characters replaced, at most
 * @outlen - 1 bytes.
 */
void pyro__error_message(const char *body, size_t len, char *out,
			 size_t outlen);

/*
 * @url with the password of its user part (http://user:PASS@host) replaced
 * by "***", for messages; malloc'd, NULL when out of memory.
 */
char *pyro__redact_url(const char *url);
/* Overwrites that password in place with 'x' (e.g. in argv). */
void pyro__scrub_url_password(char *url);
/* True when @url carries a password. */
bool pyro__url_has_password(const char *url);

/*
 * 0 when @v may be an HTTP header value: no control characters (a CR or LF
 * would start another header line); TAB is allowed.  -EINVAL otherwise.
 */
int pyro__check_header_value(const char *v);

/* Retry-After value (seconds or an HTTP date) in ms; -1 if unparsable. */
long pyro__parse_retry_after(const char *v);

int64_t pyro__now_ns(void);	/* CLOCK_REALTIME */
int64_t pyro__mono_ms(void);	/* CLOCK_MONOTONIC */

#endif
