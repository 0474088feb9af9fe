/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line side of the Pyroscope options `ebprof push` and
 * `ebprof record --push` share: their option table entries (macros, so
 * that each command keeps one static table) and the two steps that turn
 * the results of common/upload/push_opts.h (which parses, checks and
 * loads the values, and never prints usage) into usage messages and exit
 * statuses, the same for both commands.
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
 *		r = push_cmd__parse_opt(&po, c, optarg, label);
 *		if (r < 0) return EXIT_USAGE;  (message printed)
 *		if (r == 0) ... not a push option ...
 *	... after it:  if (po.server) continuous mode, see record.c
 *	push_opts__release(&po);
 */
#ifndef EBPROF_CMD_PUSH_H
#define EBPROF_CMD_PUSH_H

#include "options.h"
#include "upload/push_opts.h"

/* ebprof push's own options, after those push_opts__parse() knows. */
enum {
	PUSH_OPT_FROM = PUSH_OPT_SHARED_END, PUSH_OPT_UNTIL, PUSH_OPT_NOW,
	PUSH_OPT_SAMPLE_RATE, PUSH_OPT_DRY_RUN,
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

/*
 * push_opts__parse() for a command: 1 when @c is a push option, 0 when it
 * is not, -1 after a usage message (prefixed with @cmd).
 */
int push_cmd__parse_opt(struct push_opts *o, int c, const char *arg,
			const char *cmd);

/*
 * push_opts__finish() for a command: 0, or the exit status after a
 * message (EXIT_USAGE for bad options, EXIT_FAIL for a token file that
 * cannot be read).
 */
int push_cmd__finish_opts(struct push_opts *o, const char *cmd);

#endif
