// SPDX-License-Identifier: GPL-2.0
/*
 * Unwind audits of files (see audit.h): for each, its unwind tables
 * (unwind.c), frame-pointer prologues (leaf_fixup.c), build id and debug
 * file (elf_syms.c), and what that means for --call-graph fp and dwarf.
 * Not here: which files (unwind-test's arguments, or
 * proc_maps__exec_files() for -p) or the live self-test (cmd/unwind_test.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/safe_open.h"
#include "symbol/elf_syms.h"
#include "unwind/audit.h"
#include "unwind/leaf_fixup.h"
#include "unwind/unwind.h"

struct audit_total {
	size_t files, no_table, low_fp;
};

/* -p: files of /proc/PID/maps are resolved inside /proc/PID/root. */
static const char *pid_root(const char *path, char *buf, size_t size)
{
	int n = 0;

	if (sscanf(path, "/proc/%*d/root/%n", &n) < 0 || n <= 0)
		return NULL;
	snprintf(buf, size, "%.*s", n - 1, path);
	return buf;
}

static int audit_file(FILE *out, const char *path, struct leaf_fixup *lf,
		      struct audit_total *t)
{
	struct safe_open_opts so = { .owner = SAFE_ANY_OWNER };
	struct unwind_file_info info;
	struct elf_syms *es;
	size_t funcs = 0, with_fp = 0;
	char root[64];
	double share;
	int fd, err;

	/* Regular files only: a FIFO would block, a device open act. */
	so.root = pid_root(path, root, sizeof(root));
	fd = safe_open(so.root ? path + strlen(so.root) : path, &so);
	if (fd < 0) {
		pr_err("cannot open '%s': %s", path, safe_open__strerror(fd));
		return -1;
	}
	err = unwind__file_info(fd, &info);
	if (!err)
		err = leaf_fixup__file_prologues(lf, fd, &funcs, &with_fp);
	close(fd);
	if (err) {
		pr_err("cannot read '%s': %s", path, err == -ENOEXEC ?
		       "not a 64-bit ELF file" : err == -EBADMSG ?
		       "its symbol table is malformed" : strerror(-err));
		return -1;
	}
	es = elf_syms__open(path, so.root, NULL);
	share = funcs ? 100.0 * with_fp / funcs : 0;
	/* -p: /proc/PID/root/usr/lib/... is shown as /usr/lib/... */
	if (!strncmp(path, "/proc/", 6) && strstr(path, "/root/"))
		fprintf(out, "%s\n", strstr(path, "/root/") + 5);
	else
		fprintf(out, "%s\n", path);
	fprintf(out, "  build id:          %s\n",
	       es && elf_syms__build_id(es) ? elf_syms__build_id(es) : "none");
	fprintf(out, "  debug file:        %s\n", es && elf_syms__debug_file(es) ?
	       elf_syms__debug_file(es) : "none found");
	fprintf(out, "  .eh_frame:         %s\n", info.eh_frame ? "yes" : "no");
	fprintf(out, "  .eh_frame_hdr:     %s", info.eh_frame_hdr ? "yes" : "no");
	if (info.eh_frame_hdr)
		fprintf(out, " (%zu FDEs)", info.fde_count);
	fprintf(out, "\n  .debug_frame:      %s\n", info.debug_frame ? "yes" : "no");
	fprintf(out, "  frame pointers:    %zu of %zu functions (%.0f%%)%s\n",
	       with_fp, funcs, share,
	       funcs ? "" : " (no symbols to tell)");
	t->files++;
	if (!info.eh_frame_hdr && info.executable)
		t->no_table++;
	if (info.executable && (!funcs || share < 90))
		t->low_fp++;
	fprintf(out, "  verdict:           %s\n",
	       !info.executable ? "no code" :
	       info.eh_frame_hdr && funcs && share >= 90 ?
	       "fp and dwarf both give complete stacks" :
	       info.eh_frame_hdr ? "needs --call-graph dwarf" :
	       funcs && share >= 90 ? "fp only (no unwind table for dwarf)" :
	       "neither mode is reliable: no unwind table and few frame "
	       "pointers");
	elf_syms__free(es);
	return 0;
}

int unwind_audit__files(FILE *out, char *const *files, size_t nr)
{
	struct leaf_fixup *lf = leaf_fixup__new();
	struct audit_total t = { 0 };
	int status = 0;
	size_t i;

	if (!lf) {
		pr_err("cannot start capstone: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < nr; i++) {
		if (audit_file(out, files[i], lf, &t))
			status = -1;
		else if (i + 1 < nr)
			fprintf(out, "\n");
	}
	leaf_fixup__free(lf);
	if (t.files > 1)
		fprintf(out, "\noverall: %s\n", t.no_table ?
		       "some code has no unwind table: stacks through it "
		       "can be incomplete in either mode" :
		       t.low_fp ? "use --call-graph dwarf (some code has no "
		       "frame pointers)" :
		       "--call-graph fp is enough; dwarf works too");
	return status;
}

