// SPDX-License-Identifier: GPL-2.0
/*
 * main(): global options, the command table and dispatch.  `ebprof CMD`,
 * or argv[0] "ebprof-CMD" (a link to the binary) runs CMD.  After the
 * command, stdout is flushed and checked: a full disk is a failure.
 * `ebprof --workload NAME ARGS` (not in --help) runs a workload built
 * into ebprof for the self-test of `unwind-test` (selftest_wl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "format/outfile.h"
#include "lib/build_info.h"
#include "lib/log.h"
#include "selftest_wl.h"

#ifndef EBPROF_VERSION
#define EBPROF_VERSION "unknown"
#endif

static const struct cmd *const commands[] = {
	&cmd_record,
	&cmd_report,
	&cmd_flame,
	&cmd_push,
	&cmd_top,
	&cmd_unwind_test,
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const char *cmd__label(const struct cmd *c)
{
	static char label[64];

	snprintf(label, sizeof(label), "ebprof %s", c->name);
	return label;
}

static const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ebprof [-v | -q] [--version] [--help] COMMAND [ARGS]\n\n"
		   "A CPU profiler built on eBPF.  Commands:\n\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name,
			commands[i]->summary);
	fprintf(f, "\nGlobal options:\n"
		   "  -v, --verbose  more diagnostics (repeat for more)\n"
		   "  -q, --quiet    only errors on stderr\n"
		   "  --version      print the version, libraries and BPF "
		   "features (also -v alone)\n"
		   "  --list-cmds    print the command names, one a line\n"
		   "\n'ebprof COMMAND --help' describes a command; "
		   "'man ebprof-COMMAND' in full.\n");
}

/* --version, or -v without a command: the version and the features. */
static int version(void)
{
	struct strbuf sb = STRBUF_INIT;
	int err = build_info__describe(&sb);

	printf("ebprof %s\n%s", EBPROF_VERSION, sb.buf ? sb.buf : "");
	strbuf__release(&sb);
	if (err)
		pr_err("cannot describe the features: %s", strerror(-err));
	return err ? EXIT_FAIL : EXIT_OK;
}

static int run_cmd(const struct cmd *c, int argc, char **argv)
{
	int status;

	log_prefix = cmd__label(c);
	/* Temporary files go with us (record handles these signals). */
	outfile__cleanup_on_signals();
	if (argc == 2 && !strcmp(argv[1], "--list-opts")) {
		struct opt_parser op;

		if (opt_parser__init(&op, log_prefix, c->opts))
			return EXIT_FAIL;
		opt_parser__list(&op, stdout);
		opt_parser__release(&op);
		status = EXIT_OK;
	} else {
		status = c->fn(argc, argv, c);
	}
	/* A failed command has said what went wrong, stdout included. */
	if ((fflush(stdout) || ferror(stdout)) && status == EXIT_OK) {
		pr_err("cannot write to standard output: %s",
		       outfile__strerror(-errno));
		return EXIT_FAIL;
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct cmd *c;
	size_t i;
	int a;

	outfile__guard_stdio();
	base = base ? base + 1 : argv[0];
	/* A child of `unwind-test` running a built-in workload. */
	if (argc >= 3 && !strcmp(argv[1], SELFTEST_WL_OPTION)) {
		selftest_wl_fn wl = selftest_wl__find(argv[2]);

		if (!wl) {
			pr_err("unknown workload '%s'", argv[2]);
			return EXIT_USAGE;
		}
		return wl(argc - 2, argv + 2);
	}
	/* ebprof-static is `make static`'s name for the whole binary. */
	if (!strncmp(base, "ebprof-", 7) && strcmp(base, "ebprof-static")) {
		c = cmd_find(base + 7);
		if (!c) {
			pr_err("unknown command '%s' (see 'ebprof --help')",
			       base + 7);
			return EXIT_USAGE;
		}
		return run_cmd(c, argc, argv);
	}
	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "-v") || !strcmp(o, "--verbose")) {
			log_verbosity++;
		} else if (!strncmp(o, "-v", 2) && strspn(o + 1, "v") ==
			   strlen(o + 1)) {
			log_verbosity += strlen(o + 1);
		} else if (!strcmp(o, "-q") || !strcmp(o, "--quiet")) {
			log_verbosity = -1;
		} else if (!strcmp(o, "--version")) {
			return version();
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(o, "--list-cmds")) {
			for (i = 0; i < NR_COMMANDS; i++)
				printf("%s\n", commands[i]->name);
			return EXIT_OK;
		} else {
			pr_err("unknown option '%s' (see 'ebprof --help')", o);
			return EXIT_USAGE;
		}
	}
	if (a == argc && log_verbosity > 0)
		return version();
	if (a == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c = cmd_find(argv[a]);
	if (!c) {
		pr_err("unknown command '%s' (see 'ebprof --help')", argv[a]);
		return EXIT_USAGE;
	}
	return run_cmd(c, argc - a, argv + a);
}
