// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof report: perf-style text reports of recordings (functions ranked
 * by self or total share, call trees, per-instruction annotation), the
 * same as JSON or Markdown, the filtered profile as folded or pprof, and
 * the base-versus-new comparison that gates CI on regressions (exit 3).
 * The computing lives in common/report.c and common/annotate.c; this file
 * parses options, reads inputs and prints.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/annotate.h"
#include "report/annotate_src.h"
#include "format/folded.h"
#include "format/input.h"
#include "format/json.h"
#include "lib/log.h"
#include "format/outfile.h"
#include "format/pprof.h"
#include "profile/report.h"
#include "lib/strbuf.h"
#include "profile/wallclock.h"
#include "builtin.h"

#define EXIT_REGRESSION	3
#define JSON_SCHEMA	1
#define TREE_LIMIT	0.5	/* default --percent-limit of call trees */
#define WIDTH		80

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

enum fmt { FMT_TEXT, FMT_JSON, FMT_MARKDOWN, FMT_FOLDED, FMT_PPROF };

static const char *const fmt_names[] = {
	[FMT_TEXT] = "text", [FMT_JSON] = "json", [FMT_MARKDOWN] = "markdown",
	[FMT_FOLDED] = "folded", [FMT_PPROF] = "pprof",
};

struct report_args {
	struct report_keys keys;
	bool by_total;
	double limit;		/* < 0: not given */
	size_t max_rows;	/* 0: all */
	int call_graph;		/* 0 none, 1 caller, 2 callee */
	enum fmt fmt;
	const char *output;
	const char *annotate;
	const char *sample_type;
	bool per_thread;
	char **bases;
	size_t nr_bases;
	double fail_pct;	/* < 0: no gate */
	double min_samples, alpha;
	char **comms;
	size_t nr_comms;
	char **containers;
	size_t nr_containers;
	int32_t *pids;
	size_t nr_pids;
	regex_t focus, ignore;
	bool has_focus, has_ignore;
	char **inputs;
	size_t nr_inputs;
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
	int c, status = EXIT_USAGE;
	size_t k;

	memset(a, 0, sizeof(*a));
	a->limit = -1;
	a->fail_pct = -1;
	a->min_samples = 10;
	a->alpha = 0.001;
	report_keys__parse(&a->keys, "sym,dso");
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
			a->by_total = true;
			break;
		case OPT_NO_CHILDREN:
			a->by_total = false;
			break;
		case 's':
			if (report_keys__parse(&a->keys, optarg)) {
				usage_error(label, "bad sort keys '%s': want "
					    "a list of sym, dso, comm, pid, "
					    "container", optarg);
				goto out;
			}
			break;
		case OPT_PERCENT_LIMIT:
			if (opt_parse_double(optarg, 0, 100, &a->limit)) {
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
			a->max_rows = (size_t)v;
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
			for (k = 0; k < sizeof(fmt_names) / sizeof(*fmt_names);
			     k++)
				if (!strcmp(optarg, fmt_names[k]))
					break;
			if (k == sizeof(fmt_names) / sizeof(*fmt_names)) {
				usage_error(label, "bad --format '%s': want "
					    "text, json, markdown, folded or "
					    "pprof", optarg);
				goto out;
			}
			a->fmt = k;
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
			if (opt_parse_double(optarg, 0, 100, &a->fail_pct)) {
				usage_error(label, "bad --fail-on-regression "
					    "'%s': want 0 to 100 (points)",
					    optarg);
				goto out;
			}
			break;
		case OPT_MIN_SAMPLES:
			if (opt_parse_double(optarg, 0, 1e18, &a->min_samples)) {
				usage_error(label, "bad --min-samples '%s'",
					    optarg);
				goto out;
			}
			break;
		case OPT_ALPHA:
			if (opt_parse_double(optarg, 1e-300, 1, &a->alpha)) {
				usage_error(label, "bad --alpha '%s': want a "
					    "probability in (0, 1]", optarg);
				goto out;
			}
			break;
		default:
			goto out;
		}
	}
	a->inputs = argv + optind;
	a->nr_inputs = argc - optind;
	if (!a->nr_inputs) {
		usage_error(label, "no recording to report");
		goto out;
	}
	if (a->fail_pct >= 0 && !a->nr_bases) {
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
	if ((a->fmt == FMT_FOLDED || a->fmt == FMT_PPROF) &&
	    (a->nr_bases || a->call_graph || a->annotate)) {
		usage_error(label, "--format %s writes the filtered profile; "
			    "it does not combine with --base, --call-graph "
			    "or --annotate", fmt_names[a->fmt]);
		goto out;
	}
	if (a->fmt == FMT_MARKDOWN && (a->call_graph || a->annotate)) {
		usage_error(label, "--format markdown is for rankings and "
			    "comparisons");
		goto out;
	}
	if (a->fmt == FMT_PPROF && (!a->output || !strcmp(a->output, "-")) &&
	    isatty(STDOUT_FILENO)) {
		usage_error(label, "--format pprof is binary: give -o FILE");
		goto out;
	}
	status = 0;
out:
	opt_parser__release(&op);
	return status;
}

/* --- inputs */

/*
 * Reads and merges @paths.  Folded files name the thread in their root
 * frame: it moves into the samples' labels, as pprof input has it.
 */
static struct profile *load(char *const *paths, size_t n)
{
	struct profile *all = profile__new();
	size_t i, stdin_uses = 0;

	if (!all) {
		pr_err("out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		struct profile *one = profile__new(), *norm = NULL;
		struct input_stats st;
		char why[256] = "";
		int r;

		if (!strcmp(paths[i], "-") && ++stdin_uses > 1) {
			pr_err("standard input ('-') given twice");
			goto fail_one;
		}
		if (!one) {
			pr_err("out of memory");
			goto fail_one;
		}
		r = input__read(one, paths[i], &st, why, sizeof(why));
		if (r) {
			pr_err("cannot read '%s': %s", paths[i], why);
			goto fail_one;
		}
		if (st.format == INPUT_FOLDED && st.bad_lines)
			pr_warn("'%s': %zu line%s not in folded format "
				"(first: line %zu)", paths[i], st.bad_lines,
				st.bad_lines == 1 ? " is" : "s are",
				st.first_bad);
		if (one->cut_stacks)
			pr_warn("'%s': cut %zu stack%s deeper than %d frames "
				"(the frames in the middle are replaced by "
				"'%s')", paths[i], one->cut_stacks,
				one->cut_stacks == 1 ? "" : "s",
				PROFILE_MAX_DEPTH, PROFILE_CUT_FRAME);
		if (st.format == INPUT_FOLDED) {
			norm = report__comm_from_root(one);
			if (!norm) {
				pr_err("out of memory");
				goto fail_one;
			}
		}
		if (profile__merge(all, norm ? norm : one)) {
			pr_err("out of memory");
			profile__free(norm);
			goto fail_one;
		}
		profile__free(norm);
		profile__free(one);
		if (i + 1 == n && wallclock__add_views(all) < 0) {
			pr_err("out of memory");
			profile__free(all);
			return NULL;
		}
		continue;
fail_one:
		profile__free(one);
		profile__free(all);
		return NULL;
	}
	return all;
}

/* Index of the sample type to report, or -1 after a message. */
static int pick_type(const struct profile *p, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int t;

	if (!name)
		return (int)p->default_type;
	t = profile__find_type(p, wallclock__type_name(name));
	if (t >= 0)
		return t;
	for (i = 0; i < p->nr_types; i++)
		strbuf__addf(&sb, "%s%s", i ? ", " : "", p->types[i].type);
	pr_err("no sample type '%s' in the input (it has: %s)", name,
	       sb.buf ? sb.buf : "none");
	strbuf__release(&sb);
	return -1;
}

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

/* --- formatting helpers */

static const char *kind_tag(uint8_t kind)
{
	switch (kind) {
	case PF_KERNEL: return "[k]";
	case PF_JIT: return "[j]";
	case PF_INLINE: return "[i]";
	default: return "[.]";
	}
}

static const char *kind_name(uint8_t kind)
{
	static const char *const names[PF_NR_KINDS] = {
		[PF_USER] = "user", [PF_KERNEL] = "kernel", [PF_JIT] = "jit",
		[PF_INLINE] = "inline", [PF_WAKER] = "waker",
	};

	return kind < PF_NR_KINDS ? names[kind] : "user";
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static void print_value(FILE *f, int width, double v)
{
	if (v == floor(v) && fabs(v) < 1e18)
		fprintf(f, "%*.0f", width, v);
	else
		fprintf(f, "%*.2f", width, v);
}

static double pct(double v, double total)
{
	return total ? 100 * v / total : 0;
}

/* Text of column @k of @id into @buf. */
static const char *cell(const struct report_id *id, enum report_key k,
			char *buf, size_t len, bool text)
{
	switch (k) {
	case REPORT_KEY_SYM:
		if (text)
			snprintf(buf, len, "%s %s", kind_tag(id->kind),
				 id->sym);
		else
			snprintf(buf, len, "%s", id->sym);
		return buf;
	case REPORT_KEY_DSO:
		return text ? base_name(id->dso) : id->dso;
	case REPORT_KEY_COMM:
		return id->comm;
	case REPORT_KEY_PID:
		snprintf(buf, len, "%d", id->pid);
		return buf;
	case REPORT_KEY_CONTAINER:
		return id->container;
	default:
		return "";
	}
}

static const char *const key_titles[REPORT_NR_KEYS] = {
	[REPORT_KEY_SYM] = "Symbol", [REPORT_KEY_DSO] = "Module",
	[REPORT_KEY_COMM] = "Command", [REPORT_KEY_PID] = "Pid",
	[REPORT_KEY_CONTAINER] = "Container",
};

/* Width of each key column over rows [0, n), capped. */
static void key_widths(const struct report_keys *keys,
		       const struct report_id *(*get)(const void *, size_t),
		       const void *rows, size_t n, int *w)
{
	char buf[4096];
	size_t i, k;

	for (k = 0; k < keys->nr; k++) {
		w[k] = strlen(key_titles[keys->k[k]]);
		for (i = 0; i < n; i++) {
			int l = strlen(cell(get(rows, i), keys->k[k], buf,
					    sizeof(buf), true));

			if (l > w[k])
				w[k] = l;
		}
		if (w[k] > 32)
			w[k] = 32;
	}
}

static void print_keys(FILE *f, const struct report_keys *keys,
		       const struct report_id *id, const int *w)
{
	char buf[4096];
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		const char *s = id ? cell(id, keys->k[k], buf, sizeof(buf),
					  true) : key_titles[keys->k[k]];

		if (k + 1 < keys->nr)
			fprintf(f, "  %-*s", w[k], s);
		else
			fprintf(f, "  %s", s);
	}
	fputc('\n', f);
}

/* Markdown table cell text: punctuation that means something, escaped. */
static void md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c < 0x20 || c == 0x7f)
			c = '?';
		if (strchr("\\`*_[]<>|~#", c))
			fputc('\\', f);
		fputc(c, f);
	}
}

static void md_keys(FILE *f, const struct report_keys *keys,
		    const struct report_id *id)
{
	char buf[4096];
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		fputs(" ", f);
		if (id)
			md_escape(f, cell(id, keys->k[k], buf, sizeof(buf),
					  keys->k[k] != REPORT_KEY_SYM));
		else
			fputs(key_titles[keys->k[k]], f);
		fputs(" |", f);
	}
}

static void json_id(struct json *j, const struct report_keys *keys,
		    const struct report_id *id)
{
	size_t k;

	for (k = 0; k < keys->nr; k++) {
		switch (keys->k[k]) {
		case REPORT_KEY_SYM:
			json__key(j, "sym");
			json__string(j, id->sym);
			json__key(j, "kind");
			json__string(j, kind_name(id->kind));
			break;
		case REPORT_KEY_DSO:
			json__key(j, "dso");
			json__string(j, id->dso);
			break;
		case REPORT_KEY_COMM:
			json__key(j, "comm");
			json__string(j, id->comm);
			break;
		case REPORT_KEY_PID:
			json__key(j, "pid");
			json__int(j, id->pid);
			break;
		case REPORT_KEY_CONTAINER:
			json__key(j, "container");
			json__string(j, id->container);
			break;
		default:
			break;
		}
	}
}

static void json_head(struct json *j, const char *mode,
		      const struct profile *p, size_t type,
		      const struct report_args *a)
{
	size_t i;

	json__begin_object(j);
	json__key(j, "schema");
	json__int(j, JSON_SCHEMA);
	json__key(j, "mode");
	json__string(j, mode);
	json__key(j, "inputs");
	json__begin_array(j);
	for (i = 0; i < a->nr_inputs; i++)
		json__string(j, a->inputs[i]);
	json__end_array(j);
	json__key(j, "sample_type");
	json__string(j, p->types[type].type);
	json__key(j, "unit");
	json__string(j, p->types[type].unit);
}

/* --- rankings */

static const struct report_id *row_id(const void *rows, size_t i)
{
	return &((const struct report_row *)rows)[i].id;
}

/* Number of rows to show: within -n and --percent-limit. */
static size_t shown_rows(const struct report *r, const struct report_args *a)
{
	size_t n = 0;

	while (n < r->nr_rows && (!a->max_rows || n < a->max_rows)) {
		const struct report_row *row = &r->rows[n];
		double v = a->by_total ? row->total : row->self;

		if (a->limit > 0 && pct(v, r->total) < a->limit)
			break;
		n++;
	}
	return n;
}

static void rank_text(FILE *f, const struct report *r, const struct profile *p,
		      size_t type, double input_total,
		      const struct report_args *a)
{
	size_t n = shown_rows(r, a), i;
	int w[REPORT_NR_KEYS];

	fprintf(f, "# ebprof report: ");
	print_value(f, 0, r->total);
	fprintf(f, " %s (%s)", p->types[type].type, p->types[type].unit);
	if (r->total != input_total) {
		fprintf(f, " of ");
		print_value(f, 0, input_total);
		fprintf(f, " after filters");
	}
	fprintf(f, ", ranked by %s share\n# Samples: %s samples\n#\n",
		a->by_total ? "total" : "self", a->by_total ? "total" : "self");
	key_widths(&r->keys, row_id, r->rows, n, w);
	fprintf(f, "#%7s  %7s %9s", "Self", "Total", "Samples");
	print_keys(f, &r->keys, NULL, w);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(f, "%7.2f%% %7.2f%% ", pct(row->self, r->total),
			pct(row->total, r->total));
		print_value(f, 9, a->by_total ? row->total : row->self);
		print_keys(f, &r->keys, &row->id, w);
	}
	if (n < r->nr_rows)
		fprintf(f, "# %zu more row%s below the limits\n",
			r->nr_rows - n, r->nr_rows - n == 1 ? "" : "s");
}

static void rank_markdown(FILE *f, const struct report *r,
			  const struct report_args *a)
{
	size_t n = shown_rows(r, a), i, k;

	fprintf(f, "| Self %% | Total %% | Samples |");
	md_keys(f, &r->keys, NULL);
	fprintf(f, "\n|---:|---:|---:|");
	for (k = 0; k < r->keys.nr; k++)
		fprintf(f, "---|");
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(f, "| %.2f | %.2f | ", pct(row->self, r->total),
			pct(row->total, r->total));
		print_value(f, 0, a->by_total ? row->total : row->self);
		fprintf(f, " |");
		md_keys(f, &r->keys, &row->id);
		fputc('\n', f);
	}
}

static void json_keys_list(struct json *j, const struct report_keys *keys)
{
	size_t k;

	json__key(j, "sort");
	json__begin_array(j);
	for (k = 0; k < keys->nr; k++)
		json__string(j, report_key__name(keys->k[k]));
	json__end_array(j);
}

static void rank_json(FILE *f, const struct report *r, const struct profile *p,
		      size_t type, double input_total,
		      const struct report_args *a)
{
	size_t n = shown_rows(r, a), i;
	struct json j;

	json__init(&j, f);
	json_head(&j, "rank", p, type, a);
	json__key(&j, "total");
	json__double(&j, r->total);
	json__key(&j, "input_total");
	json__double(&j, input_total);
	json__key(&j, "order");
	json__string(&j, a->by_total ? "total" : "self");
	json_keys_list(&j, &r->keys);
	json__key(&j, "rows");
	json__begin_array(&j);
	for (i = 0; i < n; i++) {
		const struct report_row *row = &r->rows[i];

		json__begin_object(&j);
		json_id(&j, &r->keys, &row->id);
		json__key(&j, "self");
		json__double(&j, row->self);
		json__key(&j, "total");
		json__double(&j, row->total);
		json__key(&j, "self_pct");
		json__fixed(&j, pct(row->self, r->total), 4);
		json__key(&j, "total_pct");
		json__fixed(&j, pct(row->total, r->total), 4);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__key(&j, "more_rows");
	json__int(&j, (int64_t)(r->nr_rows - n));
	json__end_object(&j);
	json__finish(&j);
}

static int do_rank(FILE *f, const struct profile *fp, size_t type,
		   double input_total, const struct report_args *a)
{
	struct report *r = report__rank(fp, type, &a->keys);

	if (!r) {
		pr_err("cannot rank: %s", strerror(errno));
		return EXIT_FAIL;
	}
	report__sort(r, a->by_total);
	if (a->fmt == FMT_JSON)
		rank_json(f, r, fp, type, input_total, a);
	else if (a->fmt == FMT_MARKDOWN)
		rank_markdown(f, r, a);
	else
		rank_text(f, r, fp, type, input_total, a);
	report__free(r);
	return EXIT_OK;
}

/* --- call trees */

static bool node_shown(const struct report_tree *t, uint32_t i, double limit)
{
	return pct(t->nodes[i].total, t->total) >= limit;
}

static void tree_text(FILE *f, const struct report_tree *t, double limit)
{
	uint32_t i = report_tree__next(t, 0, true);
	bool callee = t->callee;

	fprintf(f, "# ebprof report: call graph (%s), ", callee ? "callee" :
		"caller");
	print_value(f, 0, t->total);
	fprintf(f, " samples; nodes under %.2f%% hidden\n", limit);
	if (callee)
		fprintf(f, "#  Total  function, then its callers below it\n");
	else
		fprintf(f, "#  Total     Self  function, then its callees "
			"below it\n");
	while (i) {
		const struct report_node *n = &t->nodes[i];
		bool show = node_shown(t, i, limit);

		if (show) {
			int used = callee ? 10 : 19, indent, room;
			unsigned int d = n->depth - 1;
			char deep[16] = "";

			if (callee)
				fprintf(f, "%7.2f%%  ", pct(n->total,
							     t->total));
			else
				fprintf(f, "%7.2f%% %7.2f%%  ",
					pct(n->total, t->total),
					pct(n->self, t->total));
			/* Past 16 levels the depth is written, not drawn. */
			if (d > 16) {
				snprintf(deep, sizeof(deep), "%u:", d);
				d = 16;
			}
			indent = 2 * d;
			fprintf(f, "%*s%s", indent, "", deep);
			room = WIDTH - used - indent - (int)strlen(deep) - 4;
			if ((int)strlen(n->sym) > room)
				fprintf(f, "%s %.*s...\n", kind_tag(n->kind),
					room - 3, n->sym);
			else
				fprintf(f, "%s %s\n", kind_tag(n->kind),
					n->sym);
		}
		i = report_tree__next(t, i, show);
	}
}

static void tree_json(FILE *f, const struct report_tree *t, double limit,
		      const struct profile *p, size_t type,
		      const struct report_args *a)
{
	uint32_t i = report_tree__next(t, 0, true), open = 0;
	struct json j;

	json__init(&j, f);
	json_head(&j, "call_graph", p, type, a);
	json__key(&j, "direction");
	json__string(&j, t->callee ? "callee" : "caller");
	json__key(&j, "total");
	json__double(&j, t->total);
	json__key(&j, "percent_limit");
	json__double(&j, limit);
	json__key(&j, "roots");
	json__begin_array(&j);
	while (i) {
		const struct report_node *n = &t->nodes[i];
		bool show = node_shown(t, i, limit);

		if (show) {
			for (; open >= n->depth; open--) {
				json__end_array(&j);
				json__end_object(&j);
			}
			json__begin_object(&j);
			json__key(&j, "sym");
			json__string(&j, n->sym);
			json__key(&j, "kind");
			json__string(&j, kind_name(n->kind));
			json__key(&j, "dso");
			json__string(&j, n->dso);
			json__key(&j, "total");
			json__double(&j, n->total);
			json__key(&j, "total_pct");
			json__fixed(&j, pct(n->total, t->total), 4);
			if (!t->callee) {
				json__key(&j, "self");
				json__double(&j, n->self);
				json__key(&j, "self_pct");
				json__fixed(&j, pct(n->self, t->total), 4);
			}
			json__key(&j, t->callee ? "callers" : "callees");
			json__begin_array(&j);
			open++;
		}
		i = report_tree__next(t, i, show);
	}
	for (; open; open--) {
		json__end_array(&j);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
	json__finish(&j);
}

static int do_tree(FILE *f, const struct profile *fp, size_t type,
		   const struct report_args *a)
{
	struct report_tree *t = report__tree(fp, type, a->call_graph == 2);
	double limit = a->limit >= 0 ? a->limit : TREE_LIMIT;
	size_t hidden;

	if (!t) {
		pr_err("cannot build the call tree: %s", strerror(errno));
		return EXIT_FAIL;
	}
	limit = report_tree__cap_limit(t, limit, REPORT_MAX_NODES, &hidden);
	if (hidden)
		pr_warn("%zu call-tree nodes hidden: at most %d are shown "
			"(a larger --percent-limit shows fewer)", hidden,
			REPORT_MAX_NODES);
	if (a->fmt == FMT_JSON)
		tree_json(f, t, limit, fp, type, a);
	else
		tree_text(f, t, limit);
	report_tree__free(t);
	return EXIT_OK;
}

/* --- annotation */

static int do_annotate(FILE *f, const struct profile *fp, size_t type,
		       const struct report_args *a)
{
	struct annotation *an;
	struct src_cache *src;
	char err[512];
	struct json j;
	size_t i;
	int r;

	r = annotate__symbol(fp, type, a->annotate, &an, err, sizeof(err));
	if (r) {
		pr_err("cannot annotate: %s", err);
		return EXIT_FAIL;
	}
	src = src_cache__new();	/* NULL: lines without their text */
	if (a->fmt == FMT_JSON) {
		json__init(&j, f);
		json_head(&j, "annotate", fp, type, a);
		json__key(&j, "symbol");
		json__string(&j, an->symbol);
		json__key(&j, "file");
		json__string(&j, an->file);
		json__key(&j, "start");
		json__int(&j, (int64_t)an->start);
		json__key(&j, "size");
		json__int(&j, (int64_t)an->size);
		json__key(&j, "total");
		json__double(&j, an->total);
		json__key(&j, "unplaced");
		json__double(&j, an->unplaced);
		json__key(&j, "instructions");
		json__begin_array(&j);
		for (i = 0; i < an->nr_insns; i++) {
			json__begin_object(&j);
			json__key(&j, "addr");
			json__int(&j, (int64_t)an->insns[i].addr);
			json__key(&j, "text");
			json__string(&j, an->insns[i].text);
			json__key(&j, "samples");
			json__double(&j, an->insns[i].value);
			json__key(&j, "pct");
			json__fixed(&j, pct(an->insns[i].value, an->total), 4);
			if (an->insns[i].src_file) {
				json__key(&j, "source_file");
				json__string(&j, an->insns[i].src_file);
				json__key(&j, "source_line");
				json__int(&j, an->insns[i].src_line);
			}
			json__end_object(&j);
		}
		json__end_array(&j);
		json__end_object(&j);
		json__finish(&j);
	} else {
		fprintf(f, "# ebprof report: annotation of %s in %s "
			"(%#llx, %llu bytes), ", an->symbol, an->file,
			(unsigned long long)an->start,
			(unsigned long long)an->size);
		print_value(f, 0, an->total);
		fprintf(f, " samples");
		if (an->unplaced) {
			fprintf(f, ", ");
			print_value(f, 0, an->unplaced);
			fprintf(f, " outside the symbol");
		}
		fprintf(f, "\n#  Percent   Samples  Address  Instruction\n");
		for (i = 0; i < an->nr_insns; i++) {
			const struct annotate_insn *in = &an->insns[i];
			const struct annotate_insn *prev = i ? in - 1 : NULL;

			/* the source line, where it changes */
			if (in->src_file && (!prev || !prev->src_file ||
					     prev->src_line != in->src_line ||
					     strcmp(prev->src_file,
						    in->src_file))) {
				const char *t = src_cache__line(src,
						in->src_file, in->src_line);
				const char *b = strrchr(in->src_file, '/');

				fprintf(f, "%20s%s:%d%s%s\n", "",
					b ? b + 1 : in->src_file,
					in->src_line, t ? "  " : "",
					t ? t : "");
			}
			if (in->value)
				fprintf(f, "%8.2f%% ", pct(in->value,
							   an->total));
			else
				fprintf(f, "%9s ", "");
			if (in->value)
				print_value(f, 9, in->value);
			else
				fprintf(f, "%9s", "");
			fprintf(f, "  %7llx:  %s\n",
				(unsigned long long)in->addr, in->text);
		}
	}
	src_cache__free(src);
	annotation__free(an);
	return EXIT_OK;
}

/* --- comparison */

static const struct report_id *diff_id(const void *rows, size_t i)
{
	return &((const struct report_diff_row *)rows)[i].id;
}

static size_t diff_shown(const struct report_diff *d,
			 const struct report_args *a)
{
	size_t n = 0, i;

	/* Rows are by delta: show growth first, within the limits. */
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (a->max_rows && n >= a->max_rows && !r->regression)
			continue;
		if (a->limit > 0 && fmax(r->base_pct, r->new_pct) < a->limit &&
		    !r->regression)
			continue;
		n++;
	}
	return n;
}

static bool diff_row_shown(const struct report_diff *d, size_t i,
			   size_t *count, const struct report_args *a)
{
	const struct report_diff_row *r = &d->rows[i];

	if (!r->regression) {
		if (a->max_rows && *count >= a->max_rows)
			return false;
		if (a->limit > 0 && fmax(r->base_pct, r->new_pct) < a->limit)
			return false;
	}
	(*count)++;
	return true;
}

static void diff_gate_line(FILE *f, const struct report_args *a)
{
	if (a->fail_pct < 0)
		fprintf(f, "no gate (--fail-on-regression not given)");
	else
		fprintf(f, "fail when a %s share grows by more than %.2f "
			"points with at least %g samples and z-test p < %g",
			a->by_total ? "total" : "self", a->fail_pct,
			a->min_samples, a->alpha);
}

static void diff_text(FILE *f, const struct report_diff *d,
		      const struct report_keys *keys,
		      const struct report_args *a)
{
	size_t i, count = 0, n = diff_shown(d, a);
	struct report_diff_row *sel;
	int w[REPORT_NR_KEYS];

	fprintf(f, "# ebprof report: base ");
	print_value(f, 0, d->base_total);
	fprintf(f, ", new ");
	print_value(f, 0, d->new_total);
	fprintf(f, " samples; %s shares, by growth\n# gate: ",
		a->by_total ? "total" : "self");
	diff_gate_line(f, a);
	fprintf(f, "\n#\n");
	sel = calloc(n + 1, sizeof(*sel));
	if (sel) {
		for (i = 0; i < d->nr_rows; i++)
			if (diff_row_shown(d, i, &count, a))
				sel[count - 1] = d->rows[i];
		key_widths(keys, diff_id, sel, n, w);
	} else {
		key_widths(keys, diff_id, d->rows, 0, w);
	}
	fprintf(f, "#%7s %8s %7s %8s ", "Base", "New", "Delta", "z");
	print_keys(f, keys, NULL, w);
	count = 0;
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		fprintf(f, "%7.2f%% %7.2f%% %+7.2f %8.2f%s", r->base_pct,
			r->new_pct, r->delta, r->z,
			r->regression ? "!" : " ");
		print_keys(f, keys, &r->id, w);
	}
	fprintf(f, "# %zu regression%s%s\n", d->nr_regressions,
		d->nr_regressions == 1 ? "" : "s",
		d->nr_regressions ? " (marked !)" : "");
	free(sel);
}

static void diff_markdown(FILE *f, const struct report_diff *d,
			  const struct report_keys *keys,
			  const struct report_args *a)
{
	size_t i, k, count = 0;

	if (a->fail_pct >= 0)
		fprintf(f, "**ebprof: %zu regression%s** (%s share grew by "
			"more than %.2f points, significant at p < %g)\n\n",
			d->nr_regressions, d->nr_regressions == 1 ? "" : "s",
			a->by_total ? "total" : "self", a->fail_pct, a->alpha);
	fprintf(f, "|");
	md_keys(f, keys, NULL);
	fprintf(f, " Base %% | New %% | Δ points | |\n|");
	for (k = 0; k < keys->nr; k++)
		fprintf(f, "---|");
	fprintf(f, "---:|---:|---:|---|\n");
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		fprintf(f, "|");
		md_keys(f, keys, &r->id);
		fprintf(f, " %.2f | %.2f | %+.2f | %s |\n", r->base_pct,
			r->new_pct, r->delta,
			r->regression ? "**regression**" : "");
	}
}

static void diff_json(FILE *f, const struct report_diff *d,
		      const struct report_keys *keys, const struct profile *p,
		      size_t type, const struct report_args *a)
{
	size_t i, count = 0;
	struct json j;

	json__init(&j, f);
	json_head(&j, "compare", p, type, a);
	json__key(&j, "bases");
	json__begin_array(&j);
	for (i = 0; i < a->nr_bases; i++)
		json__string(&j, a->bases[i]);
	json__end_array(&j);
	json__key(&j, "base_total");
	json__double(&j, d->base_total);
	json__key(&j, "new_total");
	json__double(&j, d->new_total);
	json__key(&j, "order");
	json__string(&j, a->by_total ? "total" : "self");
	json_keys_list(&j, keys);
	json__key(&j, "gate");
	json__begin_object(&j);
	json__key(&j, "threshold");
	if (a->fail_pct >= 0)
		json__double(&j, a->fail_pct);
	else
		json__null(&j);
	json__key(&j, "min_samples");
	json__double(&j, a->min_samples);
	json__key(&j, "alpha");
	json__double(&j, a->alpha);
	json__end_object(&j);
	json__key(&j, "regressions");
	json__int(&j, (int64_t)d->nr_regressions);
	json__key(&j, "rows");
	json__begin_array(&j);
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];

		if (!diff_row_shown(d, i, &count, a))
			continue;
		json__begin_object(&j);
		json_id(&j, keys, &r->id);
		json__key(&j, "base");
		json__double(&j, r->base);
		json__key(&j, "new");
		json__double(&j, r->new);
		json__key(&j, "base_pct");
		json__fixed(&j, r->base_pct, 4);
		json__key(&j, "new_pct");
		json__fixed(&j, r->new_pct, 4);
		json__key(&j, "delta");
		json__fixed(&j, r->delta, 4);
		json__key(&j, "z");
		json__fixed(&j, r->z, 4);
		json__key(&j, "p_value");
		json__double(&j, r->p_value);
		json__key(&j, "regression");
		json__bool(&j, r->regression);
		json__end_object(&j);
	}
	json__end_array(&j);
	json__end_object(&j);
	json__finish(&j);
}

/*
 * Factor from @p's values of @type to sample counts for the noise test:
 * 1 for counts, 1 / period for values in the period's unit (cpu time).
 */
static double count_scale(const struct profile *p, size_t type)
{
	const struct pf_value_type *t = &p->types[type];

	if (!strcmp(t->unit, "count"))
		return 1;
	if (p->period > 0 && p->period_type.unit &&
	    !strcmp(p->period_type.unit, t->unit))
		return 1.0 / (double)p->period;
	pr_warn("sample type '%s' (%s) is not a count: the noise test "
		"takes its values as counts", t->type, t->unit);
	return 1;
}

static int do_compare(FILE *f, const struct profile *fp, size_t type,
		      const struct report_args *a)
{
	struct profile *base = NULL, *fbase = NULL;
	struct report *rb = NULL, *rn = NULL;
	struct report_diff *d = NULL;
	struct report_gate g;
	int status = EXIT_FAIL, bt;
	size_t i;

	base = load(a->bases, a->nr_bases);
	if (!base)
		goto out;
	bt = pick_type(base, a->sample_type ? a->sample_type :
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
	rb = report__rank(fbase, bt, &a->keys);
	rn = report__rank(fp, type, &a->keys);
	if (!rb || !rn) {
		pr_err("cannot rank: %s", strerror(errno));
		goto out;
	}
	if (!rb->total || !rn->total) {
		pr_err("no samples left in the %s recording after the filters",
		       rb->total ? "new" : "base");
		goto out;
	}
	g.threshold = a->fail_pct;
	g.min_samples = a->min_samples;
	g.alpha = a->alpha;
	g.by_total = a->by_total;
	g.base_scale = count_scale(fbase, bt);
	g.new_scale = count_scale(fp, type);
	d = report__diff(rb, rn, &g);
	if (!d) {
		pr_err("cannot compare: %s", strerror(errno));
		goto out;
	}
	if (a->fmt == FMT_JSON)
		diff_json(f, d, &a->keys, fp, type, a);
	else if (a->fmt == FMT_MARKDOWN)
		diff_markdown(f, d, &a->keys, a);
	else
		diff_text(f, d, &a->keys, a);
	for (i = 0; i < d->nr_rows; i++) {
		const struct report_diff_row *r = &d->rows[i];
		char buf[4096];

		if (!r->regression)
			continue;
		pr_warn("regression: %s grew from %.2f%% to %.2f%% "
			"(%+.2f points, z = %.2f)",
			r->id.sym ? r->id.sym :
			cell(&r->id, a->keys.k[0], buf, sizeof(buf), true),
			r->base_pct, r->new_pct, r->delta, r->z);
	}
	status = d->nr_regressions && a->fail_pct >= 0 ? EXIT_REGRESSION :
							  EXIT_OK;
out:
	report_diff__free(d);
	report__free(rb);
	report__free(rn);
	profile__free(fbase);
	profile__free(base);
	return status;
}

/* --- per-thread wall time */

static int do_threads(FILE *f, const struct profile *fp,
		      const struct report_args *a)
{
	struct wallclock_thread *t;
	const char *unit;
	double scale;
	size_t n, i;

	if (profile__find_type(fp, "off_cpu") < 0) {
		pr_err("--per-thread needs a recording made with --off-cpu");
		return EXIT_FAIL;
	}
	if (wallclock__threads(fp, &t, &n, &unit)) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	scale = !strcmp(unit, "nanoseconds") ? 1e-6 : 1e-3;
	fprintf(f, "# ebprof report: wall time per thread (milliseconds), "
		"shares of each thread's wall time\n");
	fprintf(f, "#%-23s %8s %8s %11s %7s %8s %7s %8s\n", "thread", "pid",
		"tid", "wall ms", "cpu", "sleeping", "disk", "runnable");
	for (i = 0; i < n && (!a->max_rows || i < a->max_rows); i++) {
		double w = t[i].wall ? t[i].wall : 1;

		fprintf(f, " %-23s %8d %8d %11.1f %6.1f%% %7.1f%% %6.1f%% "
			"%7.1f%%\n", t[i].comm ? t[i].comm : "[unknown]",
			t[i].pid, t[i].tid, t[i].wall * scale,
			100 * t[i].cpu / w, 100 * t[i].off[0] / w,
			100 * t[i].off[1] / w, 100 * t[i].off[2] / w);
	}
	free(t);
	return EXIT_OK;
}

/* --- the command */

static int write_profile(FILE *f, const struct profile *fp,
			 const struct report_args *a)
{
	unsigned int flags = 0;
	size_t i;
	int r;

	if (a->fmt == FMT_PPROF) {
		r = pprof__write(fp, f);
	} else {
		for (i = 0; i < fp->nr_samples; i++) {
			if (fp->samples[i].labels.tid)
				flags |= FOLDED_PER_THREAD;
			else if (fp->samples[i].labels.pid)
				flags |= FOLDED_PER_PID;
		}
		if (flags & FOLDED_PER_THREAD)
			flags = FOLDED_PER_THREAD;
		r = folded__write(fp, f, flags);
	}
	if (r) {
		/* A failed write is told by the caller, with its errno. */
		if (!ferror(f))
			pr_err("cannot write %s: %s", fmt_names[a->fmt],
			       strerror(-r));
		return EXIT_FAIL;
	}
	return EXIT_OK;
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
	p = load(a.inputs, a.nr_inputs);
	if (!p)
		goto out;
	/* Off-CPU recordings: the wall-clock view unless told otherwise. */
	if (!a.sample_type && profile__find_type(p, "off_cpu") >= 0 &&
	    profile__find_type(p, "wall") >= 0)
		a.sample_type = "wall";
	type = pick_type(p, a.sample_type);
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
	if (a.per_thread)
		status = do_threads(out.f, fp, &a);
	else if (a.nr_bases)
		status = do_compare(out.f, fp, type, &a);
	else if (a.annotate)
		status = do_annotate(out.f, fp, type, &a);
	else if (a.call_graph)
		status = do_tree(out.f, fp, type, &a);
	else if (a.fmt == FMT_FOLDED || a.fmt == FMT_PPROF)
		status = write_profile(out.f, fp, &a);
	else
		status = do_rank(out.f, fp, type, input_total, &a);
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
