/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Pyroscope options `ebprof push` and `ebprof record --push` share:
 * option table entries (macros, so that each command keeps one static
 * table), their parser, and the step that checks them, loads the secrets
 * from the environment or a file and fills an uploader configuration.
 *
 * Use in a command:
 *
 *	static const struct opt_spec opts[] = {
 *		... the command's own entries ...,
 *		PUSH_CONTINUOUS_OPT_SPECS,
 *		PUSH_CLIENT_OPT_SPECS,
 *		OPT_END
 *	};
 *	struct push_opts po;
 *	push_opts__init(&po);
 *	... in the getopt loop:  default:
 *		r = push_opts__parse(&po, c, optarg, label);
 *		if (r < 0) return EXIT_USAGE;  (message printed)
 *		if (r == 0) ... not a push option ...
 *	... after it:  if (po.server) continuous mode, see record.c
 *	push_opts__release(&po);
 */
#ifndef EBPROF_CMD_PUSH_H
#define EBPROF_CMD_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "upload/pyroscope.h"
#include "upload/uploader.h"

/* Option values, clear of every command's own (256..1023). */
enum {
	PUSH_OPT_APP = 1024, PUSH_OPT_LABEL, PUSH_OPT_USER,
	PUSH_OPT_TOKEN_FILE, PUSH_OPT_TENANT, PUSH_OPT_HEADER,
	PUSH_OPT_CACERT, PUSH_OPT_INSECURE, PUSH_OPT_CONNECT_TIMEOUT,
	PUSH_OPT_TIMEOUT, PUSH_OPT_RETRIES, PUSH_OPT_RETRY_DELAY,
	PUSH_OPT_MAX_SAMPLES,
	/* continuous mode (record) */
	PUSH_OPT_PUSH, PUSH_OPT_INTERVAL, PUSH_OPT_LABEL_BY,
	PUSH_OPT_SPOOL_DIR, PUSH_OPT_SPOOL_SIZE,
	/* ebprof push only */
	PUSH_OPT_SERVER, PUSH_OPT_FROM, PUSH_OPT_UNTIL, PUSH_OPT_NOW,
	PUSH_OPT_SAMPLE_RATE, PUSH_OPT_DRY_RUN,
	PUSH_OPT_LAST,
};

#define PUSH_CLIENT_OPT_SPECS						\
	{ "app", PUSH_OPT_APP, required_argument, "NAME",		\
	  "application (service) name in Pyroscope" },			\
	{ "label", PUSH_OPT_LABEL, required_argument, "KEY=VALUE",	\
	  "add a label to the series (repeatable)" },			\
	{ "user", PUSH_OPT_USER, required_argument, "NAME",		\
	  "basic auth user; password from $EBPROF_PUSH_PASSWORD" },	\
	{ "token-file", PUSH_OPT_TOKEN_FILE, required_argument, "FILE", \
	  "bearer token from FILE (else $EBPROF_PUSH_TOKEN)" },		\
	{ "tenant", PUSH_OPT_TENANT, required_argument, "ID",		\
	  "send X-Scope-OrgID: ID (multi-tenant servers)" },		\
	{ "header", PUSH_OPT_HEADER, required_argument, "'KEY: VALUE'", \
	  "extra HTTP header, e.g. for a proxy (repeatable)" },		\
	{ "cacert", PUSH_OPT_CACERT, required_argument, "FILE",	\
	  "verify the server's certificate with this CA bundle" },	\
	{ "insecure", PUSH_OPT_INSECURE, no_argument, NULL,		\
	  "do not verify the server's TLS certificate" },		\
	{ "connect-timeout", PUSH_OPT_CONNECT_TIMEOUT, required_argument, \
	  "DURATION", "give up connecting after DURATION (default 5s)" }, \
	{ "timeout", PUSH_OPT_TIMEOUT, required_argument, "DURATION",	\
	  "give up a request after DURATION (default 30s)" },		\
	{ "retries", PUSH_OPT_RETRIES, required_argument, "N",		\
	  "retries of a failed upload (default 4)" },			\
	{ "retry-delay", PUSH_OPT_RETRY_DELAY, required_argument,	\
	  "DURATION", "first wait before a retry, doubling (default 1s)" }, \
	{ "max-samples", PUSH_OPT_MAX_SAMPLES, required_argument, "N",	\
	  "split folded uploads above N stacks (default 16000)" }

#define PUSH_CONTINUOUS_OPT_SPECS					\
	{ "push", PUSH_OPT_PUSH, required_argument, "URL",		\
	  "upload each interval's profile to the Pyroscope server URL" }, \
	{ "interval", PUSH_OPT_INTERVAL, required_argument, "DURATION",	\
	  "length of each uploaded profile with --push (default 15s)" }, \
	{ "label-by", PUSH_OPT_LABEL_BY, required_argument,		\
	  "pid|comm|container|service",					\
	  "with --push: one series per process (pid), name (comm), "	\
	  "container or service" },					\
	{ "spool-dir", PUSH_OPT_SPOOL_DIR, required_argument, "DIR",	\
	  "keep failed uploads here (default /var/tmp/ebprof-spool)" },	\
	{ "spool-size", PUSH_OPT_SPOOL_SIZE, required_argument, "SIZE",	\
	  "bound of the spool, oldest dropped first (default 256M)" }

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
 * Handles option @c with argument @arg: 1 when it is one of the above,
 * 0 when it is not, -1 after a usage message (prefixed with @cmd).
 * @arg is argv's own string: a password in a --server/--push URL is
 * copied, then overwritten there so that ps no longer shows it.
 */
int push_opts__parse(struct push_opts *o, int c, const char *arg,
		     const char *cmd);

/*
 * Checks the options (server, app, labels) and loads the secrets:
 * EBPROF_PUSH_PASSWORD with --user, the token from --token-file or
 * EBPROF_PUSH_TOKEN.  Both variables are removed from the environment so
 * that commands ebprof starts never see them, and their values are wiped
 * in place so that /proc/PID/environ no longer shows them either.  Secrets
 * that would become HTTP header lines (a CR or LF in the token, tenant or
 * a header) are refused.  0, or the exit status after
 * a message (EXIT_USAGE for bad options, EXIT_FAIL for a token file that
 * cannot be read).
 */
int push_opts__finish(struct push_opts *o, const char *cmd);

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
long push__parse_duration_ms(const char *s);

#endif
