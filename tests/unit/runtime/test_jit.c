// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the JIT symbol sources: the perf map and jitdump parsers
 * (whole, incremental, malformed), /proc status parsing, and the
 * per-process tables of jit_syms.c on a perf map of this very process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/jit_syms.h"
#include "runtime/jitdump.h"
#include "runtime/perf_map.h"
#include "sample/proc_status.h"
#include "unwind/fp_walk.h"
#include "test.h"

struct syms {
	int n;
	uint64_t start[16], size[16];
	char name[16][64];
};

static int add(void *ctx, uint64_t start, uint64_t size, const char *name,
	       size_t len)
{
	struct syms *s = ctx;

	if (s->n < 16) {
		s->start[s->n] = start;
		s->size[s->n] = size;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%.*s", (int)len,
			 name);
	}
	s->n++;
	return 0;
}

static void test_perf_map_line(void)
{
	uint64_t st, sz;
	const char *name;
	size_t len;
	const char *l;

	l = "7fe4b0006600 33c JS:*hotLoop /tmp/x.js:1:17";
	CHECK(!perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) &&
	      st == 0x7fe4b0006600 && sz == 0x33c && len == 26 &&
	      !strncmp(name, "JS:*hotLoop /tmp/x.js:1:17", len),
	      "perf map: V8 line (hex without 0x, name with blanks)");
	l = "0x00007f0000001000 0x0000000000000080 void Foo.bar(int)\r";
	CHECK(!perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) &&
	      st == 0x7f0000001000 && sz == 0x80 &&
	      len == strlen("void Foo.bar(int)"),
	      "perf map: HotSpot line (0x, zero padding), CR dropped");
	l = "  10\t20\tpy::f:/x.py  ";
	CHECK(!perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) &&
	      st == 0x10 && sz == 0x20 && len == 11,
	      "perf map: tabs and surrounding blanks");
	CHECK(perf_map__parse_line("10 20", 5, &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: a line without a name is skipped");
	CHECK(perf_map__parse_line("10 0 x", 6, &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: size 0 is skipped");
	CHECK(perf_map__parse_line("zz 10 x", 7, &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: not hex");
	l = "12345678901234567 10 x";
	CHECK(perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: more than 64 bits");
	l = "ffffffffffffffff 10 x";
	CHECK(perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: a range that wraps");
	l = "0x 10 x";
	CHECK(perf_map__parse_line(l, strlen(l), &st, &sz, &name, &len) ==
	      -EINVAL, "perf map: 0x without digits");
}

static void test_perf_map_parse(void)
{
	const char *buf = "1 2 a\nbad line\n3 4 b\n5 6 c";
	struct syms s = { 0 };
	size_t used;
	int err;

	used = perf_map__parse(buf, strlen(buf), 0, add, &s, &err);
	CHECK(s.n == 2 && used == strlen(buf) - 5 && !err &&
	      !strcmp(s.name[1], "b"),
	      "perf map: complete lines only, bad ones skipped");
	used = perf_map__parse(buf + used, 5, 1, add, &s, &err);
	CHECK(s.n == 3 && used == 5 && !strcmp(s.name[2], "c"),
	      "perf map: the last line at the end of the file");
}

static void test_perf_map_read(const char *dir)
{
	struct perf_map_reader rd = { 0 };
	struct syms s = { 0 };
	char path[256], *longline;
	int fd, wfd;

	snprintf(path, sizeof(path), "%s/perf-1.map", dir);
	wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	fd = open(path, O_RDONLY);
	CHECK(wfd >= 0 && fd >= 0, "perf map: test file");
	if (wfd < 0 || fd < 0)
		return;
	CHECK(write(wfd, "100 10 one\n200 10 tw", 20) == 20 &&
	      !perf_map__read(fd, &rd, 1 << 20, add, &s) && s.n == 1 &&
	      rd.off == 11, "perf map: reads up to a line being written");
	CHECK(write(wfd, "o\n", 2) == 2 &&
	      !perf_map__read(fd, &rd, 1 << 20, add, &s) && s.n == 2 &&
	      !strcmp(s.name[1], "two"), "perf map: reads what was added");
	longline = malloc(3 * 65536);
	memset(longline, 'x', 3 * 65536);
	CHECK(write(wfd, longline, 3 * 65536) == 3 * 65536 &&
	      !perf_map__read(fd, &rd, 1 << 20, add, &s) && s.n == 2,
	      "perf map: an endless line is not kept");
	free(longline);
	CHECK(write(wfd, "\n300 10 three\n", 14) == 14 &&
	      !perf_map__read(fd, &rd, 1 << 20, add, &s) && s.n == 3 &&
	      !strcmp(s.name[2], "three"),
	      "perf map: the line after an endless one is read");
	CHECK(!ftruncate(wfd, 0) &&
	      perf_map__read(fd, &rd, 1 << 20, add, &s) == -ESTALE,
	      "perf map: a rewritten file shows as stale");
	close(fd);
	close(wfd);
	unlink(path);
}

/* Appends a jitdump record to buf; returns the new length. */
static size_t rec(unsigned char *buf, size_t len, uint32_t id,
		  const void *body, size_t body_len)
{
	uint32_t total = 16 + body_len;
	uint64_t ts = 1;

	memcpy(buf + len, &id, 4);
	memcpy(buf + len + 4, &total, 4);
	memcpy(buf + len + 8, &ts, 8);
	if (body_len)
		memcpy(buf + len + 16, body, body_len);
	return len + total;
}

static size_t load_body(unsigned char *b, uint64_t addr, uint64_t size,
			const char *name, uint64_t index)
{
	uint32_t pid = 1, tid = 1;
	size_t n = strlen(name) + 1;

	memcpy(b, &pid, 4);
	memcpy(b + 4, &tid, 4);
	memcpy(b + 8, &addr, 8);
	memcpy(b + 16, &addr, 8);
	memcpy(b + 24, &size, 8);
	memcpy(b + 32, &index, 8);
	memcpy(b + 40, name, n);
	memset(b + 40 + n, 0x90, size);	/* the code */
	return 40 + n + size;
}

static int jd_load(void *ctx, uint64_t addr, uint64_t size, const char *name)
{
	return add(ctx, addr, size, name, strlen(name));
}

static int jd_move(void *ctx, uint64_t old, uint64_t new, uint64_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "move %llx", (unsigned long long)old);
	return add(ctx, new, size, name, strlen(name));
}

static void test_jitdump(const char *dir)
{
	unsigned char buf[4096], body[512];
	uint32_t hdr[10] = { JITDUMP_MAGIC, 1, 40, 62, 0, 1 };
	struct jitdump_reader rd = { 0 };
	struct jitdump_header h;
	struct syms s = { 0 };
	size_t len = 40, cut;
	char path[256];
	uint64_t mv[6] = { 0 };
	int fd, wfd;

	memcpy(buf, hdr, 40);
	len = rec(buf, len, JITDUMP_CODE_LOAD, body,
		  load_body(body, 0x1000, 0x40, "Function:foo", 0));
	{
		uint64_t dbg[2] = { 0x2000, 1 };

		memcpy(body, dbg, 16);
		memset(body + 16, 0, 16);
		memcpy(body + 32, "a.js", 5);
		len = rec(buf, len, JITDUMP_CODE_DEBUG_INFO, body, 37);
	}
	len = rec(buf, len, JITDUMP_CODE_LOAD, body,
		  load_body(body, 0x2000, 0x20, "Function:bar", 1));
	cut = len - 10;		/* in the code of the second load */
	mv[0] = 1;
	mv[1] = 0x1000;		/* vma */
	mv[2] = 0x1000;		/* old */
	mv[3] = 0x3000;		/* new */
	mv[4] = 0x40;
	len = rec(buf, len, JITDUMP_CODE_MOVE, mv, 48);
	len = rec(buf, len, JITDUMP_CODE_CLOSE, NULL, 0);

	CHECK(!jitdump__parse_header(buf, 40, &h) && !h.swapped &&
	      h.pid == 1, "jitdump: header");
	hdr[0] = __builtin_bswap32(JITDUMP_MAGIC);
	hdr[2] = __builtin_bswap32(40);
	hdr[1] = __builtin_bswap32(1);
	CHECK(!jitdump__parse_header(hdr, 40, &h) && h.swapped &&
	      h.total_size == 40, "jitdump: byte-swapped header");
	CHECK(jitdump__parse_header("JITD", 4, &h) == -EINVAL,
	      "jitdump: short header refused");

	snprintf(path, sizeof(path), "%s/jit-1.dump", dir);
	wfd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	fd = open(path, O_RDONLY);
	if (wfd < 0 || fd < 0)
		return;
	CHECK(write(wfd, buf, cut) == (ssize_t)cut &&
	      !jitdump__read(fd, &rd, 100, jd_load, jd_move, &s) && s.n == 1 &&
	      s.start[0] == 0x1000 && !strcmp(s.name[0], "Function:foo"),
	      "jitdump: complete records only");
	CHECK(write(wfd, buf + cut, len - cut) == (ssize_t)(len - cut) &&
	      !jitdump__read(fd, &rd, 100, jd_load, jd_move, &s) && s.n == 3 &&
	      !strcmp(s.name[1], "Function:bar") && s.start[2] == 0x3000 &&
	      rd.closed, "jitdump: the rest, a move, the close");
	close(fd);
	close(wfd);
	unlink(path);

	/* A record claiming more than the file, a name without its end. */
	len = 40;
	memcpy(buf, hdr, 40);
	hdr[0] = JITDUMP_MAGIC;
	hdr[1] = 1;
	hdr[2] = 40;
	memcpy(buf, hdr, 40);
	memset(body, 'A', 60);
	len = rec(buf, len, JITDUMP_CODE_LOAD, body, 60);
	{
		struct jitdump_record r;

		CHECK(jitdump__parse_record(buf + 40, len - 40, 0, &r) ==
		      -EINVAL, "jitdump: a name that does not end is refused");
		CHECK(jitdump__parse_record(buf + 40, 30, 0, &r) == -EAGAIN,
		      "jitdump: a cut record asks for more");
	}
}

static void test_proc_status(void)
{
	struct proc_status st;
	const char *t = "Name:\tnode\nNSpid:\t4321\t7\nUid:\t0\t1000\t0\t0\n"
			"Gid:\t0\t100\t0\t0\nSigIgn:\t0000000000001000\n"
			"SigCgt:\t0000000000000004\n";

	CHECK(!proc_status__parse(t, 4321, &st) && st.nspid == 7 &&
	      st.euid == 1000 && st.egid == 100 && st.sig_caught == 4 &&
	      st.sig_ignored == 0x1000,
	      "proc status: namespace pid, effective ids, signal masks");
	CHECK(!proc_status__read(getpid(), &st) && st.nspid > 0 &&
	      st.tgid == getpid(),
	      "proc status: our own");
	CHECK(!proc_status__parse("Name:\tx\nTgid:\t77\nUid:\t0\t0\n"
				  "Gid:\t0\t0\n", 78, &st) && st.tgid == 77 &&
	      !proc_status__parse("Uid:\t0\t0\nGid:\t0\t0\n", 78, &st) &&
	      st.tgid == 78,
	      "proc status: thread group, else the pid");
	{
		char comm[16], state = 0;
		unsigned long flags = ~0UL;

		CHECK(!proc_status__stat(getpid(), comm, sizeof(comm), &state,
					 &flags) && state == 'R' &&
		      !strcmp(comm, "test_jit") && !(flags & 0x00200000),
		      "proc stat: our name, running, not a kernel thread");
		CHECK(!proc_status__stat(2, comm, sizeof(comm), &state,
					 &flags) && (flags & 0x00200000) &&
		      !strcmp(comm, "kthreadd"),
		      "proc stat: kthreadd is a kernel thread");
		CHECK(proc_status__stat(0x7ffffff0, comm, sizeof(comm), &state,
					&flags) == -ESRCH,
		      "proc stat: a task that is gone");
	}
}

static void test_jit_syms(void)
{
	struct jit_syms *js = jit_syms__new();
	const char *name, *source;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", getpid());
	f = fopen(path, "w");
	if (!js || !f)
		return;
	fprintf(f, "1000 100 old\n2000 10 b\n1000 100 new\n");
	fflush(f);
	CHECK(jit_syms__lookup(js, getpid(), 0x1000, &name, &source) == -1,
	      "jit syms: no source before the first sample");
	jit_syms__set_jvm_attach(js, false);
	jit_syms__touch(js, getpid());
	CHECK(jit_syms__lookup(js, getpid(), 0x1050, &name, &source) == 1 &&
	      !strcmp(name, "new") && !strcmp(source, path),
	      "jit syms: the newest entry over an address wins");
	CHECK(jit_syms__lookup(js, getpid(), 0x1100, &name, &source) == 0 &&
	      !name, "jit syms: an address past every entry has no name");
	fprintf(f, "3000 10 late;name\n");
	fclose(f);
	/* The process is alive and the file is kept open: read again. */
	jit_syms__touch(js, getpid());
	jit_syms__refresh(js);
	CHECK(jit_syms__lookup(js, getpid(), 0x3004, &name, &source) == 1 &&
	      !strcmp(name, "late:name"),
	      "jit syms: entries added later are read; no ';' in names");
	unlink(path);
	jit_syms__touch(js, getpid());
	jit_syms__refresh(js);
	CHECK(jit_syms__lookup(js, getpid(), 0x2000, &name, &source) == 1,
	      "jit syms: what was read stays when the file goes");
	jit_syms__forget(js, getpid());
	CHECK(jit_syms__lookup(js, getpid(), 0x2000, &name, &source) == -1,
	      "jit syms: a forgotten process");
	jit_syms__free(js);
}

static void test_fp_walk(void)
{
	/* Stack copied at 0x1000: frames at 0x1010 -> 0x1030 -> 0x1050. */
	uint64_t st[16] = { 0 }, ips[8];
	int n;

	st[2] = 0x1030;	st[3] = 0xaaa;	/* bp 0x1010: next bp, return */
	st[6] = 0x1050;	st[7] = 0xbbb;
	st[10] = 0x1040; st[11] = 0xccc;	/* goes down: the last */
	n = fp_walk__stack(0x999, 0x1000, 0x1010, (const uint8_t *)st,
			   sizeof(st), ips, 8);
	CHECK(n == 4 && ips[0] == 0x999 && ips[1] == 0xaaa && ips[2] == 0xbbb &&
	      ips[3] == 0xccc, "fp walk: the chain until it stops going up");
	n = fp_walk__stack(0x999, 0x1000, 0x1078, (const uint8_t *)st,
			   sizeof(st), ips, 8);
	CHECK(n == 1, "fp walk: a frame pointer out of the copy ends the walk");
	n = fp_walk__stack(0x999, 0x1000, 0x1010, (const uint8_t *)st,
			   sizeof(st), ips, 2);
	CHECK(n == 2, "fp walk: bounded by the room given");
}

int main(void)
{
	char dir[] = "/tmp/ebprof-test-jit-XXXXXX";

	if (!mkdtemp(dir))
		return 1;
	test_perf_map_line();
	test_perf_map_parse();
	test_perf_map_read(dir);
	test_jitdump(dir);
	test_proc_status();
	test_jit_syms();
	test_fp_walk();
	rmdir(dir);
	return test_status();
}
