// SPDX-License-Identifier: GPL-2.0
/*
 * unwind_capture: takes one stack snapshot (common/unwind/unwind_snapshot.h) of
 * a program at a point it names, for the unwinder's fixtures
 * (tests/fixtures/unwind/regen.sh).  Independent of BPF: the program runs
 * under ptrace, and what a DWARF-mode sample would carry -- the user
 * registers, the red zone, the stack from rsp up -- is read at that point.
 *
 *   unwind_capture [-s SIZE] [-n NAME] -o OUT PROGRAM CASE
 *
 * PROGRAM runs as `./PROGRAM CASE` in its own directory, with an empty
 * environment and address randomization off (the snapshot holds the top
 * of the stack: it must not carry the caller's environment).  It writes
 * to stdout an `expect` line (its chain, from its own knowledge) and
 * optionally an `at` line, then executes an int3 (see workload.c):
 *   at ADDR steps N   breakpoint at ADDR, then N single steps
 *   at ADDR ret       breakpoint at ADDR, then single steps to the ret
 *                     that returns from there (rsp back at its entry value)
 *   at ADDR up N      ... to the first instruction after rsp rose back to
 *                     N bytes below its entry value (inside an epilogue)
 * and without `at`, the snapshot is taken at its next int3.  Mappings of
 * files in OUT's directory are recorded (by file name and build id); other
 * mappings are left out, so a frame there would not unwind.  SIZE (default
 * 65536) bounds the stack bytes copied, which stop at the stack's end.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "format/outfile.h"
#include "symbol/elf_syms.h"
#include "unwind/unwind_snapshot.h"

#define MAX_STEPS 10000000L

static pid_t child = -1;

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("unwind_capture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: unwind_capture [-s SIZE] [-n NAME] -o OUT "
		"PROGRAM CASE\n");
	exit(2);
}

/* Waits for the next stop of the child; it must be a SIGTRAP. */
static void wait_trap(const char *what)
{
	int st;

	if (waitpid(child, &st, 0) != child)
		die("waitpid: %s", strerror(errno));
	if (WIFEXITED(st)) {
		child = -1;
		die("program exited with %d %s", WEXITSTATUS(st), what);
	}
	if (WIFSIGNALED(st)) {
		child = -1;
		die("program killed by signal %d %s", WTERMSIG(st), what);
	}
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
		die("program stopped by signal %d %s", WSTOPSIG(st), what);
}

static void get_regs(struct user_regs_struct *r)
{
	if (ptrace(PTRACE_GETREGS, child, NULL, r))
		die("PTRACE_GETREGS: %s", strerror(errno));
}

static void step(void)
{
	if (ptrace(PTRACE_SINGLESTEP, child, NULL, NULL))
		die("PTRACE_SINGLESTEP: %s", strerror(errno));
	wait_trap("while single-stepping");
}

static uint8_t code_byte(uint64_t addr)
{
	long w;

	errno = 0;
	w = ptrace(PTRACE_PEEKTEXT, child, (void *)addr, NULL);
	if (errno)
		die("cannot read code at %#llx: %s", (unsigned long long)addr,
		    strerror(errno));
	return (uint8_t)w;
}

/* ret, or rep ret */
static bool at_ret(uint64_t ip)
{
	uint8_t b = code_byte(ip);

	return b == 0xc3 || (b == 0xf3 && code_byte(ip + 1) == 0xc3);
}

/* Runs to ADDR through a breakpoint, then as @how says. */
static void run_to(uint64_t addr, const char *how, long n)
{
	struct user_regs_struct r;
	uint64_t entry_sp, prev_sp;
	long word, i;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, child, (void *)addr, NULL);
	if (errno)
		die("cannot read code at %#llx: %s", (unsigned long long)addr,
		    strerror(errno));
	if (ptrace(PTRACE_POKETEXT, child, (void *)addr,
		   (void *)((word & ~0xffL) | 0xcc)))
		die("cannot set a breakpoint: %s", strerror(errno));
	if (ptrace(PTRACE_CONT, child, NULL, NULL))
		die("PTRACE_CONT: %s", strerror(errno));
	wait_trap("before the breakpoint");
	get_regs(&r);
	if (r.rip - 1 != addr)
		die("stopped at %#llx, not at the breakpoint",
		    (unsigned long long)r.rip);
	if (ptrace(PTRACE_POKETEXT, child, (void *)addr, (void *)word))
		die("cannot clear the breakpoint: %s", strerror(errno));
	r.rip = addr;
	if (ptrace(PTRACE_SETREGS, child, NULL, &r))
		die("PTRACE_SETREGS: %s", strerror(errno));
	entry_sp = prev_sp = r.rsp;
	if (!strcmp(how, "steps")) {
		for (i = 0; i < n; i++)
			step();
		return;
	}
	for (i = 0; i < MAX_STEPS; i++) {
		get_regs(&r);
		if (!strcmp(how, "ret") && r.rsp == entry_sp && i &&
		    at_ret(r.rip))
			return;
		if (!strcmp(how, "up") && r.rsp == entry_sp - n &&
		    prev_sp < r.rsp)
			return;
		prev_sp = r.rsp;
		step();
	}
	die("no '%s' point within %ld steps", how, MAX_STEPS);
}

/*
 * The kernel's 16 random bytes for the program (AT_RANDOM) are on the
 * stack the snapshot copies; fixed, they make regen.sh reproducible.  The
 * workload uses no stack protector or anything else that reads them.
 */
static void fix_at_random(void)
{
	uint64_t av[2];
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open '%s': %s", path, strerror(errno));
	while (read(fd, av, sizeof(av)) == sizeof(av) && av[0] != AT_NULL) {
		if (av[0] != AT_RANDOM)
			continue;
		if (ptrace(PTRACE_POKEDATA, child, (void *)av[1], NULL) ||
		    ptrace(PTRACE_POKEDATA, child, (void *)(av[1] + 8), NULL))
			die("cannot write AT_RANDOM: %s", strerror(errno));
		break;
	}
	close(fd);
}

static void regs_to_sreg(const struct user_regs_struct *r, uint64_t *s)
{
	s[SREG_AX] = r->rax;
	s[SREG_DX] = r->rdx;
	s[SREG_CX] = r->rcx;
	s[SREG_BX] = r->rbx;
	s[SREG_SI] = r->rsi;
	s[SREG_DI] = r->rdi;
	s[SREG_BP] = r->rbp;
	s[SREG_SP] = r->rsp;
	s[SREG_R8] = r->r8;
	s[SREG_R9] = r->r9;
	s[SREG_R10] = r->r10;
	s[SREG_R11] = r->r11;
	s[SREG_R12] = r->r12;
	s[SREG_R13] = r->r13;
	s[SREG_R14] = r->r14;
	s[SREG_R15] = r->r15;
	s[SREG_IP] = r->rip;
}

/*
 * The executable mappings of files in @dir (a real path) and the end of
 * the mapping holding @sp.
 */
static void read_maps(struct unwind_snapshot *s, const char *dir,
		      uint64_t sp, uint64_t *stack_end)
{
	char path[64], line[4096], real[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", child);
	f = fopen(path, "re");
	if (!f)
		die("cannot open '%s': %s", path, strerror(errno));
	s->maps = calloc(USNAP_MAX_MAPS, sizeof(*s->maps));
	if (!s->maps)
		die("out of memory");
	*stack_end = 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, pgoff, dev, ino;
		const char *p, *slash;
		struct usnap_map *m;
		struct elf_syms *es;
		char perms[5];

		line[strcspn(line, "\n")] = '\0';
		if (proc_maps__parse_line(line, &start, &end, perms, &pgoff,
					  &dev, &ino, &p))
			continue;
		if (sp >= start && sp < end)
			*stack_end = end;
		if (perms[2] != 'x' || !p || p[0] != '/' ||
		    !realpath(p, real))
			continue;
		slash = strrchr(real, '/');
		if ((size_t)(slash - real) != strlen(dir) ||
		    strncmp(real, dir, slash - real))
			continue;
		if (s->nr_maps == USNAP_MAX_MAPS)
			die("more than %d mappings", USNAP_MAX_MAPS);
		m = &s->maps[s->nr_maps++];
		m->map.start = start;
		m->map.end = end;
		m->map.pgoff = pgoff;
		m->file = strdup(slash + 1);
		es = elf_syms__open(real, NULL, NULL);
		if (es && elf_syms__build_id(es))
			m->build_id = strdup(elf_syms__build_id(es));
		elf_syms__free(es);
	}
	fclose(f);
	if (!s->nr_maps)
		die("no executable mapping of a file in '%s'", dir);
	if (!*stack_end)
		die("no mapping holds the stack pointer");
}

static void read_mem(int fd, uint64_t addr, void *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len, (off_t)addr);

	if (n < 0 || (size_t)n != len)
		die("cannot read %zu bytes of memory at %#llx: %s", len,
		    (unsigned long long)addr, n < 0 ? strerror(errno) :
		    "short read");
}

static void take_snapshot(struct unwind_snapshot *s, const char *dir,
			  size_t size)
{
	struct user_regs_struct r;
	uint64_t stack_end;
	char path[64];
	int fd;

	get_regs(&r);
	regs_to_sreg(&r, s->regs);
	read_maps(s, dir, r.rsp, &stack_end);
	if (stack_end - r.rsp < size)
		size = stack_end - r.rsp;
	snprintf(path, sizeof(path), "/proc/%d/mem", child);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open '%s': %s", path, strerror(errno));
	s->stack = malloc(size);
	if (!s->stack)
		die("out of memory");
	s->size = size;
	read_mem(fd, r.rsp, s->stack, size);
	read_mem(fd, r.rsp - sizeof(s->redzone), s->redzone,
		 sizeof(s->redzone));
	s->has_redzone = true;
	close(fd);
}

/* The `expect` and `at` lines the program wrote before its first int3. */
static void read_message(int fd, struct unwind_snapshot *s, uint64_t *at,
			 char *how, long *n)
{
	char buf[4096], *line, *save = NULL;
	ssize_t len;

	len = read(fd, buf, sizeof(buf) - 1);
	if (len <= 0)
		die("the program wrote no 'expect' line");
	buf[len] = '\0';
	*at = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w, *ws = NULL;

		if (!strncmp(line, "expect ", 7)) {
			s->expect = calloc(UNWIND_MAX_FRAMES,
					   sizeof(*s->expect));
			if (!s->expect)
				die("out of memory");
			for (w = strtok_r(line + 7, " ", &ws); w;
			     w = strtok_r(NULL, " ", &ws)) {
				char *star = strchr(w, '*');
				long k = star ? atol(star + 1) : 1;

				if (star)
					*star = '\0';
				if (k < 1 ||
				    k > UNWIND_MAX_FRAMES - (long)s->nr_expect)
					die("bad expect line");
				while (k--)
					s->expect[s->nr_expect++] = strdup(w);
			}
		} else if (sscanf(line, "at %llx %15s %ld",
				  (unsigned long long *)at, how, n) >= 2) {
			if (strcmp(how, "steps") && strcmp(how, "ret") &&
			    strcmp(how, "up"))
				die("bad 'at' line: %s", line);
		} else {
			die("unexpected line from the program: %s", line);
		}
	}
	if (!s->nr_expect)
		die("the program wrote no 'expect' line");
}

int main(int argc, char **argv)
{
	struct unwind_snapshot *s = calloc(1, sizeof(*s));
	const char *out = NULL, *name = NULL;
	char dir[PATH_MAX], prog[PATH_MAX], how[16] = "";
	char *outdir, *slash;
	struct outfile of;
	size_t size = SAMPLER_MAX_USTACK_BYTES;
	uint64_t at;
	long n = 0;
	int c, pfd[2], ret;

	while ((c = getopt(argc, argv, "s:n:o:")) != -1) {
		switch (c) {
		case 's':
			size = strtoul(optarg, NULL, 0);
			if (size < 16 || size > SAMPLER_MAX_USTACK_BYTES)
				usage();
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	if (!out || argc - optind != 2 || !s)
		usage();
	if (!realpath(argv[optind], prog))
		die("cannot find '%s': %s", argv[optind], strerror(errno));
	outdir = strdup(out);
	slash = outdir ? strrchr(outdir, '/') : NULL;
	if (slash)
		*slash = '\0';
	if (!outdir || !realpath(slash ? outdir : ".", dir))
		die("cannot find the directory of '%s'", out);
	s->name = strdup(name ? name : argv[optind + 1]);

	if (pipe2(pfd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (!child) {
		char *const env[] = { NULL };
		char *cargv[3] = { NULL, argv[optind + 1], NULL };
		char *base = strrchr(prog, '/');
		char exe[PATH_MAX];

		*base = '\0';
		snprintf(exe, sizeof(exe), "./%s", base + 1);
		cargv[0] = exe;
		if (dup2(pfd[1], 1) < 0 || chdir(prog[0] ? prog : "/") ||
		    personality(ADDR_NO_RANDOMIZE) < 0 ||
		    ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(127);
		execve(exe, cargv, env);
		_exit(127);
	}
	close(pfd[1]);
	wait_trap("before exec");	/* the exec */
	fix_at_random();
	ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)PTRACE_O_EXITKILL);
	if (ptrace(PTRACE_CONT, child, NULL, NULL))
		die("PTRACE_CONT: %s", strerror(errno));
	wait_trap("before its first int3");
	read_message(pfd[0], s, &at, how, &n);
	if (at) {
		run_to(at, how, n);
	} else {
		if (ptrace(PTRACE_CONT, child, NULL, NULL))
			die("PTRACE_CONT: %s", strerror(errno));
		wait_trap("before the int3 of the snapshot");
	}
	take_snapshot(s, dir, size);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	child = -1;

	ret = outfile__open(&of, out);
	if (ret)
		die("cannot write '%s': %s", out, strerror(-ret));
	ret = unwind_snapshot__write(s, of.f);
	if (ret) {
		outfile__abort(&of);
		die("cannot write '%s': %s", out, strerror(-ret));
	}
	ret = outfile__commit(&of);
	if (ret)
		die("cannot write '%s': %s", out, strerror(-ret));
	fprintf(stderr, "%s: %s, %zu frames expected, %zu stack bytes\n", out,
		s->name, s->nr_expect, s->size);
	unwind_snapshot__free(s);
	free(outdir);
	return 0;
}
