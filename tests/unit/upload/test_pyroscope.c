// SPDX-License-Identifier: GPL-2.0
/* The pieces of the Pyroscope client that need no server: names, folded
 * bodies, error answers, Retry-After and backoff. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "upload/pyroscope.h"
#include "test.h"

static struct profile *folded_profile(const char *const *lines, size_t n,
				      const double *counts)
{
	struct profile *p = profile__new();
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t ids[16];
		char *copy = strdup(lines[i]), *save = NULL, *tok;
		size_t d = 0;

		for (tok = strtok_r(copy, ";", &save); tok && d < 16;
		     tok = strtok_r(NULL, ";", &save)) {
			struct pf_frame f = { .name = tok };

			ids[d++] = profile__frame(p, &f);
		}
		profile__add(p, ids, d, &(struct pf_labels){ 0 }, &counts[i]);
		free(copy);
	}
	return p;
}

static void test_names(void)
{
	struct pyro_label l[] = {
		{ "zone", "eu-1" }, { "env", "prod x" }, { "a.b", "1/2" },
	};
	struct strbuf sb = STRBUF_INIT;
	char err[256];
	char v[] = "a,b}c= d\x01";

	CHECK(!pyro__build_name(&sb, "my-app/x_1.v2", l, 3, err, sizeof(err)) &&
	      !strcmp(sb.buf, "my-app/x_1.v2.cpu{a.b=1/2,env=prod x,zone=eu-1}"),
	      "name: suffix .cpu, labels sorted");
	strbuf__reset(&sb);
	CHECK(!pyro__build_name(&sb, "app", NULL, 0, err, sizeof(err)) &&
	      !strcmp(sb.buf, "app.cpu{}"), "name without labels");
	CHECK(pyro__check_app("my app", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "' '"), "app: space refused, named");
	CHECK(pyro__check_app("", err, sizeof(err)) == -EINVAL, "app: empty");
	CHECK(pyro__check_label("k-1", "v", err, sizeof(err)) == -EINVAL,
	      "label name: '-' refused");
	CHECK(pyro__check_label("__name__", "v", err, sizeof(err)) == -EINVAL,
	      "label name: reserved");
	CHECK(pyro__check_label("k", "a,b", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "','"), "label value: ',' refused");
	CHECK(pyro__check_label("k", "a}", err, sizeof(err)) == -EINVAL,
	      "label value: '}' refused");
	CHECK(pyro__check_label("k", " a", err, sizeof(err)) == -EINVAL,
	      "label value: leading space refused");
	CHECK(pyro__check_label("k", "", err, sizeof(err)) == -EINVAL,
	      "label value: empty refused");
	CHECK(pyro__check_label("k", "a\tb", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "0x09"), "label value: control byte refused");
	CHECK(!pyro__check_label("k", "h\xc3\xa9llo wo=rld"[0] ? "h\xc3\xa9llo" :
				 "", err, sizeof(err)),
	      "label value: UTF-8 accepted");
	pyro__sanitize_value(v);
	CHECK(!strcmp(v, "a_b_c_ d_") && !pyro__check_label("k", v, err,
							    sizeof(err)),
	      "sanitize makes a valid value");
	l[1].key = "zone";
	strbuf__reset(&sb);
	CHECK(pyro__build_name(&sb, "app", l, 3, err, sizeof(err)) == -EINVAL &&
	      strstr(err, "twice"), "duplicate label refused");
	strbuf__release(&sb);
}

static void test_chunks(void)
{
	const char *lines[] = { "m;a", "m;b", "m;c", "m;d", "m;e" };
	double counts[] = { 1, 2.5, 0.4, 4, 5 };
	struct profile *p = folded_profile(lines, 5, counts);
	struct pyro_folded_stats st;
	struct pyro_chunk *c;
	size_t nr, i, total_lines = 0;
	uint64_t total = 0;
	char *big;

	CHECK(!pyro__folded_chunks(p, 0, 0, &c, &nr, &st) && nr == 1 &&
	      !strcmp(c[0].body, "m;a 1\nm;b 3\nm;d 4\nm;e 5\n"),
	      "folded body: sorted, integer counts, zero dropped");
	CHECK(st.rounded == 2 && st.zero == 1, "rounding counted");
	pyro__free_chunks(c, nr);
	CHECK(!pyro__folded_chunks(p, 2, 0, &c, &nr, &st) && nr == 2 &&
	      c[0].lines == 2 && c[1].lines == 2, "split by lines");
	for (i = 0; i < nr; i++) {
		total += c[i].samples;
		total_lines += c[i].lines;
	}
	CHECK(total == 13 && total_lines == 4, "split keeps every sample");
	pyro__free_chunks(c, nr);
	CHECK(!pyro__folded_chunks(p, 100, 5, &c, &nr, &st) && nr == 4,
	      "split by bytes (a line over the bound gets its own chunk)");
	pyro__free_chunks(c, nr);
	profile__free(p);

	/* A 3 KiB frame name is shortened; a 70 KiB stack is left out. */
	big = malloc(80000);
	memset(big, 'x', 3000);
	strcpy(big + 3000, ";leaf");
	{
		const char *l2[] = { big, "m;ok" };
		double c2[] = { 2, 3 };

		p = folded_profile(l2, 2, c2);
	}
	CHECK(!pyro__folded_chunks(p, 0, 0, &c, &nr, &st) && nr == 1 &&
	      st.cut_frames == 1 && strstr(c[0].body, "xxx...;leaf 2\n") &&
	      strlen(c[0].body) < 1100, "long frame name shortened");
	pyro__free_chunks(c, nr);
	profile__free(p);
	p = profile__new();
	{
		uint32_t ids[70];
		double one = 7;
		size_t d;

		for (d = 0; d < 70; d++) {
			struct pf_frame f = { .name = big };

			memset(big, 'a' + d % 26, 1000);
			big[1000] = '\0';
			ids[d] = profile__frame(p, &f);
		}
		profile__add(p, ids, 70, &(struct pf_labels){ 0 }, &one);
	}
	CHECK(!pyro__folded_chunks(p, 0, 0, &c, &nr, &st) && nr == 0 &&
	      st.too_long == 1 && st.too_long_samples == 7,
	      "stack over 64 KiB left out and counted");
	pyro__free_chunks(c, nr);
	profile__free(p);
	free(big);
}

static void test_answers(void)
{
	char out[64];
	unsigned int seed = 1;
	long w;
	int i, ok = 1;

	const char *json = "{\"code\":400,\"message\":\"bad \\\"x\\\"\\n"
			   "\\u00e9\"}";

	pyro__error_message(json, strlen(json), out, sizeof(out));
	CHECK(!strcmp(out, "bad \"x\" \xc3\xa9"), "JSON message decoded: %s",
	      out);
	pyro__error_message("upstream error\nmore", 19, out, sizeof(out));
	CHECK(!strcmp(out, "upstream error"), "plain text: first line");
	pyro__error_message("{\"message\":\"unterminated", 24, out,
			    sizeof(out));
	CHECK(strlen(out) < sizeof(out), "broken JSON survives");
	pyro__error_message("\x1b[31mred", 8, out, sizeof(out));
	CHECK(!strchr(out, '\x1b'), "control characters removed");
	CHECK(pyro__parse_retry_after(" 3\r\n") == 3000, "Retry-After seconds");
	CHECK(pyro__parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0,
	      "Retry-After date in the past: 0");
	CHECK(pyro__parse_retry_after("soon") == -1, "Retry-After garbage");
	for (i = 1; i <= 12; i++) {
		long cap = 100;
		int k;

		for (k = 1; k < i && cap < 3000; k++)
			cap *= 2;
		if (cap > 3000)
			cap = 3000;
		w = pyro__backoff_ms(100, 3000, i, -1, &seed);
		if (w < cap / 2 || w > cap)
			ok = 0;
	}
	CHECK(ok, "backoff doubles, capped, jitter within [1/2, 1]");
	CHECK(pyro__backoff_ms(100, 3000, 1, 5000, &seed) == 5000,
	      "Retry-After longer than the backoff wins");
}

static void test_client_args(void)
{
	struct pyro_config cfg = { .url = "ftp://x" };
	struct pyro_request rq = {
		.name = "a.cpu{k=v w}", .from_ns = 1700000000123456789LL,
		.until_ns = 1700000010123456789LL, .sample_rate = 99,
	};
	struct pyro_client *c;
	char err[256], *url;

	CHECK(!pyro_client__new(&cfg, err, sizeof(err)) &&
	      strstr(err, "http://"), "URL scheme checked");
	cfg.url = "http://";
	CHECK(!pyro_client__new(&cfg, err, sizeof(err)), "URL needs a host");
	cfg.url = "http://127.0.0.1:4040/prefix/ingest/";
	c = pyro_client__new(&cfg, err, sizeof(err));
	CHECK(c != NULL, "client created");
	if (!c)
		return;
	url = pyro_client__url(c, &rq);
	CHECK(url && !strcmp(url, "http://127.0.0.1:4040/prefix/ingest?"
			     "name=a.cpu%7Bk%3Dv%20w%7D&from=1700000000123456789"
			     "&until=1700000010123456789&sampleRate=99&"
			     "spyName=ebprof&units=samples&aggregationType=sum"),
	      "ingest URL: %s", url ? url : "(null)");
	free(url);
	rq.from_ns = 5LL * 1000000000;	/* 1970: too few digits for ns */
	url = pyro_client__url(c, &rq);
	CHECK(url && strstr(url, "&from=5&"), "small times sent in seconds");
	free(url);
	pyro_client__free(c);
}

/* Counts the server cannot take are an error, never a dropped stack. */
static void test_unsendable(void)
{
	const char *lines[] = { "m;a", "m;big" };
	double counts[] = { 3, 9223372036854775808.0 };
	struct profile *p = folded_profile(lines, 2, counts);
	struct pyro_folded_stats st;
	struct pyro_chunk *c;
	size_t nr;

	CHECK(pyro__folded_chunks(p, 0, 0, &c, &nr, &st) == -ERANGE &&
	      nr == 0 && !c && st.unsendable == 1,
	      "count of 2^63: -ERANGE, nothing encoded");
	profile__free(p);
	counts[1] = 4611686018427387904.0;
	p = folded_profile(lines, 2, counts);
	CHECK(!pyro__folded_chunks(p, 0, 0, &c, &nr, &st) && nr == 1 &&
	      strstr(c[0].body, "m;big 4611686018427387904\n"),
	      "count of 2^62 sent exactly");
	pyro__free_chunks(c, nr);
	profile__free(p);
}

static void test_secrets(void)
{
	static const struct {
		const char *in, *out;
	} urls[] = {
		{ "http://u:pw@h:4040/x", "http://u:***@h:4040/x" },
		{ "https://u:p:w@h", "https://u:***@h" },
		{ "https://a@b:pw@h/p", "https://a@b:***@h/p" },
		{ "http://u@h", "http://u@h" },
		{ "http://h:4040/p@x:y", "http://h:4040/p@x:y" },
		{ "http://h", "http://h" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		char *r = pyro__redact_url(urls[i].in);

		CHECK(r && !strcmp(r, urls[i].out), "redact %s -> %s",
		      urls[i].in, r ? r : "NULL");
		free(r);
	}
	CHECK(pyro__url_has_password("http://u:p@h") &&
	      !pyro__url_has_password("http://u@h"), "password detected");
	strcpy(buf, "http://u:pw@h/x");
	pyro__scrub_url_password(buf);
	CHECK(!strcmp(buf, "http://u:xx@h/x"), "password scrubbed in place");
	CHECK(!pyro__check_header_value("a b\tc") &&
	      pyro__check_header_value("a\r\nX-Evil: 1") == -EINVAL &&
	      pyro__check_header_value("a\x7f") == -EINVAL &&
	      pyro__check_header_value("a\x01") == -EINVAL,
	      "header values: control characters refused, TAB kept");
}

int main(void)
{
	test_unsendable();
	test_secrets();
	test_names();
	test_chunks();
	test_answers();
	test_client_args();
	return test_status();
}
