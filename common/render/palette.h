/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Colours of flame-graph frames: named palettes, colours chosen at random
 * (from a fixed seed, so output is reproducible) or from a hash of the name
 * (the same function has the same colour in every graph), and the
 * white-to-red / white-to-blue scale of differential graphs.
 */
#ifndef EBPROF_PALETTE_H
#define EBPROF_PALETTE_H

#include <stdbool.h>
#include <stdint.h>

enum palette {
	PAL_HOT,
	PAL_MEM,
	PAL_IO,
	PAL_RED,
	PAL_GREEN,
	PAL_BLUE,
	PAL_AQUA,
	PAL_YELLOW,
	PAL_PURPLE,
	PAL_ORANGE,
	PAL_ANNOTATE,	/* by kind: kernel, JIT, inlined, waker, user */
	PAL_NR,
};

/* The palette called @name ("java" is an alias of "annotate"); -1 if none. */
int palette__parse(const char *name);
/* Comma-separated list of the names, for messages. */
const char *palette__names(void);

struct palette_state {
	enum palette pal;
	bool hash;		/* colour from the name, not at random */
	uint64_t rng;
};

void palette__init(struct palette_state *ps, enum palette pal, bool hash);

/* 0xRRGGBB for a frame. */
uint32_t palette__color(struct palette_state *ps, const char *name,
			uint8_t kind);

/*
 * Differential colour: @delta in [-1, 1] (share of the largest change);
 * positive is red (grew), negative blue (shrank), 0 white.
 */
uint32_t palette__diff(double delta);

#endif
