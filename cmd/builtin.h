/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command table's entry type and every command's descriptor.  A command
 * is one file in cmd/ that defines `const struct cmd cmd_NAME`; cmd/ebprof.c
 * lists it.  Commands return the process exit status:
 */
#ifndef EBPROF_BUILTIN_H
#define EBPROF_BUILTIN_H

#include "options.h"

#define EXIT_OK		0
#define EXIT_FAIL	1	/* the command failed */
#define EXIT_USAGE	2	/* bad command line */

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cmd *self);
	const struct opt_spec *opts;	/* for --help and --list-opts */
	const char *usage;		/* after "usage: " */
	const char *summary;		/* one line */
};

/* "ebprof NAME", for messages. */
const char *cmd__label(const struct cmd *c);

extern const struct cmd cmd_record;
extern const struct cmd cmd_report;
extern const struct cmd cmd_flame;
extern const struct cmd cmd_push;
extern const struct cmd cmd_top;
extern const struct cmd cmd_unwind_test;

#endif
