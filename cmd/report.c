// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof report: perf-style text reports of recordings (functions ranked
 * by self or total share, call trees, per-instruction annotation), the
 * same as JSON or Markdown, the filtered profile as folded or pprof, and
 * the base-versus-new comparison that gates CI on regressions (exit 3).
 * This file parses the options, has the inputs read (common/report/
 * inputs.c) and filtered, and picks what to print; it prints no report
 * itself.  The numbers come from common/profile/report.c and
 * common/report/annotate.c, the tables from common/report/ (rank.c,
 * tree.c, diff.c, threads.c, annotate_out.c, export.c), told what to show
 * by the struct report_view the options fill (report/view.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "format/outfile.h"
#include "lib/log.h"
#include "profile/report.h"
#include "report/annotate_out.h"
#include "report/diff.h"
#include "report/export.h"
#include "report/inputs.h"
#include "report/rank.h"
#include "report/threads.h"
#include "report/tree.h"
#include "report/view.h"

#define EXIT_REGRESSION	3

enum {
	OPT_CHILDREN = 256, OPT_NO_CHILDREN, OPT_PERCENT_LIMIT, OPT_COMM,
	OPT_PID, OPT_FOCUS, OPT_IGNORE, OPT_FORMAT, OPT_ANNOTATE,
	OPT_SAMPLE_TYPE, OPT_BASE, OPT_FAIL, OPT_MIN_SAMPLES, OPT_ALPHA,
	OPT_PER_THREAD,
	OPT_CONTAINER,
};

static const struct opt_spec report_opts[] = {
	{ "children", OPT_CHILDREN, no_argument, NULL,
	  "rank functions by total (inclusive) share" },
	{ "no-children", OPT_NO_CHILDREN, no_argument, NULL,
	  "rank functions by self share (the default)" },
	{ "sort", 's', required_argument, "KEYS",
	  "group rows by sym,dso,comm,pid,container (default sym,dso)" },
	{ "percent-limit", OPT_PERCENT_LIMIT, required_argument, "PCT",
	  "hide rows and tree nodes under PCT percent" },
	{ "max-rows", 'n', required_argument, "N", "print at most N rows" },
	{ "comm", OPT_COMM, required_argument, "NAMES",
	  "only samples of these threads (comma-separated)" },
	{ "pid", OPT_PID, required_argument, "PIDS",
	  "only samples of these processes (comma-separated)" },
	{ "container", OPT_CONTAINER, required_argument, "NAMES",
	  "only samples of these containers (names or ids, comma-separated)" },
	{ "focus", OPT_FOCUS, required_argument, "REGEX",
	  "only stacks with a function matching REGEX" },
	{ "ignore", OPT_IGNORE, required_argument, "REGEX",
	  "drop stacks with a function matching REGEX" },
	{ "call-graph", 'g', required_argument, "MODE",
	  "print a call tree: caller (from the roots) or callee" },
	{ "format", 'F', required_argument, "FMT",
	  "text, json, markdown, folded or pprof (default text)" },
	{ "output", 'o', required_argument, "FILE",
	  "write to FILE instead of standard output" },
	{ "annotate", OPT_ANNOTATE, required_argument, "SYMBOL",
	  "samples per instruction of SYMBOL (pprof input)" },
	{ "sample-type", OPT_SAMPLE_TYPE, required_argument, "NAME",
	  "report this sample type (pprof input, e.g. cpu; cpu, off-cpu or "
	  "wall for --off-cpu recordings, default wall)" },
	{ "per-thread", OPT_PER_THREAD, no_argument, NULL,
	  "wall time of each thread: on CPU and off it, by state "
	  "(--off-cpu recordings)" },
	{ "base", OPT_BASE, required_argument, "FILE",
	  "compare NEW with the base recording FILE (repeatable)" },
	{ "fail-on-regression", OPT_FAIL, required_argument, "PCT",
	  "with --base: exit 3 when a share grew by over PCT points" },
	{ "min-samples", OPT_MIN_SAMPLES, required_argument, "N",
	  "noise floor: rows with fewer new samples never fail (10)" },
	{ "alpha", OPT_ALPHA, required_argument, "P",
	  "noise floor: significance level of the z-test (0.001)" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

struct report_args {
	struct report_view v;	/* what the renderers show, and how */
	int call_graph;		/* 0 none, 1 caller, 2 callee */
	const char *output;
	const char *annotate;
	const char *sample_type;
	bool per_thread;
	char **bases;
	size_t nr_bases;
	char **comms;
	size_t nr_comms;
	char **containers;
	size_t nr_containers;
	int32_t *pids;
	size_t nr_pids;
	regex_t focus, ignore;
	bool has_focus, has_ignore;
};

/* --- parsing of option values */

/* Splits "a,b,c" into a malloc'd array of malloc'd strings. */
static int split_list(const char *s, char ***out, size_t *nr)
{
	char *copy = strdup(s), *save = NULL, *tok;
	char **v;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = realloc(*out, (*nr + 1) * sizeof(*v));
		if (!v || !(v[*nr] = strdup(tok))) {
			if (v)
				*out = v;
			free(copy);
			return -ENOMEM;
		}
		*out = v;
		(*nr)++;
	}
	free(copy);
	return 0;
}

static int parse_pids(const char *s, struct report_args *a)
{
	char **list = NULL;
	size_t n = 0, i;
	int err = split_list(s, &list, &n);

	if (!err && !n)
		err = -EINVAL;
	for (i = 0; !err && i < n; i++) {
		int32_t *v = realloc(a->pids, (a->nr_pids + 1) * sizeof(*v));
		char *end;
		long pid;

		if (!v) {
			err = -ENOMEM;
			break;
		}
		a->pids = v;
		errno = 0;
		pid = strtol(list[i], &end, 10);
		if (errno || end == list[i] || *end || pid < 0 ||
		    pid > INT32_MAX)
			err = -EINVAL;
		else
			a->pids[a->nr_pids++] = (int32_t)pid;
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return err;
}

static int compile_re(const char *label, regex_t *re, const char *s)
{
	int r = regcomp(re, s, REG_EXTENDED | REG_NOSUB);
	char msg[128];

	if (!r)
		return 0;
	regerror(r, re, msg, sizeof(msg));
	usage_error(label, "bad regular expression '%s': %s", s, msg);
	return -1;
}

static void args__release(struct report_args *a)
{
	size_t i;

	for (i = 0; i < a->nr_comms; i++)
		free(a->comms[i]);
	free(a->comms);
	for (i = 0; i < a->nr_containers; i++)
		free(a->containers[i]);
	free(a->containers);
	free(a->pids);
	free(a->bases);
	if (a->has_focus)
		regfree(&a->focus);
	if (a->has_ignore)
		regfree(&a->ignore);
}

/* Returns 0, or the exit status after a message. */
static int parse_args(struct report_args *a, int argc, char **argv,
		      const struct cmd *self)
{
	const char *label = cmd__label(self);
	struct opt_parser op;
	double v;
	int c, fmt, status = EXIT_USAGE;

	memset(a, 0, sizeof(*a));
	a->v.limit = -1;
	a->v.fail_pct = -1;
	a->v.min_samples = 10;
	a->v.alpha = 0.001;
	report_keys__parse(&a->v.keys, "sym,dso");
	if (opt_parser__init(&op, label, self->opts))
		return EXIT_FAIL;
	optind = 1;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		switch (c) {
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 self->summary);
			status = -1;
			goto out;
		case OPT_CHILDREN:
			a->v.by_total = true;
			break;
		case OPT_NO_CHILDREN:
			a->v.by_total = false;
			break;
		case 's':
			if (report_keys__parse(&a->v.keys, optarg)) {
				usage_error(label, "bad sort keys '%s': want "
					    "a list of sym, dso, comm, pid, "
					    "container", optarg);
				goto out;
			}
			break;
		case OPT_PERCENT_LIMIT:
			if (opt_parse_double(optarg, 0, 100, &a->v.limit)) {
				usage_error(label, "bad --percent-limit '%s': "
					    "want 0 to 100", optarg);
				goto out;
			}
			break;
		case 'n':
			if (opt_parse_double(optarg, 1, 1e9, &v) ||
			    v != floor(v)) {
				usage_error(label, "bad --max-rows '%s': want "
					    "a positive integer", optarg);
				goto out;
			}
			a->v.max_rows = (size_t)v;
			break;
		case OPT_CONTAINER:
			if (split_list(optarg, &a->containers,
				       &a->nr_containers)) {
				pr_err("out of memory");
				status = EXIT_FAIL;
				goto out;
			}
			break;
		case OPT_COMM:
			if (split_list(optarg, &a->comms, &a->nr_comms)) {
				pr_err("out of memory");
				status = EXIT_FAIL;
				goto out;
			}
			break;
		case OPT_PID:
			if (parse_pids(optarg, a)) {
				usage_error(label, "bad --pid '%s': want "
					    "process ids, comma-separated",
					    optarg);
				goto out;
			}
			break;
		case OPT_FOCUS:
			if (a->has_focus)
				regfree(&a->focus);
			a->has_focus = false;
			if (compile_re(label, &a->focus, optarg))
				goto out;
			a->has_focus = true;
			break;
		case OPT_IGNORE:
			if (a->has_ignore)
				regfree(&a->ignore);
			a->has_ignore = false;
			if (compile_re(label, &a->ignore, optarg))
				goto out;
			a->has_ignore = true;
			break;
		case 'g':
			if (!strcmp(optarg, "caller")) {
				a->call_graph = 1;
			} else if (!strcmp(optarg, "callee")) {
				a->call_graph = 2;
			} else {
				usage_error(label, "bad --call-graph '%s': "
					    "want caller or callee", optarg);
				goto out;
			}
			break;
		case 'F':
			fmt = report_format__parse(optarg);
			if (fmt < 0) {
				usage_error(label, "bad --format '%s': want "
					    "text, json, markdown, folded or "
					    "pprof", optarg);
				goto out;
			}
			a->v.fmt = fmt;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_ANNOTATE:
			a->annotate = optarg;
			break;
		case OPT_SAMPLE_TYPE:
			a->sample_type = optarg;
			break;
		case OPT_PER_THREAD:
			a->per_thread = true;
			break;
		case OPT_BASE: {
			char **b = realloc(a->bases, (a->nr_bases + 1) *
					   sizeof(*b));

			if (!b) {
				pr_err("out of memory");
				status = EXIT_FAIL;
				goto out;
			}
			a->bases = b;
			a->bases[a->nr_bases++] = optarg;
			break;
		}
		case OPT_FAIL:
			if (opt_parse_double(optarg, 0, 100, &a->v.fail_pct)) {
				usage_error(label, "bad --fail-on-regression "
					    "'%s': want 0 to 100 (points)",
					    optarg);
				goto out;
			}
			break;
		case OPT_MIN_SAMPLES:
			if (opt_parse_double(optarg, 0, 1e18,
					     &a->v.min_samples)) {
				usage_error(label, "bad --min-samples '%s'",
					    optarg);
				goto out;
			}
			break;
		case OPT_ALPHA:
			if (opt_parse_double(optarg, 1e-300, 1, &a->v.alpha)) {
				usage_error(label, "bad --alpha '%s': want a "
					    "probability in (0, 1]", optarg);
				goto out;
			}
			break;
		default:
			goto out;
		}
	}
	a->v.inputs = argv + optind;
	a->v.nr_inputs = argc - optind;
	a->v.bases = a->bases;
	a->v.nr_bases = a->nr_bases;
	if (!a->v.nr_inputs) {
		usage_error(label, "no recording to report");
		goto out;
	}
	if (a->v.fail_pct >= 0 && !a->nr_bases) {
		usage_error(label, "--fail-on-regression needs --base");
		goto out;
	}
	if (a->nr_bases && (a->call_graph || a->annotate)) {
		usage_error(label, "--base does not combine with %s",
			    a->annotate ? "--annotate" : "--call-graph");
		goto out;
	}
	if (a->annotate && a->call_graph) {
		usage_error(label, "--annotate does not combine with "
			    "--call-graph");
		goto out;
	}
	if ((a->v.fmt == REPORT_FMT_FOLDED || a->v.fmt == REPORT_FMT_PPROF) &&
	    (a->nr_bases || a->call_graph || a->annotate)) {
		usage_error(label, "--format %s writes the filtered profile; "
			    "it does not combine with --base, --call-graph "
			    "or --annotate", report_format__name(a->v.fmt));
		goto out;
	}
	if (a->v.fmt == REPORT_FMT_MARKDOWN && (a->call_graph || a->annotate)) {
		usage_error(label, "--format markdown is for rankings and "
			    "comparisons");
		goto out;
	}
	if (a->v.fmt == REPORT_FMT_PPROF &&
	    (!a->output || !strcmp(a->output, "-")) && isatty(STDOUT_FILENO)) {
		usage_error(label, "--format pprof is binary: give -o FILE");
		goto out;
	}
	status = 0;
out:
	opt_parser__release(&op);
	return status;
}

/* --- filters and comparison */

static struct profile *filtered(const struct profile *p, size_t type,
				const struct report_args *a)
{
	struct report_filter f = {
		(const char *const *)a->comms, a->nr_comms,
		a->pids, a->nr_pids,
		(const char *const *)a->containers, a->nr_containers,
		a->has_focus ? &a->focus : NULL,
		a->has_ignore ? &a->ignore : NULL,
	};
	struct profile *fp = report__filter(p, type, &f);

	if (!fp)
		pr_err("out of memory");
	return fp;
}

/* Compares @fp with the base recordings; EXIT_REGRESSION: the gate failed. */
static int do_compare(FILE *f, const struct profile *fp, size_t type,
		      const struct report_args *a)
{
	struct profile *base = NULL, *fbase = NULL;
	int status = EXIT_FAIL, bt;
	bool failed;

	base = report_inputs__load(a->bases, a->nr_bases);
	if (!base)
		goto out;
	bt = report_inputs__type(base, a->sample_type ? a->sample_type :
				 fp->types[type].type);
	if (bt < 0)
		goto out;
	if (!profile__total(base)) {
		pr_err("no samples in the base recording");
		goto out;
	}
	fbase = filtered(base, bt, a);
	if (!fbase)
		goto out;
	if (!report_compare__print(f, fbase, bt, fp, type, &a->v, &failed))
		status = failed ? EXIT_REGRESSION : EXIT_OK;
out:
	profile__free(fbase);
	profile__free(base);
	return status;
}

/* --- the command */

/* Prints what the options ask for to @f; the exit status. */
static int print_report(FILE *f, const struct profile *fp, size_t type,
			double input_total, const struct report_args *a)
{
	int r;

	if (a->per_thread)
		r = report_threads__print(f, fp, &a->v);
	else if (a->nr_bases)
		return do_compare(f, fp, type, a);
	else if (a->annotate)
		r = report_annotate__print(f, fp, type, a->annotate, &a->v);
	else if (a->call_graph)
		r = report_tree__print(f, fp, type, a->call_graph == 2, &a->v);
	else if (a->v.fmt == REPORT_FMT_FOLDED || a->v.fmt == REPORT_FMT_PPROF)
		r = report_profile__write(f, fp, a->v.fmt);
	else
		r = report_rank__print(f, fp, type, input_total, &a->v);
	return r ? EXIT_FAIL : EXIT_OK;
}

static int report_main(int argc, char **argv, const struct cmd *self)
{
	struct profile *p = NULL, *fp = NULL;
	struct report_args a;
	struct outfile out;
	double input_total;
	int status, type, r;

	status = parse_args(&a, argc, argv, self);
	if (status) {
		args__release(&a);
		return status < 0 ? EXIT_OK : status;
	}
	status = EXIT_FAIL;
	p = report_inputs__load(a.v.inputs, a.v.nr_inputs);
	if (!p)
		goto out;
	/* Off-CPU recordings: the wall-clock view unless told otherwise. */
	if (!a.sample_type && profile__find_type(p, "off_cpu") >= 0 &&
	    profile__find_type(p, "wall") >= 0)
		a.sample_type = "wall";
	type = report_inputs__type(p, a.sample_type);
	if (type < 0)
		goto out;
	input_total = 0;
	for (size_t i = 0; i < p->nr_samples; i++)
		input_total += p->samples[i].values[type];
	if (!p->nr_samples) {
		pr_err("no samples in the input");
		goto out;
	}
	fp = filtered(p, type, &a);
	if (!fp)
		goto out;
	if (!fp->nr_samples && !a.nr_bases)
		pr_warn("the filters left no samples");
	r = outfile__open(&out, a.output ? a.output : "-");
	if (r) {
		pr_err("cannot write '%s': %s", a.output ? a.output : "-",
		       outfile__strerror(r));
		goto out;
	}
	status = print_report(out.f, fp, type, input_total, &a);
	if (status == EXIT_FAIL) {
		r = outfile__abort(&out);
		if (r)
			pr_err("cannot write '%s': %s", a.output ? a.output :
			       "-", outfile__strerror(r));
		goto out;
	}
	r = outfile__commit(&out);
	if (r) {
		pr_err("cannot write '%s': %s", a.output ? a.output : "-",
		       outfile__strerror(r));
		status = EXIT_FAIL;
	}
out:
	profile__free(fp);
	profile__free(p);
	args__release(&a);
	return status;
}

const struct cmd cmd_report = {
	"report", report_main, report_opts,
	"ebprof report [OPTIONS] FILE...\n"
	"       ebprof report --base BASE [--fail-on-regression PCT] NEW...",
	"rank functions, print call trees, compare recordings",
};
