// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal of `ebprof top` (see top_tui.h).  Three modes: the list of
 * rows, the callers tree of the row selected with Enter, and the filter
 * prompt opened by '/' (drawn over the list's status line).  Each draw
 * asks live.c for a fresh view with the current options, so a key takes
 * effect at once, not at the next refresh.
 */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/top_tui.h"

enum tui_mode { MODE_LIST, MODE_CALLERS };

#define HEADER_LINES	4	/* two header lines, keys, column names */
#define FILTER_MAX	256

struct top_tui {
	SCREEN *scr;
	enum tui_mode mode;
	struct live_view_opts opts;
	regex_t re;
	bool re_set;
	char filter[FILTER_MAX];	/* the applied expression */
	bool prompt;			/* typing a filter */
	char input[FILTER_MAX];
	size_t input_len;
	size_t sel, top;		/* selected and first shown row */
	size_t nr_rows;			/* of the last view drawn */
	struct live_row *pick;		/* the row whose callers to show */
	bool want_pick;			/* Enter: pick the selected row */
	/* The selected row, followed across refreshes as rows move; not
	 * after a key moved the selection. */
	struct live_row *held;
	bool moved;
	char status[256];
};

int top_tui__new(struct top_tui **out)
{
	struct top_tui *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	/* Names are UTF-8; numbers keep their '.' (LC_NUMERIC untouched). */
	setlocale(LC_CTYPE, "");
	t->scr = newterm(NULL, stdout, stdin);
	if (!t->scr) {
		free(t);
		return -ENOTTY;
	}
	set_term(t->scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->opts.kernel = true;
	*out = t;
	return 0;
}

static void row_free(struct live_row **r)
{
	if (!*r)
		return;
	free((char *)(*r)->sym);
	free((char *)(*r)->dso);
	free((char *)(*r)->process);
	free(*r);
	*r = NULL;
}

void top_tui__free(struct top_tui *t)
{
	if (!t)
		return;
	endwin();
	delscreen(t->scr);
	if (t->re_set)
		regfree(&t->re);
	row_free(&t->pick);
	row_free(&t->held);
	free(t);
}

void top_tui__status(struct top_tui *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->status, sizeof(t->status), fmt, ap);
	va_end(ap);
}

/* Applies the typed expression; an empty one clears the filter. */
static void apply_filter(struct top_tui *t)
{
	regex_t re;
	int err;

	t->input[t->input_len] = '\0';
	if (!t->input_len) {
		if (t->re_set)
			regfree(&t->re);
		t->re_set = false;
		t->filter[0] = '\0';
		t->opts.filter = NULL;
		return;
	}
	err = regcomp(&re, t->input, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (err) {
		char msg[128];

		regerror(err, &re, msg, sizeof(msg));
		top_tui__status(t, "bad expression '%s': %s", t->input, msg);
		return;
	}
	if (t->re_set)
		regfree(&t->re);
	t->re = re;
	t->re_set = true;
	snprintf(t->filter, sizeof(t->filter), "%s", t->input);
	t->opts.filter = &t->re;
	t->sel = t->top = 0;
	t->moved = true;
}

static bool is_enter(int c)
{
	return c == '\n' || c == '\r' || c == KEY_ENTER;
}

static bool is_backspace(int c)
{
	return c == KEY_BACKSPACE || c == 127 || c == 8;
}

static int prompt_key(struct top_tui *t, int c)
{
	if (is_enter(c)) {
		t->prompt = false;
		apply_filter(t);
	} else if (c == 27) {
		t->prompt = false;
	} else if (is_backspace(c)) {
		if (t->input_len)
			t->input_len--;
	} else if (c >= 32 && c < 256 && c != 127 &&
		   t->input_len + 1 < sizeof(t->input)) {
		t->input[t->input_len++] = c;
	}
	return TOP_TUI_REDRAW;
}

static int list_key(struct top_tui *t, int c)
{
	size_t page = LINES > HEADER_LINES + 1 ? LINES - HEADER_LINES - 1 : 1;

	switch (c) {
	case 'q':
	case 'Q':
		return TOP_TUI_QUIT;
	case 'w':
		return TOP_TUI_WRITE | TOP_TUI_REDRAW;
	case 's':
		t->opts.by_total = false;
		break;
	case 't':
		t->opts.by_total = true;
		break;
	case 'k':
		t->opts.kernel = !t->opts.kernel;
		break;
	case 'p':
		t->opts.per_process = !t->opts.per_process;
		break;
	case '/':
		t->prompt = true;
		t->input_len = strlen(t->filter);
		memcpy(t->input, t->filter, t->input_len);
		break;
	case KEY_UP:
		if (t->sel)
			t->sel--;
		t->moved = true;
		break;
	case KEY_DOWN:
		t->sel++;
		t->moved = true;
		break;
	case KEY_PPAGE:
		t->sel = t->sel > page ? t->sel - page : 0;
		t->moved = true;
		break;
	case KEY_NPAGE:
		t->sel += page;
		t->moved = true;
		break;
	case KEY_HOME:
		t->sel = 0;
		t->moved = true;
		break;
	case KEY_END:
		t->sel = t->nr_rows ? t->nr_rows - 1 : 0;
		t->moved = true;
		break;
	default:
		if (is_enter(c)) {
			if (t->mode == MODE_CALLERS)
				t->mode = MODE_LIST;
			else
				t->want_pick = true;
		} else if (c == 27 || is_backspace(c)) {
			t->mode = MODE_LIST;
		}
		break;
	}
	return TOP_TUI_REDRAW;
}

void top_tui__set_per_container(struct top_tui *t, bool on)
{
	t->opts.per_container = on;
}

int top_tui__input(struct top_tui *t)
{
	int c, ret = 0;

	while (!(ret & TOP_TUI_QUIT) && (c = getch()) != ERR) {
		if (c == KEY_RESIZE) {
			ret |= TOP_TUI_REDRAW;
			continue;
		}
		t->status[0] = '\0';
		ret |= t->prompt ? prompt_key(t, c) : list_key(t, c);
	}
	return ret;
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "";
}

/* Keeps a copy of @r in *@dst (the view it belongs to goes away). */
static int row_keep(struct live_row **dst, const struct live_row *r)
{
	struct live_row *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*p = *r;
	p->sym = strdup(r->sym);
	p->dso = strdup(r->dso ? r->dso : "");
	p->process = r->process ? strdup(r->process) : NULL;
	if (!p->sym || !p->dso || (r->process && !p->process)) {
		row_free(&p);
		return -ENOMEM;
	}
	row_free(dst);
	*dst = p;
	return 0;
}

/* Rows per container (live.h): their process column names it. */
static bool by_container(const struct top_tui *t)
{
	return t->opts.per_container && !t->opts.per_process;
}

/* Where the held row is in @v now, or @v->nr_rows. */
static size_t find_held(const struct top_tui *t, const struct live_view *v)
{
	const struct live_row *h = t->held;
	size_t i;

	for (i = 0; h && i < v->nr_rows; i++) {
		const struct live_row *r = &v->rows[i];

		if (r->kind == h->kind && !strcmp(r->sym, h->sym) &&
		    !strcmp(r->dso ? r->dso : "", h->dso) &&
		    (!t->opts.per_process || r->pid == h->pid) &&
		    (!by_container(t) || !strcmp(r->process ? r->process : "",
						 h->process ? h->process : "")))
			return i;
	}
	return v->nr_rows;
}

static void draw_line(int y, const char *s)
{
	move(y, 0);
	clrtoeol();
	mvaddnstr(y, 0, s, COLS);
}

static void draw_keys(struct top_tui *t, int y)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "sort: %s (s/t)  kernel: %s (k)  "
		 "per process: %s (p)  filter: %s (/)  Enter: callers  "
		 "w: write  q: quit",
		 t->opts.by_total ? "total" : "self",
		 t->opts.kernel ? "shown" : "hidden",
		 t->opts.per_process ? "on" : "off",
		 t->filter[0] ? t->filter : "none");
	draw_line(y, buf);
}

static void draw_list(struct top_tui *t, const struct live_view *v)
{
	int first = HEADER_LINES, room = LINES - HEADER_LINES - 1, y;
	const char *cols = live__columns_of(&t->opts);
	size_t i, n = strlen(cols);
	char buf[1024];

	attron(A_REVERSE);
	draw_line(first - 1, cols);
	if (n < (size_t)COLS)
		mvhline(first - 1, n, ' ', COLS - n);
	attroff(A_REVERSE);
	if (room < 1)
		return;
	if (t->sel >= v->nr_rows)
		t->sel = v->nr_rows ? v->nr_rows - 1 : 0;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + room)
		t->top = t->sel - room + 1;
	for (y = 0, i = t->top; y < room; y++, i++) {
		if (i >= v->nr_rows) {
			move(first + y, 0);
			clrtoeol();
			continue;
		}
		live_row__format(&v->rows[i], buf, sizeof(buf));
		if (i == t->sel)
			attron(A_BOLD | A_REVERSE);
		draw_line(first + y, buf);
		if (i == t->sel)
			attroff(A_BOLD | A_REVERSE);
	}
}

static int draw_callers(struct top_tui *t, struct live *l)
{
	struct live_callers *c = live__callers(l, &t->opts, t->pick);
	int y = HEADER_LINES, last = LINES - 1;
	char buf[1024];
	uint32_t i = 0;

	if (!c)
		return -errno;
	attron(A_REVERSE);
	snprintf(buf, sizeof(buf), "callers of %s%s (%s)%s%.0d%s%s  -  Enter "
		 "or Esc: back", t->pick->sym, pf_kind__suffix(t->pick->kind),
		 base_name(t->pick->dso),
		 t->opts.per_process ? " in pid " : "",
		 t->opts.per_process ? t->pick->pid : 0,
		 by_container(t) ? " in " : "",
		 by_container(t) && t->pick->process ? t->pick->process : "");
	draw_line(y - 1, buf);
	attroff(A_REVERSE);
	while (y < last && (i = report_tree__next(c->tree, i, true))) {
		const struct report_node *n = &c->tree->nodes[i];
		int indent = 2 * (n->depth - 1);

		snprintf(buf, sizeof(buf), "%6.1f%%  %*s%s%s",
			 c->tree->total > 0 ? 100 * n->total / c->tree->total :
			 0, indent > 60 ? 60 : indent, "", n->sym,
			 pf_kind__suffix(n->kind));
		draw_line(y++, buf);
	}
	if (c->tree->nr_nodes <= 1 && y < last)
		draw_line(y++, "  (no samples of it in the window)");
	for (; y < last; y++) {
		move(y, 0);
		clrtoeol();
	}
	live_callers__free(c);
	return 0;
}

int top_tui__draw(struct top_tui *t, struct live *l, const char *head1,
		  const char *head2)
{
	struct live_view *v;
	char buf[FILTER_MAX + 16];
	int err = 0;

	v = live__view(l, &t->opts);
	if (!v)
		return -errno;
	t->nr_rows = v->nr_rows;
	if (!t->moved && find_held(t, v) < v->nr_rows)
		t->sel = find_held(t, v);
	t->moved = false;
	if (t->sel >= v->nr_rows)
		t->sel = v->nr_rows ? v->nr_rows - 1 : 0;
	if (v->nr_rows)
		err = row_keep(&t->held, &v->rows[t->sel]);
	if (t->want_pick) {
		t->want_pick = false;
		if (t->sel < v->nr_rows) {
			err = row_keep(&t->pick, &v->rows[t->sel]);
			if (!err)
				t->mode = MODE_CALLERS;
		}
	}
	erase();
	draw_line(0, head1);
	draw_line(1, head2);
	draw_keys(t, 2);
	if (!err && t->mode == MODE_CALLERS && t->pick)
		err = draw_callers(t, l);
	else
		draw_list(t, v);
	if (t->prompt) {
		t->input[t->input_len] = '\0';
		snprintf(buf, sizeof(buf), "filter: %s", t->input);
		draw_line(LINES - 1, buf);
	} else if (t->status[0]) {
		draw_line(LINES - 1, t->status);
	}
	refresh();
	live_view__free(v);
	return err;
}
