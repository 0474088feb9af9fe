/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line options declared once per command: the same table drives
 * getopt_long, the --help text and --list-opts (read by the completions
 * and by the test that checks help, man page and completions agree).
 */
#ifndef EBPROF_OPTIONS_H
#define EBPROF_OPTIONS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct opt_spec {
	const char *name;	/* long name, without "--" */
	int val;		/* short option char, or a value >= 256 */
	int has_arg;		/* no_argument / required_argument */
	const char *arg;	/* argument name in help, e.g. "HZ" */
	const char *help;	/* one line */
};

#define OPT_END { NULL, 0, 0, NULL, NULL }

struct opt_parser {
	const struct opt_spec *specs;
	struct option *longopts;
	char shortopts[128];
	const char *cmd;	/* "ebprof record" */
};

/* 0, or -1 after an error message (bad table, out of memory). */
int opt_parser__init(struct opt_parser *op, const char *cmd,
		     const struct opt_spec *specs);
void opt_parser__release(struct opt_parser *op);
/*
 * Next option like getopt_long(): its val, -1 at the end of options
 * (stopping at the first operand or "--"), or '?' after printing one line
 * that says which option was wrong.
 */
int opt_parser__next(struct opt_parser *op, int argc, char **argv);
/* Prints "usage: USAGE" and the option table. */
void opt_parser__help(const struct opt_parser *op, FILE *f, const char *usage,
		      const char *description);
/* Prints every option name ("--x", "-x"), one a line, for completions. */
void opt_parser__list(const struct opt_parser *op, FILE *f);

/* Parses a number in [lo, hi] (nothing else on the line); 0 or -1. */
int opt_parse_double(const char *s, double lo, double hi, double *out);

/*
 * Parses "1,2,3" (positive ids) onto the end of the growing array *@ids;
 * 0, or -1 on a bad entry or an empty list.
 */
int opt_parse_ids(const char *arg, pid_t **ids, size_t *nr);

/* A whole number in [1, max] in decimal digits only; 0 or -1. */
int opt_parse_uint(const char *s, unsigned long max, unsigned int *out);

/*
 * --call-graph: "fp" (0 bytes), "dwarf" (8192 bytes of stack) or
 * "dwarf,SIZE" (8 to @max bytes, rounded up to 8); 0 or -1.
 */
int opt_parse_call_graph(const char *arg, unsigned long max,
			 unsigned int *bytes);

/*
 * "20us", "1.5ms", "0" (units ns, us, ms, s; bare numbers are
 * microseconds, at most an hour); 0 or -1.
 */
int opt_parse_duration_ns(const char *arg, uint64_t *ns);

/*
 * The usage error for the option getopt just gave (optarg was bad),
 * named as it was written: "-F0" or "--freq".
 */
void opt_bad_value(const char *cmd, char **argv);

/* Hint printed after usage errors. */
void usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
