// SPDX-License-Identifier: GPL-2.0
/*
 * MiniDebugInfo (.gnu_debugdata) decompression through liblzma.  The
 * section is hostile input: the decoder runs with a memory limit, the
 * output grows only up to MINIDEBUG_MAX_SIZE, and a truncated or corrupt
 * stream is an error, never a partial image.  Not here: reading the
 * image's symbols (elf_syms.c does, with the same code as for .symtab).
 */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>

#include "symbol/elf_scn.h"
#include "symbol/minidebug.h"

/* xz's default presets need at most ~65 MiB to decode (-9: 64 MiB dict). */
#define DECODER_MEMLIMIT (128u << 20)

void *minidebug__decompress(const void *xz, size_t xz_size, size_t *size)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	size_t cap = xz_size * 4 < 65536 ? 65536 : xz_size * 4;
	unsigned char *out = NULL, *p;
	lzma_ret ret;
	int err = EINVAL;

	if (!xz_size)
		goto fail;
	if (cap > MINIDEBUG_MAX_SIZE)
		cap = MINIDEBUG_MAX_SIZE;
	if (lzma_stream_decoder(&strm, DECODER_MEMLIMIT, 0) != LZMA_OK) {
		err = ENOMEM;
		goto fail;
	}
	out = malloc(cap);
	if (!out) {
		err = ENOMEM;
		goto fail;
	}
	strm.next_in = xz;
	strm.avail_in = xz_size;
	strm.next_out = out;
	strm.avail_out = cap;
	for (;;) {
		ret = lzma_code(&strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret == LZMA_MEM_ERROR || ret == LZMA_MEMLIMIT_ERROR) {
			err = ENOMEM;
			goto fail;
		}
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR)
			goto fail;	/* corrupt, unsupported */
		if (strm.avail_out) {
			if (ret == LZMA_OK)
				continue;
			goto fail;	/* no progress with room left: truncated */
		}
		if (cap >= MINIDEBUG_MAX_SIZE) {
			err = EFBIG;
			goto fail;
		}
		cap = cap * 2 > MINIDEBUG_MAX_SIZE ? MINIDEBUG_MAX_SIZE : cap * 2;
		p = realloc(out, cap);
		if (!p) {
			err = ENOMEM;
			goto fail;
		}
		out = p;
		strm.next_out = out + strm.total_out;
		strm.avail_out = cap - strm.total_out;
	}
	*size = strm.total_out;
	lzma_end(&strm);
	return out;
fail:
	lzma_end(&strm);
	free(out);
	errno = err;
	return NULL;
}

void *minidebug__image(Elf *elf, size_t *size)
{
	Elf_Scn *scn;
	GElf_Shdr sh;
	Elf_Data *d;

	scn = elf_scn__by_name(elf, ".gnu_debugdata", &sh);
	if (!scn || sh.sh_type != SHT_PROGBITS ||
	    !(d = elf_rawdata(scn, NULL)) || !d->d_buf || !d->d_size) {
		errno = ENOENT;
		return NULL;
	}
	return minidebug__decompress(d->d_buf, d->d_size, size);
}
