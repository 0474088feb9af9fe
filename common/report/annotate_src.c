// SPDX-License-Identifier: GPL-2.0
/*
 * Source lines of annotated instructions (see annotate_src.h).  The source
 * file a DWARF unit names is opened with safe_open() (regular files only,
 * bounded size) and kept while consecutive lookups use it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/safe_open.h"
#include "report/annotate_src.h"
#include "symbol/dwarf_lines.h"
#include "symbol/elf_syms.h"

#define MAX_SOURCE_SIZE (16u << 20)

int annotate_src__lines(struct annotation *a)
{
	struct elf_syms *es = elf_syms__open(a->file, NULL, NULL);
	struct dwarf_lines *dl;
	size_t i;

	dl = dwarf_lines__open(a->file, -1, es ? elf_syms__debug_file(es)
					       : NULL);
	elf_syms__free(es);
	if (!dl)
		return -ENOENT;
	for (i = 0; i < a->nr_insns; i++) {
		struct annotate_insn *ai = &a->insns[i];
		struct dl_frame fr;

		/* one frame: the function, with the innermost line */
		if (dwarf_lines__frames(dl, ai->addr, &fr, 1) == 1 &&
		    fr.file && fr.line > 0) {
			ai->src_file = strdup(fr.file);
			ai->src_line = ai->src_file ? fr.line : 0;
		}
	}
	dwarf_lines__free(dl);
	return 0;
}

struct src_cache {
	char *path;
	char *text;		/* NULL: unreadable */
	size_t size;
	char *line;		/* the last line returned */
};

struct src_cache *src_cache__new(void)
{
	return calloc(1, sizeof(struct src_cache));
}

void src_cache__free(struct src_cache *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->text);
	free(c->line);
	free(c);
}

static void load(struct src_cache *c, const char *path)
{
	struct safe_open_opts o = { .owner = SAFE_ANY_OWNER,
				    .max_size = MAX_SOURCE_SIZE };
	size_t cap = 65536;
	ssize_t r;
	int fd;

	free(c->path);
	free(c->text);
	c->text = NULL;
	c->size = 0;
	c->path = strdup(path);
	fd = safe_open(path, &o);
	if (fd < 0)
		return;
	c->text = malloc(cap);
	while (c->text) {
		if (c->size == cap) {
			char *t = cap < MAX_SOURCE_SIZE ?
				  realloc(c->text, cap * 2) : NULL;

			if (!t) {
				free(c->text);
				c->text = NULL;
				break;
			}
			c->text = t;
			cap *= 2;
		}
		r = read(fd, c->text + c->size, cap - c->size);
		if (r <= 0)
			break;
		c->size += r;
	}
	close(fd);
}

const char *src_cache__line(struct src_cache *c, const char *path, int line)
{
	const char *p, *end, *nl;
	int n;

	if (!c || !path || line <= 0)
		return NULL;
	if (!c->path || strcmp(c->path, path))
		load(c, path);
	if (!c->text)
		return NULL;
	p = c->text;
	end = c->text + c->size;
	for (n = 1; n < line && p < end; n++) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (p >= end)
		return NULL;
	nl = memchr(p, '\n', end - p);
	free(c->line);
	c->line = strndup(p, (nl ? nl : end) - p);
	return c->line;
}
