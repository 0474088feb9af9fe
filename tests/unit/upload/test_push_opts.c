// SPDX-License-Identifier: GPL-2.0
/*
 * The upload options `push` and `record --push` share (push_opts.c), with
 * no server: labels, headers (a control character or credentials
 * refused), durations, counts and sizes, the checks of push_opts__finish()
 * and the secrets it loads (token file, environment scrubbed), and the
 * client configuration made from them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/strbuf.h"
#include "upload/push_opts.h"
#include "test.h"

static char tmp[] = "/tmp/ebprof-push-opts-test.XXXXXX";
static char err[512];		/* the start of the last usage message */
static struct strbuf msg = STRBUF_INIT;

static int keep(int r)
{
	snprintf(err, sizeof(err), "%s", msg.buf ? msg.buf : "");
	return r;
}

static int parse(struct push_opts *o, int c, const char *arg)
{
	strbuf__reset(&msg);
	return keep(push_opts__parse(o, c, arg, &msg));
}

static int finish(struct push_opts *o)
{
	strbuf__reset(&msg);
	return keep(push_opts__finish(o, &msg));
}

static void test_durations(void)
{
	static const struct {
		const char *s;
		long ms;
	} cases[] = {
		{ "15s", 15000 }, { "500ms", 500 }, { "2m", 120000 },
		{ "2min", 120000 }, { "1h", 3600000 }, { "3", 3000 },
		{ "1.5s", 1500 }, { "0", 0 }, { "7d", -1 }, { "169h", -1 },
		{ "", -1 }, { "s", -1 }, { "-1s", -1 }, { "10x", -1 },
		{ " 5s", -1 }, { "5 s", -1 },
	};
	struct push_opts o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(push_opts__parse_duration_ms(cases[i].s) == cases[i].ms,
		      "duration '%s' is %ld ms", cases[i].s, cases[i].ms);

	push_opts__init(&o);
	CHECK(parse(&o, PUSH_OPT_TIMEOUT, "2s") == 1 && o.timeout_ms == 2000,
	      "--timeout 2s");
	CHECK(parse(&o, PUSH_OPT_RETRY_DELAY, "250ms") == 1 &&
	      o.retry_delay_ms == 250 && !o.continuous_set,
	      "--retry-delay 250ms, not a continuous-mode option");
	CHECK(parse(&o, PUSH_OPT_CONNECT_TIMEOUT, "0") == PUSH_BAD_USAGE &&
	      !strcmp(err, "bad duration '0' (e.g. 500ms, 15s, 2m)"),
	      "--connect-timeout 0 refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_INTERVAL, "500ms") == PUSH_BAD_USAGE &&
	      strstr(err, "; at least 1s") && o.interval_ms == 15000,
	      "--interval under 1s refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_INTERVAL, "1m") == 1 &&
	      o.interval_ms == 60000 && o.continuous_set,
	      "--interval 1m sets continuous mode");
	push_opts__release(&o);
}

static void test_numbers(void)
{
	struct push_opts o;
	uint64_t size;
	long v;

	CHECK(!push_opts__parse_count("42", 1, 100, &v) && v == 42,
	      "count 42");
	CHECK(push_opts__parse_count("101", 1, 100, &v) &&
	      push_opts__parse_count("0", 1, 100, &v) &&
	      push_opts__parse_count("4x", 1, 100, &v) &&
	      push_opts__parse_count("-4", -10, 100, &v),
	      "counts out of range or not numbers refused");
	CHECK(!push_opts__parse_size("64M", &size) && size == 64ULL << 20,
	      "size 64M");
	CHECK(!push_opts__parse_size("1gb", &size) && size == 1ULL << 30,
	      "size 1gb");
	CHECK(push_opts__parse_size("1k", &size) &&
	      push_opts__parse_size("5T", &size),
	      "size under 4K or with an unknown unit refused");

	push_opts__init(&o);
	CHECK(o.retries == 4 && o.max_samples == PYRO_MAX_SAMPLES &&
	      o.spool_size == 256ULL << 20 &&
	      !strcmp(o.spool_dir, PUSH_DEFAULT_SPOOL),
	      "defaults");
	CHECK(parse(&o, PUSH_OPT_RETRIES, "0") == 1 && o.retries == 0,
	      "--retries 0");
	CHECK(parse(&o, PUSH_OPT_RETRIES, "101") == PUSH_BAD_USAGE &&
	      !strcmp(err, "--retries wants 0 to 100, not '101'"),
	      "--retries 101 refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_MAX_SAMPLES, "0") == PUSH_BAD_USAGE,
	      "--max-samples 0 refused");
	CHECK(parse(&o, PUSH_OPT_SPOOL_SIZE, "1G") == 1 &&
	      o.spool_size == 1ULL << 30, "--spool-size 1G");
	CHECK(parse(&o, PUSH_OPT_LABEL_BY, "container") == 1 &&
	      o.label_by == UPLOADER_LABEL_CONTAINER, "--label-by container");
	CHECK(parse(&o, PUSH_OPT_LABEL_BY, "host") == PUSH_BAD_USAGE,
	      "--label-by host refused");
	CHECK(parse(&o, 'x', "anything") == 0, "not a push option: 0");
	push_opts__release(&o);
}

static void test_labels(void)
{
	struct push_opts o;
	char buf[32];
	int i, r = 0;

	push_opts__init(&o);
	CHECK(parse(&o, PUSH_OPT_LABEL, "env=prod") == 1 &&
	      parse(&o, PUSH_OPT_LABEL, "zone=eu-1 b") == 1 &&
	      o.nr_labels == 2 && !strcmp(o.labels[0].key, "env") &&
	      !strcmp(o.labels[0].value, "prod") &&
	      !strcmp(o.labels[1].key, "zone") &&
	      !strcmp(o.labels[1].value, "eu-1 b"),
	      "labels split into key and value");
	CHECK(parse(&o, PUSH_OPT_LABEL, "k=a=b") == PUSH_BAD_USAGE,
	      "a second '=' (in the value) refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_LABEL, "env") == PUSH_BAD_USAGE &&
	      !strcmp(err, "--label 'env' is not KEY=VALUE"),
	      "label without '=' refused: %s", err);
	{
		/* A usage message holds the whole argument and its reason. */
		char *big = malloc(10001);

		if (big) {
			memset(big, 'v', 10000);
			big[10000] = '\0';
		}
		CHECK(big && parse(&o, PUSH_OPT_LABEL, big) ==
		      PUSH_BAD_USAGE && strstr(msg.buf, "' is not KEY=VALUE") &&
		      msg.len == 10000 + strlen("--label '' is not KEY=VALUE"),
		      "a 10000-byte label is refused with all of it and why");
		free(big);
	}
	CHECK(parse(&o, PUSH_OPT_LABEL, "env=dev") == PUSH_BAD_USAGE &&
	      !strcmp(err, "label 'env' is given twice") && o.nr_labels == 2,
	      "label given twice refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_LABEL, "a-b=1") == PUSH_BAD_USAGE &&
	      strstr(err, "label name 'a-b'"),
	      "label name with '-' refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_LABEL, "k=a,b") == PUSH_BAD_USAGE,
	      "label value with ',' refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_LABEL, "k=") == PUSH_BAD_USAGE,
	      "empty label value refused: %s", err);
	for (i = 2; i < PUSH_MAX_LABELS; i++) {
		snprintf(buf, sizeof(buf), "k%d=v", i);
		r = parse(&o, PUSH_OPT_LABEL, buf);
	}
	CHECK(r == 1 && o.nr_labels == PUSH_MAX_LABELS &&
	      parse(&o, PUSH_OPT_LABEL, "one=more") == PUSH_BAD_USAGE &&
	      !strcmp(err, "at most 24 labels"),
	      "at most %d labels", PUSH_MAX_LABELS);
	push_opts__release(&o);
	CHECK(o.nr_labels == 0, "release forgets the labels");
}

static void test_headers(void)
{
	struct push_opts o;

	push_opts__init(&o);
	CHECK(parse(&o, PUSH_OPT_HEADER, "X-Proxy-Key: abc") == 1 &&
	      o.nr_headers == 1 && !strcmp(o.headers[0], "X-Proxy-Key: abc"),
	      "header kept as given");
	CHECK(parse(&o, PUSH_OPT_HEADER, "X-A: 1\r\nX-Evil: 2") ==
	      PUSH_BAD_USAGE &&
	      !strcmp(err, "--header 'X-A: ...': the value holds a control "
		      "character") && o.nr_headers == 1,
	      "header with CR LF refused, value not shown: %s", err);
	CHECK(parse(&o, PUSH_OPT_HEADER, "X-A: 1\n") == PUSH_BAD_USAGE,
	      "header with LF refused");
	CHECK(parse(&o, PUSH_OPT_HEADER, "X-A: a\tb") == 1,
	      "a tab in a header value is allowed");
	CHECK(parse(&o, PUSH_OPT_HEADER, "no colon") == PUSH_BAD_USAGE &&
	      strstr(err, "the argument is not shown") &&
	      !strstr(err, "no colon"),
	      "header without ':' refused, not shown: %s", err);
	CHECK(parse(&o, PUSH_OPT_HEADER, "X A: 1") == PUSH_BAD_USAGE &&
	      !strcmp(err, "--header: bad character in the name 'X A'"),
	      "header name with a space refused: %s", err);
	CHECK(parse(&o, PUSH_OPT_HEADER, "authorization: Bearer s3cret") ==
	      PUSH_BAD_USAGE && strstr(err, "credentials do not belong") &&
	      !strstr(err, "s3cret"),
	      "Authorization header refused, secret not shown");
	CHECK(parse(&o, PUSH_OPT_HEADER, "Proxy-Authorization: x") ==
	      PUSH_BAD_USAGE, "Proxy-Authorization header refused");
	CHECK(parse(&o, PUSH_OPT_TENANT, "team\r\nX: 1") == PUSH_BAD_USAGE &&
	      parse(&o, PUSH_OPT_TENANT, "") == PUSH_BAD_USAGE &&
	      !o.tenant, "tenant with CR LF or empty refused");
	CHECK(parse(&o, PUSH_OPT_TENANT, "team-1") == 1 &&
	      !strcmp(o.tenant, "team-1"), "tenant kept");
	push_opts__release(&o);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

/* An option set that passes push_opts__finish(), but for what a test adds. */
static void base_opts(struct push_opts *o, char *url)
{
	push_opts__init(o);
	parse(o, PUSH_OPT_SERVER, url);
	parse(o, PUSH_OPT_APP, "svc");
}

static void test_finish(void)
{
	char url[] = "https://user:hunter2@pyro.example:4040/p";
	char plain[] = "http://127.0.0.1:4040", ftp[] = "ftp://a:pw@x";
	char path[600], path2[600];
	struct pyro_config cfg;
	struct push_opts o;
	int r;

	/* The URL's password: copied for us, gone from argv's string. */
	push_opts__init(&o);
	CHECK(parse(&o, PUSH_OPT_PUSH, url) == 1 &&
	      strstr(o.server, "hunter2") && !strstr(url, "hunter2"),
	      "server URL copied, password scrubbed from argv (%s)", url);
	push_opts__release(&o);

	push_opts__init(&o);
	CHECK(finish(&o) == PUSH_BAD_USAGE &&
	      !strcmp(err, "no server: give --server URL"),
	      "no server: %s", err);
	parse(&o, PUSH_OPT_SERVER, ftp);
	CHECK(finish(&o) == PUSH_BAD_USAGE &&
	      strstr(err, "must start with http://") && !strstr(err, "pw@"),
	      "ftp URL refused, password not shown: %s", err);
	parse(&o, PUSH_OPT_SERVER, plain);
	CHECK(finish(&o) == PUSH_BAD_USAGE &&
	      !strcmp(err, "no application name: give --app NAME"),
	      "no app: %s", err);
	parse(&o, PUSH_OPT_APP, "bad app");
	CHECK(finish(&o) == PUSH_BAD_USAGE,
	      "app name with a space refused: %s", err);
	push_opts__release(&o);

	/* --user wants the password in the environment. */
	unsetenv("EBPROF_PUSH_PASSWORD");
	unsetenv("EBPROF_PUSH_TOKEN");
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_USER, "me");
	CHECK(finish(&o) == PUSH_BAD_USAGE &&
	      strstr(err, "EBPROF_PUSH_PASSWORD"), "--user without password");
	setenv("EBPROF_PUSH_PASSWORD", "pw1", 1);
	CHECK(finish(&o) == 0 &&
	      !strcmp(o.password, "pw1") && !getenv("EBPROF_PUSH_PASSWORD"),
	      "password loaded and taken out of the environment");
	push_opts__pyro_config(&o, &cfg);
	CHECK(!strcmp(cfg.url, plain) && !strcmp(cfg.user, "me") &&
	      !strcmp(cfg.password, "pw1") && !cfg.token &&
	      cfg.retries == 4 && cfg.backoff_min_ms == 1000 &&
	      cfg.backoff_max_ms == 30000 && cfg.connect_timeout_ms == 5000,
	      "client configuration from the options");
	push_opts__release(&o);

	/* The token from a file: trimmed, one line, one word. */
	snprintf(path, sizeof(path), "%s/token", tmp);
	write_file(path, "  tok-123\n", 0600);
	setenv("EBPROF_PUSH_TOKEN", "from-env", 1);
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_TOKEN_FILE, path);
	r = finish(&o);
	CHECK(r == 0 && o.token && !strcmp(o.token, "tok-123"),
	      "token file read and trimmed");
	CHECK(!getenv("EBPROF_PUSH_TOKEN"),
	      "EBPROF_PUSH_TOKEN taken out of the environment");
	push_opts__release(&o);

	base_opts(&o, plain);
	parse(&o, PUSH_OPT_TOKEN_FILE, path);
	parse(&o, PUSH_OPT_USER, "me");
	setenv("EBPROF_PUSH_PASSWORD", "pw", 1);
	CHECK(finish(&o) == PUSH_BAD_USAGE &&
	      strstr(err, "not both"), "token and --user refused: %s", err);
	push_opts__release(&o);

	snprintf(path2, sizeof(path2), "%s/token2", tmp);
	write_file(path2, "tok\r\nX-Evil:1\n", 0600);
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_TOKEN_FILE, path2);
	CHECK(finish(&o) == PUSH_FAILED &&
	      !o.token, "token file with two lines refused");
	push_opts__release(&o);

	write_file(path2, "two words\n", 0600);
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_TOKEN_FILE, path2);
	CHECK(finish(&o) == PUSH_FAILED,
	      "token file with a space refused");
	push_opts__release(&o);

	/* A pipe (--token-file <(...)) that gives the token in pieces. */
	snprintf(path2, sizeof(path2), "%s/pipe", tmp);
	if (!mkfifo(path2, 0600)) {
		pid_t pid = fork();

		if (pid == 0) {
			int fd = open(path2, O_WRONLY);

			if (fd < 0 || write(fd, "tok", 3) != 3)
				_exit(1);
			usleep(200000);
			_exit(write(fd, "-piece\n", 7) == 7 ? 0 : 1);
		}
		base_opts(&o, plain);
		parse(&o, PUSH_OPT_TOKEN_FILE, path2);
		r = finish(&o);
		CHECK(pid > 0 && r == 0 && o.token &&
		      !strcmp(o.token, "tok-piece"),
		      "token read to the end of a pipe: %s",
		      o.token ? o.token : "(none)");
		push_opts__release(&o);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		unlink(path2);
	}

	snprintf(path2, sizeof(path2), "%s/missing", tmp);
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_TOKEN_FILE, path2);
	CHECK(finish(&o) == PUSH_FAILED,
	      "missing token file: a failure, not a usage error");
	push_opts__release(&o);

	/* The token from the environment, refused with a line break. */
	unsetenv("EBPROF_PUSH_PASSWORD");
	setenv("EBPROF_PUSH_TOKEN", "t\nX-Evil: 1", 1);
	base_opts(&o, plain);
	CHECK(finish(&o) == PUSH_FAILED &&
	      !o.token, "EBPROF_PUSH_TOKEN with a line break refused");
	push_opts__release(&o);
	setenv("EBPROF_PUSH_TOKEN", "env-tok", 1);
	base_opts(&o, plain);
	CHECK(finish(&o) == 0 && o.token &&
	      !strcmp(o.token, "env-tok") && !getenv("EBPROF_PUSH_TOKEN"),
	      "token from EBPROF_PUSH_TOKEN, variable removed");
	push_opts__release(&o);
	unlink(path);
	unlink(path2);
}

static void test_uploader_config(void)
{
	char plain[] = "http://127.0.0.1:4040";
	struct uploader_config cfg;
	struct push_opts o;

	unsetenv("EBPROF_PUSH_PASSWORD");
	unsetenv("EBPROF_PUSH_TOKEN");
	base_opts(&o, plain);
	parse(&o, PUSH_OPT_LABEL, "env=prod");
	parse(&o, PUSH_OPT_RETRY_DELAY, "2s");
	parse(&o, PUSH_OPT_SPOOL_DIR, "none");
	parse(&o, PUSH_OPT_LABEL_BY, "pid");
	CHECK(finish(&o) == 0, "uploader options pass the checks%s%s",
	      *err ? ": " : "", err);
	push_opts__uploader_config(&o, 49, &cfg);
	CHECK(!strcmp(cfg.app, "svc") && cfg.nr_labels == 1 &&
	      cfg.sample_rate == 49 && cfg.label_by == UPLOADER_LABEL_PID &&
	      !cfg.spool_dir && cfg.http.backoff_min_ms == 2000 &&
	      cfg.http.backoff_max_ms == 300000 && cfg.hostname_label &&
	      cfg.log, "uploader configuration; spool 'none' is no spool");
	push_opts__release(&o);
}

int main(void)
{
	log_verbosity = -1;		/* the warnings are not under test */
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 1;
	}
	test_durations();
	test_numbers();
	test_labels();
	test_headers();
	test_finish();
	test_uploader_config();
	rmdir(tmp);
	strbuf__release(&msg);
	return test_status();
}
