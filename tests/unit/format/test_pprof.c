// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the pprof writer and reader: what the writer puts on the
 * wire (checked with the generated decoder, not with our reader), round
 * trips through our reader, profiles as other tools write them, hostile
 * input, and the format detection of input.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "format/folded.h"
#include "format/input.h"
#include "format/pprof.h"
#include "test.h"

typedef Perftools__Profiles__Profile PbProfile;

static char *folded_of(const struct profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	folded__write(p, f, 0);
	fclose(f);
	return buf;
}

static uint32_t frame(struct profile *p, const char *name, const char *sys,
		      uint64_t addr, uint32_t mapping, uint8_t kind)
{
	struct pf_frame f = { name, sys, NULL, addr, mapping, kind, 0 };

	if (mapping)
		f.module = p->mappings[mapping - 1].file;
	return profile__frame(p, &f);
}

/*
 * A profile as `record` makes one: two types, mappings with build ids,
 * kernel frames without a mapping, an inlined frame, labels, comments.
 */
static struct profile *rich_profile(void)
{
	struct profile *p = profile__new();
	struct pf_value_type types[2] = {
		{ "samples", "count" }, { "cpu", "nanoseconds" },
	};
	struct pf_mapping exe = { 0x400000, 0x500000, 0, "/usr/bin/app",
				  "abcdef0123" };
	struct pf_mapping libc = { 0x7f0000000000, 0x7f0000200000, 0x1000,
				   "/lib/libc.so.6", NULL };
	struct pf_labels l1 = { 100, 101, "worker", "app", "/sys/app" };
	struct pf_labels l2 = { 100, 100, "app", "app", NULL };
	uint32_t m_exe, m_libc, f_main, f_work, f_inl, f_memcpy, f_sys, f_k1,
		 f_unres;
	double v[2];

	profile__set_types(p, types, 2);
	p->default_type = 1;
	p->period_type.type = profile__intern(p, "cpu");
	p->period_type.unit = profile__intern(p, "nanoseconds");
	p->period = 10101010;
	p->time_nanos = 1700000000000000000LL;
	p->duration_nanos = 2000000000;
	profile__add_comment(p, "ebprof record -F 99");
	profile__add_comment(p, "kernel 6.18");
	m_exe = profile__mapping(p, &exe);
	m_libc = profile__mapping(p, &libc);
	f_main = frame(p, "main", NULL, 0x401000, m_exe, PF_USER);
	f_work = frame(p, "ns::work(int)", "_ZN2ns4workEi", 0x401234, m_exe,
		       PF_USER);
	f_inl = frame(p, "helper", NULL, 0x401234, m_exe, PF_INLINE);
	f_memcpy = frame(p, "memcpy", NULL, 0x7f0000001234, m_libc, PF_USER);
	f_sys = frame(p, "entry_SYSCALL_64", NULL, 0xffffffff81000000ULL, 0,
		      PF_KERNEL);
	f_k1 = frame(p, "do_sys_read", NULL, 0xffffffff81001000ULL, 0,
		     PF_KERNEL);
	{
		struct pf_frame u = { "[libc.so.6]", NULL, NULL,
				      0x7f0000009999, m_libc, PF_USER,
				      PF_FRAME_UNRESOLVED };

		u.module = p->mappings[m_libc - 1].file;
		f_unres = profile__frame(p, &u);
	}
	{
		uint32_t s1[] = { f_main, f_work, f_inl, f_memcpy };
		uint32_t s2[] = { f_main, f_work, f_inl };
		uint32_t s3[] = { f_main, f_memcpy, f_sys, f_k1 };
		uint32_t s4[] = { f_main, f_unres };

		v[0] = 3, v[1] = 3 * 10101010.0;
		profile__add(p, s1, 4, &l1, v);
		v[0] = 5, v[1] = 5 * 10101010.0;
		profile__add(p, s2, 3, &l1, v);
		v[0] = 2, v[1] = 2 * 10101010.0;
		profile__add(p, s3, 4, &l2, v);
		v[0] = 1, v[1] = 10101010.0;
		profile__add(p, s4, 2, &l2, v);
	}
	return p;
}

static const char *pb_str(const PbProfile *m, int64_t i)
{
	return i >= 0 && (size_t)i < m->n_string_table ? m->string_table[i] :
	       "<out of range>";
}

static const Perftools__Profiles__Function *pb_fn(const PbProfile *m,
						  uint64_t id)
{
	size_t i;

	for (i = 0; i < m->n_function; i++)
		if (m->function[i]->id == id)
			return m->function[i];
	return NULL;
}

static const Perftools__Profiles__Location *pb_loc(const PbProfile *m,
						   uint64_t id)
{
	size_t i;

	for (i = 0; i < m->n_location; i++)
		if (m->location[i]->id == id)
			return m->location[i];
	return NULL;
}

static const Perftools__Profiles__Mapping *pb_map(const PbProfile *m,
						  uint64_t id)
{
	size_t i;

	for (i = 0; i < m->n_mapping; i++)
		if (m->mapping[i]->id == id)
			return m->mapping[i];
	return NULL;
}

static const char *loc_name(const PbProfile *m, uint64_t id, size_t line)
{
	const Perftools__Profiles__Location *l = pb_loc(m, id);
	const Perftools__Profiles__Function *f;

	if (!l || line >= l->n_line)
		return "<none>";
	f = pb_fn(m, l->line[line]->function_id);
	return f ? pb_str(m, f->name) : "<no function>";
}

/* The wire form, decoded by the generated code rather than our reader. */
static void test_wire(void)
{
	struct profile *p = rich_profile();
	PbProfile *m;
	void *buf;
	size_t len, i, j;
	bool ids_ok = true, kernel_ok = false, inline_ok = false;
	bool labels_ok = false, exe_ok = false, sys_ok = false;
	bool leaf_first = false;

	CHECK(pprof__encode(p, false, &buf, &len) == 0, "pprof: encode");
	m = perftools__profiles__profile__unpack(NULL, len, buf);
	CHECK(m != NULL, "pprof: output is a valid Profile message");
	if (!m)
		goto out;
	CHECK(m->n_string_table > 0 && !m->string_table[0][0],
	      "pprof: string_table[0] is empty");
	CHECK(m->n_sample_type == 2 &&
	      !strcmp(pb_str(m, m->sample_type[0]->type), "samples") &&
	      !strcmp(pb_str(m, m->sample_type[1]->unit), "nanoseconds"),
	      "pprof: sample types samples/count, cpu/nanoseconds");
	/* As Go's CPU profiles: no default, readers open on the last type. */
	CHECK(m->default_sample_type == 0,
	      "pprof: a CPU profile leaves default_sample_type unset");
	CHECK(m->period == 10101010 && m->period_type &&
	      !strcmp(pb_str(m, m->period_type->type), "cpu") &&
	      m->time_nanos == 1700000000000000000LL &&
	      m->duration_nanos == 2000000000,
	      "pprof: period, period type, time and duration");
	CHECK(m->n_comment == 2 &&
	      !strcmp(pb_str(m, m->comment[0]), "ebprof record -F 99"),
	      "pprof: comments");
	for (i = 0; i < m->n_location; i++) {
		const Perftools__Profiles__Location *l = m->location[i];

		if (!l->id || pb_loc(m, l->id) != l)
			ids_ok = false;
		if (l->mapping_id && !pb_map(m, l->mapping_id))
			ids_ok = false;
		for (j = 0; j < l->n_line; j++)
			if (!pb_fn(m, l->line[j]->function_id))
				ids_ok = false;
		if (l->address == 0xffffffff81001000ULL && l->mapping_id &&
		    !strcmp(pb_str(m, pb_map(m, l->mapping_id)->filename),
			    "[kernel.kallsyms]"))
			kernel_ok = true;
		if (l->n_line == 2 && l->address == 0x401234 &&
		    !strcmp(loc_name(m, l->id, 0), "helper") &&
		    !strcmp(loc_name(m, l->id, 1), "ns::work(int)"))
			inline_ok = true;
	}
	CHECK(ids_ok && m->n_location > 0,
	      "pprof: location, mapping and function ids resolve");
	CHECK(kernel_ok, "pprof: kernel frames in a [kernel.kallsyms] mapping");
	CHECK(inline_ok, "pprof: inlined frame is the first line of its "
	      "caller's location");
	for (i = 0; i < m->n_function; i++)
		if (!strcmp(pb_str(m, m->function[i]->name), "ns::work(int)") &&
		    !strcmp(pb_str(m, m->function[i]->system_name),
			    "_ZN2ns4workEi"))
			sys_ok = true;
	CHECK(sys_ok, "pprof: function name and mangled system_name");
	for (i = 0; i < m->n_mapping; i++) {
		const Perftools__Profiles__Mapping *mp = m->mapping[i];

		if (!strcmp(pb_str(m, mp->filename), "/usr/bin/app") &&
		    !strcmp(pb_str(m, mp->build_id), "abcdef0123") &&
		    mp->memory_start == 0x400000 &&
		    mp->memory_limit == 0x500000 && mp->has_functions)
			exe_ok = true;
	}
	CHECK(exe_ok, "pprof: mapping start, limit, file, build id, "
	      "has_functions");
	for (i = 0; i < m->n_sample; i++) {
		const Perftools__Profiles__Sample *s = m->sample[i];
		int seen = 0;

		if (s->n_value == 2 && s->value[0] == 3 &&
		    s->value[1] == 30303030 && s->n_location_id == 3 &&
		    !strcmp(loc_name(m, s->location_id[0], 0), "memcpy") &&
		    !strcmp(loc_name(m, s->location_id[2], 0), "main"))
			leaf_first = true;
		for (j = 0; j < s->n_label; j++) {
			const char *k = pb_str(m, s->label[j]->key);

			if (!strcmp(k, "pid") && s->label[j]->num == 100)
				seen |= 1;
			if (!strcmp(k, "tid") && s->label[j]->num == 101)
				seen |= 2;
			if (!strcmp(k, "thread_comm") &&
			    !strcmp(pb_str(m, s->label[j]->str), "worker"))
				seen |= 4;
			if (!strcmp(k, "comm") &&
			    !strcmp(pb_str(m, s->label[j]->str), "app"))
				seen |= 8;
			if (!strcmp(k, "cgroup") &&
			    !strcmp(pb_str(m, s->label[j]->str), "/sys/app"))
				seen |= 16;
		}
		if (seen == 31)
			labels_ok = true;
	}
	CHECK(leaf_first, "pprof: sample locations leaf first, values as "
	      "integers");
	CHECK(labels_ok, "pprof: labels pid, tid, thread_comm, comm, cgroup");
	perftools__profiles__profile__free_unpacked(m, NULL);
out:
	free(buf);
	profile__free(p);
}

static const struct pf_frame *find_frame(const struct profile *p,
					 const char *name)
{
	size_t i;

	for (i = 0; i < p->nr_frames; i++)
		if (!strcmp(p->frames[i].name, name))
			return &p->frames[i];
	return NULL;
}

static void test_round_trip(void)
{
	struct profile *p = rich_profile(), *q = profile__new();
	char *a = folded_of(p), *b = NULL, err[256];
	const struct pf_frame *f;
	void *buf;
	size_t len;
	int r;

	CHECK(pprof__encode(p, true, &buf, &len) == 0 &&
	      pprof__is_gzip(buf, len), "pprof: gzipped output");
	r = pprof__read(q, buf, len, NULL, err, sizeof(err));
	CHECK(r == 0, "pprof: read back own output (%s)", r ? err : "ok");
	b = folded_of(q);
	CHECK(a && b && !strcmp(a, b),
	      "pprof: folded of the read-back equals folded of the original");
	CHECK(q->nr_types == 2 && q->default_type == 1 &&
	      q->period == 10101010 && q->time_nanos == p->time_nanos &&
	      q->duration_nanos == p->duration_nanos && q->nr_comments == 2,
	      "pprof: types, default, period, time, comments survive");
	f = find_frame(q, "ns::work(int)");
	CHECK(f && f->addr == 0x401234 && f->mapping &&
	      !strcmp(q->mappings[f->mapping - 1].file, "/usr/bin/app") &&
	      q->mappings[f->mapping - 1].build_id &&
	      !strcmp(q->mappings[f->mapping - 1].build_id, "abcdef0123") &&
	      f->system_name && !strcmp(f->system_name, "_ZN2ns4workEi"),
	      "pprof: address, mapping, build id, system name survive");
	f = find_frame(q, "do_sys_read");
	CHECK(f && f->kind == PF_KERNEL, "pprof: kernel kind survives");
	f = find_frame(q, "helper");
	CHECK(f && f->kind == PF_INLINE, "pprof: inline kind survives");
	f = find_frame(q, "[libc.so.6]");
	CHECK(f != NULL, "pprof: unresolved frame name survives");
	{
		size_t i;
		bool ok = false;

		for (i = 0; i < q->nr_samples; i++)
			if (q->samples[i].labels.pid == 100 &&
			    q->samples[i].labels.tid == 101 &&
			    q->samples[i].labels.comm &&
			    !strcmp(q->samples[i].labels.comm, "worker") &&
			    q->samples[i].labels.process &&
			    !strcmp(q->samples[i].labels.process, "app") &&
			    q->samples[i].labels.cgroup &&
			    !strcmp(q->samples[i].labels.cgroup, "/sys/app"))
				ok = true;
		CHECK(ok, "pprof: labels survive");
	}
	/* A second read adds. */
	r = pprof__read(q, buf, len, NULL, err, sizeof(err));
	CHECK(r == 0 && profile__total(q) == 2 * profile__total(p),
	      "pprof: reading twice sums the values");
	free(buf);
	free(a);
	free(b);
	profile__free(q);

	q = profile__new();
	pprof__encode(p, false, &buf, &len);
	r = pprof__read(q, buf, len, "samples", err, sizeof(err));
	CHECK(r == 0 && q->default_type == 0 && profile__total(q) == 11,
	      "pprof: raw (not gzipped) input; --sample-type samples");
	profile__free(q);
	q = profile__new();
	r = pprof__read(q, buf, len, "alloc_space", err, sizeof(err));
	CHECK(r == -EINVAL && strstr(err, "alloc_space") &&
	      strstr(err, "samples, cpu") && q->nr_samples == 0,
	      "pprof: unknown sample type is an error naming the types (%s)",
	      err);
	profile__free(q);
	free(buf);
	profile__free(p);
}

/* Folded input makes a name-only pprof whose folded form is the same. */
static void test_folded_round_trip(void)
{
	static const char text[] =
		"app;main;work;memcpy 7\n"
		"app;main;sys_read_[k];vfs_read_[k] 3\n"
		"app;main;jitted_[j] 2\n"
		"app;main;work;inl_[i] 4\n"
		"app;main;w;x y_[w] 1\n";
	struct profile *p = profile__new(), *q = profile__new();
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");
	struct folded_stats st = { 0 };
	char *a, *b, err[256];
	void *buf;
	size_t len;

	folded__read(p, f, &st);
	fclose(f);
	a = folded_of(p);
	CHECK(pprof__encode(p, true, &buf, &len) == 0 &&
	      pprof__read(q, buf, len, NULL, err, sizeof(err)) == 0,
	      "pprof: folded input encodes and reads back");
	b = folded_of(q);
	CHECK(a && b && !strcmp(a, b),
	      "pprof: folded -> pprof -> folded is the identity, suffixes "
	      "kept");
	free(a);
	free(b);
	free(buf);
	profile__free(p);
	profile__free(q);
}

/* ---- foreign profiles, built with the generated code ---------------- */

struct pb_builder {
	PbProfile m;
	char *strs[64];
	Perftools__Profiles__ValueType vt[4], *vtp[4];
	Perftools__Profiles__Function fn[8], *fnp[8];
	Perftools__Profiles__Line ln[8], *lnp[8];
	Perftools__Profiles__Location loc[8], *locp[8];
	Perftools__Profiles__Mapping map[4], *mapp[4];
	Perftools__Profiles__Sample s[4], *sp[4];
	Perftools__Profiles__Label lab[4], *labp[4];
	uint64_t ids[4][8];
	int64_t vals[4][4];
};

static int64_t bstr(struct pb_builder *b, const char *s)
{
	size_t i;

	for (i = 0; i < b->m.n_string_table; i++)
		if (!strcmp(b->strs[i], s))
			return i;
	b->strs[b->m.n_string_table] = (char *)s;
	return b->m.n_string_table++;
}

/*
 * A Go-like heap profile: no mappings, no addresses, two value types and
 * no default, an inlined call (two lines), a line with no function.
 */
static void go_heap_profile(struct pb_builder *b)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	perftools__profiles__profile__init(&b->m);
	b->m.string_table = b->strs;
	bstr(b, "");
	for (i = 0; i < 2; i++) {
		perftools__profiles__value_type__init(&b->vt[i]);
		b->vtp[i] = &b->vt[i];
	}
	b->vt[0].type = bstr(b, "alloc_objects");
	b->vt[0].unit = bstr(b, "count");
	b->vt[1].type = bstr(b, "alloc_space");
	b->vt[1].unit = bstr(b, "bytes");
	b->m.sample_type = b->vtp;
	b->m.n_sample_type = 2;
	for (i = 0; i < 3; i++) {
		perftools__profiles__function__init(&b->fn[i]);
		b->fn[i].id = 10 + i;
		b->fnp[i] = &b->fn[i];
	}
	b->fn[0].name = bstr(b, "main.main");
	b->fn[1].name = bstr(b, "main.alloc");
	b->fn[2].name = bstr(b, "runtime.mallocgc");
	b->m.function = b->fnp;
	b->m.n_function = 3;
	for (i = 0; i < 3; i++) {
		perftools__profiles__line__init(&b->ln[i]);
		b->lnp[i] = &b->ln[i];
		perftools__profiles__location__init(&b->loc[i]);
		b->locp[i] = &b->loc[i];
		b->loc[i].id = 100 + i;
	}
	/* loc 100: main.main; loc 101: mallocgc inlined into alloc. */
	b->ln[0].function_id = 10;
	b->loc[0].line = &b->lnp[0];
	b->loc[0].n_line = 1;
	b->ln[1].function_id = 12;
	b->ln[2].function_id = 11;
	b->loc[1].line = &b->lnp[1];
	b->loc[1].n_line = 2;
	b->loc[2].n_line = 0;	/* no lines at all */
	b->m.location = b->locp;
	b->m.n_location = 3;
	perftools__profiles__sample__init(&b->s[0]);
	b->sp[0] = &b->s[0];
	b->ids[0][0] = 101;
	b->ids[0][1] = 100;
	b->s[0].location_id = b->ids[0];
	b->s[0].n_location_id = 2;
	b->vals[0][0] = 4;
	b->vals[0][1] = 4096;
	b->s[0].value = b->vals[0];
	b->s[0].n_value = 2;
	perftools__profiles__label__init(&b->lab[0]);
	b->labp[0] = &b->lab[0];
	b->lab[0].key = bstr(b, "bytes");
	b->lab[0].num = 1024;
	b->lab[0].num_unit = bstr(b, "bytes");
	b->s[0].label = b->labp;
	b->s[0].n_label = 1;
	perftools__profiles__sample__init(&b->s[1]);
	b->sp[1] = &b->s[1];
	b->ids[1][0] = 102;
	b->ids[1][1] = 100;
	b->s[1].location_id = b->ids[1];
	b->s[1].n_location_id = 2;
	b->vals[1][0] = 1;
	b->vals[1][1] = 100;
	b->s[1].value = b->vals[1];
	b->s[1].n_value = 2;
	b->m.sample = b->sp;
	b->m.n_sample = 2;
}

static int read_pb(struct pb_builder *b, struct profile **out, char *err,
		   size_t errlen, const char *type)
{
	size_t len = perftools__profiles__profile__get_packed_size(&b->m);
	uint8_t *buf = malloc(len + 1);
	int r;

	perftools__profiles__profile__pack(&b->m, buf);
	*out = profile__new();
	r = pprof__read(*out, buf, len, type, err, errlen);
	free(buf);
	return r;
}

static void test_foreign(void)
{
	struct pb_builder b;
	struct profile *q;
	char err[256], *out;
	int r;

	go_heap_profile(&b);
	r = read_pb(&b, &q, err, sizeof(err), NULL);
	CHECK(r == 0, "pprof: Go-like heap profile reads (%s)",
	      r ? err : "ok");
	CHECK(q->nr_types == 2 && q->default_type == 1 &&
	      !strcmp(q->types[1].type, "alloc_space"),
	      "pprof: no default_sample_type: the last type is the default");
	out = folded_of(q);
	CHECK(out && !strcmp(out, "main.main;[unknown] 100\n"
			     "main.main;main.alloc;runtime.mallocgc_[i] "
			     "4096\n"),
	      "pprof: inlined lines expand caller first, _[i]; no line → "
	      "[unknown]");
	free(out);
	profile__free(q);

	b.m.default_sample_type = bstr(&b, "alloc_objects");
	r = read_pb(&b, &q, err, sizeof(err), NULL);
	CHECK(r == 0 && q->default_type == 0 && profile__total(q) == 5,
	      "pprof: default_sample_type honoured");
	profile__free(q);
	r = read_pb(&b, &q, err, sizeof(err), "alloc_space");
	CHECK(r == 0 && q->default_type == 1 && profile__total(q) == 4196,
	      "pprof: --sample-type overrides default_sample_type");
	profile__free(q);

	/* A mapping but no symbols: "[basename]". */
	go_heap_profile(&b);
	perftools__profiles__mapping__init(&b.map[0]);
	b.mapp[0] = &b.map[0];
	b.map[0].id = 1;
	b.map[0].filename = bstr(&b, "/opt/lib/libfoo.so");
	b.m.mapping = b.mapp;
	b.m.n_mapping = 1;
	b.loc[2].mapping_id = 1;
	b.loc[2].address = 0x1234;
	r = read_pb(&b, &q, err, sizeof(err), NULL);
	out = folded_of(q);
	CHECK(r == 0 && out && strstr(out, "main.main;[libfoo.so] 100\n"),
	      "pprof: unsymbolized location in a mapping → [libfoo.so]");
	free(out);
	profile__free(q);
}

/* ---- hostile input --------------------------------------------------- */

static void expect_bad(struct pb_builder *b, const char *want,
		       const char *name)
{
	struct profile *q;
	char err[256];
	int r = read_pb(b, &q, err, sizeof(err), NULL);

	CHECK(r == -EINVAL && strstr(err, want) && q->nr_samples == 0,
	      "pprof: rejects %s (%s)", name, r ? err : "accepted");
	profile__free(q);
}

static void test_hostile(void)
{
	struct profile *p = rich_profile(), *q;
	struct pb_builder b;
	char err[256];
	void *buf, *out;
	unsigned char *c;
	size_t len, olen;
	int r;

	pprof__encode(p, true, &buf, &len);
	q = profile__new();
	r = pprof__read(q, buf, len / 2, NULL, err, sizeof(err));
	CHECK(r == -EINVAL && strstr(err, "truncated gzip"),
	      "pprof: truncated gzip (%s)", err);
	c = malloc(len);
	memcpy(c, buf, len);
	memset(c + 12, 0xff, 16);
	r = pprof__read(q, c, len, NULL, err, sizeof(err));
	CHECK(r == -EINVAL && (strstr(err, "corrupt gzip") ||
			       strstr(err, "pprof")),
	      "pprof: corrupt gzip (%s)", err);
	memcpy(c, buf, len);
	c[len - 5] ^= 0x55;	/* the CRC-32 trailer */
	r = pprof__read(q, c, len, NULL, err, sizeof(err));
	CHECK(r == -EINVAL && strstr(err, "gzip"),
	      "pprof: gzip with a wrong checksum (%s)", err);
	free(c);
	r = pprof__read(q, "\x1f\x8b", 2, NULL, err, sizeof(err));
	CHECK(r == -EINVAL, "pprof: gzip magic alone (%s)", err);
	r = pprof__read(q, "\x0a\x05\x08\x01\x10\x02\x00\xff\xff\xff", 10,
			NULL, err, sizeof(err));
	CHECK(r == -EINVAL && strstr(err, "protobuf"),
	      "pprof: invalid protobuf (%s)", err);
	CHECK(q->nr_samples == 0, "pprof: failed reads leave the profile "
	      "unchanged");
	free(buf);
	profile__free(q);
	profile__free(p);

	/* Zip bomb: the cap is a parameter, so test with a small one. */
	{
		size_t big = 8 << 20;
		unsigned char *zeros = calloc(1, big), *gz;
		uLongf gzlen = compressBound(big) + 64;
		z_stream z = { 0 };

		gz = malloc(gzlen);
		deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);
		z.next_in = zeros;
		z.avail_in = big;
		z.next_out = gz;
		z.avail_out = gzlen;
		deflate(&z, Z_FINISH);
		gzlen = z.total_out;
		deflateEnd(&z);
		r = pprof__gunzip(gz, gzlen, 1 << 20, &out, &olen, err,
				  sizeof(err));
		CHECK(r == -EFBIG && strstr(err, "more than 1 MiB"),
		      "pprof: decompression is capped (%s)", err);
		r = pprof__gunzip(gz, gzlen, big, &out, &olen, err,
				  sizeof(err));
		CHECK(r == 0 && olen == big, "pprof: exactly at the cap is "
		      "fine");
		if (!r)
			free(out);
		free(zeros);
		free(gz);
	}

	go_heap_profile(&b);
	b.loc[0].mapping_id = 7;
	expect_bad(&b, "mapping id 7 does not exist", "missing mapping id");
	go_heap_profile(&b);
	b.ln[0].function_id = 99;
	expect_bad(&b, "function id 99 does not exist", "missing function id");
	go_heap_profile(&b);
	b.ids[0][1] = 555;
	expect_bad(&b, "location id 555 does not exist",
		   "missing location id");
	go_heap_profile(&b);
	b.fn[0].name = 1000;
	expect_bad(&b, "string index 1000 out of range",
		   "string index too large");
	go_heap_profile(&b);
	b.vt[0].unit = -3;
	expect_bad(&b, "string index -3 out of range",
		   "negative string index");
	go_heap_profile(&b);
	b.lab[0].key = 77;
	expect_bad(&b, "label key", "label key out of range");
	go_heap_profile(&b);
	b.loc[1].id = 100;
	expect_bad(&b, "location id 100 is not unique", "duplicate ids");
	go_heap_profile(&b);
	b.fn[1].id = 0;
	expect_bad(&b, "function #2 has id 0", "zero id");
	go_heap_profile(&b);
	b.s[1].n_value = 1;
	expect_bad(&b, "sample #2 has 1 values, want 2", "value count");
	go_heap_profile(&b);
	b.strs[0] = "x";
	expect_bad(&b, "string_table[0] is not empty", "non-empty string 0");
	go_heap_profile(&b);
	b.m.n_sample_type = 0;
	expect_bad(&b, "no sample types", "samples without types");

	/* Huge numbers and negative times are data, not errors (negative
	 * sample values are refused: test_negative()). */
	go_heap_profile(&b);
	b.vals[0][1] = INT64_MAX;
	b.m.time_nanos = -1;
	b.m.period = INT64_MIN;
	b.loc[0].address = UINT64_MAX;
	r = read_pb(&b, &q, err, sizeof(err), NULL);
	CHECK(r == 0 && q->nr_samples == 2,
	      "pprof: huge and negative values read (%s)", r ? err : "ok");
	profile__free(q);
}

static void test_utf8(void)
{
	struct profile *p = profile__new(), *q = profile__new();
	struct pf_frame f = { "bad\xff\xfename\xc3", NULL, NULL, 0, 0, 0, 0 };
	uint32_t id = profile__frame(p, &f);
	double v = 1;
	char err[256], *out;
	void *buf;
	size_t len;

	profile__add(p, &id, 1, NULL, &v);
	pprof__encode(p, true, &buf, &len);
	CHECK(pprof__read(q, buf, len, NULL, err, sizeof(err)) == 0,
	      "pprof: invalid UTF-8 name encodes");
	out = folded_of(q);
	CHECK(out && !strcmp(out, "bad??name? 1\n"),
	      "pprof: invalid UTF-8 bytes become '?'");
	free(out);
	free(buf);
	profile__free(p);
	profile__free(q);
}

/* ---- input.c: detection from the content ----------------------------- */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_input(void)
{
	char dir[] = "/tmp/ebprof-test-pprof.XXXXXX", path[256], err[256];
	static const char text[] = "a;b 2\na;c 3\n";
	struct profile *p = rich_profile(), *q;
	struct input_stats st;
	void *buf;
	size_t len;
	int r;

	if (!mkdtemp(dir)) {
		SKIP("mkdtemp failed", "pprof: input detection");
		profile__free(p);
		return;
	}
	/* A pprof under a folded-looking name, and the reverse. */
	snprintf(path, sizeof(path), "%s/stacks.folded", dir);
	pprof__encode(p, true, &buf, &len);
	write_file(path, buf, len);
	free(buf);
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == 0 && st.format == INPUT_PPROF &&
	      profile__total(q) == profile__total(p),
	      "input: gzipped pprof detected by content");
	profile__free(q);

	snprintf(path, sizeof(path), "%s/raw.pb.gz", dir);
	pprof__encode(p, false, &buf, &len);
	write_file(path, buf, len);
	free(buf);
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == 0 && st.format == INPUT_PPROF,
	      "input: raw pprof detected by content");
	profile__free(q);

	snprintf(path, sizeof(path), "%s/text.pb.gz", dir);
	write_file(path, text, sizeof(text) - 1);
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == 0 && st.format == INPUT_FOLDED && profile__total(q) == 5,
	      "input: folded under a .pb.gz name reads as folded");
	profile__free(q);

	{
		unsigned char gz[256];
		z_stream z = { 0 };

		deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
		z.next_in = (unsigned char *)text;
		z.avail_in = sizeof(text) - 1;
		z.next_out = gz;
		z.avail_out = sizeof(gz);
		deflate(&z, Z_FINISH);
		snprintf(path, sizeof(path), "%s/text.gz", dir);
		write_file(path, gz, z.total_out);
		deflateEnd(&z);
	}
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == 0 && st.format == INPUT_FOLDED && profile__total(q) == 5,
	      "input: gzipped folded reads as folded");
	profile__free(q);

	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == 0 && q->nr_samples == 0, "input: empty file is an empty "
	      "profile");
	profile__free(q);

	snprintf(path, sizeof(path), "%s/junk", dir);
	write_file(path, "\x01\x00\x02garbage\n", 11);
	q = profile__new();
	r = input__read(q, path, &st, err, sizeof(err));
	CHECK(r == -EPROTO && strstr(err, "not a recording"),
	      "input: binary junk is one clear error (%s)", err);
	profile__free(q);

	{
		char *paths[2];
		char p1[256], p2[256];

		snprintf(p1, sizeof(p1), "%s/stacks.folded", dir);
		snprintf(p2, sizeof(p2), "%s/text.gz", dir);
		paths[0] = p1;
		paths[1] = p2;
		q = input__read_all_type(paths, 2, "samples", err,
					 sizeof(err));
		/* 11 samples in the pprof, 5 in the folded file. */
		CHECK(q && q->default_type == 0 && profile__total(q) == 16,
		      "input: pprof + folded merge, --sample-type samples");
		profile__free(q);
		q = input__read_all_type(paths, 2, "wall", err, sizeof(err));
		CHECK(!q && strstr(err, "no sample type 'wall'"),
		      "input: unknown sample type is an error (%s)", err);
		profile__free(q);
	}

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		fprintf(stderr, "cannot remove %s\n", dir);
	profile__free(p);
}

static void test_out_format(void)
{
	enum out_format f = OUT_FOLDED;

	CHECK(out_format__from_path("x.pb.gz") == OUT_PPROF &&
	      out_format__from_path("x.pb") == OUT_PPROF &&
	      out_format__from_path("dir/x.pprof") == OUT_PPROF &&
	      out_format__from_path("x.folded") == OUT_FOLDED &&
	      out_format__from_path("-") == OUT_FOLDED &&
	      out_format__from_path(".pb") == OUT_FOLDED,
	      "pprof: output format from the file name");
	CHECK(out_format__parse("pprof", &f) == 0 && f == OUT_PPROF &&
	      out_format__parse("folded", &f) == 0 && f == OUT_FOLDED &&
	      out_format__parse("svg", &f) == -EINVAL,
	      "pprof: --format names");
}

/* Negative values gave shares of 200% and gates that never fire. */
static void test_negative(void)
{
	struct pb_builder b;
	struct profile *q;
	char err[256] = "";
	int r;

	go_heap_profile(&b);
	b.vals[1][1] = -100;
	r = read_pb(&b, &q, err, sizeof(err), NULL);
	CHECK(r == -EINVAL && strstr(err, "sample #2 has a negative value "
				     "(-100)"),
	      "pprof: a negative value is refused (%s)", err);
	profile__free(q);
}

int main(void)
{
	test_wire();
	test_round_trip();
	test_folded_round_trip();
	test_foreign();
	test_negative();
	test_hostile();
	test_utf8();
	test_input();
	test_out_format();
	return test_status();
}
