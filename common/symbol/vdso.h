/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Our own vDSO image.  The kernel maps the same image into every process,
 * so ours stands for theirs when symbolizing or unwinding "[vdso]" frames.
 */
#ifndef EBPROF_VDSO_H
#define EBPROF_VDSO_H

#include <stddef.h>

/* The image and its size (headers, segments, sections), or NULL. */
const void *vdso__image(size_t *size);

#endif
