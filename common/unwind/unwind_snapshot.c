// SPDX-License-Identifier: GPL-2.0
/*
 * Stack snapshots for offline unwinding tests: parser, writer, and the
 * mapping lookup the unwinder asks (see unwind_snapshot.h).  The parser
 * takes hostile input: every count is bounded, every number checked, and
 * a file cut anywhere is an error, never a shorter snapshot.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/safe_open.h"
#include "symbol/elf_syms.h"
#include "unwind/unwind_snapshot.h"

#define USNAP_MAGIC "ebprof-unwind-snapshot"
#define USNAP_MAX_NAME 255
#define USNAP_MAX_BUILD_ID 128

static const char *const reg_names[SREG_NR] = {
	"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip",
};

const char *unwind_snapshot__reg_name(int reg)
{
	return reg >= 0 && reg < SREG_NR ? reg_names[reg] : NULL;
}

void unwind_snapshot__free(struct unwind_snapshot *s)
{
	size_t i;

	if (!s)
		return;
	free(s->name);
	free(s->stack);
	for (i = 0; i < s->nr_maps; i++) {
		free(s->maps[i].file);
		free(s->maps[i].build_id);
	}
	free(s->maps);
	for (i = 0; i < s->nr_expect; i++)
		free(s->expect[i]);
	free(s->expect);
	for (i = 0; i < s->nr_mods; i++) {
		if (s->mods[i].fd >= 0)
			close(s->mods[i].fd);
		free(s->mods[i].path);
	}
	free(s->mods);
	free(s);
}

/* ---- parsing ---- */

struct parser {
	struct unwind_snapshot *s;
	size_t line;
	char *err;
	size_t errlen;
	bool header, in_stack, ended;
	size_t stack_have;
	uint32_t regs_seen;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errlen)
		snprintf(p->err, p->errlen, "line %zu: %s", p->line, msg);
	return -EINVAL;
}

/* "0x" and 1..16 hex digits, nothing else. */
static bool parse_hex(const char *t, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = 0;

	if (!t || t[0] != '0' || t[1] != 'x')
		return false;
	for (t += 2; *t; t++, n++) {
		int d;

		if (*t >= '0' && *t <= '9')
			d = *t - '0';
		else if (*t >= 'a' && *t <= 'f')
			d = *t - 'a' + 10;
		else if (*t >= 'A' && *t <= 'F')
			d = *t - 'A' + 10;
		else
			return false;
		if (n == 16)
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return n > 0;
}

static bool parse_dec(const char *t, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (!t || !*t)
		return false;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return false;
		x = x * 10 + (*t - '0');
		if (x > max)
			return false;
	}
	*v = x;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A file name of the snapshot's directory: nothing that leaves it. */
static bool file_name_ok(const char *f)
{
	size_t n = strlen(f);

	return n && n <= USNAP_MAX_NAME && f[0] != '.' && !strchr(f, '/');
}

static bool name_ok(const char *f)
{
	size_t n = strlen(f);

	return n && n <= USNAP_MAX_NAME;
}

static int parse_stack_line(struct parser *p, const char *t)
{
	struct unwind_snapshot *s = p->s;
	size_t n = strlen(t), i;

	if (n % 2)
		return bad(p, "stack: odd number of hex digits");
	if (n / 2 > s->size - p->stack_have)
		return bad(p, "stack: more than the %zu bytes claimed", s->size);
	for (i = 0; i < n; i += 2) {
		int hi = hexval(t[i]), lo = hexval(t[i + 1]);

		if (hi < 0 || lo < 0)
			return bad(p, "stack: not a hex digit");
		s->stack[p->stack_have++] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_expect(struct parser *p, char **tok, int ntok)
{
	struct unwind_snapshot *s = p->s;
	int i;

	if (s->expect)
		return bad(p, "second 'expect'");
	if (ntok < 2)
		return bad(p, "expect: no frames");
	s->expect = calloc(UNWIND_MAX_FRAMES, sizeof(*s->expect));
	if (!s->expect)
		return -ENOMEM;
	for (i = 1; i < ntok; i++) {
		char *star = strrchr(tok[i], '*');
		uint64_t n = 1, k;

		if (star) {
			*star = '\0';
			if (!parse_dec(star + 1, UNWIND_MAX_FRAMES, &n) || !n)
				return bad(p, "expect: bad repeat count '%s'",
					   star + 1);
		}
		if (!name_ok(tok[i]))
			return bad(p, "expect: bad frame name");
		if (n > UNWIND_MAX_FRAMES - s->nr_expect)
			return bad(p, "expect: more than %d frames",
				   UNWIND_MAX_FRAMES);
		for (k = 0; k < n; k++) {
			s->expect[s->nr_expect] = strdup(tok[i]);
			if (!s->expect[s->nr_expect])
				return -ENOMEM;
			s->nr_expect++;
		}
	}
	return 0;
}

static int parse_map(struct parser *p, char **tok, int ntok)
{
	struct unwind_snapshot *s = p->s;
	struct usnap_map *m;
	uint64_t start, end, pgoff;
	size_t i;

	if (ntok != 5 && ntok != 6)
		return bad(p, "map: want START END PGOFF FILE [BUILD-ID]");
	if (!parse_hex(tok[1], &start) || !parse_hex(tok[2], &end) ||
	    !parse_hex(tok[3], &pgoff) || start >= end)
		return bad(p, "map: bad address range or offset");
	if (!file_name_ok(tok[4]))
		return bad(p, "map: '%.64s' is not a plain file name", tok[4]);
	if (ntok == 6) {
		size_t n = strlen(tok[5]);

		for (i = 0; i < n; i++)
			if (hexval(tok[5][i]) < 0 ||
			    (tok[5][i] >= 'A' && tok[5][i] <= 'F'))
				break;
		if (!n || i < n || n % 2 || n > USNAP_MAX_BUILD_ID)
			return bad(p, "map: bad build id");
	}
	if (s->nr_maps == USNAP_MAX_MAPS)
		return bad(p, "more than %d maps", USNAP_MAX_MAPS);
	for (i = 0; i < s->nr_maps; i++)
		if (start < s->maps[i].map.end && s->maps[i].map.start < end)
			return bad(p, "map: overlaps an earlier map");
	if (!s->maps) {
		s->maps = calloc(USNAP_MAX_MAPS, sizeof(*s->maps));
		if (!s->maps)
			return -ENOMEM;
	}
	m = &s->maps[s->nr_maps++];
	m->map = (struct pm_map){ start, end, pgoff, 0, UINT64_MAX, NULL };
	m->file = strdup(tok[4]);
	m->build_id = ntok == 6 ? strdup(tok[5]) : NULL;
	if (!m->file || (ntok == 6 && !m->build_id))
		return -ENOMEM;
	return 0;
}

#define MAX_TOK (UNWIND_MAX_FRAMES + 2)

static int parse_line(struct parser *p, char *line)
{
	struct unwind_snapshot *s = p->s;
	char *tok[MAX_TOK], *save = NULL, *t;
	uint64_t v;
	int ntok = 0, i;

	for (t = strtok_r(line, " \t\r", &save); t;
	     t = strtok_r(NULL, " \t\r", &save)) {
		if (ntok == MAX_TOK)
			return bad(p, "too many words");
		tok[ntok++] = t;
	}
	if (!ntok || tok[0][0] == '#')
		return 0;
	if (p->ended)
		return bad(p, "data after 'end'");
	if (p->in_stack) {
		if (!strcmp(tok[0], "end")) {
			if (ntok != 1)
				return bad(p, "end: extra words");
			if (p->stack_have != s->size)
				return bad(p, "stack: %zu bytes, %zu claimed",
					   p->stack_have, s->size);
			p->in_stack = false;
			p->ended = true;
			return 0;
		}
		if (ntok != 1)
			return bad(p, "stack: spaces in a hex line");
		return parse_stack_line(p, tok[0]);
	}
	if (!p->header) {
		if (strcmp(tok[0], USNAP_MAGIC) || ntok != 2)
			return bad(p, "not an unwind snapshot");
		if (strcmp(tok[1], "1"))
			return bad(p, "unsupported version '%.16s'", tok[1]);
		p->header = true;
		return 0;
	}
	if (!strcmp(tok[0], "case")) {
		if (s->name || ntok != 2 || !name_ok(tok[1]))
			return bad(p, "case: want one name, once");
		s->name = strdup(tok[1]);
		return s->name ? 0 : -ENOMEM;
	}
	if (!strcmp(tok[0], "reg")) {
		if (ntok != 3)
			return bad(p, "reg: want NAME 0xVALUE");
		for (i = 0; i < SREG_NR; i++)
			if (!strcmp(tok[1], reg_names[i]))
				break;
		if (i == SREG_NR)
			return bad(p, "reg: unknown register '%.16s'", tok[1]);
		if (p->regs_seen & (1u << i))
			return bad(p, "reg: %s given twice", reg_names[i]);
		if (!parse_hex(tok[2], &s->regs[i]))
			return bad(p, "reg: bad value for %s", reg_names[i]);
		p->regs_seen |= 1u << i;
		return 0;
	}
	if (!strcmp(tok[0], "map"))
		return parse_map(p, tok, ntok);
	if (!strcmp(tok[0], "expect"))
		return parse_expect(p, tok, ntok);
	if (!strcmp(tok[0], "redzone")) {
		if (s->has_redzone || ntok != SAMPLE_REDZONE_WORDS + 1)
			return bad(p, "redzone: want %d words, once",
				   SAMPLE_REDZONE_WORDS);
		for (i = 0; i < SAMPLE_REDZONE_WORDS; i++)
			if (!parse_hex(tok[i + 1], &s->redzone[i]))
				return bad(p, "redzone: bad word %d", i);
		s->has_redzone = true;
		return 0;
	}
	if (!strcmp(tok[0], "stack")) {
		if (s->stack || ntok != 2 ||
		    !parse_dec(tok[1], SAMPLER_MAX_USTACK_BYTES, &v) || !v)
			return bad(p, "stack: want a size of 1 to %d bytes, once",
				   SAMPLER_MAX_USTACK_BYTES);
		s->stack = malloc(v);
		if (!s->stack)
			return -ENOMEM;
		s->size = v;
		p->in_stack = true;
		return 0;
	}
	if (!strcmp(tok[0], "end"))
		return bad(p, "'end' before 'stack'");
	return bad(p, "unknown item '%.32s'", tok[0]);
}

int unwind_snapshot__parse(const char *buf, size_t len,
			   struct unwind_snapshot **out, char *err,
			   size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen };
	char *text = NULL, *line, *next;
	int ret = 0, i;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (memchr(buf, '\0', len)) {
		p.line = 0;
		return bad(&p, "a NUL byte: not a text file");
	}
	p.s = calloc(1, sizeof(*p.s));
	text = malloc(len + 1);
	if (!p.s || !text) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(text, buf, len);
	text[len] = '\0';
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		p.line++;
		/* A hex line cut short: the file is, not the line. */
		if (!next && p.in_stack && strcmp(line, "end"))
			break;
		ret = parse_line(&p, line);
		if (ret)
			goto out;
	}
	p.line++;
	if (!p.header) {
		ret = bad(&p, "empty: not an unwind snapshot");
	} else if (!p.ended) {
		ret = p.in_stack ?
			bad(&p, "truncated: stack has %zu of %zu bytes, no 'end'",
			    p.stack_have, p.s->size) :
			bad(&p, "truncated: no 'stack' and 'end'");
	} else if (!p.s->name) {
		ret = bad(&p, "no 'case'");
	} else if (!p.s->nr_maps) {
		ret = bad(&p, "no 'map'");
	} else if (!p.s->nr_expect) {
		ret = bad(&p, "no 'expect'");
	} else if (p.regs_seen != (1u << SREG_NR) - 1) {
		for (i = 0; i < SREG_NR; i++)
			if (!(p.regs_seen & (1u << i)))
				break;
		ret = bad(&p, "register %s missing", reg_names[i]);
	}
out:
	free(text);
	if (ret) {
		if (ret == -ENOMEM && errlen)
			snprintf(err, errlen, "out of memory");
		unwind_snapshot__free(p.s);
		return ret;
	}
	*out = p.s;
	return 0;
}

/* ---- files ---- */

int unwind_snapshot__open_files(struct unwind_snapshot *s, const char *dir,
				char *err, size_t errlen)
{
	size_t i, j;

	if (s->mods)
		return 0;
	s->mods = calloc(s->nr_maps ? s->nr_maps : 1, sizeof(*s->mods));
	if (!s->mods)
		return -ENOMEM;
	for (i = 0; i < s->nr_maps; i++) {
		struct usnap_map *m = &s->maps[i];
		struct pm_module *mod = NULL;
		struct elf_syms *es;
		const char *id;
		char *path;
		int ret;

		for (j = 0; j < s->nr_mods; j++)
			if (!strcmp(s->mods[j].name, m->file))
				mod = &s->mods[j];
		if (mod) {
			m->map.mod = mod;
			continue;
		}
		if (asprintf(&path, "%s/%s", dir, m->file) < 0)
			return -ENOMEM;
		mod = &s->mods[s->nr_mods++];
		mod->path = path;
		mod->name = m->file;
		mod->id = s->nr_mods;
		/* Named by the snapshot: no FIFO, device or link. */
		mod->fd = safe_open(path, &(struct safe_open_opts){
			.owner = SAFE_ANY_OWNER, .nofollow = 1 });
		if (mod->fd < 0) {
			ret = mod->fd;
			snprintf(err, errlen, "cannot open '%s': %s", path,
				 safe_open__strerror(ret));
			return ret;
		}
		es = elf_syms__open(path, NULL, NULL);
		if (!es) {
			ret = errno ? -errno : -ENOEXEC;
			snprintf(err, errlen, "'%s': %s", path,
				 strerror(-ret));
			return ret;
		}
		id = elf_syms__build_id(es);
		if (m->build_id && (!id || strcmp(id, m->build_id))) {
			snprintf(err, errlen, "'%s' has build id %s, the "
				 "snapshot was taken of %s", path,
				 id ? id : "(none)", m->build_id);
			elf_syms__free(es);
			return -ESTALE;
		}
		elf_syms__free(es);
		m->map.mod = mod;
	}
	return 0;
}

int unwind_snapshot__read(const char *path, struct unwind_snapshot **out,
			  char *err, size_t errlen)
{
	struct unwind_snapshot *s = NULL;
	char *buf = NULL, *dir = NULL, *slash;
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	fd = safe_open(path, NULL);
	if (fd < 0 && fd != -EINVAL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
			 strerror(-fd));
		return fd;
	}
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > USNAP_MAX_FILE) {
		ret = -EINVAL;
		snprintf(err, errlen, "'%s': not a regular file of at most "
			 "%u bytes", path, USNAP_MAX_FILE);
		goto out;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	while ((size_t)st.st_size > len &&
	       (n = read(fd, buf + len, st.st_size - len)) > 0)
		len += n;
	ret = unwind_snapshot__parse(buf, len, &s, err, errlen);
	if (ret)
		goto out;
	dir = strdup(path);
	if (!dir) {
		ret = -ENOMEM;
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	ret = unwind_snapshot__open_files(s, slash ? (dir[0] ? dir : "/") : ".",
					  err, errlen);
out:
	if (ret) {
		unwind_snapshot__free(s);
		s = NULL;
	}
	*out = s;
	free(dir);
	free(buf);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* ---- writing ---- */

int unwind_snapshot__write(const struct unwind_snapshot *s, FILE *f)
{
	size_t i, j;
	int r;

	fprintf(f, "%s 1\ncase %s\n", USNAP_MAGIC, s->name);
	for (r = 0; r < SREG_NR; r++)
		fprintf(f, "reg %s 0x%llx\n", reg_names[r],
			(unsigned long long)s->regs[r]);
	for (i = 0; i < s->nr_maps; i++) {
		const struct usnap_map *m = &s->maps[i];

		fprintf(f, "map 0x%llx 0x%llx 0x%llx %s%s%s\n",
			(unsigned long long)m->map.start,
			(unsigned long long)m->map.end,
			(unsigned long long)m->map.pgoff, m->file,
			m->build_id ? " " : "",
			m->build_id ? m->build_id : "");
	}
	fputs("expect", f);
	for (i = 0; i < s->nr_expect; i = j) {
		for (j = i + 1; j < s->nr_expect &&
		     !strcmp(s->expect[j], s->expect[i]); j++)
			;
		fprintf(f, " %s", s->expect[i]);
		if (j - i > 1)
			fprintf(f, "*%zu", j - i);
	}
	fputc('\n', f);
	if (s->has_redzone) {
		fputs("redzone", f);
		for (r = 0; r < SAMPLE_REDZONE_WORDS; r++)
			fprintf(f, " 0x%llx", (unsigned long long)s->redzone[r]);
		fputc('\n', f);
	}
	fprintf(f, "stack %zu\n", s->size);
	for (i = 0; i < s->size; i++)
		fprintf(f, "%02x%s", s->stack[i],
			i % 32 == 31 || i + 1 == s->size ? "\n" : "");
	fputs("end\n", f);
	return ferror(f) ? -EIO : 0;
}

const struct pm_map *unwind_snapshot__lookup(void *ctx, pid_t pid,
					     uint64_t addr, uint64_t ts)
{
	const struct unwind_snapshot *s = ctx;
	size_t i;

	for (i = 0; i < s->nr_maps; i++)
		if (s->maps[i].map.mod && addr >= s->maps[i].map.start &&
		    addr < s->maps[i].map.end)
			return &s->maps[i].map;
	return NULL;
}
