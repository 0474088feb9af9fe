// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof push: upload recordings to a Grafana Pyroscope server through its
 * ingest API.  Every file is read and checked first (format, times,
 * limits), then uploaded: folded stacks as the body (integer counts, split
 * above --max-samples), pprof files byte for byte as multipart/form-data.
 * The local files are only read.
 *
 * Also the options shared with `ebprof record --push` (see push.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "lib/curl_loader.h"
#include "format/input.h"
#include "lib/log.h"
#include "push.h"
#include "upload/pyroscope.h"

#define NS_PER_SEC	1000000000LL

/* ---- shared options ---- */

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

long push__parse_duration_ms(const char *s)
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

static int parse_size(const char *s, uint64_t *out)
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

static int parse_count(const char *s, long min, long max, long *out)
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

static int add_label(struct push_opts *o, const char *arg, const char *cmd)
{
	char err[256], *copy, *eq;
	size_t i;

	if (o->nr_labels == PUSH_MAX_LABELS) {
		usage_error(cmd, "at most %d labels", PUSH_MAX_LABELS);
		return -1;
	}
	copy = strdup(arg);
	if (!copy) {
		pr_err("out of memory");
		return -1;
	}
	eq = strchr(copy, '=');
	if (!eq) {
		usage_error(cmd, "--label '%s' is not KEY=VALUE", arg);
		free(copy);
		return -1;
	}
	*eq = '\0';
	if (pyro__check_label(copy, eq + 1, err, sizeof(err))) {
		usage_error(cmd, "%s", err);
		free(copy);
		return -1;
	}
	for (i = 0; i < o->nr_labels; i++) {
		if (!strcmp(o->labels[i].key, copy)) {
			usage_error(cmd, "label '%s' is given twice", copy);
			free(copy);
			return -1;
		}
	}
	o->label_buf[o->nr_labels] = copy;
	o->labels[o->nr_labels].key = copy;
	o->labels[o->nr_labels].value = eq + 1;
	o->nr_labels++;
	return 0;
}

static int add_header(struct push_opts *o, const char *arg, const char *cmd)
{
	const char *colon = strchr(arg, ':');
	size_t i, klen;

	if (o->nr_headers == PUSH_MAX_HEADERS) {
		usage_error(cmd, "at most %d headers", PUSH_MAX_HEADERS);
		return -1;
	}
	/* Messages show the name only: a value may be a secret. */
	if (!colon || colon == arg) {
		usage_error(cmd, "--header wants 'Key: value' (no name and "
			    "':' found; the argument is not shown)");
		return -1;
	}
	klen = colon - arg;
	for (i = 0; i < klen; i++) {
		if (!isalnum((unsigned char)arg[i]) &&
		    !strchr("!#$%&'*+-.^_`|~", arg[i])) {
			usage_error(cmd, "--header: bad character in the name "
				    "'%.*s'", (int)klen, arg);
			return -1;
		}
	}
	if (pyro__check_header_value(arg)) {
		usage_error(cmd, "--header '%.*s: ...': the value holds a "
			    "control character", (int)klen, arg);
		return -1;
	}
	if ((klen == 13 && !strncasecmp(arg, "Authorization", 13)) ||
	    (klen == 19 && !strncasecmp(arg, "Proxy-Authorization", 19))) {
		usage_error(cmd, "credentials do not belong on the command "
			    "line: use --token-file FILE, $EBPROF_PUSH_TOKEN "
			    "or --user with $EBPROF_PUSH_PASSWORD");
		return -1;
	}
	o->headers[o->nr_headers++] = arg;
	return 0;
}

int push_opts__parse(struct push_opts *o, int c, const char *arg,
		     const char *cmd)
{
	long v;

	switch (c) {
	case PUSH_OPT_SERVER:
	case PUSH_OPT_PUSH:
		wipe(o->server_buf);
		o->server = o->server_buf = strdup(arg);
		if (!o->server) {
			pr_err("out of memory");
			return -1;
		}
		/* Other users read our command line (ps): hide a password. */
		pyro__scrub_url_password((char *)arg);
		return 1;
	case PUSH_OPT_APP:
		o->app = arg;
		return 1;
	case PUSH_OPT_LABEL:
		return add_label(o, arg, cmd) ? -1 : 1;
	case PUSH_OPT_USER:
		o->user = arg;
		return 1;
	case PUSH_OPT_TOKEN_FILE:
		o->token_file = arg;
		return 1;
	case PUSH_OPT_TENANT:
		if (!*arg || pyro__check_header_value(arg)) {
			usage_error(cmd, "--tenant needs a non-empty ID without "
				    "control characters");
			return -1;
		}
		o->tenant = arg;
		return 1;
	case PUSH_OPT_HEADER:
		return add_header(o, arg, cmd) ? -1 : 1;
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
		v = push__parse_duration_ms(arg);
		if (v <= 0 || (c == PUSH_OPT_INTERVAL && v < 1000)) {
			usage_error(cmd, "bad duration '%s' (e.g. 500ms, 15s, "
				    "2m%s)", arg, c == PUSH_OPT_INTERVAL ?
				    "; at least 1s" : "");
			return -1;
		}
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
		if (parse_count(arg, 0, 100, &v)) {
			usage_error(cmd, "--retries wants 0 to 100, not '%s'",
				    arg);
			return -1;
		}
		o->retries = v;
		return 1;
	case PUSH_OPT_MAX_SAMPLES:
		if (parse_count(arg, 1, 100000000, &v)) {
			usage_error(cmd, "--max-samples wants a positive "
				    "number, not '%s'", arg);
			return -1;
		}
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
		else {
			usage_error(cmd, "--label-by wants pid, comm, container "
				    "or service, not '%s'", arg);
			return -1;
		}
		o->continuous_set = true;
		return 1;
	case PUSH_OPT_SPOOL_DIR:
		o->spool_dir = arg;
		o->continuous_set = true;
		return 1;
	case PUSH_OPT_SPOOL_SIZE:
		if (parse_size(arg, &o->spool_size)) {
			usage_error(cmd, "bad --spool-size '%s' (e.g. 64M, "
				    "1G; at least 4K)", arg);
			return -1;
		}
		o->continuous_set = true;
		return 1;
	}
	return 0;
}

static char *read_token(const char *path, const char *cmd, int *status)
{
	char buf[8192], *t;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot open token file '%s': %s", path,
		       strerror(errno));
		*status = EXIT_FAIL;
		return NULL;
	}
	if (!fstat(fd, &st) && (st.st_mode & 0077))
		pr_warn("token file '%s' can be read by other users "
			"(chmod 600 it)", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		pr_err("cannot read token file '%s': %s", path,
		       strerror(errno));
		*status = EXIT_FAIL;
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
		*status = EXIT_FAIL;
		return NULL;
	}
	t = strdup(t);
	memset(buf, 0, sizeof(buf));
	if (!t) {
		pr_err("out of memory");
		*status = EXIT_FAIL;
	}
	(void)cmd;
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

int push_opts__finish(struct push_opts *o, const char *cmd)
{
	const char *pw = getenv("EBPROF_PUSH_PASSWORD");
	const char *tok = getenv("EBPROF_PUSH_TOKEN");
	struct strbuf name = STRBUF_INIT;
	char err[256];
	int status = 0;

	if (!o->server) {
		usage_error(cmd, "no server: give --server URL");
		return EXIT_USAGE;
	}
	if (strncmp(o->server, "http://", 7) &&
	    strncmp(o->server, "https://", 8)) {
		char *shown = pyro__redact_url(o->server);

		usage_error(cmd, "server URL '%s' must start with http:// or "
			    "https://", shown ? shown : "?");
		free(shown);
		return EXIT_USAGE;
	}
	if (pyro__url_has_password(o->server))
		pr_warn("a password in the server URL is seen by other users "
			"while ebprof starts (ps): prefer --user with "
			"EBPROF_PUSH_PASSWORD");
	if (!o->app) {
		usage_error(cmd, "no application name: give --app NAME");
		return EXIT_USAGE;
	}
	if (pyro__build_name(&name, o->app, o->labels, o->nr_labels, err,
			     sizeof(err))) {
		strbuf__release(&name);
		usage_error(cmd, "%s", err);
		return EXIT_USAGE;
	}
	strbuf__release(&name);
	if (o->user) {
		if (!pw) {
			usage_error(cmd, "--user needs the password in the "
				    "environment variable EBPROF_PUSH_PASSWORD");
			return EXIT_USAGE;
		}
		o->password = strdup(pw);
		if (!o->password) {
			pr_err("out of memory");
			return EXIT_FAIL;
		}
	} else if (pw) {
		pr_warn("EBPROF_PUSH_PASSWORD is set but --user is not: "
			"no basic auth");
	}
	if (o->token_file) {
		o->token = read_token(o->token_file, cmd, &status);
		if (!o->token)
			return status;
	} else if (tok && *tok) {
		if (pyro__check_header_value(tok)) {
			pr_err("EBPROF_PUSH_TOKEN holds a control character "
			       "(a line break?): refused, it would add HTTP "
			       "header lines");
			return EXIT_FAIL;
		}
		o->token = strdup(tok);
		if (!o->token) {
			pr_err("out of memory");
			return EXIT_FAIL;
		}
	}
	if (o->token && o->user) {
		usage_error(cmd, "give either --user (basic auth) or a bearer "
			    "token, not both");
		return EXIT_USAGE;
	}
	/*
	 * libcurl runs with CURLOPT_NOSIGNAL, so a server that drops a TLS
	 * connection could raise SIGPIPE: that must not kill a recording.
	 */
	signal(SIGPIPE, SIG_IGN);
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

/* ---- ebprof push ---- */

static const struct opt_spec push_opts[] = {
	{ "server", PUSH_OPT_SERVER, required_argument, "URL",
	  "Pyroscope server, e.g. http://localhost:4040" },
	PUSH_CLIENT_OPT_SPECS,
	{ "from", PUSH_OPT_FROM, required_argument, "TIME",
	  "start of the profile (default: from the recording)" },
	{ "until", PUSH_OPT_UNTIL, required_argument, "TIME",
	  "end of the profile (default: from the recording)" },
	{ "now", PUSH_OPT_NOW, no_argument, NULL,
	  "stamp the profiles as ending now (for old recordings)" },
	{ "sample-rate", PUSH_OPT_SAMPLE_RATE, required_argument, "HZ",
	  "sampling frequency of folded input (default 99)" },
	{ "dry-run", PUSH_OPT_DRY_RUN, no_argument, NULL,
	  "print the requests instead of sending them" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

struct upload {
	const char *path;
	enum pyro_format format;
	char *raw;			/* pprof: the file's bytes */
	size_t raw_len;
	struct pyro_chunk *chunks;	/* folded: the bodies */
	size_t nr_chunks;
	uint64_t samples;
	int64_t from_ns, until_ns;
};

struct push {
	const char *cmd;
	struct push_opts o;
	const char *from, *until;
	bool now, dry_run;
	unsigned int sample_rate;
	struct upload *up;
	size_t nr_up;
	const char *current;		/* file being sent, for messages */
};

/*
 * Times: "now", "now-5m", Unix time in s (with decimals), ms, us or ns (by
 * digit count, as the server reads them), or YYYY-MM-DDTHH:MM:SS[.f]Z /
 * +HH:MM.  -1 when invalid.
 */
static int parse_time(const char *s, int64_t now, int64_t *out)
{
	size_t nd = strspn(s, "0123456789");
	struct tm tm;
	char *end;

	if (!strncmp(s, "now", 3)) {
		long d = 0;

		if (s[3] == '-' || s[3] == '+') {
			d = push__parse_duration_ms(s + 4);
			if (d < 0)
				return -1;
		} else if (s[3]) {
			return -1;
		}
		*out = now + (s[3] == '-' ? -1 : 1) * (int64_t)d * 1000000;
		return 0;
	}
	if (nd && !s[nd]) {
		long long v;

		errno = 0;
		v = strtoll(s, NULL, 10);
		if (errno)
			return -1;
		*out = nd == 19 ? v : nd == 16 ? v * 1000 :
		       nd == 13 ? v * 1000000 : v * NS_PER_SEC;
		return nd > 19 ? -1 : 0;
	}
	if (nd && s[nd] == '.') {
		double v = strtod(s, &end);

		if (*end || v > 4e9)
			return -1;
		*out = (int64_t)(v * 1e9);
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end) {
		int64_t frac = 0, off = 0;
		time_t t;

		if (*end == '.') {
			int64_t scale = 100000000;

			for (end++; isdigit((unsigned char)*end); end++) {
				frac += (*end - '0') * scale;
				scale /= 10;
			}
		}
		if (*end == 'Z' && !end[1]) {
			off = 0;
		} else if ((*end == '+' || *end == '-') &&
			   isdigit((unsigned char)end[1]) &&
			   isdigit((unsigned char)end[2]) && end[3] == ':' &&
			   isdigit((unsigned char)end[4]) &&
			   isdigit((unsigned char)end[5]) && !end[6]) {
			off = ((end[1] - '0') * 10 + end[2] - '0') * 3600 +
			      ((end[4] - '0') * 10 + end[5] - '0') * 60;
			if (*end == '-')
				off = -off;
		} else {
			return -1;
		}
		t = timegm(&tm);
		*out = ((int64_t)t - off) * NS_PER_SEC + frac;
		return 0;
	}
	return -1;
}

static void show_age(char *buf, size_t len, int64_t ns)
{
	long long s = ns / NS_PER_SEC;

	if (s >= 86400)
		snprintf(buf, len, "%lldd%lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldm%llds", s / 60, s % 60);
}

static int read_raw(const char *path, char **out, size_t *len,
		    int64_t *mtime_ns)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	struct stat st;
	int err;

	if (fd < 0)
		return -errno;
	*mtime_ns = 0;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		*mtime_ns = (int64_t)st.st_mtim.tv_sec * NS_PER_SEC +
			    st.st_mtim.tv_nsec;
	/* Bounded: /dev/zero or `yes` end with an error. */
	err = input__slurp_fd(fd, out, len);
	if (fd)
		close(fd);
	return err;
}

/* input__read() of bytes already in memory (stdin cannot be read twice). */
static int parse_bytes(struct profile *p, const char *buf, size_t len,
		       struct input_stats *st, char *err, size_t errlen)
{
	char path[64];
	int fd = memfd_create("ebprof-push", MFD_CLOEXEC), r = 0;
	size_t off = 0;

	if (fd < 0) {
		snprintf(err, errlen, "memfd: %s", strerror(errno));
		return -errno;
	}
	while (off < len && !r) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			off += n;
	}
	if (!r) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = input__read(p, path, st, err, errlen);
	} else {
		snprintf(err, errlen, "%s", strerror(-r));
	}
	close(fd);
	return r;
}

static int prepare(struct push *ps, struct upload *u)
{
	int64_t now = pyro__now_ns(), mtime = 0, dur = 0;
	struct pyro_folded_stats fst;
	struct input_stats ist;
	struct profile *p = profile__new();
	const char *path = u->path;
	char err[256], age[32];
	int r, status = EXIT_FAIL;

	if (!p) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	r = read_raw(path, &u->raw, &u->raw_len, &mtime);
	if (r) {
		pr_err("cannot read '%s': %s", path, input__strerror(r));
		goto out;
	}
	r = parse_bytes(p, u->raw, u->raw_len, &ist, err, sizeof(err));
	if (r) {
		pr_err("cannot read '%s': %s", path, err);
		goto out;
	}
	if (!p->nr_samples) {
		pr_err("'%s' holds no samples%s", path,
		       ist.bad_lines ? " (no line parsed as folded stacks)" :
		       "");
		goto out;
	}
	if (ist.bad_lines)
		pr_warn("'%s': %zu line%s that are not folded stacks "
			"skipped (the first is line %zu)", path,
			ist.bad_lines, ist.bad_lines == 1 ? "" : "s",
			ist.first_bad);
	u->format = ist.format == INPUT_PPROF ? PYRO_PPROF : PYRO_FOLDED;
	/* Times: the recording's own, else the file's modification time. */
	if (u->format == PYRO_PPROF && p->time_nanos > 0) {
		u->from_ns = p->time_nanos;
		dur = p->duration_nanos > 0 ? p->duration_nanos : 0;
	} else {
		u->from_ns = mtime ? mtime : now;
	}
	u->until_ns = u->from_ns + dur;
	if (ps->now) {
		u->until_ns = now;
		u->from_ns = now - dur;
	}
	if (ps->from && parse_time(ps->from, now, &u->from_ns) == 0 &&
	    !ps->until)
		u->until_ns = u->from_ns + dur;
	if (ps->until && parse_time(ps->until, now, &u->until_ns) == 0 &&
	    !ps->from)
		u->from_ns = u->until_ns - dur;
	if (u->from_ns > u->until_ns) {
		usage_error(ps->cmd, "--from is after --until");
		status = EXIT_USAGE;
		goto out;
	}
	if (u->until_ns < now - PYRO_MAX_AGE_NS) {
		show_age(age, sizeof(age), now - u->until_ns);
		pr_err("'%s' ended %s ago and Pyroscope refuses profiles older "
		       "than 1h: add --now to stamp it with the current time",
		       path, age);
		goto out;
	}
	if (u->from_ns > now + PYRO_MAX_AHEAD_NS) {
		show_age(age, sizeof(age), u->from_ns - now);
		pr_err("'%s' starts %s in the future and Pyroscope refuses "
		       "profiles more than 10m ahead: check --from/--until or "
		       "the clock, or add --now", path, age);
		goto out;
	}
	if (u->format == PYRO_PPROF) {
		u->samples = (uint64_t)profile__total(p);
		if (p->nr_samples > ps->o.max_samples)
			pr_warn("'%s' has %zu samples; Pyroscope accepts "
				"%zu per profile by default and may refuse it "
				"(pprof files are sent as they are: push it as "
				"folded stacks to have it split)", path,
				p->nr_samples, ps->o.max_samples);
		if (u->raw_len > PYRO_MAX_BODY)
			pr_warn("'%s' is %zu bytes; Pyroscope accepts 4 MiB "
				"per profile by default", path, u->raw_len);
		status = 0;
		goto out;
	}
	/* Folded: the server wants integer counts and bounded bodies. */
	free(u->raw);
	u->raw = NULL;
	r = pyro__folded_chunks(p, ps->o.max_samples, PYRO_MAX_BODY,
				&u->chunks, &u->nr_chunks, &fst);
	if (r == -ERANGE) {
		pr_err("'%s': %zu stack%s with a count of 2^63 or more, or "
		       "negative, which Pyroscope cannot take: nothing sent",
		       path, fst.unsendable, fst.unsendable == 1 ? "" : "s");
		goto out;
	}
	if (r) {
		pr_err("cannot encode '%s': %s", path, strerror(-r));
		goto out;
	}
	if (fst.rounded)
		pr_warn("'%s': %zu count%s rounded to integers (Pyroscope "
			"wants whole numbers)", path, fst.rounded,
			fst.rounded == 1 ? "" : "s");
	if (fst.zero)
		pr_warn("'%s': %zu stack%s with a count of 0 (after rounding) "
			"left out", path, fst.zero, fst.zero == 1 ? "" : "s");
	if (fst.cut_frames)
		pr_warn("'%s': %zu frame names over 1 KiB shortened", path,
			fst.cut_frames);
	if (fst.too_long)
		pr_warn("'%s': %zu stack%s over 64 KiB left out (%llu "
			"samples): the server cannot read such lines", path,
			fst.too_long, fst.too_long == 1 ? "" : "s",
			(unsigned long long)fst.too_long_samples);
	if (!u->nr_chunks) {
		pr_err("'%s': no samples left to send", path);
		goto out;
	}
	if (u->nr_chunks > 1)
		pr_info("'%s': %zu stacks, sent in %zu uploads of at most %zu",
			path, p->nr_samples, u->nr_chunks, ps->o.max_samples);
	for (size_t i = 0; i < u->nr_chunks; i++)
		u->samples += u->chunks[i].samples;
	status = 0;
out:
	profile__free(p);
	return status;
}

static void on_retry(void *ctx, const struct pyro_result *res, long wait_ms)
{
	struct push *ps = ctx;

	if (res->status)
		pr_warn("upload of '%s' failed (HTTP %ld%s%s); retrying in "
			"%.1f s", ps->current, res->status,
			res->message[0] ? ": " : "", res->message,
			wait_ms / 1000.0);
	else
		pr_warn("upload of '%s' failed (%s); retrying in %.1f s",
			ps->current, res->message, wait_ms / 1000.0);
}

static const char *hint(long status)
{
	switch (status) {
	case 401:
	case 403:
		return " (check --user and EBPROF_PUSH_PASSWORD, the token, "
		       "and --tenant)";
	case 404:
		return " (is this the Pyroscope server? uploads go to "
		       "URL/ingest)";
	case 413:
		return " (lower --max-samples)";
	}
	return "";
}

static int send_one(struct push *ps, struct pyro_client *c, struct upload *u,
		    const char *name)
{
	struct pyro_request rq = {
		.name = name, .from_ns = u->from_ns, .until_ns = u->until_ns,
		.format = u->format,
	};
	size_t i, n = u->format == PYRO_PPROF ? 1 : u->nr_chunks;

	if (u->format == PYRO_FOLDED)
		rq.sample_rate = ps->sample_rate;
	ps->current = u->path;
	for (i = 0; i < n; i++) {
		struct pyro_result res;
		int r;

		rq.body = u->format == PYRO_PPROF ? u->raw : u->chunks[i].body;
		rq.len = u->format == PYRO_PPROF ? u->raw_len :
			 u->chunks[i].len;
		if (ps->dry_run) {
			char *url = pyro_client__url(c, &rq);

			printf("POST %s (%s, %zu bytes)\n", url ? url : "?",
			       u->format == PYRO_PPROF ?
			       "pprof as multipart field 'profile'" :
			       "folded", rq.len);
			free(url);
			continue;
		}
		r = pyro_client__upload(c, &rq, &res);
		if (r) {
			char part[64] = "";

			if (n > 1)
				snprintf(part, sizeof(part),
					 " (upload %zu of %zu)", i + 1, n);
			if (res.status)
				pr_err("cannot push '%s'%s: the server "
				       "answered HTTP %ld%s%s%s", u->path, part,
				       res.status, res.message[0] ? ": " : "",
				       res.message, hint(res.status));
			else
				pr_err("cannot push '%s'%s: %s%s", u->path,
				       part, res.message, res.attempts > 1 ?
				       " (gave up after retries)" : "");
			return EXIT_FAIL;
		}
	}
	if (!ps->dry_run)
		pr_info("pushed '%s': %llu samples as %s", u->path,
			(unsigned long long)u->samples, name);
	return 0;
}

static int parse_args(struct push *ps, int argc, char **argv,
		      const struct cmd *self)
{
	struct opt_parser op;
	int c, r, status = 0;
	long v;

	if (opt_parser__init(&op, ps->cmd, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1 && !status) {
		switch (c) {
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 self->summary);
			status = -1;
			break;
		case PUSH_OPT_FROM:
			ps->from = optarg;
			break;
		case PUSH_OPT_UNTIL:
			ps->until = optarg;
			break;
		case PUSH_OPT_NOW:
			ps->now = true;
			break;
		case PUSH_OPT_DRY_RUN:
			ps->dry_run = true;
			break;
		case PUSH_OPT_SAMPLE_RATE:
			if (parse_count(optarg, 1, 1000000, &v)) {
				usage_error(ps->cmd, "--sample-rate wants a "
					    "frequency in Hz, not '%s'",
					    optarg);
				status = EXIT_USAGE;
			} else {
				ps->sample_rate = v;
			}
			break;
		case '?':
			status = EXIT_USAGE;
			break;
		default:
			r = push_opts__parse(&ps->o, c, optarg, ps->cmd);
			if (r <= 0)
				status = EXIT_USAGE;
		}
	}
	opt_parser__release(&op);
	return status;
}

static int check_times(struct push *ps)
{
	int64_t t, now = pyro__now_ns();

	if (ps->now && (ps->from || ps->until)) {
		usage_error(ps->cmd, "--now replaces --from/--until: give one "
			    "or the other");
		return EXIT_USAGE;
	}
	if (ps->from && parse_time(ps->from, now, &t)) {
		usage_error(ps->cmd, "bad --from '%s' (Unix seconds, "
			    "2024-05-01T12:00:00Z, now-5m...)", ps->from);
		return EXIT_USAGE;
	}
	if (ps->until && parse_time(ps->until, now, &t)) {
		usage_error(ps->cmd, "bad --until '%s' (Unix seconds, "
			    "2024-05-01T12:00:00Z, now...)", ps->until);
		return EXIT_USAGE;
	}
	return 0;
}

static int cmd_push_fn(int argc, char **argv, const struct cmd *self)
{
	struct push ps = { .cmd = cmd__label(self), .sample_rate = 99 };
	struct strbuf name = STRBUF_INIT;
	struct pyro_client *c = NULL;
	struct pyro_config cfg;
	char err[256];
	int status, a, n, i;

	push_opts__init(&ps.o);
	status = parse_args(&ps, argc, argv, self);
	if (status)
		goto out;
	n = argc - optind;
	if (n <= 0) {
		usage_error(ps.cmd, "no recording to push: give FILE...");
		status = EXIT_USAGE;
		goto out;
	}
	status = check_times(&ps);
	if (!status)
		status = push_opts__finish(&ps.o, ps.cmd);
	if (status)
		goto out;
	for (a = optind; a < argc; a++)
		if (!strcmp(argv[a], "-") && n > 1) {
			usage_error(ps.cmd, "'-' (stdin) must be the only "
				    "file");
			status = EXIT_USAGE;
			goto out;
		}
	pyro__build_name(&name, ps.o.app, ps.o.labels, ps.o.nr_labels, err,
			 sizeof(err));
	push_opts__pyro_config(&ps.o, &cfg);
	cfg.on_retry = on_retry;
	cfg.ctx = &ps;
	if (curl_loader__load(err, sizeof(err))) {
		pr_err("%s", err);
		status = EXIT_FAIL;
		goto out;
	}
	c = pyro_client__new(&cfg, err, sizeof(err));
	if (!c) {
		usage_error(ps.cmd, "%s", err);
		status = EXIT_USAGE;
		goto out;
	}
	ps.up = calloc(n, sizeof(*ps.up));
	if (!ps.up) {
		pr_err("out of memory");
		status = EXIT_FAIL;
		goto out;
	}
	/* Check everything before sending anything. */
	for (i = 0; i < n; i++) {
		ps.up[i].path = argv[optind + i];
		ps.nr_up++;
		status = prepare(&ps, &ps.up[i]);
		if (status)
			goto out;
	}
	for (i = 0; i < n; i++)
		if (send_one(&ps, c, &ps.up[i], name.buf))
			status = EXIT_FAIL;
out:
	for (i = 0; i < (int)ps.nr_up; i++) {
		free(ps.up[i].raw);
		pyro__free_chunks(ps.up[i].chunks, ps.up[i].nr_chunks);
	}
	free(ps.up);
	strbuf__release(&name);
	pyro_client__free(c);
	push_opts__release(&ps.o);
	return status == -1 ? EXIT_OK : status;
}

const struct cmd cmd_push = {
	"push", cmd_push_fn, push_opts,
	"ebprof push --server URL --app NAME [--label KEY=VALUE]... "
	"[--from TIME --until TIME | --now] FILE...",
	"upload recordings to a Grafana Pyroscope server",
};
