// SPDX-License-Identifier: GPL-2.0
/*
 * jitdump parsing (see jitdump.h).  Every length comes from the file, so
 * each is checked against what was read before it is used; a record is
 * read only up to its name (the code bytes are never read), and only once
 * the whole record is in the file, as the runtime may be writing it.
 */
#include <byteswap.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/jitdump.h"

/* The largest record believed: code blobs are far smaller. */
#define MAX_RECORD	(256u << 20)
#define MAX_HEADER	4096

static uint32_t get32(const unsigned char *p, int swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? bswap_32(v) : v;
}

static uint64_t get64(const unsigned char *p, int swapped)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? bswap_64(v) : v;
}

int jitdump__parse_header(const void *buf, size_t len,
			  struct jitdump_header *h)
{
	const unsigned char *p = buf;
	uint32_t magic;

	if (len < JITDUMP_HDR_SIZE)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	magic = get32(p, 0);
	if (magic == bswap_32(JITDUMP_MAGIC))
		h->swapped = 1;
	else if (magic != JITDUMP_MAGIC)
		return -EINVAL;
	h->version = get32(p + 4, h->swapped);
	h->total_size = get32(p + 8, h->swapped);
	h->elf_mach = get32(p + 12, h->swapped);
	h->pid = get32(p + 20, h->swapped);
	h->timestamp = get64(p + 24, h->swapped);
	h->flags = get64(p + 32, h->swapped);
	/* elf_mach is not checked: CPython 3.13.0 wrote 0. */
	if (h->version < 1 || h->total_size < JITDUMP_HDR_SIZE ||
	    h->total_size > MAX_HEADER)
		return -EINVAL;
	return 0;
}

int jitdump__parse_record(const void *buf, size_t len, int swapped,
			  struct jitdump_record *r)
{
	const unsigned char *p = buf, *b;
	size_t avail, max;

	memset(r, 0, sizeof(*r));
	if (len < JITDUMP_REC_HDR)
		return -EAGAIN;
	r->id = get32(p, swapped);
	r->total_size = get32(p + 4, swapped);
	r->timestamp = get64(p + 8, swapped);
	if (r->total_size < JITDUMP_REC_HDR || r->total_size > MAX_RECORD)
		return -EINVAL;
	b = p + JITDUMP_REC_HDR;
	avail = (len < r->total_size ? len : r->total_size) - JITDUMP_REC_HDR;
	switch (r->id) {
	case JITDUMP_CODE_LOAD:
		if (r->total_size < JITDUMP_REC_HDR + 40 + 1)
			return -EINVAL;
		if (avail < 40 + 1)
			return -EAGAIN;
		r->pid = get32(b, swapped);
		r->tid = get32(b + 4, swapped);
		r->vma = get64(b + 8, swapped);
		r->code_addr = get64(b + 16, swapped);
		r->code_size = get64(b + 24, swapped);
		r->code_index = get64(b + 32, swapped);
		max = avail - 40;
		if (max > JITDUMP_MAX_NAME)
			max = JITDUMP_MAX_NAME;
		if (memchr(b + 40, '\0', max))
			r->name = (const char *)b + 40;
		else if (avail == r->total_size - JITDUMP_REC_HDR)
			return -EINVAL;	/* no end within the record */
		else if (avail - 40 < JITDUMP_MAX_NAME)
			return -EAGAIN;
		/* else a name too long to keep: skipped */
		return 0;
	case JITDUMP_CODE_MOVE:
		if (r->total_size < JITDUMP_REC_HDR + 48)
			return -EINVAL;
		if (avail < 48)
			return -EAGAIN;
		r->pid = get32(b, swapped);
		r->tid = get32(b + 4, swapped);
		r->vma = get64(b + 8, swapped);
		r->old_addr = get64(b + 16, swapped);
		r->code_addr = get64(b + 24, swapped);
		r->code_size = get64(b + 32, swapped);
		r->code_index = get64(b + 40, swapped);
		return 0;
	case JITDUMP_CODE_DEBUG_INFO:
		if (r->total_size < JITDUMP_REC_HDR + 16)
			return -EINVAL;
		if (avail < 16)
			return -EAGAIN;
		r->code_addr = get64(b, swapped);
		r->nr_entry = get64(b + 8, swapped);
		/* Each entry takes at least 16 + 2 bytes. */
		if (r->nr_entry > (r->total_size - JITDUMP_REC_HDR - 16) / 18)
			return -EINVAL;
		return 0;
	default:
		/* Close, unwinding info and later kinds: only skipped. */
		return 0;
	}
}

int jitdump__read(int fd, struct jitdump_reader *rd, size_t max_records,
		  jitdump_load_fn load, jitdump_move_fn move, void *ctx)
{
	unsigned char buf[JITDUMP_REC_HDR + 40 + JITDUMP_MAX_NAME];
	struct jitdump_record r;
	struct stat st;
	size_t n = 0;
	ssize_t got;
	int err = 0;

	if (rd->closed)
		return 0;
	if (fstat(fd, &st))
		return -errno;
	if (!rd->off) {
		got = pread(fd, buf, JITDUMP_HDR_SIZE, 0);
		if (got < JITDUMP_HDR_SIZE)
			return got < 0 ? -errno : 0;	/* not written yet */
		if (jitdump__parse_header(buf, got, &rd->hdr)) {
			rd->closed = 1;
			return -EINVAL;
		}
		rd->off = rd->hdr.total_size;
	}
	while (!err && n++ < max_records &&
	       rd->off + JITDUMP_REC_HDR <= (uint64_t)st.st_size) {
		uint64_t left = st.st_size - rd->off;

		got = pread(fd, buf, left < sizeof(buf) ? left : sizeof(buf),
			    rd->off);
		if (got < 0)
			return -errno;
		err = jitdump__parse_record(buf, got, rd->hdr.swapped, &r);
		if (err == -EAGAIN || (!err && r.total_size > left))
			return 0;	/* being written */
		if (err) {
			rd->closed = 1;
			return err;
		}
		rd->off += r.total_size;
		if (r.id == JITDUMP_CODE_LOAD && r.code_size && r.name)
			err = load(ctx, r.code_addr, r.code_size, r.name);
		else if (r.id == JITDUMP_CODE_MOVE && r.code_size)
			err = move(ctx, r.old_addr, r.code_addr, r.code_size);
		else if (r.id == JITDUMP_CODE_CLOSE)
			rd->closed = 1;
		if (rd->closed)
			break;
	}
	return err;
}
