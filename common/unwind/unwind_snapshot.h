/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recorded stack snapshots for testing the unwinder offline: what the BPF
 * program copies at a sample in DWARF mode (the user registers, the red
 * zone, the stack bytes from sp up), the executable mappings the frames
 * are in, and the chain the snapshot is known to have.  The mapped files
 * sit in the snapshot's directory; a build id, when given, must match.
 * Unwinding a snapshot needs nothing of the machine it was taken on.
 *
 * The format is text, one item a line ("#" starts a comment line):
 *
 *   ebprof-unwind-snapshot 1
 *   case NAME
 *   reg REG 0xVALUE             all 17: rax rdx rcx rbx rsi rdi rbp rsp
 *                               r8 .. r15 rip
 *   map 0xSTART 0xEND 0xPGOFF FILE [BUILD-ID]   an executable mapping
 *   expect NAME[*N]...          the chain, leaf first; *N repeats a name
 *   redzone 0xW0 ... 0xW15      optional: the 16 words below rsp, lowest
 *                               address first
 *   stack SIZE                  followed by SIZE bytes in hex lines
 *   end
 *
 * FILE is a plain file name (no '/', not starting with '.').  Not here:
 * unwinding (unwind.c), symbols (elf_syms.c), taking snapshots
 * (tests/helpers/unwind_capture.c).
 */
#ifndef EBPROF_UNWIND_SNAPSHOT_H
#define EBPROF_UNWIND_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "unwind/unwind.h"

/* More than any fixture needs; bounds what a hostile file can ask for. */
#define USNAP_MAX_MAPS 64
#define USNAP_MAX_FILE (4u << 20)

struct usnap_map {
	struct pm_map map;	/* map.mod is NULL until __open_files() */
	char *file;		/* a file name in the snapshot's directory */
	char *build_id;		/* lowercase hex, or NULL */
};

struct unwind_snapshot {
	char *name;
	uint64_t regs[SREG_NR];
	uint64_t redzone[SAMPLE_REDZONE_WORDS];
	bool has_redzone;
	uint8_t *stack;		/* size bytes copied at regs[SREG_SP] */
	size_t size;
	struct usnap_map *maps;
	size_t nr_maps;
	char **expect;		/* leaf first, runs expanded */
	size_t nr_expect;
	struct pm_module *mods;	/* by __open_files(), one per distinct file */
	size_t nr_mods;
};

/*
 * Parses @len bytes of snapshot text into a new snapshot (its files not
 * opened).  0, -EINVAL with @err saying what and on which line, -ENOMEM.
 */
int unwind_snapshot__parse(const char *buf, size_t len,
			   struct unwind_snapshot **out, char *err,
			   size_t errlen);

/*
 * Reads the snapshot at @path and opens its mapped files from @path's
 * directory.  0 or -errno, with @err saying what was wrong.
 */
int unwind_snapshot__read(const char *path, struct unwind_snapshot **out,
			  char *err, size_t errlen);

/*
 * Opens each mapping's file in @dir, checks its build id and links the
 * mappings to modules.  0 or -errno (ENOENT, ENOEXEC, ESTALE for a build
 * id that differs) with @err naming the file.
 */
int unwind_snapshot__open_files(struct unwind_snapshot *s, const char *dir,
				char *err, size_t errlen);

/* Writes @s in the format above; 0 or -errno. */
int unwind_snapshot__write(const struct unwind_snapshot *s, FILE *f);

/* An unwind_lookup_fn over a snapshot's mappings (@ctx is the snapshot). */
const struct pm_map *unwind_snapshot__lookup(void *ctx, pid_t pid,
					     uint64_t addr, uint64_t ts);

void unwind_snapshot__free(struct unwind_snapshot *s);

/* "rax", ... "rip" by SREG_* index; NULL when out of range. */
const char *unwind_snapshot__reg_name(int reg);

#endif
