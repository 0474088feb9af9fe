// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof push: upload recordings to a Grafana Pyroscope server through its
 * ingest API.  Every file is read and checked first (format, times,
 * limits; common/upload/push_input.c), then uploaded: folded stacks as the
 * body (integer counts, split above --max-samples), pprof files byte for
 * byte as multipart/form-data.  The local files are only read.
 *
 * Here: the options, the order of the steps, the requests and the
 * messages about them.  Also the usage messages of the options shared
 * with `ebprof record --push` (push.h; their values are parsed and
 * checked in common/upload/push_opts.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "push.h"
#include "lib/curl_loader.h"
#include "lib/log.h"
#include "upload/push_input.h"
#include "upload/push_opts.h"
#include "upload/pyroscope.h"

/* ---- the options shared with record --push ---- */

int push_cmd__parse_opt(struct push_opts *o, int c, const char *arg,
			const char *cmd)
{
	struct strbuf msg = STRBUF_INIT;
	int r = push_opts__parse(o, c, arg, &msg);

	if (r == PUSH_BAD_USAGE)
		usage_error(cmd, "%s", msg.buf);
	strbuf__release(&msg);
	return r < 0 ? -1 : r;
}

int push_cmd__finish_opts(struct push_opts *o, const char *cmd)
{
	struct strbuf msg = STRBUF_INIT;
	int r = push_opts__finish(o, &msg);

	if (r == PUSH_BAD_USAGE)
		usage_error(cmd, "%s", msg.buf);
	strbuf__release(&msg);
	if (r == PUSH_BAD_USAGE)
		return EXIT_USAGE;
	if (r)
		return EXIT_FAIL;
	/*
	 * libcurl runs with CURLOPT_NOSIGNAL, so a server that drops a TLS
	 * connection could raise SIGPIPE: that must not kill a recording.
	 */
	signal(SIGPIPE, SIG_IGN);
	return 0;
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

struct push {
	const char *cmd;
	struct push_opts o;
	struct push_window w;
	bool dry_run;
	unsigned int sample_rate;
	struct push_input *up;
	size_t nr_up;
	const char *current;		/* file being sent, for messages */
};

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

static int send_one(struct push *ps, struct pyro_client *c,
		    struct push_input *u, const char *name)
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
			ps->w.from = optarg;
			break;
		case PUSH_OPT_UNTIL:
			ps->w.until = optarg;
			break;
		case PUSH_OPT_NOW:
			ps->w.now = true;
			break;
		case PUSH_OPT_DRY_RUN:
			ps->dry_run = true;
			break;
		case PUSH_OPT_SAMPLE_RATE:
			if (push_opts__parse_count(optarg, 1, 1000000,
						   &v)) {
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
			r = push_cmd__parse_opt(&ps->o, c, optarg, ps->cmd);
			if (r <= 0)
				status = EXIT_USAGE;
		}
	}
	opt_parser__release(&op);
	return status;
}

static int cmd_push_fn(int argc, char **argv, const struct cmd *self)
{
	struct push ps = { .cmd = cmd__label(self), .sample_rate = 99 };
	struct strbuf name = STRBUF_INIT, msg = STRBUF_INIT;
	struct pyro_client *c = NULL;
	struct pyro_config cfg;
	char err[256], why[256];
	int status, r, a, n, i;

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
	if (push_window__check(&ps.w, &msg)) {
		usage_error(ps.cmd, "%s", msg.buf);
		status = EXIT_USAGE;
		goto out;
	}
	status = push_cmd__finish_opts(&ps.o, ps.cmd);
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
		r = push_input__prepare(&ps.up[i], &ps.w, ps.o.max_samples,
					why, sizeof(why));
		if (r == PUSH_BAD_USAGE)
			usage_error(ps.cmd, "%s", why);
		if (r) {
			status = r == PUSH_BAD_USAGE ? EXIT_USAGE : EXIT_FAIL;
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		if (send_one(&ps, c, &ps.up[i], name.buf))
			status = EXIT_FAIL;
out:
	for (i = 0; i < (int)ps.nr_up; i++)
		push_input__release(&ps.up[i]);
	free(ps.up);
	strbuf__release(&name);
	strbuf__release(&msg);
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
