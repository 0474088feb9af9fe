// SPDX-License-Identifier: GPL-2.0
/* Frame colours; see palette.h. */
#include <math.h>
#include <string.h>

#include "lib/hashmap.h"
#include "profile/profile.h"
#include "render/palette.h"

static const char *const names[PAL_NR] = {
	"hot", "mem", "io", "red", "green", "blue", "aqua", "yellow",
	"purple", "orange", "annotate",
};

int palette__parse(const char *name)
{
	int i;

	if (!strcmp(name, "java"))
		return PAL_ANNOTATE;
	for (i = 0; i < PAL_NR; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *palette__names(void)
{
	return "hot, mem, io, red, green, blue, aqua, yellow, purple, "
	       "orange, annotate";
}

void palette__init(struct palette_state *ps, enum palette pal, bool hash)
{
	ps->pal = pal;
	ps->hash = hash;
	ps->rng = 0x2545f4914f6cdd1dULL;
}

static uint64_t next_rand(struct palette_state *ps)
{
	/* xorshift64*: fast, and the same sequence on every run. */
	ps->rng ^= ps->rng >> 12;
	ps->rng ^= ps->rng << 25;
	ps->rng ^= ps->rng >> 27;
	return ps->rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t rgb(double r, double g, double b)
{
	return ((uint32_t)lrint(r) << 16) | ((uint32_t)lrint(g) << 8) |
	       (uint32_t)lrint(b);
}

static uint32_t shade(enum palette pal, double v1, double v2, double v3)
{
	switch (pal) {
	case PAL_MEM:
		return rgb(0, 190 + 50 * v2, 210 * v1);
	case PAL_IO:
		return rgb(80 + 60 * v1, 80 + 60 * v1, 190 + 55 * v2);
	case PAL_RED:
		return rgb(200 + 55 * v1, 50 + 80 * v1, 50 + 80 * v1);
	case PAL_GREEN:
		return rgb(50 + 60 * v1, 200 + 55 * v1, 50 + 60 * v1);
	case PAL_BLUE:
		return rgb(80 + 60 * v1, 80 + 60 * v1, 205 + 50 * v1);
	case PAL_AQUA:
		return rgb(50 + 60 * v1, 165 + 55 * v1, 165 + 55 * v1);
	case PAL_YELLOW:
		return rgb(175 + 55 * v1, 175 + 55 * v1, 50 + 20 * v1);
	case PAL_PURPLE:
		return rgb(190 + 65 * v1, 80 + 60 * v1, 190 + 65 * v1);
	case PAL_ORANGE:
		return rgb(190 + 65 * v1, 90 + 65 * v1, 0);
	case PAL_HOT:
	default:
		return rgb(205 + 50 * v3, 230 * v1, 55 * v2);
	}
}

uint32_t palette__color(struct palette_state *ps, const char *name,
			uint8_t kind)
{
	enum palette pal = ps->pal;
	uint64_t h;

	/* Separators between stacks (e.g. waker / wakee) are grey. */
	if (!strcmp(name, "-") || !strcmp(name, "--"))
		return 0xa0a0a0;
	h = ps->hash ? hash__bytes(name, strlen(name), 0x666c616d65ULL) :
		next_rand(ps);
	if (pal == PAL_ANNOTATE) {
		switch (kind) {
		case PF_KERNEL:
			pal = PAL_ORANGE;
			break;
		case PF_JIT:
			pal = PAL_GREEN;
			break;
		case PF_INLINE:
			pal = PAL_AQUA;
			break;
		case PF_WAKER:
			pal = PAL_BLUE;
			break;
		default:
			pal = PAL_RED;
			break;
		}
	}
	return shade(pal, (double)(h & 0xffff) / 65536,
		     (double)((h >> 16) & 0xffff) / 65536,
		     (double)((h >> 32) & 0xffff) / 65536);
}

uint32_t palette__diff(double delta)
{
	double v;

	if (delta > 1)
		delta = 1;
	if (delta < -1)
		delta = -1;
	v = 220 * fabs(delta);
	if (delta > 0)
		return rgb(255, 255 - v, 255 - v);
	return rgb(255 - v, 255 - v, 255);
}
