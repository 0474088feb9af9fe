// SPDX-License-Identifier: GPL-2.0
/* Option tables -> getopt_long, help text, option lists; see options.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

int opt_parser__init(struct opt_parser *op, const char *cmd,
		     const struct opt_spec *specs)
{
	size_t n = 0, i, s = 0;

	memset(op, 0, sizeof(*op));
	op->specs = specs;
	op->cmd = cmd;
	while (specs[n].name)
		n++;
	op->longopts = calloc(n + 1, sizeof(*op->longopts));
	if (!op->longopts)
		return -1;
	/* '+': stop at the first operand, so "record CMD -x" leaves -x to CMD. */
	op->shortopts[s++] = '+';
	op->shortopts[s++] = ':';
	for (i = 0; i < n; i++) {
		op->longopts[i].name = specs[i].name;
		op->longopts[i].has_arg = specs[i].has_arg;
		op->longopts[i].val = specs[i].val;
		if (specs[i].val > 0 && specs[i].val < 256 &&
		    s + 3 < sizeof(op->shortopts)) {
			op->shortopts[s++] = (char)specs[i].val;
			if (specs[i].has_arg == required_argument)
				op->shortopts[s++] = ':';
		}
	}
	op->shortopts[s] = '\0';
	return 0;
}

void opt_parser__release(struct opt_parser *op)
{
	free(op->longopts);
	op->longopts = NULL;
}

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see '%s --help')\n", cmd);
}

int opt_parser__next(struct opt_parser *op, int argc, char **argv)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, op->shortopts, op->longopts, NULL);
	if (c == '?') {
		if (optopt && optopt < 256)
			usage_error(op->cmd, "unknown option '-%c'", optopt);
		else
			usage_error(op->cmd, "unknown option '%s'",
				    argv[optind - 1]);
	} else if (c == ':') {
		if (optopt && optopt < 256)
			usage_error(op->cmd, "option '-%c' needs a value",
				    optopt);
		else
			usage_error(op->cmd, "option '%s' needs a value",
				    argv[optind - 1]);
		c = '?';
	}
	return c;
}

void opt_parser__help(const struct opt_parser *op, FILE *f, const char *usage,
		      const char *description)
{
	const struct opt_spec *o;

	fprintf(f, "usage: %s\n", usage);
	if (description)
		fprintf(f, "\n%s\n", description);
	fprintf(f, "\n");
	for (o = op->specs; o->name; o++) {
		char left[64];
		int n = 0;

		if (o->val > 0 && o->val < 256)
			n = snprintf(left, sizeof(left), "-%c, ", o->val);
		else
			n = snprintf(left, sizeof(left), "    ");
		/* an optional value is shown as "--name[=VALUE]" */
		snprintf(left + n, sizeof(left) - n, "--%s%s%s", o->name,
			 o->arg && o->arg[0] != '[' ? " " : "",
			 o->arg ? o->arg : "");
		fprintf(f, "  %-28s %s\n", left, o->help);
	}
}

void opt_parser__list(const struct opt_parser *op, FILE *f)
{
	const struct opt_spec *o;

	for (o = op->specs; o->name; o++) {
		if (o->val > 0 && o->val < 256)
			fprintf(f, "-%c\n", o->val);
		fprintf(f, "--%s\n", o->name);
	}
}

int opt_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int opt_parse_ids(const char *arg, pid_t **ids, size_t *nr)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long v;
		pid_t *n;

		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || *end || end == tok || v <= 0 || v > INT_MAX) {
			err = -1;
			break;
		}
		n = realloc(*ids, (*nr + 1) * sizeof(*n));
		if (!n) {
			err = -1;
			break;
		}
		*ids = n;
		(*ids)[(*nr)++] = v;
	}
	if (!*nr)
		err = -1;
	free(copy);
	return err;
}

int opt_parse_duration_ns(const char *arg, uint64_t *ns)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "", 1e3 },
	};
	char *end;
	double v;
	size_t i;

	if (!isdigit((unsigned char)arg[0]))
		return -1;
	errno = 0;
	v = strtod(arg, &end);
	if (errno)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v * units[i].mul > 3600e9)
			return -1;
		*ns = (uint64_t)(v * units[i].mul + 0.5);
		return 0;
	}
	return -1;
}

void opt_bad_value(const char *cmd, char **argv)
{
	usage_error(cmd, "invalid value '%s' for option '%s'", optarg,
		    argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-' &&
		    argv[optind - 1][2] ? argv[optind - 1] :
		    argv[optind - 2]);
}

int opt_parse_uint(const char *s, unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || s[0] == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

int opt_parse_call_graph(const char *arg, unsigned long max,
			 unsigned int *bytes)
{
	unsigned long v;
	char *end;

	if (!strcmp(arg, "fp")) {
		*bytes = 0;
		return 0;
	}
	if (!strcmp(arg, "dwarf")) {
		*bytes = 8192;
		return 0;
	}
	if (strncmp(arg, "dwarf,", 6) || !isdigit((unsigned char)arg[6]))
		return -1;
	errno = 0;
	v = strtoul(arg + 6, &end, 10);
	if (errno || *end || v < 8 || v > max)
		return -1;
	*bytes = (v + 7) & ~7UL;
	return 0;
}
