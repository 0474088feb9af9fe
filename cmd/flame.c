// SPDX-License-Identifier: GPL-2.0
/*
 * ebprof flame: recordings (folded stacks, pprof) to a self-contained,
 * interactive SVG flame graph, icicle graph, flame chart or differential
 * flame graph.  Reading the inputs lives in common/render/flame_input.c,
 * the tree and its layout in flamegraph.c, the SVG in flamesvg.c; this
 * file parses options and says what happened.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "format/outfile.h"
#include "lib/log.h"
#include "render/flamegraph.h"
#include "render/flame_input.h"
#include "render/flamesvg.h"

enum {
	OPT_TITLE = 256, OPT_SUBTITLE, OPT_WIDTH, OPT_HEIGHT, OPT_FONTSIZE,
	OPT_MINWIDTH, OPT_COUNTNAME, OPT_COLORS, OPT_HASH, OPT_REVERSE,
	OPT_INVERTED, OPT_FLAMECHART, OPT_BASE, OPT_NO_NORMALIZE,
	OPT_SAMPLE_TYPE,
};

static const struct opt_spec flame_opts[] = {
	{ "output", 'o', required_argument, "FILE",
	  "write the SVG to FILE instead of standard output" },
	{ "title", OPT_TITLE, required_argument, "TEXT",
	  "title (default by mode: Flame Graph, Icicle Graph...)" },
	{ "subtitle", OPT_SUBTITLE, required_argument, "TEXT",
	  "a second line under the title" },
	{ "width", OPT_WIDTH, required_argument, "PX",
	  "image width (default 1200)" },
	{ "height", OPT_HEIGHT, required_argument, "PX",
	  "frame height (default 16)" },
	{ "fontsize", OPT_FONTSIZE, required_argument, "PX",
	  "font size (default 12)" },
	{ "minwidth", OPT_MINWIDTH, required_argument, "PX|N%",
	  "merge narrower frames into one per parent (default 0.1)" },
	{ "countname", OPT_COUNTNAME, required_argument, "NAME",
	  "what the counts are (default samples)" },
	{ "colors", OPT_COLORS, required_argument, "PALETTE",
	  "hot, mem, io, red, green, blue, aqua, yellow, purple, orange, "
	  "annotate" },
	{ "hash", OPT_HASH, no_argument, NULL,
	  "colour by function name, the same in every graph" },
	{ "reverse", OPT_REVERSE, no_argument, NULL,
	  "reverse the stacks: leaf functions at the root" },
	{ "inverted", OPT_INVERTED, no_argument, NULL,
	  "icicle graph: the root at the top" },
	{ "flamechart", OPT_FLAMECHART, no_argument, NULL,
	  "flame chart: stacks in input order, not merged by name" },
	{ "base", OPT_BASE, required_argument, "FILE",
	  "differential graph of the input against FILE (repeatable)" },
	{ "no-normalize", OPT_NO_NORMALIZE, no_argument, NULL,
	  "with --base: compare raw counts, not shares of each total" },
	{ "sample-type", OPT_SAMPLE_TYPE, required_argument, "NAME",
	  "draw this sample type of pprof input (e.g. cpu); cpu, off-cpu "
	  "or wall for --off-cpu recordings (default wall)" },
	{ "help", 'h', no_argument, NULL, "show this help" },
	OPT_END
};

static const char description[] =
	"Draws recordings (folded stacks or pprof; several files are merged,\n"
	"standard input when none is given) as a self-contained interactive\n"
	"SVG: hover for details, click to zoom, Ctrl-F to search.";

struct flame_args {
	struct flamesvg_opts svg;
	const char *output;
	const char *sample_type;
	unsigned int flags;	/* FG_* */
	bool normalize;
	char **bases;
	size_t nr_bases;
	char **inputs;
	size_t nr_inputs;
};

static int parse_minwidth(const char *s, struct flamesvg_opts *o)
{
	size_t n = strlen(s);
	char buf[64];

	o->minwidth_pct = n && s[n - 1] == '%';
	if (o->minwidth_pct) {
		if (n >= sizeof(buf))
			return -1;
		memcpy(buf, s, n - 1);
		buf[n - 1] = '\0';
		return opt_parse_double(buf, 0, 100, &o->minwidth);
	}
	return opt_parse_double(s, 0, 1e6, &o->minwidth);
}

static int add_path(char ***v, size_t *nr, char *path)
{
	char **n = realloc(*v, (*nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	n[(*nr)++] = path;
	*v = n;
	return 0;
}

/* 0, or the exit status after a message. */
static int parse_args(int argc, char **argv, const struct cmd *self,
		      struct flame_args *a)
{
	struct opt_parser op;
	const char *label = cmd__label(self);
	int c, pal, status = EXIT_OK;

	if (opt_parser__init(&op, label, self->opts))
		return EXIT_FAIL;
	while ((c = opt_parser__next(&op, argc, argv)) != -1) {
		const char *v = optarg;

		switch (c) {
		case 'o':
			a->output = v;
			break;
		case OPT_TITLE:
			a->svg.title = v;
			break;
		case OPT_SUBTITLE:
			a->svg.subtitle = v;
			break;
		case OPT_WIDTH:
			if (opt_parse_double(v, 100, 1e6, &a->svg.width)) {
				usage_error(label, "--width wants 100 to "
					    "1000000 pixels, not '%s'", v);
				status = EXIT_USAGE;
			}
			break;
		case OPT_HEIGHT:
			if (opt_parse_double(v, 2, 1000, &a->svg.frame_height)) {
				usage_error(label, "--height wants 2 to 1000 "
					    "pixels, not '%s'", v);
				status = EXIT_USAGE;
			}
			break;
		case OPT_FONTSIZE:
			if (opt_parse_double(v, 1, 500, &a->svg.fontsize)) {
				usage_error(label, "--fontsize wants 1 to 500 "
					    "pixels, not '%s'", v);
				status = EXIT_USAGE;
			}
			break;
		case OPT_MINWIDTH:
			if (parse_minwidth(v, &a->svg)) {
				usage_error(label, "--minwidth wants pixels "
					    "or a percentage like 0.5%%, not "
					    "'%s'", v);
				status = EXIT_USAGE;
			}
			break;
		case OPT_COUNTNAME:
			/* The script finds the count after the last " (". */
			if (!*v || strchr(v, '(') || strchr(v, ')')) {
				usage_error(label, "--countname must be "
					    "non-empty without parentheses");
				status = EXIT_USAGE;
			}
			a->svg.countname = v;
			break;
		case OPT_COLORS:
			pal = palette__parse(v);
			if (pal < 0) {
				usage_error(label, "unknown palette '%s' "
					    "(have %s)", v, palette__names());
				status = EXIT_USAGE;
			} else {
				a->svg.palette = pal;
			}
			break;
		case OPT_HASH:
			a->svg.hash = true;
			break;
		case OPT_REVERSE:
			a->flags |= FG_REVERSE;
			break;
		case OPT_INVERTED:
			a->svg.inverted = true;
			break;
		case OPT_FLAMECHART:
			a->flags |= FG_FLAMECHART;
			a->svg.flamechart = true;
			break;
		case OPT_BASE:
			if (add_path(&a->bases, &a->nr_bases, optarg)) {
				pr_err("out of memory");
				status = EXIT_FAIL;
			}
			break;
		case OPT_NO_NORMALIZE:
			a->normalize = false;
			break;
		case OPT_SAMPLE_TYPE:
			a->sample_type = v;
			break;
		case 'h':
			opt_parser__help(&op, stdout, self->usage,
					 description);
			status = -1;
			break;
		default:
			status = EXIT_USAGE;
			break;
		}
		if (status)
			break;
	}
	opt_parser__release(&op);
	if (status == -1)
		return EXIT_OK;
	if (status)
		return status;
	if (a->nr_bases && (a->flags & FG_FLAMECHART)) {
		usage_error(label, "--base and --flamechart do not combine "
			    "(a flame chart's x axis is time)");
		return EXIT_USAGE;
	}
	for (; optind < argc; optind++)
		if (add_path(&a->inputs, &a->nr_inputs, argv[optind])) {
			pr_err("out of memory");
			return EXIT_FAIL;
		}
	if (!a->nr_inputs && add_path(&a->inputs, &a->nr_inputs, "-")) {
		pr_err("out of memory");
		return EXIT_FAIL;
	}
	return -1;
}

static int write_svg(const struct flamegraph *fg, const struct flame_args *a)
{
	const char *path = a->output ? a->output : "-";
	struct outfile out;
	size_t dropped;
	int err;

	err = outfile__open(&out, path);
	if (!err) {
		err = flamesvg__write(out.f, fg, &a->svg);
		err = err ? outfile__abort(&out) ?: err :
		      outfile__commit(&out);
	}
	if (err) {
		pr_err("cannot write '%s': %s", path, outfile__strerror(err));
		return EXIT_FAIL;
	}
	dropped = flamesvg__dropped(fg, &a->svg);
	if (dropped)
		pr_warn("%zu narrow frames not drawn: the graph is limited to "
			"%d frames (a larger --minwidth draws fewer)", dropped,
			FLAMESVG_MAX_FRAMES);
	return EXIT_OK;
}

static int flame_main(int argc, char **argv, const struct cmd *self)
{
	struct flame_args a = { .normalize = true };
	struct flame_input t = { 0 };
	struct flamegraph *fg = NULL;
	int status;

	flamesvg__defaults(&a.svg);
	a.svg.countname = NULL;
	status = parse_args(argc, argv, self, &a);
	if (status != -1)
		goto out;
	fg = flamegraph__new(a.flags);
	if (!fg) {
		pr_err("out of memory");
		status = EXIT_FAIL;
		goto out;
	}
	t.flags = a.flags;
	t.sample_type = a.sample_type;
	if (flame_input__read_all(fg, &t, a.inputs, a.nr_inputs, a.bases,
				  a.nr_bases)) {
		status = EXIT_FAIL;
		goto out;
	}
	if (!a.svg.countname)
		a.svg.countname = t.unit ? t.unit : "samples";
	if (flamegraph__finish(fg, a.normalize)) {
		pr_err("out of memory");
		status = EXIT_FAIL;
		goto out;
	}
	status = write_svg(fg, &a);
	if (status)
		goto out;
	if (!(flamegraph__width(fg) > 0)) {
		/* The SVG says so too; non-zero so that scripts notice. */
		if (t.bad)
			pr_err("no samples: none of the %zu non-blank lines "
			       "parsed (first bad: '%s' line %zu)", t.bad,
			       t.first_path, t.first_line);
		else
			pr_err("no samples in the input");
		status = EXIT_FAIL;
	} else if (t.bad) {
		pr_warn("ignored %zu line%s that did not parse as folded "
			"stacks (first: '%s' line %zu)", t.bad,
			t.bad == 1 ? "" : "s", t.first_path, t.first_line);
	}
	if (t.cut)
		pr_warn("cut %zu stack%s deeper than %d frames (the frames "
			"in the middle are replaced by '%s')", t.cut,
			t.cut == 1 ? "" : "s", PROFILE_MAX_DEPTH,
			PROFILE_CUT_FRAME);
out:
	flamegraph__free(fg);
	free(a.inputs);
	free(a.bases);
	flame_input__release(&t);
	return status;
}

const struct cmd cmd_flame = {
	"flame", flame_main, flame_opts,
	"ebprof flame [OPTIONS] [FILE...]",
	"draw recordings as an interactive SVG flame graph",
};
