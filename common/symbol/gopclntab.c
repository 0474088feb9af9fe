// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of Go's pclntab (see gopclntab.h), after the layouts in
 * golang/go src/debug/gosym/pclntab.go and src/runtime/symtab.go:
 *
 *   header   magic u32, 0, 0, pc quantum u8, pointer size u8, then words
 *            nfunc, nfiles, [textStart (1.18+)], funcnameOffset,
 *            cuOffset, filetabOffset, pctabOffset, pclnOffset
 *   functab  at pclnOffset: nfunc pairs {entry, funcoff} + the end entry;
 *            u32 entry offsets from textStart (1.18+), else uintptr PCs
 *   _func    at pclnOffset + funcoff: entry (u32 1.18+, else uintptr),
 *            then u32 fields nameOff, args, deferreturn, pcsp, pcfile,
 *            pcln, npcdata, cuOffset, ...
 *   pc-value tables in pctab: zig-zag value deltas and PC deltas, varints
 *
 * Every offset and count read from the table is checked against its size:
 * a table from a hostile binary yields no name rather than a crash.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "symbol/elf_scn.h"
#include "symbol/gopclntab.h"

#define MAGIC_116 0xfffffffau
#define MAGIC_118 0xfffffff0u
#define MAGIC_120 0xfffffff1u

struct gopclntab {
	unsigned char *data;
	size_t size;
	unsigned ptrsize;	/* 4 or 8 */
	unsigned quantum;
	bool rel_entry;		/* 1.18+: u32 entry offsets from text */
	uint64_t text;
	uint64_t nfunc;
	/* offsets into data, each checked <= size */
	uint64_t funcname, cu, filetab, pctab, pcln;
	size_t fieldsz;		/* functab field: 4 (1.18+) or ptrsize */
};

static bool in(const struct gopclntab *t, uint64_t off, uint64_t len)
{
	return off <= t->size && len <= t->size - off;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rdword(const struct gopclntab *t, const unsigned char *p)
{
	return t->ptrsize == 8 ? (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32
			       : rd32(p);
}

/* Functab field: the entry PC or funcoff of pair @i (@k 0 / 1). */
static bool functab_field(const struct gopclntab *t, uint64_t i, int k,
			  uint64_t *v)
{
	uint64_t off = t->pcln + (2 * i + k) * t->fieldsz;

	if (!in(t, off, t->fieldsz))
		return false;
	*v = t->fieldsz == 4 ? rd32(t->data + off) : rdword(t, t->data + off);
	return true;
}

static bool entry_pc(const struct gopclntab *t, uint64_t i, uint64_t *pc)
{
	uint64_t v;

	if (!functab_field(t, i, 0, &v))
		return false;
	*pc = t->rel_entry ? t->text + v : v;
	return true;
}

struct gopclntab *gopclntab__new(const void *data, size_t size,
				 uint64_t text_start)
{
	const unsigned char *p = data;
	struct gopclntab *t;
	uint32_t magic;
	unsigned nw;
	uint64_t w[8];
	unsigned i;

	if (size < 8) {
		errno = ENOEXEC;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	magic = rd32(p);
	t->quantum = p[6];
	t->ptrsize = p[7];
	t->size = size;
	if ((magic != MAGIC_116 && magic != MAGIC_118 && magic != MAGIC_120) ||
	    p[4] || p[5] || (t->ptrsize != 4 && t->ptrsize != 8) ||
	    (t->quantum != 1 && t->quantum != 2 && t->quantum != 4))
		goto bad;
	t->rel_entry = magic != MAGIC_116;
	nw = t->rel_entry ? 8 : 7;
	if (8 + (size_t)nw * t->ptrsize > size)
		goto bad;
	for (i = 0; i < nw; i++)
		w[i] = rdword(t, p + 8 + i * t->ptrsize);
	t->nfunc = w[0];
	if (t->rel_entry) {
		t->text = text_start ? text_start : w[2];
		i = 3;
	} else {
		i = 2;
	}
	t->funcname = w[i];
	t->cu = w[i + 1];
	t->filetab = w[i + 2];
	t->pctab = w[i + 3];
	t->pcln = w[i + 4];
	t->fieldsz = t->rel_entry ? 4 : t->ptrsize;
	if (!in(t, t->funcname, 0) || !in(t, t->cu, 0) ||
	    !in(t, t->filetab, 0) || !in(t, t->pctab, 0) ||
	    !in(t, t->pcln, 0) || !t->nfunc ||
	    t->nfunc > (size - t->pcln) / (2 * t->fieldsz))
		goto bad;
	/* the end entry after the pairs */
	if (!in(t, t->pcln, (2 * t->nfunc + 1) * t->fieldsz))
		goto bad;
	t->data = malloc(size);
	if (!t->data) {
		free(t);
		return NULL;
	}
	memcpy(t->data, data, size);
	return t;
bad:
	free(t);
	errno = ENOEXEC;
	return NULL;
}

struct gopclntab *gopclntab__from_elf(Elf *elf)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	uint64_t text = 0;
	Elf_Data *d;

	if (elf_scn__by_name(elf, ".text", &sh))
		text = sh.sh_addr;
	scn = elf_scn__by_name(elf, ".gopclntab", &sh);
	if (!scn || sh.sh_type != SHT_PROGBITS)
		scn = elf_scn__by_name(elf, ".data.rel.ro.gopclntab", &sh);
	if (!scn || sh.sh_type != SHT_PROGBITS ||
	    !(d = elf_rawdata(scn, NULL)) || !d->d_buf) {
		errno = ENOENT;
		return NULL;
	}
	return gopclntab__new(d->d_buf, d->d_size, text);
}

void gopclntab__free(struct gopclntab *t)
{
	if (!t)
		return;
	free(t->data);
	free(t);
}

size_t gopclntab__count(const struct gopclntab *t)
{
	return t->nfunc;
}

/* NUL-terminated string at @off of table part @base, or NULL. */
static const char *str_at(const struct gopclntab *t, uint64_t base,
			  uint64_t off)
{
	const char *s;

	if (base + off < base || !in(t, base + off, 1))
		return NULL;
	s = (const char *)t->data + base + off;
	if (!memchr(s, '\0', t->size - base - off) || !*s)
		return NULL;
	return s;
}

/* u32 field @n (1 = nameOff, ...) of the _func at @fo; false if outside. */
static bool func_field(const struct gopclntab *t, uint64_t fo, unsigned n,
		       uint32_t *v)
{
	uint64_t off = fo + t->fieldsz + (uint64_t)(n - 1) * 4;

	if (off < fo || !in(t, off, 4))
		return false;
	*v = rd32(t->data + off);
	return true;
}

/* The _func offset of function @i (from the table start). */
static bool func_off(const struct gopclntab *t, uint64_t i, uint64_t *fo)
{
	uint64_t v;

	if (!functab_field(t, i, 1, &v) || t->pcln + v < t->pcln)
		return false;
	*fo = t->pcln + v;
	return in(t, *fo, t->fieldsz + 4);
}

static const char *func_name(const struct gopclntab *t, uint64_t fo)
{
	uint32_t name;

	if (!func_field(t, fo, 1, &name))
		return NULL;
	return str_at(t, t->funcname, name);
}

const char *gopclntab__func(const struct gopclntab *t, size_t i,
			    uint64_t *start, uint64_t *end)
{
	uint64_t fo;

	if (i >= t->nfunc || !entry_pc(t, i, start) ||
	    !entry_pc(t, i + 1, end) || *end <= *start || !func_off(t, i, &fo))
		return NULL;
	return func_name(t, fo);
}

static bool uvarint(const struct gopclntab *t, uint64_t *off, uint32_t *v)
{
	uint32_t r = 0;
	unsigned shift;

	for (shift = 0; shift < 35; shift += 7) {
		unsigned char b;

		if (!in(t, *off, 1))
			return false;
		b = t->data[(*off)++];
		r |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

/*
 * The value of pc-value table @tab (an offset into pctab) at @pc, for a
 * function starting at @entry; false when the table does not cover @pc.
 */
static bool pcvalue(const struct gopclntab *t, uint32_t tab, uint64_t entry,
		    uint64_t pc, int32_t *out)
{
	uint64_t off = t->pctab + tab, cur = entry;
	uint32_t val = UINT32_MAX;	/* -1; wraps as Go's int32 does */
	bool first = true;

	if (!tab || off < t->pctab)
		return false;
	/* each step consumes >= 2 bytes: the loop ends with the table */
	for (;;) {
		uint32_t uv, pcd;

		if (!uvarint(t, &off, &uv) || (!uv && !first))
			return false;
		first = false;
		val += (uv & 1) ? ~(uv >> 1) : uv >> 1;
		if (!uvarint(t, &off, &pcd))
			return false;
		cur += (uint64_t)pcd * t->quantum;
		if (pc < cur) {
			*out = (int32_t)val;
			return true;
		}
	}
}

const char *gopclntab__lookup(const struct gopclntab *t, uint64_t pc,
			      uint64_t *start, const char **file, int *line)
{
	uint64_t lo = 0, hi = t->nfunc, entry, end, fo;
	uint32_t pcfile, pcln, cuoff;
	int32_t fno, ln;
	const char *name;

	*file = NULL;
	*line = 0;
	/* the last function whose entry is <= pc */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (!entry_pc(t, mid, &entry))
			return NULL;
		if (entry <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !entry_pc(t, lo - 1, &entry) || !entry_pc(t, lo, &end) ||
	    pc >= end || !func_off(t, lo - 1, &fo))
		return NULL;
	name = func_name(t, fo);
	if (!name)
		return NULL;
	*start = entry;
	if (func_field(t, fo, 5, &pcfile) && func_field(t, fo, 6, &pcln) &&
	    func_field(t, fo, 8, &cuoff) &&
	    pcvalue(t, pcln, entry, pc, &ln) && ln > 0 &&
	    pcvalue(t, pcfile, entry, pc, &fno) && fno >= 0) {
		uint64_t ci = t->cu + ((uint64_t)cuoff + (uint32_t)fno) * 4;

		if (in(t, ci, 4) && ci >= t->cu) {
			*file = str_at(t, t->filetab, rd32(t->data + ci));
			*line = *file ? ln : 0;
		}
	}
	return name;
}
