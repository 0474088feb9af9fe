/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal of `ebprof top`, through ncurses: the header, the rows of
 * a live view with a selection, the callers tree of a row, the filter
 * prompt and a status line; keys change what is shown (sort, kernel
 * frames, per-process rows, filter, callers) and ask the caller to quit
 * or to write the recording.  Resizes are followed.  Not here: sampling,
 * the window's arithmetic (live.c), writing files.
 */
#ifndef EBPROF_TOP_TUI_H
#define EBPROF_TOP_TUI_H

#include <stdbool.h>

#include "profile/live.h"

/* What top_tui__input() asks of the caller. */
#define TOP_TUI_QUIT	0x1
#define TOP_TUI_WRITE	0x2
#define TOP_TUI_REDRAW	0x4	/* the view changed: draw again */

struct top_tui;

/*
 * Takes the terminal (standard input and output): no echo, keys one at a
 * time, no cursor.  0 or -errno (-ENOTTY when it is not a terminal ncurses
 * knows).  Install signal handlers before: ncurses keeps them.
 */
int top_tui__new(struct top_tui **out);
/* Gives the terminal back as it was; safe on every path. */
void top_tui__free(struct top_tui *t);

/* Rows per container rather than per function (`p` still shows them
 * per process). */
void top_tui__set_per_container(struct top_tui *t, bool on);

/* Reads the keys typed so far, without waiting; TOP_TUI_* bits. */
int top_tui__input(struct top_tui *t);

/*
 * Draws @l under the two header lines, in the current mode (list or
 * callers).  0 or -errno.
 */
int top_tui__draw(struct top_tui *t, struct live *l, const char *head1,
		  const char *head2);

/* The message of the status line until the next key (printf-like). */
void top_tui__status(struct top_tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
