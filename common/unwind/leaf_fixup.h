/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leaf fix-up of frame-pointer stacks.  A frame-pointer walk starts from
 * the sampled IP and the current %rbp; when the sampled function has not
 * set up its frame (before `push %rbp; mov %rsp,%rbp`, after `pop %rbp`,
 * at `ret`, or in a leaf that keeps no frame, like libc's syscall
 * wrappers), %rbp still belongs to the caller, so the walk skips the
 * caller.  Decoding the instructions at the IP with capstone tells where
 * the return address is relative to %rsp; the words the BPF program
 * copied at %rsp then give the missing caller, which is accepted only
 * when it follows a call instruction.
 *
 * Also here: the frame-pointer prologue audit of a file (unwind-test).
 * Not here: reading code (the caller's callback), DWARF (unwind.c).
 */
#ifndef EBPROF_LEAF_FIXUP_H
#define EBPROF_LEAF_FIXUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct leaf_fixup;

/* Reads @len bytes of code at process address @addr; 0 or -errno. */
typedef int (*leaf_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/* NULL with errno set when capstone cannot be opened. */
struct leaf_fixup *leaf_fixup__new(void);
void leaf_fixup__free(struct leaf_fixup *lf);

/*
 * The return address into the caller that the frame-pointer walk missed,
 * or 0 when nothing is missing or it cannot be told.  @ip, @sp, @bp: the
 * sampled registers; @words: @nwords words copied at @sp; @next: the
 * walk's second frame (0 when it has none).
 */
uint64_t leaf_fixup__caller(struct leaf_fixup *lf, uint64_t ip, uint64_t sp,
			    uint64_t bp, const uint64_t *words, size_t nwords,
			    uint64_t next, leaf_read_fn read, void *ctx);

/* Does the code at @code start with a frame-pointer prologue? */
bool leaf_fixup__fp_prologue(struct leaf_fixup *lf, const uint8_t *code,
			     size_t len, uint64_t addr);

/*
 * Counts the functions of the ELF file @fd (.symtab, else .dynsym) with
 * code, start-up code (_start, _init, ...) left out, and those that start
 * with a frame-pointer prologue.  0, or -ENOEXEC (not ELF), -EBADMSG (a
 * malformed symbol table), -errno.
 */
int leaf_fixup__file_prologues(struct leaf_fixup *lf, int fd, size_t *funcs,
			       size_t *with_fp);

#endif
