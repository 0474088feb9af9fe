// SPDX-License-Identifier: GPL-2.0
/*
 * The upload options `ebprof push` and `ebprof record --push` share (see
 * push_opts.h): their values, checks and secrets, and the Pyroscope
 * client and uploader configurations made from them.  The option table
 * and the usage messages are in cmd/push.h and cmd/push.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strbuf.h"
#include "upload/push_opts.h"
#include "upload/pyroscope.h"

void push_opts__init(struct push_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->retries = 4;
	o->retry_delay_ms = 1000;
	o->connect_timeout_ms = 5000;
	o->timeout_ms = 30000;
	o->max_samples = PYRO_MAX_SAMPLES;
	o->interval_ms = 15000;
	o->spool_dir = PUSH_DEFAULT_SPOOL;
	o->spool_size = 256ULL << 20;
}

static void wipe(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void push_opts__release(struct push_opts *o)
{
	size_t i;

	for (i = 0; i < o->nr_labels; i++)
		free(o->label_buf[i]);
	wipe(o->password);
	wipe(o->token);
	wipe(o->server_buf);
	o->password = o->token = o->server_buf = NULL;
	o->nr_labels = 0;
}

long push_opts__parse_duration_ms(const char *s)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "min", 60000 }, { "h", 3600000 },
	};
	char *end;
	double v;
	size_t i;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || !(v >= 0))
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			v *= units[i].ms;
			return v > 7 * 86400e3 ? -1 : (long)(v + 0.5);
		}
	}
	return -1;
}

int push_opts__parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': v *= 1024; end++; break;
	case 'M': v *= 1024 * 1024; end++; break;
	case 'G': v *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v < 4096 || v > 1e15)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int push_opts__parse_count(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A wrong command line: the reason goes to the caller, who prints it. */
static int __attribute__((format(printf, 2, 3)))
bad_usage(struct strbuf *msg, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	strbuf__reset(msg);
	if (n < 0 || strbuf__adds(msg, text)) {
		free(n < 0 ? NULL : text);
		pr_err("out of memory");
		return PUSH_FAILED;
	}
	free(text);
	return PUSH_BAD_USAGE;
}

static int add_label(struct push_opts *o, const char *arg, struct strbuf *msg)
{
	char why[256], *copy, *eq;
	size_t i;
	int r;

	if (o->nr_labels == PUSH_MAX_LABELS)
		return bad_usage(msg, "at most %d labels",
				 PUSH_MAX_LABELS);
	copy = strdup(arg);
	if (!copy) {
		pr_err("out of memory");
		return PUSH_FAILED;
	}
	eq = strchr(copy, '=');
	if (!eq) {
		free(copy);
		return bad_usage(msg, "--label '%s' is not KEY=VALUE",
				 arg);
	}
	*eq = '\0';
	/* why[]: the client's reason, cut at 256 bytes as it always was. */
	if (pyro__check_label(copy, eq + 1, why, sizeof(why))) {
		free(copy);
		return bad_usage(msg, "%s", why);
	}
	for (i = 0; i < o->nr_labels; i++) {
		if (!strcmp(o->labels[i].key, copy)) {
			r = bad_usage(msg, "label '%s' is given twice",
				      copy);
			free(copy);
			return r;
		}
	}
	o->label_buf[o->nr_labels] = copy;
	o->labels[o->nr_labels].key = copy;
	o->labels[o->nr_labels].value = eq + 1;
	o->nr_labels++;
	return 0;
}

static int add_header(struct push_opts *o, const char *arg, struct strbuf *msg)
{
	const char *colon = strchr(arg, ':');
	size_t i, klen;

	if (o->nr_headers == PUSH_MAX_HEADERS)
		return bad_usage(msg, "at most %d headers",
				 PUSH_MAX_HEADERS);
	/* Messages show the name only: a value may be a secret. */
	if (!colon || colon == arg)
		return bad_usage(msg, "--header wants 'Key: value' (no "
				 "name and ':' found; the argument is not "
				 "shown)");
	klen = colon - arg;
	for (i = 0; i < klen; i++) {
		if (!isalnum((unsigned char)arg[i]) &&
		    !strchr("!#$%&'*+-.^_`|~", arg[i]))
			return bad_usage(msg, "--header: bad character "
					 "in the name '%.*s'", (int)klen, arg);
	}
	if (pyro__check_header_value(arg))
		return bad_usage(msg, "--header '%.*s: ...': the value "
				 "holds a control character", (int)klen, arg);
	if ((klen == 13 && !strncasecmp(arg, "Authorization", 13)) ||
	    (klen == 19 && !strncasecmp(arg, "Proxy-Authorization", 19)))
		return bad_usage(msg, "credentials do not belong on "
				 "the command line: use --token-file FILE, "
				 "$EBPROF_PUSH_TOKEN or --user with "
				 "$EBPROF_PUSH_PASSWORD");
	o->headers[o->nr_headers++] = arg;
	return 0;
}

int push_opts__parse(struct push_opts *o, int c, const char *arg,
		     struct strbuf *msg)
{
	long v;
	int r;

	switch (c) {
	case PUSH_OPT_SERVER:
	case PUSH_OPT_PUSH:
		wipe(o->server_buf);
		o->server = o->server_buf = strdup(arg);
		if (!o->server) {
			pr_err("out of memory");
			return PUSH_FAILED;
		}
		/* Other users read our command line (ps): hide a password. */
		pyro__scrub_url_password((char *)arg);
		return 1;
	case PUSH_OPT_APP:
		o->app = arg;
		return 1;
	case PUSH_OPT_LABEL:
		r = add_label(o, arg, msg);
		return r ? r : 1;
	case PUSH_OPT_USER:
		o->user = arg;
		return 1;
	case PUSH_OPT_TOKEN_FILE:
		o->token_file = arg;
		return 1;
	case PUSH_OPT_TENANT:
		if (!*arg || pyro__check_header_value(arg))
			return bad_usage(msg, "--tenant needs a "
					 "non-empty ID without control "
					 "characters");
		o->tenant = arg;
		return 1;
	case PUSH_OPT_HEADER:
		r = add_header(o, arg, msg);
		return r ? r : 1;
	case PUSH_OPT_CACERT:
		o->cacert = arg;
		return 1;
	case PUSH_OPT_INSECURE:
		o->insecure = true;
		return 1;
	case PUSH_OPT_CONNECT_TIMEOUT:
	case PUSH_OPT_TIMEOUT:
	case PUSH_OPT_RETRY_DELAY:
	case PUSH_OPT_INTERVAL:
		v = push_opts__parse_duration_ms(arg);
		if (v <= 0 || (c == PUSH_OPT_INTERVAL && v < 1000))
			return bad_usage(msg, "bad duration '%s' (e.g. "
					 "500ms, 15s, 2m%s)", arg,
					 c == PUSH_OPT_INTERVAL ?
					 "; at least 1s" : "");
		if (c == PUSH_OPT_CONNECT_TIMEOUT)
			o->connect_timeout_ms = v;
		else if (c == PUSH_OPT_TIMEOUT)
			o->timeout_ms = v;
		else if (c == PUSH_OPT_RETRY_DELAY)
			o->retry_delay_ms = v;
		else
			o->interval_ms = v, o->continuous_set = true;
		return 1;
	case PUSH_OPT_RETRIES:
		if (push_opts__parse_count(arg, 0, 100, &v))
			return bad_usage(msg, "--retries wants 0 to "
					 "100, not '%s'", arg);
		o->retries = v;
		return 1;
	case PUSH_OPT_MAX_SAMPLES:
		if (push_opts__parse_count(arg, 1, 100000000, &v))
			return bad_usage(msg, "--max-samples wants a "
					 "positive number, not '%s'", arg);
		o->max_samples = v;
		return 1;
	case PUSH_OPT_LABEL_BY:
		if (!strcmp(arg, "pid"))
			o->label_by = UPLOADER_LABEL_PID;
		else if (!strcmp(arg, "comm"))
			o->label_by = UPLOADER_LABEL_COMM;
		else if (!strcmp(arg, "container"))
			o->label_by = UPLOADER_LABEL_CONTAINER;
		else if (!strcmp(arg, "service"))
			o->label_by = UPLOADER_LABEL_SERVICE;
		else
			return bad_usage(msg, "--label-by wants pid, "
					 "comm, container or service, not '%s'",
					 arg);
		o->continuous_set = true;
		return 1;
	case PUSH_OPT_SPOOL_DIR:
		o->spool_dir = arg;
		o->continuous_set = true;
		return 1;
	case PUSH_OPT_SPOOL_SIZE:
		if (push_opts__parse_size(arg, &o->spool_size))
			return bad_usage(msg, "bad --spool-size '%s' "
					 "(e.g. 64M, 1G; at least 4K)", arg);
		o->continuous_set = true;
		return 1;
	}
	return 0;
}

/* The token, or NULL after a message. */
static char *read_token(const char *path)
{
	char buf[8192], *t;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot open token file '%s': %s", path,
		       strerror(errno));
		return NULL;
	}
	if (!fstat(fd, &st) && (st.st_mode & 0077))
		pr_warn("token file '%s' can be read by other users "
			"(chmod 600 it)", path);
	/* Until the end: a pipe (--token-file <(...)) gives it in pieces. */
	for (n = 0; (size_t)n < sizeof(buf) - 1;) {
		ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got < 0)
				n = -errno;
			break;
		}
		n += got;
	}
	close(fd);
	if (n < 0) {
		pr_err("cannot read token file '%s': %s", path,
		       strerror((int)-n));
		return NULL;
	}
	buf[n] = '\0';
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	t = buf;
	while (isspace((unsigned char)*t))
		t++;
	if (!*t || strpbrk(t, "\t ") || pyro__check_header_value(t) ||
	    (size_t)n >= sizeof(buf) - 1) {
		pr_err("token file '%s' must hold one token on one line",
		       path);
		memset(buf, 0, sizeof(buf));
		return NULL;
	}
	t = strdup(t);
	memset(buf, 0, sizeof(buf));
	if (!t)
		pr_err("out of memory");
	return t;
}

/*
 * unsetenv() only takes the variable out of environ[]: its bytes stay in
 * the block that /proc/PID/environ shows.  Wipe them first.
 */
static void scrub_env(const char *name)
{
	char *v = getenv(name);

	if (v)
		memset(v, 0, strlen(v));
	unsetenv(name);
}

int push_opts__finish(struct push_opts *o, struct strbuf *msg)
{
	const char *pw = getenv("EBPROF_PUSH_PASSWORD");
	const char *tok = getenv("EBPROF_PUSH_TOKEN");
	struct strbuf name = STRBUF_INIT;
	char why[256];

	if (!o->server)
		return bad_usage(msg, "no server: give --server URL");
	if (strncmp(o->server, "http://", 7) &&
	    strncmp(o->server, "https://", 8)) {
		char *shown = pyro__redact_url(o->server);

		bad_usage(msg, "server URL '%s' must start with "
			  "http:// or https://", shown ? shown : "?");
		free(shown);
		return PUSH_BAD_USAGE;
	}
	if (pyro__url_has_password(o->server))
		pr_warn("a password in the server URL is seen by other users "
			"while ebprof starts (ps): prefer --user with "
			"EBPROF_PUSH_PASSWORD");
	if (!o->app)
		return bad_usage(msg, "no application name: give "
				 "--app NAME");
	/* why[]: the client's reason, cut at 256 bytes as it always was. */
	if (pyro__build_name(&name, o->app, o->labels, o->nr_labels, why,
			     sizeof(why))) {
		strbuf__release(&name);
		return bad_usage(msg, "%s", why);
	}
	strbuf__release(&name);
	if (o->user) {
		if (!pw)
			return bad_usage(msg, "--user needs the "
					 "password in the environment "
					 "variable EBPROF_PUSH_PASSWORD");
		o->password = strdup(pw);
		if (!o->password) {
			pr_err("out of memory");
			return PUSH_FAILED;
		}
	} else if (pw) {
		pr_warn("EBPROF_PUSH_PASSWORD is set but --user is not: "
			"no basic auth");
	}
	if (o->token_file) {
		o->token = read_token(o->token_file);
		if (!o->token)
			return PUSH_FAILED;
	} else if (tok && *tok) {
		if (pyro__check_header_value(tok)) {
			pr_err("EBPROF_PUSH_TOKEN holds a control character "
			       "(a line break?): refused, it would add HTTP "
			       "header lines");
			return PUSH_FAILED;
		}
		o->token = strdup(tok);
		if (!o->token) {
			pr_err("out of memory");
			return PUSH_FAILED;
		}
	}
	if (o->token && o->user)
		return bad_usage(msg, "give either --user (basic auth) "
				 "or a bearer token, not both");
	/* Commands we run (record -- CMD) must not inherit secrets. */
	scrub_env("EBPROF_PUSH_PASSWORD");
	scrub_env("EBPROF_PUSH_TOKEN");
	if (o->insecure && o->cacert)
		pr_warn("--insecure: the certificate is not checked, "
			"--cacert is ignored");
	return 0;
}

void push_opts__pyro_config(const struct push_opts *o,
			    struct pyro_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->url = o->server;
	cfg->user = o->user;
	cfg->password = o->password;
	cfg->token = o->token;
	cfg->tenant = o->tenant;
	cfg->headers = o->headers;
	cfg->nr_headers = o->nr_headers;
	cfg->cacert = o->insecure ? NULL : o->cacert;
	cfg->insecure = o->insecure;
	cfg->connect_timeout_ms = o->connect_timeout_ms;
	cfg->timeout_ms = o->timeout_ms;
	cfg->retries = o->retries;
	cfg->backoff_min_ms = o->retry_delay_ms;
	cfg->backoff_max_ms = o->retry_delay_ms * 30 > 30000 ?
			      o->retry_delay_ms * 30 : 30000;
}

static void uploader_log(void *ctx, enum uploader_level level,
			 const char *msg)
{
	switch (level) {
	case UPLOADER_WARN:
		pr_warn("push: %s", msg);
		break;
	case UPLOADER_INFO:
		pr_info("push: %s", msg);
		break;
	default:
		pr_debug(1, "push: %s", msg);
	}
}

void push_opts__uploader_config(const struct push_opts *o,
				unsigned int sample_rate,
				struct uploader_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	push_opts__pyro_config(o, &cfg->http);
	/* In the background a wait may be long: up to 5 minutes. */
	cfg->http.backoff_max_ms = 300000;
	cfg->app = o->app;
	cfg->labels = o->labels;
	cfg->nr_labels = o->nr_labels;
	cfg->hostname_label = true;
	cfg->label_by = o->label_by;
	cfg->sample_rate = sample_rate;
	cfg->spool_dir = (!o->spool_dir || !*o->spool_dir ||
			  !strcmp(o->spool_dir, "none")) ? NULL : o->spool_dir;
	cfg->spool_max_bytes = o->spool_size;
	cfg->max_samples = o->max_samples;
	cfg->log = uploader_log;
}
