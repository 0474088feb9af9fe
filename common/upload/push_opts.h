/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Pyroscope upload options that `ebprof push` and `ebprof record
 * --push` share, as values: parsing one option's argument (labels,
 * headers, sizes, counts, durations), the step that checks them and loads
 * the secrets from the environment or a file, and turning them into the
 * Pyroscope client configuration and the continuous uploader's.
 *
 * Not here: the option table (names, argument names, help lines): that is
 * the commands' business and stays in cmd/push.h (PUSH_CLIENT_OPT_SPECS,
 * PUSH_CONTINUOUS_OPT_SPECS), which also turns the results below into
 * usage messages and exit statuses for both commands.  Nothing here
 * exits or prints usage: a wrong command line comes back as
 * PUSH_BAD_USAGE with its one-line reason in the caller's strbuf; other
 * failures (a token file that cannot be read, out of memory) and warnings
 * go out through lib/log.h.
 *
 * Use:
 *	struct push_opts po;
 *	push_opts__init(&po);
 *	... for each option:  r = push_opts__parse(&po, c, optarg, &msg);
 *	... after them:       r = push_opts__finish(&po, &msg);
 *	push_opts__pyro_config() or push_opts__uploader_config()
 *	push_opts__release(&po);
 */
#ifndef EBPROF_PUSH_OPTS_H
#define EBPROF_PUSH_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strbuf.h"
#include "upload/pyroscope.h"
#include "upload/uploader.h"

/*
 * The options' values (getopt's val) that push_opts__parse() knows, clear
 * of every command's own (256..1023).  `ebprof push`'s own options
 * follow from PUSH_OPT_SHARED_END (cmd/push.h).
 */
enum {
	PUSH_OPT_APP = 1024, PUSH_OPT_LABEL, PUSH_OPT_USER,
	PUSH_OPT_TOKEN_FILE, PUSH_OPT_TENANT, PUSH_OPT_HEADER,
	PUSH_OPT_CACERT, PUSH_OPT_INSECURE, PUSH_OPT_CONNECT_TIMEOUT,
	PUSH_OPT_TIMEOUT, PUSH_OPT_RETRIES, PUSH_OPT_RETRY_DELAY,
	PUSH_OPT_MAX_SAMPLES,
	/* continuous mode (record) */
	PUSH_OPT_PUSH, PUSH_OPT_INTERVAL, PUSH_OPT_LABEL_BY,
	PUSH_OPT_SPOOL_DIR, PUSH_OPT_SPOOL_SIZE,
	/* ebprof push's --server */
	PUSH_OPT_SERVER,
	PUSH_OPT_SHARED_END,
};

/*
 * Results besides success: the command line is wrong (the reason is in
 * the caller's strbuf: print it as a usage error), or something else
 * failed and was reported through lib/log.h.
 */
enum {
	PUSH_FAILED = -1,
	PUSH_BAD_USAGE = -2,
};

#define PUSH_MAX_LABELS		24
#define PUSH_MAX_HEADERS	16
#define PUSH_DEFAULT_SPOOL	"/var/tmp/ebprof-spool"

struct push_opts {
	const char *server;		/* --server (push) or --push (record) */
	const char *app;
	struct pyro_label labels[PUSH_MAX_LABELS];
	char *label_buf[PUSH_MAX_LABELS];
	size_t nr_labels;
	const char *user, *token_file, *tenant, *cacert;
	const char *headers[PUSH_MAX_HEADERS];
	size_t nr_headers;
	bool insecure;
	long connect_timeout_ms, timeout_ms;
	int retries;
	long retry_delay_ms;
	size_t max_samples;
	/* continuous mode */
	long interval_ms;
	enum uploader_label_by label_by;
	const char *spool_dir;		/* "" or "none": no spool */
	uint64_t spool_size;
	bool continuous_set;		/* one of --interval ... was given */
	/* loaded by push_opts__finish() */
	char *password, *token;
	char *server_buf;		/* our copy: argv's is scrubbed */
};

void push_opts__init(struct push_opts *o);
void push_opts__release(struct push_opts *o);

/*
 * Handles option @c with argument @arg: 1 when it is one of the above, 0
 * when it is not, PUSH_BAD_USAGE with the reason in @msg, or PUSH_FAILED
 * (out of memory, reported).  @arg is argv's own string: a password in a
 * --server/--push URL is copied, then overwritten there so that ps no
 * longer shows it.
 */
int push_opts__parse(struct push_opts *o, int c, const char *arg,
		     struct strbuf *msg);

/*
 * Checks the options (server, app, labels) and loads the secrets:
 * EBPROF_PUSH_PASSWORD with --user, the token from --token-file or
 * EBPROF_PUSH_TOKEN.  Both variables are removed from the environment so
 * that commands ebprof starts never see them, and their values are wiped
 * in place so that /proc/PID/environ no longer shows them either.  Secrets
 * that would become HTTP header lines (a CR or LF in the token, tenant or
 * a header) are refused.  0,
 * PUSH_BAD_USAGE with the reason in @msg (bad options), or PUSH_FAILED
 * after a message (a token file that cannot be read, out of memory).
 */
int push_opts__finish(struct push_opts *o, struct strbuf *msg);

/* The HTTP part of the configuration; strings point into @o. */
void push_opts__pyro_config(const struct push_opts *o,
			    struct pyro_config *cfg);

/*
 * The uploader configuration of continuous mode (after
 * push_opts__finish()); strings point into @o, and its log callback
 * prints through log.h.  @sample_rate is the sampler's frequency.
 */
void push_opts__uploader_config(const struct push_opts *o,
				unsigned int sample_rate,
				struct uploader_config *cfg);

/* "15s", "500ms", "2m", "1h", plain seconds; -1 when invalid. */
long push_opts__parse_duration_ms(const char *s);

/* A decimal number in [@min, @max], nothing after it; 0 or -1. */
int push_opts__parse_count(const char *s, long min, long max, long *out);

/* "64M", "1G", "4096" (at least 4 KiB); 0 or -1. */
int push_opts__parse_size(const char *s, uint64_t *out);

#endif
