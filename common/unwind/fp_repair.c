// SPDX-License-Identifier: GPL-2.0
/*
 * Joining a DWARF-unwound prefix to a frame-pointer walk (see
 * fp_repair.h).  Only the walk's own frames and the DWARF frames are
 * used: nothing is guessed.
 *
 * Not here: producing either list (the BPF program, unwind.c).
 */
#include <string.h>

#include "unwind/fp_repair.h"

int fp_repair__merge(const uint64_t *fp, int nfp, const uint64_t *dw,
		     int ndw, bool dw_short, uint64_t *out, int max,
		     int *added)
{
	int k = 1, i = 1, j, n, matched = 0;

	*added = 0;
	if (nfp < 1 || ndw < 2 || dw[0] != fp[0] || max < 1)
		goto keep;
	/* The walk's frames, in order, within the DWARF prefix. */
	for (; k < nfp; k++) {
		/* unwind.c reports a signal frame's addresses + 1. */
		for (j = i; j < ndw && dw[j] != fp[k] && dw[j] != fp[k] + 1;
		     j++)
			;
		if (j == ndw)
			break;
		matched++;
		i = j + 1;
	}
	if (!matched && !dw_short)
		goto keep;
	if (ndw > max)
		ndw = max;
	/*
	 * @out may be @fp: the walk's tail moves up by what DWARF adds,
	 * so it is copied from its end first.
	 */
	n = ndw + (nfp - k);
	if (n > max)
		n = max;
	*added = ndw - k;	/* the walk matched k - 1 of them */
	if (out == fp) {
		memmove(out + ndw, fp + k, (n - ndw) * sizeof(*out));
		memcpy(out, dw, ndw * sizeof(*out));
	} else {
		memcpy(out, dw, ndw * sizeof(*out));
		memcpy(out + ndw, fp + k, (n - ndw) * sizeof(*out));
	}
	return n;
keep:
	n = nfp < max ? nfp : max;
	if (out != fp)
		memcpy(out, fp, n * sizeof(*out));
	return n;
}
