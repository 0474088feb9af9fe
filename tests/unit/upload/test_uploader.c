// SPDX-License-Identifier: GPL-2.0
/*
 * The continuous-mode uploader against the fake Pyroscope server
 * (tests/pyroscope/fake_server.py on 127.0.0.1): windows arrive once each;
 * while the server fails they are spooled and delivered after it recovers,
 * none lost, none twice, also across a restart; the spool bound drops the
 * oldest; per-process series; windows too old are not sent.  Every wait is
 * bounded (polls with a time limit), never a timing threshold.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "upload/pyroscope.h"
#include "upload/uploader.h"
#include "test.h"

#define NS	1000000000LL

static char tmp[] = "/tmp/ebprof-uploader-test.XXXXXX";
static char srvdir[600], failfile[600], url[64];
static pid_t server = -1;
static int warnings_spool_full;

static void on_log(void *ctx, enum uploader_level level, const char *msg)
{
	if (strstr(msg, "spool full"))
		__atomic_add_fetch(&warnings_spool_full, 1, __ATOMIC_SEQ_CST);
	if (getenv("V"))
		fprintf(stderr, "uploader: %s\n", msg);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int start_server(void)
{
	const char *root = getenv("ROOT") ? getenv("ROOT") : ".";
	const char *py = access("/usr/bin/python3", X_OK) ? "python3" :
			 "/usr/bin/python3";
	char script[600], portfile[700];
	int i, port = 0;
	FILE *f;

	snprintf(script, sizeof(script), "%s/tests/pyroscope/fake_server.py",
		 root);
	snprintf(srvdir, sizeof(srvdir), "%s/server", tmp);
	snprintf(failfile, sizeof(failfile), "%s/fail", tmp);
	snprintf(portfile, sizeof(portfile), "%s/port", srvdir);
	if (access(script, R_OK))
		return -1;
	server = fork();
	if (server < 0)
		return -1;
	if (!server) {
		execlp(py, py, script, "--dir", srvdir, "--fail-file",
		       failfile, "--lifetime", "300", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
			if (port)
				break;
		}
		if (waitpid(server, NULL, WNOHANG) == server) {
			server = -1;
			return -1;
		}
		sleep_ms(50);
	}
	if (!port)
		return -1;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	return 0;
}

static void stop_server(void)
{
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
}

static void set_failing(bool on)
{
	if (on) {
		FILE *f = fopen(failfile, "w");

		if (f)
			fclose(f);
	} else {
		unlink(failfile);
	}
}

/* How many accepted stack lines name @frame; total count in *@sum. */
static int received(const char *frame, long *sum, char *name, size_t nlen)
{
	char path[700], line[4096];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/ingested.txt", srvdir);
	if (sum)
		*sum = 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *fields[6], *save = NULL, *t = line;
		int k;

		line[strcspn(line, "\n")] = '\0';
		for (k = 0; k < 6; k++, t = NULL)
			fields[k] = strtok_r(t, "\t", &save);
		if (!fields[5] || !strstr(fields[4], frame))
			continue;
		n++;
		if (sum)
			*sum += atol(fields[5]);
		if (name)
			snprintf(name, nlen, "%s %s %s", fields[1], fields[2],
				 fields[3]);
	}
	fclose(f);
	return n;
}

/* A window with one stack "comm;frame;leaf" per (pid, count). */
static struct profile *window(const char *frame, int nr, const int *pids,
			      const char *const *comms, const double *counts)
{
	struct profile *p = profile__new();
	int i;

	for (i = 0; i < nr; i++) {
		struct pf_frame f1 = { .name = frame }, f2 = { .name = "leaf" };
		struct pf_labels l = { .pid = pids[i], .tid = pids[i] };
		uint32_t ids[2];

		l.comm = profile__intern(p, comms[i]);
		l.process = l.comm;
		ids[0] = profile__frame(p, &f1);
		ids[1] = profile__frame(p, &f2);
		profile__add(p, ids, 2, &l, &counts[i]);
	}
	return p;
}

static struct profile *simple_window(const char *frame, double count)
{
	int pid = 100;
	const char *comm = "app";

	return window(frame, 1, &pid, &comm, &count);
}

static void base_config(struct uploader_config *c, const char *spool)
{
	memset(c, 0, sizeof(*c));
	c->http.url = url;
	c->http.connect_timeout_ms = 2000;
	c->http.timeout_ms = 5000;
	c->http.backoff_min_ms = 50;
	c->http.backoff_max_ms = 200;
	c->app = "unit";
	c->hostname_label = true;
	c->sample_rate = 99;
	c->spool_dir = spool;
	c->log = on_log;
}

/* Polls @cond (an expression) every 50 ms for at most 30 s. */
#define WAIT_FOR(cond) ({					\
		int _i;						\
		for (_i = 0; _i < 600 && !(cond); _i++)		\
			sleep_ms(50);				\
		(cond);						\
	})

static struct uploader_stats st;

static bool stats_of(struct uploader *u)
{
	uploader__stats(u, &st);
	return true;
}

static void test_windows(void)
{
	struct uploader_config c;
	struct uploader *u;
	char err[256], name[512], spool[700], host[256];
	int64_t now = pyro__now_ns();
	long sum;
	int i, ok = 1;

	snprintf(spool, sizeof(spool), "%s/spool1", tmp);
	base_config(&c, spool);
	c.labels = (struct pyro_label[]){ { "env", "test" } };
	c.nr_labels = 1;
	u = uploader__new(&c, err, sizeof(err));
	CHECK(u != NULL, "uploader starts (%s)", u ? "ok" : err);
	if (!u)
		return;
	for (i = 0; i < 3; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w1_win%d", i);
		uploader__submit(u, simple_window(frame, 10 + i),
				 now - (3 - i) * 15 * NS,
				 now - (2 - i) * 15 * NS);
	}
	CHECK(WAIT_FOR(received("w1_win2", NULL, NULL, 0) == 1),
	      "windows arrive");
	for (i = 0; i < 3; i++) {
		char frame[32], want[600];

		snprintf(frame, sizeof(frame), "w1_win%d", i);
		if (received(frame, &sum, name, sizeof(name)) != 1 ||
		    sum != 10 + i)
			ok = 0;
		gethostname(host, sizeof(host));
		pyro__sanitize_value(host);
		snprintf(want, sizeof(want),
			 "unit.cpu{env=test,hostname=%s} %lld %lld", host,
			 (long long)(now - (3 - i) * 15 * NS),
			 (long long)(now - (2 - i) * 15 * NS));
		if (strcmp(name, want))
			ok = 0;
	}
	CHECK(ok, "each window once, its counts, series name and times");
	uploader__free(u, 2000, &st);
	CHECK(st.windows == 3 && st.uploads == 3 && st.spooled == 0 &&
	      st.lost == 0, "stats: 3 windows, 3 uploads");
}

static void test_outage(void)
{
	struct uploader_config c;
	struct uploader *u;
	char err[256], spool[700];
	int64_t now = pyro__now_ns();
	int i, ok = 1;
	long sum;

	snprintf(spool, sizeof(spool), "%s/spool2", tmp);
	base_config(&c, spool);
	u = uploader__new(&c, err, sizeof(err));
	if (!u) {
		CHECK(0, "uploader starts: %s", err);
		return;
	}
	set_failing(true);
	for (i = 0; i < 6; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w2_win%d", i);
		uploader__submit(u, simple_window(frame, 5),
				 now - (6 - i) * NS, now - (5 - i) * NS);
	}
	CHECK(WAIT_FOR(stats_of(u) && st.spooled == 6),
	      "server failing: all 6 windows spooled");
	CHECK(st.failures >= 1 && st.uploads == 0 && st.server_down,
	      "failures counted, server seen down");
	/* It keeps retrying while the server fails. */
	CHECK(WAIT_FOR(stats_of(u) && st.failures >= 3),
	      "spool retried with backoff");
	set_failing(false);
	CHECK(WAIT_FOR(stats_of(u) && st.spool_entries == 0 &&
		       st.uploads == 6),
	      "server back: the spool drains");
	for (i = 0; i < 6; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w2_win%d", i);
		if (received(frame, &sum, NULL, 0) != 1 || sum != 5)
			ok = 0;
	}
	CHECK(ok, "every spooled window delivered exactly once");
	CHECK(st.from_spool == 6 && st.lost == 0 && st.spool_dropped == 0,
	      "stats: 6 from the spool, none lost");

	/* Stopping during an outage leaves the windows in the spool... */
	set_failing(true);
	for (i = 0; i < 3; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w2_restart%d", i);
		uploader__submit(u, simple_window(frame, 2), now - NS, now);
	}
	CHECK(uploader__free(u, 300, &st) == 3 && st.lost == 0,
	      "stop during an outage: 3 uploads left in the spool");
	/* ... and the next run delivers them. */
	set_failing(false);
	u = uploader__new(&c, err, sizeof(err));
	CHECK(u && WAIT_FOR(stats_of(u) && st.spool_entries == 0 &&
			    st.uploads == 3), "next run drains the spool");
	for (ok = 1, i = 0; i < 3; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w2_restart%d", i);
		if (received(frame, NULL, NULL, 0) != 1)
			ok = 0;
	}
	CHECK(ok, "windows of the earlier run delivered exactly once");
	uploader__free(u, 2000, NULL);
}

static void test_bound(void)
{
	struct uploader_config c;
	struct uploader *u;
	char err[256], spool[700];
	int64_t now = pyro__now_ns();
	uint64_t one;
	int i, ok = 1;

	/* The size of one entry, measured with a probe. */
	set_failing(true);
	snprintf(spool, sizeof(spool), "%s/spool3probe", tmp);
	base_config(&c, spool);
	u = uploader__new(&c, err, sizeof(err));
	if (!u) {
		CHECK(0, "uploader starts: %s", err);
		return;
	}
	uploader__submit(u, simple_window("w3_win0", 7), now - NS, now);
	WAIT_FOR(stats_of(u) && st.spooled == 1);
	one = st.spool_bytes;
	uploader__free(u, 0, NULL);

	snprintf(spool, sizeof(spool), "%s/spool3", tmp);
	c.spool_max_bytes = 3 * one + one / 2;
	u = uploader__new(&c, err, sizeof(err));
	if (!u) {
		CHECK(0, "uploader starts: %s", err);
		return;
	}
	for (i = 0; i < 6; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w3_win%d", i);
		uploader__submit(u, simple_window(frame, 7), now - NS, now);
	}
	CHECK(WAIT_FOR(stats_of(u) && st.spooled == 6) &&
	      st.spool_dropped == 3 && st.spool_entries == 3 &&
	      st.spool_bytes <= 3 * one + one / 2,
	      "spool bound: the 3 oldest dropped (%llu dropped, %zu kept)",
	      (unsigned long long)st.spool_dropped, st.spool_entries);
	CHECK(warnings_spool_full >= 1, "a warning says the spool was full");
	set_failing(false);
	CHECK(WAIT_FOR(stats_of(u) && st.spool_entries == 0 &&
		       st.uploads == 3), "the 3 kept are delivered");
	for (i = 0; i < 6; i++) {
		char frame[32];

		snprintf(frame, sizeof(frame), "w3_win%d", i);
		if (received(frame, NULL, NULL, 0) != (i >= 3))
			ok = 0;
	}
	CHECK(ok, "the newest 3 arrived, the dropped ones never");
	uploader__free(u, 2000, NULL);
}

static void test_label_by_and_age(void)
{
	static const int pids[] = { 11, 22, 11 };
	static const char *const comms[] = { "alpha", "beta x", "alpha" };
	static const double counts[] = { 3, 4, 5 };
	struct uploader_config c;
	struct uploader *u;
	char err[256], spool[700], name[512];
	int64_t now = pyro__now_ns();
	long sum;

	snprintf(spool, sizeof(spool), "%s/spool4", tmp);
	base_config(&c, spool);
	c.label_by = UPLOADER_LABEL_PID;
	c.hostname_label = false;
	u = uploader__new(&c, err, sizeof(err));
	if (!u) {
		CHECK(0, "uploader starts: %s", err);
		return;
	}
	uploader__submit(u, window("w4_split", 3, pids, comms, counts),
			 now - NS, now);
	/* Ended two hours ago: Pyroscope would refuse it. */
	uploader__submit(u, simple_window("w4_old", 1), now - 7200 * NS,
			 now - 7199 * NS);
	CHECK(WAIT_FOR(stats_of(u) && st.uploads == 2 && st.too_old == 1),
	      "per-process uploads; the old window dropped");
	CHECK(received("w4_split", &sum, NULL, 0) == 2 && sum == 12,
	      "two series, all samples");
	received("alpha;w4_split", NULL, name, sizeof(name));
	CHECK(!strncmp(name, "unit.cpu{comm=alpha,pid=11} ", 28),
	      "series labels pid and comm: %s", name);
	received("beta x;w4_split", NULL, name, sizeof(name));
	CHECK(!strncmp(name, "unit.cpu{comm=beta x,pid=22} ", 29),
	      "second process: %s", name);
	CHECK(received("w4_old", NULL, NULL, 0) == 0, "old window not sent");
	uploader__free(u, 2000, NULL);
}

static void test_config_errors(void)
{
	struct uploader_config c;
	char err[256];

	base_config(&c, NULL);
	c.app = "bad app";
	CHECK(!uploader__new(&c, err, sizeof(err)) && strstr(err, "' '"),
	      "bad app name refused at start");
	base_config(&c, NULL);
	c.http.url = "localhost:4040";
	CHECK(!uploader__new(&c, err, sizeof(err)) && strstr(err, "http://"),
	      "bad URL refused at start");
}

int main(void)
{
	char cmd[700];

	unsetenv("http_proxy");
	unsetenv("https_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	if (!mkdtemp(tmp)) {
		SKIP("mkdtemp failed", "uploader");
		return 0;
	}
	if (start_server()) {
		SKIP("cannot start tests/pyroscope/fake_server.py (python3)",
		     "uploader");
	} else {
		test_windows();
		test_outage();
		test_bound();
		test_label_by_and_age();
		test_config_errors();
	}
	stop_server();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd))
		return 1;
	return test_status();
}
