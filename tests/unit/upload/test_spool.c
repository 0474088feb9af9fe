// SPDX-License-Identifier: GPL-2.0
/* The on-disk spool: order, bound (oldest dropped), persistence, damaged
 * entries, one owner at a time, and a spool that others tampered with. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "upload/spool.h"
#include "test.h"

static struct spool_item item(const char *name, char *body)
{
	struct spool_item it = {
		.name = (char *)name, .from_ns = 1700000000000000000LL,
		.until_ns = 1700000015000000000LL, .sample_rate = 99,
		.format = PYRO_FOLDED, .body = body, .len = strlen(body),
	};
	return it;
}

static int count_files(const char *dir, const char *suffix)
{
	char cmd[512];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c -- '%s$'", dir,
		 suffix);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static bool file_is(const char *path, const char *text)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n >= 0 && !strcmp(buf, text);
}

/*
 * What another user could do to a spool: make the directory first, make it
 * a link, plant a link as the lock or as the next temporary file, plant a
 * forged entry.  (As root, chown stands in for the other user; e2e tests
 * do it with a real one.)
 */
static void test_hostile(const char *top)
{
	char d[600], path[700], victim[700];
	struct spool_item it, got;
	struct spool *s;
	uint64_t id;
	int err, fd;

	snprintf(victim, sizeof(victim), "%s/victim", top);
	fd = open(victim, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "secret", 6) == 6, "hostile: victim file");
	close(fd);

	snprintf(d, sizeof(d), "%s/loose", top);
	mkdir(d, 0700);
	chmod(d, 0777);
	s = spool__open(d, 1 << 20, &err);
	CHECK(!s && err == -EACCES, "hostile: a directory others may write is "
	      "refused");
	spool__close(s);

	snprintf(d, sizeof(d), "%s/link", top);
	snprintf(path, sizeof(path), "%s/loose", top);
	CHECK(!symlink(path, d), "hostile: spool dir made a link");
	s = spool__open(d, 1 << 20, &err);
	CHECK(!s && err == -ENOTDIR, "hostile: a link as the directory is "
	      "refused");
	spool__close(s);

	if (geteuid() == 0) {
		snprintf(d, sizeof(d), "%s/theirs", top);
		mkdir(d, 0700);
		CHECK(!chown(d, 65534, 65534), "hostile: chown");
		s = spool__open(d, 1 << 20, &err);
		CHECK(!s && err == -EPERM, "hostile: another user's directory "
		      "is refused");
		spool__close(s);
	} else {
		SKIP("not root", "hostile: another user's directory");
	}

	snprintf(d, sizeof(d), "%s/locklink", top);
	mkdir(d, 0700);
	snprintf(path, sizeof(path), "%s/.lock", d);
	CHECK(!symlink(victim, path), "hostile: .lock planted as a link");
	s = spool__open(d, 1 << 20, &err);
	CHECK(!s && err == -EBADMSG && file_is(victim, "secret"),
	      "hostile: a .lock link is refused, its target untouched");
	spool__close(s);

	snprintf(d, sizeof(d), "%s/tmplink", top);
	mkdir(d, 0700);
	s = spool__open(d, 1 << 20, &err);
	CHECK(s != NULL, "hostile: open a clean spool");
	if (!s)
		return;
	snprintf(path, sizeof(path), "%s/.tmp-0000000000000001", d);
	CHECK(!symlink(victim, path), "hostile: .tmp-N planted as a link");
	it = item("app.cpu{k=v}", "a;b 1\n");
	CHECK(!spool__add(s, &it, NULL) && spool__count(s) == 1 &&
	      file_is(victim, "secret"),
	      "hostile: a planted .tmp-N link is not followed or truncated");

	/* A forged entry of another user is never read or sent. */
	snprintf(path, sizeof(path), "%s/0000000000000000.spool", d);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "ebprof-spool 1\nname forged.cpu{}\n"
			       "from 1\nuntil 2\nrate 99\nformat folded\n"
			       "length 6\n\nx;y 9\n", 86) == 86,
	      "hostile: forged entry written");
	close(fd);
	spool__close(s);
	if (geteuid() == 0 && !chown(path, 65534, 65534)) {
		s = spool__open(d, 1 << 20, &err);
		CHECK(s && spool__count(s) == 1 &&
		      !spool__oldest(s, &got, &id) &&
		      !strcmp(got.name, "app.cpu{k=v}"),
		      "hostile: another user's entry is not read");
		spool_item__release(&got);
		spool__close(s);
	}
}

int main(void)
{
	char dir[] = "/tmp/ebprof-spool-test.XXXXXX", sub[600], path[700];
	char body[1000];
	struct spool_item it, got;
	struct spool *s, *s2;
	size_t dropped;
	uint64_t id, one, two;
	int err, i, fd;

	if (!mkdtemp(dir)) {
		SKIP("mkdtemp failed", "spool");
		return 0;
	}
	snprintf(sub, sizeof(sub), "%s/a/b", dir);
	s = spool__open(sub, 1 << 20, &err);
	CHECK(s != NULL, "open creates the directory");
	if (!s)
		return test_status();
	s2 = spool__open(sub, 1 << 20, &err);
	CHECK(!s2 && err == -EBUSY, "a second owner is refused");
	spool__close(s2);

	it = item("app.cpu{k=v}", "a;b 1\n");
	CHECK(!spool__add(s, &it, &dropped) && !dropped &&
	      spool__count(s) == 1, "add");
	one = spool__bytes(s);
	it = item("app.cpu{k=w}", "a;c 2\n");
	it.format = PYRO_PPROF;
	CHECK(!spool__add(s, &it, NULL) && spool__count(s) == 2, "add second");
	two = spool__bytes(s);
	CHECK(!spool__oldest(s, &got, &id) && !strcmp(got.name, "app.cpu{k=v}") &&
	      got.len == 6 && !memcmp(got.body, "a;b 1\n", 6) &&
	      got.from_ns == 1700000000000000000LL &&
	      got.until_ns == 1700000015000000000LL &&
	      got.sample_rate == 99 && got.format == PYRO_FOLDED,
	      "oldest first, every field kept");
	spool_item__release(&got);
	CHECK(!spool__remove(s, id) && spool__count(s) == 1 &&
	      spool__bytes(s) == two - one, "remove");
	spool__close(s);

	/* Reopened: the entry is still there, numbering continues. */
	s = spool__open(sub, 1 << 20, &err);
	CHECK(s && spool__count(s) == 1, "entries survive a restart");
	if (!s)
		return test_status();
	CHECK(!spool__oldest(s, &got, &id) && got.format == PYRO_PPROF &&
	      !strcmp(got.name, "app.cpu{k=w}"), "restart keeps the entry");
	spool_item__release(&got);
	spool__remove(s, id);
	spool__close(s);

	/* Bound: room for 3 entries; adding 6 keeps the 3 newest. */
	s = spool__open(sub, 3 * one + one / 2, &err);
	for (i = 0; s && i < 6; i++) {
		char name[32];

		snprintf(name, sizeof(name), "app.cpu{k=%d}", i);
		it = item(name, "a;b 1\n");
		err = spool__add(s, &it, &dropped);
		if (err || dropped != (i >= 3 ? 1u : 0u))
			break;
	}
	CHECK(s && i == 6 && spool__count(s) == 3 &&
	      spool__bytes(s) <= 3 * one + one / 2,
	      "bound: oldest dropped one by one");
	CHECK(count_files(sub, ".spool") == 3, "dropped entries deleted");
	CHECK(s && !spool__oldest(s, &got, &id) &&
	      !strcmp(got.name, "app.cpu{k=3}"), "the newest kept");
	spool_item__release(&got);
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	it = item("big.cpu{}", body);
	CHECK(s && spool__add(s, &it, NULL) == -EFBIG && spool__count(s) == 3,
	      "an entry over the bound is refused, nothing dropped");

	/* Damaged entries: truncated, garbage, wrong length. */
	snprintf(path, sizeof(path), "%s/0000000000000001.spool", sub);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "ebprof-spool 1\nname x\nfrom 1\n", 29) == 29,
	      "damaged entry written");
	close(fd);
	snprintf(path, sizeof(path), "%s/.tmp-0000000000000099", sub);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(fd);
	spool__close(s);
	s = spool__open(sub, 1 << 20, &err);
	CHECK(s && count_files(sub, "99") == 0, "leftover temp file removed");
	CHECK(s && spool__count(s) == 4 &&
	      spool__oldest(s, &got, &id) == -EBADMSG && spool__count(s) == 3,
	      "damaged entry reported and deleted");
	CHECK(s && !spool__oldest(s, &got, &id) &&
	      !strcmp(got.name, "app.cpu{k=3}"), "next entry after the damage");
	spool_item__release(&got);
	spool__close(s);

	/* Hostile headers never crash and are refused. */
	{
		static const char *bad[] = {
			"ebprof-spool 1\nname a\nfrom 1\nuntil 2\nrate 99\n"
			"format folded\nlength 99\n\nabc",
			"ebprof-spool 1\nname a\nfrom x\nuntil 2\nrate 99\n"
			"format folded\nlength 3\n\nabc",
			"ebprof-spool 1\nname a\nfrom 1\nuntil 2\nrate 99\n"
			"format zip\nlength 3\n\nabc",
			"ebprof-spool 1\nname \nfrom 1\nuntil 2\nrate -1\n",
			"", "ebprof-spool 1\n",
		};
		int ok = 1;

		s = spool__open(sub, 1 << 20, &err);
		while (s && spool__count(s)) {
			spool__oldest(s, &got, &id);
			spool_item__release(&got);
			spool__remove(s, id);
		}
		spool__close(s);
		for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
			snprintf(path, sizeof(path), "%s/%016x.spool", sub,
				 i + 100);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (write(fd, bad[i], strlen(bad[i])) < 0)
				ok = 0;
			close(fd);
		}
		s = spool__open(sub, 1 << 20, &err);
		for (i = 0; s && i < (int)(sizeof(bad) / sizeof(bad[0])); i++)
			if (spool__oldest(s, &got, &id) != -EBADMSG)
				ok = 0;
		CHECK(ok && s && spool__count(s) == 0,
		      "hostile entries refused");
		spool__close(s);
	}
	test_hostile(dir);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		return 1;
	return test_status();
}
