// SPDX-License-Identifier: GPL-2.0
/*
 * Test workload: a burst of short-lived processes.  "shortlived N MS"
 * forks N children one after the other; each execs this binary again as
 * "shortlived --child MS", which burns CPU in short_child_work for MS
 * milliseconds and exits.  The parent mostly waits.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "burn.h"

__attribute__((noinline)) void short_child_work(double ms)
{
	double until = wl_now() + ms / 1000;

	while (wl_now() < until)
		burn(1);
}

int main(int argc, char **argv)
{
	char ms[32], self[4096];
	ssize_t len;
	int i, n;

	if (argc == 3 && !strcmp(argv[1], "--child")) {
		short_child_work(atof(argv[2]));
		return 0;
	}
	/* Exec by real path: the children's comm is then our name. */
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 1;
	self[len] = '\0';
	n = argc > 1 ? atoi(argv[1]) : 20;
	snprintf(ms, sizeof(ms), "%s", argc > 2 ? argv[2] : "30");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl(self, self, "--child", ms,
			      (char *)NULL);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}
