// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the spool's entry reader: the input is the bytes of
 * one spool file (NNNNNNNNNNNNNNNN.spool).  The spool directory is private
 * to its user, but a crash, a full disk or an older ebprof can leave any
 * bytes there: every input must be read as a whole entry or refused
 * (-EBADMSG, the file deleted), never half-trusted.  Seeds in
 * tests/fuzz/corpus/spool/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "upload/spool.h"

static char dir[] = "/tmp/ebprof-fuzz-spool.XXXXXX";

static void cleanup(void)
{
	char path[64];

	snprintf(path, sizeof(path), "%s/.lock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/0000000000000001.spool", dir);
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct spool_item it;
	struct spool *s;
	char path[64];
	uint64_t id;
	int fd, err;

	if (!ready) {
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
		ready = true;
	}
	snprintf(path, sizeof(path), "%s/0000000000000001.spool", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
	s = spool__open(dir, 1 << 30, &err);
	if (!s)
		abort();
	err = spool__oldest(s, &it, &id);
	if (!err) {
		/* Accepted: a named series and exactly the declared body. */
		if (!it.name || !*it.name || strchr(it.name, '\n') ||
		    it.len > size || (it.len && !it.body) ||
		    (it.format != PYRO_FOLDED && it.format != PYRO_PPROF))
			abort();
		spool_item__release(&it);
		spool__remove(s, id);
	} else if (err != -EBADMSG || access(path, F_OK) == 0) {
		abort();	/* refused entries are deleted */
	}
	spool__close(s);
	return 0;
}
