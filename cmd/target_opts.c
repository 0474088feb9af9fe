// SPDX-License-Identifier: GPL-2.0
/* The sampling commands' target options and stop signals; see target_opts.h. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "target_opts.h"
#include "lib/log.h"

volatile sig_atomic_t target_stop_signal;

int target_opts__parse(struct target_opts *t, int c, const char *arg)
{
	switch (c) {
	case 'p':
		if (opt_parse_ids(arg, &t->pids, &t->nr_pids))
			return -EINVAL;
		return 1;
	case 't':
		if (opt_parse_ids(arg, &t->tids, &t->nr_tids))
			return -EINVAL;
		return 1;
	case 'a':
		t->all = true;
		return 1;
	case TARGET_OPT_CGROUP:
		t->cgroup_path = arg;
		return 1;
	case TARGET_OPT_CONTAINER: {
		const char **n = realloc(t->containers,
					 (t->nr_containers + 1) * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->containers = n;
		n[t->nr_containers++] = arg;
		return 1;
	}
	}
	return 0;
}

int target_opts__finish(struct target_opts *t, int argc, char **argv,
			const char *cmd)
{
	int n;

	if (optind < argc)
		t->command = argv + optind;
	n = !!t->nr_pids + !!t->nr_tids + t->all + !!t->cgroup_path +
	    !!t->command + !!t->nr_containers;
	if (n > 1) {
		usage_error(cmd, "give one target: -p, -t, -a, "
			    "--cgroup, --container or a command");
		return -1;
	}
	return n;
}

int target_opts__open_cgroup(struct target_opts *t)
{
	char why[512];

	if (!t->cgroup_path)
		return 0;
	t->cgroup_fd = session__open_cgroup(t->cgroup_path, why, sizeof(why));
	if (t->cgroup_fd < 0) {
		pr_err("%s", why);
		return -1;
	}
	return 0;
}

int target_opts__origins(struct target_opts *t, bool debug)
{
	struct session_origins *o = &t->origins;
	char why[512];
	int err = session__origins_new(o, t->containers, t->nr_containers,
				       why, sizeof(why));

	if (debug && o->cg_err)
		pr_debug(1, "no cgroup v2 hierarchy (%s): containers from "
			 "v1 paths only", strerror(-o->cg_err));
	if (debug && !o->dk)
		pr_debug(1, "DOCKER_HOST: %s: no container names",
			 strerror(o->dk_errno));
	if (err) {
		pr_err("%s", why);
		return -1;
	}
	if (debug && o->cgroup[0])
		pr_debug(1, "container cgroup %s%s", o->cgroup,
			 o->cgroup_fd < 0 ? " (cannot open)" : "");
	return 0;
}

void target_opts__session(const struct target_opts *t, struct session_opts *o)
{
	o->pids = t->pids;
	o->nr_pids = t->nr_pids;
	o->tids = t->tids;
	o->nr_tids = t->nr_tids;
	o->command = t->command;
	o->cgroup_fd = t->cgroup_fd >= 0 ? t->cgroup_fd :
		       t->origins.cgroup_fd;
	o->origins = t->origins.o;
}

void target_opts__release(struct target_opts *t)
{
	session__origins_free(&t->origins);
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	t->cgroup_fd = -1;
	free(t->containers);
	free(t->pids);
	free(t->tids);
}

static void on_signal(int sig)
{
	target_stop_signal = sig;
}

void target_stop__catch(void)
{
	struct sigaction sa = { .sa_handler = on_signal }, old_hup;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (sigaction(SIGHUP, NULL, &old_hup) || old_hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
}
