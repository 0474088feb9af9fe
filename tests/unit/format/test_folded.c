// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the profile and the folded reader / writer. */
#include <stdlib.h>
#include <string.h>

#include "format/folded.h"
#include "test.h"

static char *write_to_string(const struct profile *p, unsigned int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	folded__write(p, f, flags);
	fclose(f);
	return buf;
}

static struct profile *read_string(const char *text, struct folded_stats *st)
{
	struct profile *p = profile__new();
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	memset(st, 0, sizeof(*st));
	folded__read(p, f, st);
	fclose(f);
	return p;
}

int main(void)
{
	struct folded_stats st;
	struct profile *p;
	char *out;

	p = read_string("a;b;c 3\n"
			"a;b;c 2\n"
			"a;b d;e_[k] 1.5\n"
			"no count here\n"
			"\n"
			"x 7\r\n"
			"a;  2\n"
			"bad 1.2.3\n", &st);
	CHECK(p->nr_samples == 4, "folded: duplicate stacks merge");
	CHECK(st.bad == 2 && st.first_bad == 4, "folded: bad lines counted");
	CHECK(profile__total(p) == 15.5, "folded: decimal counts");
	out = write_to_string(p, 0);
	CHECK(out && !strcmp(out, "a; 2\na;b d;e_[k] 1.5\na;b;c 5\nx 7\n"),
	      "folded: write sorted, merged, suffix kept");
	free(out);
	{
		const struct pf_sample *s = &p->samples[1];
		const struct pf_frame *f = profile__frame_get(p,
						s->frames[s->depth - 1]);

		CHECK(!strcmp(f->name, "e") && f->kind == PF_KERNEL,
		      "folded: _[k] suffix stripped into the kind");
	}
	profile__free(p);

	/* Labels: comm root, per-pid, per-thread; ';' in names escaped. */
	p = profile__new();
	{
		struct pf_frame fr = { .name = "main;x" };
		uint32_t id = profile__frame(p, &fr);
		struct pf_labels l = { .pid = 10, .tid = 11, .comm = "worker" };
		double one = 1;

		profile__add(p, &id, 1, &l, &one);
		profile__add(p, &id, 1, &l, &one);
		out = write_to_string(p, 0);
		CHECK(out && !strcmp(out, "worker;main:x 2\n"),
		      "folded: comm root, ';' escaped");
		free(out);
		out = write_to_string(p, FOLDED_PER_PID);
		CHECK(out && !strcmp(out, "worker-10;main:x 2\n"),
		      "folded: --per-pid root");
		free(out);
		out = write_to_string(p, FOLDED_PER_THREAD);
		CHECK(out && !strcmp(out, "worker-10/11;main:x 2\n"),
		      "folded: --per-thread root");
		free(out);
	}
	{
		struct profile *q = profile__new();

		profile__merge(q, p);
		profile__merge(q, p);
		CHECK(q->nr_samples == 1 && profile__total(q) == 4,
		      "profile: merge sums equal samples");
		profile__free(q);
	}
	profile__free(p);
	return test_status();
}
