/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UTF-8 validation, one code point at a time: what the SVG, JSON and
 * pprof writers share to pass names through safely.
 */
#ifndef EBPROF_UTF8_H
#define EBPROF_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the valid sequence at @s, with its code point in
 * *@cp, or 0 when it is not valid UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included).  Stops at a NUL: it is never a
 * continuation byte.
 */
size_t utf8__decode(const unsigned char *s, uint32_t *cp);

/* Writes code point @cp (<= 0x10ffff) as 1-4 bytes at @out; their number. */
size_t utf8__encode(uint32_t cp, char *out);

#endif
