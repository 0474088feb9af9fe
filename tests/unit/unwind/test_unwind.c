// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of common/unwind/unwind.c and common/unwind/leaf_fixup.c without BPF:
 *  - a stack snapshot of this very process (registers + stack bytes +
 *    mappings from /proc/self/maps), unwound remotely and compared with
 *    the return addresses the functions recorded themselves, built
 *    without frame pointers;
 *  - a snapshot cut short (stack copy too short) and an empty one;
 *  - the leaf fix-up on hand-assembled x86-64 code: function entry,
 *    a frameless leaf with a stack frame, a syscall wrapper, an epilogue,
 *    a frame already set up (nothing to fix), a candidate that does not
 *    follow a call (rejected);
 *  - the file audit on the ELF corpus, hostile files included.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unwind/leaf_fixup.h"
#include "unwind/unwind.h"
#include "test.h"

/* ---- mappings of this process, for the unwinder's lookup ---- */

#define MAX_MAPS 256

static struct pm_map maps[MAX_MAPS];
static struct pm_module mods[MAX_MAPS];
static int nr_maps;
static uint64_t stack_end;	/* of [stack]: a copy must stop there */

static void load_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];

	while (f && fgets(line, sizeof(line), f) && nr_maps < MAX_MAPS) {
		uint64_t start, end, pgoff, dev, ino;
		const char *path;
		char perms[5];
		struct pm_module *m = &mods[nr_maps];

		line[strcspn(line, "\n")] = '\0';
		if (proc_maps__parse_line(line, &start, &end, perms, &pgoff,
					  &dev, &ino, &path))
			continue;
		if (path && !strcmp(path, "[stack]"))
			stack_end = end;
		if (perms[2] != 'x' || !path)
			continue;
		m->path = strdup(path);
		m->special = path[0] != '/';
		m->fd = m->special ? -1 : open(path, O_RDONLY | O_CLOEXEC);
		m->id = nr_maps + 1;
		maps[nr_maps] = (struct pm_map){ start, end, pgoff, 0,
						 UINT64_MAX, m };
		nr_maps++;
	}
	if (f)
		fclose(f);
}

static const struct pm_map *lookup(void *ctx, pid_t pid, uint64_t addr,
				   uint64_t ts)
{
	int i;

	for (i = 0; i < nr_maps; i++)
		if (addr >= maps[i].start && addr < maps[i].end)
			return &maps[i];
	return NULL;
}

/* ---- a snapshot of our own stack ---- */

struct snapshot {
	uint64_t regs[SREG_NR];
	uint8_t stack[16384];
	size_t size;
	uint64_t ret[3];	/* return addresses, innermost first */
};

static struct snapshot snap;
static volatile int sink;

/*
 * Captures the callee-saved registers, sp and ip here, and copies the
 * stack above sp.  The copy happens in this frame: what it overwrites is
 * below sp.
 */
__attribute__((noinline, optimize("omit-frame-pointer")))
static void take_snapshot(void)
{
	uint64_t *r = snap.regs;
	uint64_t sp;

	__asm__ volatile(
		"movq %%rbx, 24(%0)\n\t"
		"movq %%rbp, 48(%0)\n\t"
		"movq %%r12, 96(%0)\n\t"
		"movq %%r13, 104(%0)\n\t"
		"movq %%r14, 112(%0)\n\t"
		"movq %%r15, 120(%0)\n\t"
		"leaq 0(%%rip), %%rax\n\t"
		"movq %%rax, 128(%0)\n\t"
		"movq %%rsp, %%rax\n\t"
		"movq %%rax, 56(%0)\n\t"
		: : "r"(r) : "rax", "memory");
	sp = r[SREG_SP];
	snap.size = sizeof(snap.stack);
	if (stack_end > sp && stack_end - sp < snap.size)
		snap.size = stack_end - sp;
	memcpy(snap.stack, (void *)sp, snap.size);
	snap.ret[0] = (uint64_t)__builtin_return_address(0);
}

__attribute__((noinline, optimize("omit-frame-pointer")))
static void level2(int n)
{
	volatile char pad[64];

	pad[n & 63] = 1;
	take_snapshot();
	snap.ret[1] = (uint64_t)__builtin_return_address(0);
	sink += pad[1];
}

__attribute__((noinline, optimize("omit-frame-pointer")))
static void level1(int n)
{
	volatile char pad[200];

	pad[n % 200] = 2;
	level2(n + 1);
	snap.ret[2] = (uint64_t)__builtin_return_address(0);
	sink += pad[2];
}

static void test_self_snapshot(void)
{
	struct unwinder *u = unwinder__new(lookup, NULL);
	static uint64_t ips[UNWIND_MAX_FRAMES];
	static const struct pm_map *mp[UNWIND_MAX_FRAMES];
	struct unwind_result res;
	int err;

	level1(5);
	CHECK(u != NULL, "unwinder__new");
	if (!u)
		return;
	/* Unwound from the copy only, as for a process that may be gone. */
	err = unwinder__unwind(u, getpid(), 0, snap.regs, NULL, snap.stack,
			       snap.size, ips, mp, UNWIND_MAX_FRAMES, &res);
	CHECK(err == 0, "snapshot: unwinder__unwind returns 0");
	CHECK(res.nr >= 4, "snapshot: at least 4 frames (got %d)", res.nr);
	CHECK(res.nr >= 4 && ips[1] == snap.ret[0] && ips[2] == snap.ret[1] &&
	      ips[3] == snap.ret[2],
	      "snapshot: frames 1-3 are the recorded return addresses "
	      "(frame-pointer-less code)");
	CHECK(res.nr >= 1 && mp[0] && mp[0]->mod->path &&
	      strstr(mp[0]->mod->path, "test_unwind"),
	      "snapshot: the leaf's mapping is this test binary");
	CHECK(res.stop == UNWIND_END && res.nr >= 7,
	      "snapshot: complete through main and libc to _start (%s, %d "
	      "frames)", unwind_stop__name(res.stop), res.nr);
	CHECK(res.fp_frames == 0, "snapshot: no frame-pointer fallback needed");

	/* A copy that holds only the leaf's frame: short, counted so. */
	err = unwinder__unwind(u, getpid(), 0, snap.regs, NULL, snap.stack, 16,
			       ips, NULL, UNWIND_MAX_FRAMES, &res);
	CHECK(err == 0 && res.stop == UNWIND_STACK_SHORT && res.nr >= 1,
	      "short copy: stops as 'stack copy too short' (%s, %d frames)",
	      unwind_stop__name(res.stop), res.nr);

	/* The caller's max is honoured. */
	err = unwinder__unwind(u, getpid(), 0, snap.regs, NULL, snap.stack,
			       snap.size, ips, NULL, 2, &res);
	CHECK(err == 0 && res.nr == 2 && res.stop == UNWIND_MAX_DEPTH,
	      "max frames: 2 frames, stop 'too deep'");

	/* No registers: nothing to start from. */
	{
		uint64_t zero[SREG_NR] = { 0 };

		err = unwinder__unwind(u, getpid(), 0, zero, NULL, NULL, 0, ips,
				       NULL,
				       UNWIND_MAX_FRAMES, &res);
		CHECK(err == 0 && res.nr == 0 && res.stop == UNWIND_NO_STACK,
		      "no registers: 0 frames, 'no user registers or stack'");
	}

	/* An IP in no mapping: no unwind info, one frame. */
	{
		uint64_t regs[SREG_NR];

		memcpy(regs, snap.regs, sizeof(regs));
		regs[SREG_IP] = 0x10;
		regs[SREG_BP] = 0;
		err = unwinder__unwind(u, getpid(), 0, regs, NULL, snap.stack,
				       snap.size, ips, NULL, UNWIND_MAX_FRAMES,
				       &res);
		CHECK(err == 0 && res.nr == 1 && res.stop != UNWIND_END,
		      "unmapped IP: one frame, incomplete (%s)",
		      unwind_stop__name(res.stop));
	}
	unwinder__free(u);
}

/* ---- leaf fix-up on hand-made code ---- */

struct fake_mem {
	uint64_t base;
	const uint8_t *code;
	size_t len;
	uint64_t call_end;	/* an address right after a 5-byte call */
};

static const uint8_t call_site[8] = {
	0x90, 0x90, 0x90, 0xe8, 0x10, 0x00, 0x00, 0x00,	/* call +0x10 */
};

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_mem *m = ctx;
	uint8_t pad[512];

	if (addr + len == m->call_end) {
		memcpy(buf, call_site + 8 - len, len);
		return 0;
	}
	if (addr < m->base || addr - m->base >= m->len)
		return -1;
	memset(pad, 0xcc, sizeof(pad));		/* int3 after the code */
	memcpy(pad, m->code, m->len);
	if (addr - m->base + len > sizeof(pad))
		return -1;
	memcpy(buf, pad + (addr - m->base), len);
	return 0;
}

static void test_leaf_fixup(void)
{
	struct leaf_fixup *lf = leaf_fixup__new();
	const uint64_t base = 0x401000, sp = 0x7ffd0000, ret = 0x402005;
	uint64_t words[SAMPLE_LEAF_WORDS] = { 0 };
	struct fake_mem m = { base, NULL, 0, ret };
	/* push %rbp; mov %rsp,%rbp; call x; pop %rbp; ret */
	static const uint8_t framed[] = {
		0x55, 0x48, 0x89, 0xe5, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x5d,
		0xc3,
	};
	/* sub $0x18,%rsp; mov %rdi,(%rsp); add $0x18,%rsp; ret */
	static const uint8_t frameless[] = {
		0x48, 0x83, 0xec, 0x18, 0x48, 0x89, 0x3c, 0x24, 0x48, 0x83,
		0xc4, 0x18, 0xc3,
	};
	/* syscall; cmp $-4095,%rax; jae +1; ret; hlt */
	static const uint8_t wrapper[] = {
		0x0f, 0x05, 0x48, 0x3d, 0x01, 0xf0, 0xff, 0xff, 0x73, 0x01,
		0xc3, 0xf4,
	};
	/* push %rbp; mov %rsp,%rbp; leave; ret */
	static const uint8_t leave[] = { 0x55, 0x48, 0x89, 0xe5, 0xc9, 0xc3 };
	uint64_t got;

	CHECK(lf != NULL, "leaf_fixup__new");
	if (!lf)
		return;

	m.code = framed;
	m.len = sizeof(framed);
	words[0] = ret;
	got = leaf_fixup__caller(lf, base, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == ret, "leaf fix-up: at push %%rbp the caller is at [sp]");

	words[0] = 0;
	words[1] = ret;
	got = leaf_fixup__caller(lf, base + 1, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == ret, "leaf fix-up: after push %%rbp it is at [sp+8]");

	/* Frame set up: %rbp = sp, saved %rbp at [sp], return at [sp+8]. */
	got = leaf_fixup__caller(lf, base + 9, sp, sp, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == 0, "leaf fix-up: frame set up, nothing missing");

	got = leaf_fixup__caller(lf, base + 4, sp, sp, words,
				 SAMPLE_LEAF_WORDS, ret, fake_read, &m);
	CHECK(got == 0, "leaf fix-up: the walk already has the caller");

	m.code = leave;
	m.len = sizeof(leave);
	memset(words, 0, sizeof(words));
	words[3] = ret;		/* %rbp = sp + 16: saved rbp, then return */
	got = leaf_fixup__caller(lf, base + 4, sp, sp + 16, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == 0, "leaf fix-up: leave with the frame set up: nothing");

	m.code = frameless;
	m.len = sizeof(frameless);
	memset(words, 0, sizeof(words));
	words[3] = ret;
	got = leaf_fixup__caller(lf, base + 4, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == ret, "leaf fix-up: frameless leaf, return at [sp+0x18]");

	words[3] = ret + 1;	/* not right after a call */
	got = leaf_fixup__caller(lf, base + 4, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == 0, "leaf fix-up: a word not after a call is rejected");

	m.code = wrapper;
	m.len = sizeof(wrapper);
	memset(words, 0, sizeof(words));
	words[0] = ret;
	got = leaf_fixup__caller(lf, base + 2, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == ret, "leaf fix-up: syscall wrapper, caller at [sp]");

	got = leaf_fixup__caller(lf, 0x900000, sp, 0x7ffd0100, words,
				 SAMPLE_LEAF_WORDS, 0x403000, fake_read, &m);
	CHECK(got == 0, "leaf fix-up: unreadable code, no guess");

	CHECK(leaf_fixup__fp_prologue(lf, framed, sizeof(framed), base) &&
	      !leaf_fixup__fp_prologue(lf, frameless, sizeof(frameless), base),
	      "fp prologue detection");
	leaf_fixup__free(lf);
}

/* ---- the audit on the ELF corpus ---- */

static void test_file_info(void)
{
	const char *dir = getenv("ROOT") ? getenv("ROOT") : ".";
	char path[4096];
	struct unwind_file_info info;
	struct dirent *de;
	DIR *d;
	int n = 0, fd;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/elf", dir);
	d = opendir(path);
	if (!d) {
		SKIP("no ELF corpus", "unwind__file_info on the ELF corpus");
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/elf/%s", dir,
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		unwind__file_info(fd, &info);	/* must not crash */
		close(fd);
		n++;
	}
	closedir(d);
	CHECK(n > 0, "unwind__file_info survives the ELF corpus (%d files)", n);

	fd = open("/proc/self/exe", O_RDONLY);
	CHECK(fd >= 0 && !unwind__file_info(fd, &info) && info.eh_frame &&
	      info.eh_frame_hdr && info.fde_count > 10 && info.executable,
	      "unwind__file_info: this binary has .eh_frame and its table");
	if (fd >= 0)
		close(fd);
	fd = open("/proc/self/maps", O_RDONLY);
	CHECK(fd >= 0 && unwind__file_info(fd, &info) < 0,
	      "unwind__file_info: not an ELF file is an error");
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	load_maps();
	test_self_snapshot();
	test_leaf_fixup();
	test_file_info();
	return test_status();
}
