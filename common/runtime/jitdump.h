/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The jitdump format (linux tools/perf/Documentation/jitdump-specification
 * .txt): a binary log of JIT-compiled code, "jit-PID.dump", written by
 * node --perf-prof, perf's JVMTI agent, .NET and CPython -X perf_jit.  A
 * 40-byte header, then records: code load (address, size, name, code),
 * code move, debug info, unwinding info, close.  The runtime maps the
 * file's first page executable as a marker, which is how it is found.
 * Only what names code is kept: loads and moves.  The file grows while the
 * runtime runs, so the reader is incremental and reads a record only once
 * it is complete.  Not here: finding the file (jit_syms.c).
 */
#ifndef EBPROF_JITDUMP_H
#define EBPROF_JITDUMP_H

#include <stddef.h>
#include <stdint.h>

#define JITDUMP_MAGIC		0x4A695444u	/* "JiTD" */
#define JITDUMP_HDR_SIZE	40
#define JITDUMP_REC_HDR		16
#define JITDUMP_MAX_NAME	4096

enum jitdump_rec {
	JITDUMP_CODE_LOAD = 0,
	JITDUMP_CODE_MOVE = 1,
	JITDUMP_CODE_DEBUG_INFO = 2,
	JITDUMP_CODE_CLOSE = 3,
	JITDUMP_CODE_UNWINDING_INFO = 4,
};

struct jitdump_header {
	uint32_t version, total_size, elf_mach, pid;
	uint64_t timestamp, flags;
	int swapped;		/* written with the other byte order */
};

struct jitdump_record {
	uint32_t id, total_size;
	uint64_t timestamp;
	/* code load and move */
	uint64_t vma, code_addr, old_addr, code_size, code_index;
	uint32_t pid, tid;
	const char *name;	/* load: NUL-terminated, in the buffer */
	/* debug info */
	uint64_t nr_entry;
};

/* Parses a file header from buf[0..len): 0 or -EINVAL. */
int jitdump__parse_header(const void *buf, size_t len,
			  struct jitdump_header *h);

/*
 * Parses the record at the start of buf[0..len), which holds at least its
 * prefix and as much of the rest as the caller read (a load's name must be
 * there, up to JITDUMP_MAX_NAME bytes).  0, -EAGAIN when more bytes are
 * needed (the name, or a fixed field, is cut off), or -EINVAL.
 */
int jitdump__parse_record(const void *buf, size_t len, int swapped,
			  struct jitdump_record *r);

typedef int (*jitdump_load_fn)(void *ctx, uint64_t addr, uint64_t size,
			       const char *name);
typedef int (*jitdump_move_fn)(void *ctx, uint64_t old_addr,
			       uint64_t new_addr, uint64_t size);

struct jitdump_reader {
	uint64_t off;		/* next record, 0 before the header */
	struct jitdump_header hdr;
	int closed;		/* saw CODE_CLOSE, or the file is bad */
};

/*
 * Reads the records the file at @fd gained since the last call (complete
 * ones only), at most @max_records.  0 or -errno (-EINVAL: not a
 * jitdump, or a record that cannot be; the reader stops there for good).
 */
int jitdump__read(int fd, struct jitdump_reader *rd, size_t max_records,
		  jitdump_load_fn load, jitdump_move_fn move, void *ctx);

#endif
