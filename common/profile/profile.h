/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory profile: what every reader fills and every writer reads.
 *
 * A profile is a set of samples; a sample is a stack of frame ids (root
 * first), labels (pid, tid, thread and process name, cgroup) and one value
 * per sample type.  Frames, mappings and strings are interned so that equal
 * things share one id and one pointer; equal (stack, labels) pairs share one
 * sample whose values are summed.
 *
 * The arrays are public and read-only for callers: iterate them directly.
 * Mutate only through the functions below.  Not thread-safe.
 */
#ifndef EBPROF_PROFILE_H
#define EBPROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hashmap.h"
#include "lib/strpool.h"

enum pf_kind {
	PF_USER = 0,	/* native user-space code */
	PF_KERNEL,	/* kernel, folded suffix _[k] */
	PF_JIT,		/* JIT-compiled code, _[j] */
	PF_INLINE,	/* inlined function, _[i] */
	PF_WAKER,	/* waker stack, _[w] */
	PF_NR_KINDS,
};

/* Flags of a frame. */
#define PF_FRAME_UNRESOLVED	0x1	/* name is "[module]" / "[unknown]" */

struct pf_mapping {
	uint64_t start, limit, offset;
	const char *file;	/* interned path, never NULL ("" unknown) */
	const char *build_id;	/* interned lowercase hex, or NULL */
};

struct pf_frame {
	const char *name;	 /* interned, demangled; never NULL */
	const char *system_name; /* interned mangled name, or NULL */
	const char *module;	 /* interned module path, or NULL */
	uint64_t addr;		 /* runtime address, 0 when unknown */
	uint32_t mapping;	 /* mapping id (1-based), 0 when none */
	uint8_t kind;		 /* enum pf_kind */
	uint8_t flags;		 /* PF_FRAME_* */
	/* Source: native code's from DWARF (file, line), an interpreted
	 * function's (Python: file, first line, line running); NULL / 0
	 * when unknown. */
	const char *file;	 /* interned */
	uint32_t start_line;	 /* first line of the function */
	uint32_t line;		 /* line running */
};

/* Where a sample ran, beyond its process: string labels by pprof key. */
enum pf_origin {
	PF_CONTAINER_ID,	/* "container_id": 64 hex digits */
	PF_CONTAINER_NAME,	/* "container_name", else the short id */
	PF_SERVICE_NAME,	/* "service_name": compose service, else the
				 * container or unit name */
	PF_COMPOSE_PROJECT,	/* "compose_project" */
	PF_POD_UID,		/* "pod_uid" */
	PF_POD_QOS,		/* "pod_qos": guaranteed, burstable, ... */
	PF_SYSTEMD_UNIT,	/* "systemd_unit" */
	PF_NR_ORIGIN,
};

/* The pprof label key of an origin label. */
const char *pf_origin__key(enum pf_origin o);

struct pf_labels {
	int32_t pid, tid;	/* 0 when unknown */
	const char *comm;	/* thread name (interned), or NULL */
	const char *process;	/* process name (interned), or NULL */
	const char *cgroup;	/* cgroup path (interned), or NULL */
	int32_t ns_pid;		/* "container_pid": pid in its namespace */
	const char *origin[PF_NR_ORIGIN]; /* interned, or NULL */
	const char *runtime;	/* "python" for stacks with Python frames
				 * (interned), or NULL */
};

struct pf_sample {
	uint32_t *frames;	/* frame ids, root first */
	uint32_t depth;
	struct pf_labels labels;
	double *values;		/* one per sample type */
};

struct pf_value_type {
	const char *type, *unit; /* interned */
};

struct profile {
	/* Read-only for callers. */
	struct pf_value_type *types;	/* sample types */
	size_t nr_types;
	size_t default_type;		/* index into types */
	struct pf_value_type period_type;
	int64_t period;
	int64_t time_nanos, duration_nanos;

	const char **comments;		/* interned */
	size_t nr_comments;
	/* The profiled program's file (interned), or NULL: pprof writes its
	 * mapping first, as readers take the first mapping for the main
	 * binary. */
	const char *main_file;

	struct pf_frame *frames;	/* id i lives at frames[i - 1] */
	size_t nr_frames;
	struct pf_mapping *mappings;	/* id i lives at mappings[i - 1] */
	size_t nr_mappings;
	struct pf_sample *samples;
	size_t nr_samples;
	size_t cut_stacks;		/* stacks cut to PROFILE_MAX_DEPTH */

	/* Private. */
	struct strpool strings;
	struct hashmap frame_idx, mapping_idx, sample_idx;
	size_t frames_cap, mappings_cap, samples_cap;
};

/*
 * Deepest stack a profile keeps.  A few KB of gzip can hold a stack of
 * millions of frames, which would make every writer's output huge: deeper
 * stacks keep the PROFILE_KEEP_ROOT frames nearest the root, then a
 * PROFILE_CUT_FRAME frame, then the frames nearest the leaf.  Above what
 * record makes (2048 user frames in DWARF mode, 127 kernel ones).
 */
#define PROFILE_MAX_DEPTH	4096
#define PROFILE_KEEP_ROOT	2047
#define PROFILE_CUT_FRAME	"[frames cut: stack deeper than 4096]"

struct profile *profile__new(void);
void profile__free(struct profile *p);

/* Interned copy of @s (NULL stays NULL); valid until profile__free(). */
const char *profile__intern(struct profile *p, const char *s);

/*
 * Sets the sample types.  A new profile has one: samples/count.  Returns 0
 * or -EINVAL when samples already exist (their value arrays would not fit).
 */
int profile__set_types(struct profile *p, const struct pf_value_type *types,
		       size_t nr);
/*
 * Appends a sample type whose value is 0 in every existing sample (fill
 * them in through p->samples[i].values).  Its index, or -ENOMEM (the
 * profile keeps its types; samples may have grown a spare value).
 */
int profile__add_type(struct profile *p, const char *type, const char *unit);
/* Index of the sample type named @type, or -1. */
int profile__find_type(const struct profile *p, const char *type);

int profile__add_comment(struct profile *p, const char *text);

/*
 * Ids of a frame / mapping equal to @f / @m, added when new.  The strings in
 * the argument need not be interned.  0 on allocation failure.
 */
uint32_t profile__frame(struct profile *p, const struct pf_frame *f);
uint32_t profile__mapping(struct profile *p, const struct pf_mapping *m);

/*
 * Adds @values (nr_types of them) to the sample with this stack and labels.
 * @frames are ids of this profile, root first; a stack deeper than
 * PROFILE_MAX_DEPTH is cut (counted in cut_stacks).  Returns 0 or -ENOMEM.
 */
int profile__add(struct profile *p, const uint32_t *frames, size_t depth,
		 const struct pf_labels *labels, const double *values);

/*
 * Adds every sample of @src to @dst, translating ids and types; types are
 * matched by name and @src's types missing from @dst are dropped.  The
 * first merge into an empty profile copies the types and metadata.
 */
int profile__merge(struct profile *dst, const struct profile *src);

static inline const struct pf_frame *profile__frame_get(const struct profile *p,
						       uint32_t id)
{
	return &p->frames[id - 1];
}

/* Sum of the default type's values over all samples. */
double profile__total(const struct profile *p);

/* Folded-format suffix of a frame kind: "_[k]" etc., "" for PF_USER. */
const char *pf_kind__suffix(uint8_t kind);
/*
 * The kind whose suffix ends name[0..len) (a longer name than the suffix
 * alone), or -1.  Every suffix is 4 bytes long.
 */
int pf_kind__from_suffix(const char *name, size_t len);

#endif
