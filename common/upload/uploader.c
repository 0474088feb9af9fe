// SPDX-License-Identifier: GPL-2.0
/*
 * The background uploader of continuous mode; see uploader.h.
 *
 * Threads: the submitter only appends to the queue under the mutex.  The
 * uploader thread owns the HTTP client, the spool and the backoff state;
 * the counters live under the mutex so that uploader__stats() can read
 * them from anywhere.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/strbuf.h"
#include "upload/spool.h"
#include "upload/uploader.h"

#define DEFAULT_QUEUE	16
#define DEFAULT_SPOOL	(256ULL << 20)
#define AGE_MARGIN_NS	(60LL * 1000000000LL)

struct window {
	struct profile *p;
	int64_t start_ns, end_ns;
	struct window *next;
};

struct uploader {
	struct uploader_config cfg;	/* strings point into owned[] */
	char **owned;
	size_t nr_owned;
	struct pyro_label *labels;	/* user labels + hostname */
	const char **headers;
	size_t nr_labels;

	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct window *head, *tail;	/* under lock */
	size_t queued;
	bool stop;
	int64_t deadline_ms;		/* when stopping */
	struct uploader_stats st;	/* under lock */

	/* The thread's own. */
	struct pyro_client *client;
	struct spool *spool;
	int64_t next_try_ms;		/* backing off until then */
	int failures;			/* consecutive */
	unsigned int seed;
};

static void say(struct uploader *u, enum uploader_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct uploader *u, enum uploader_level level,
		const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (!u->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	u->cfg.log(u->cfg.log_ctx, level, msg);
}

#define STAT_ADD(u, field, n) do {			\
		pthread_mutex_lock(&(u)->lock);		\
		(u)->st.field += (n);			\
		pthread_mutex_unlock(&(u)->lock);	\
	} while (0)

static const char *own(struct uploader *u, const char *s)
{
	char **n, *c;

	if (!s)
		return NULL;
	n = realloc(u->owned, (u->nr_owned + 1) * sizeof(*n));
	if (!n)
		return NULL;
	u->owned = n;
	c = strdup(s);
	if (c)
		u->owned[u->nr_owned++] = c;
	return c;
}

/* Copies every string of the configuration; false when out of memory. */
static bool copy_config(struct uploader *u, const struct uploader_config *c)
{
	struct pyro_config *h = &u->cfg.http;
	const char **hdrs = NULL;
	size_t i;

	u->cfg = *c;
#define OWN(field) do {						\
		if (c->field && !(u->cfg.field = own(u, c->field)))	\
			return false;					\
	} while (0)
	OWN(http.url);
	OWN(http.user);
	OWN(http.password);
	OWN(http.token);
	OWN(http.tenant);
	OWN(http.cacert);
	OWN(app);
	OWN(spool_dir);
#undef OWN
	h->on_retry = NULL;
	h->retries = 0;
	if (c->http.nr_headers) {
		hdrs = u->headers = calloc(c->http.nr_headers, sizeof(*hdrs));
		if (!hdrs)
			return false;
		for (i = 0; i < c->http.nr_headers; i++)
			if (!(hdrs[i] = own(u, c->http.headers[i])))
				return false;
	}
	h->headers = hdrs;
	u->labels = calloc(c->nr_labels + 1, sizeof(*u->labels));
	if (!u->labels)
		return false;
	for (i = 0; i < c->nr_labels; i++) {
		u->labels[i].key = own(u, c->labels[i].key);
		u->labels[i].value = own(u, c->labels[i].value);
		if (!u->labels[i].key || !u->labels[i].value)
			return false;
	}
	u->nr_labels = c->nr_labels;
	if (c->hostname_label) {
		char host[256] = "";
		char *v;

		if (gethostname(host, sizeof(host) - 1) || !host[0])
			strcpy(host, "unknown");
		v = (char *)own(u, host);
		if (!v)
			return false;
		pyro__sanitize_value(v);
		u->labels[u->nr_labels].key = "hostname";
		u->labels[u->nr_labels].value = v;
		u->nr_labels++;
	}
	u->cfg.labels = u->labels;
	u->cfg.nr_labels = u->nr_labels;
	if (!u->cfg.spool_max_bytes)
		u->cfg.spool_max_bytes = DEFAULT_SPOOL;
	if (!u->cfg.max_queue)
		u->cfg.max_queue = DEFAULT_QUEUE;
	if (!u->cfg.max_samples)
		u->cfg.max_samples = PYRO_MAX_SAMPLES;
	if (!u->cfg.max_body)
		u->cfg.max_body = PYRO_MAX_BODY;
	if (!u->cfg.max_age_ns)
		u->cfg.max_age_ns = PYRO_MAX_AGE_NS - AGE_MARGIN_NS;
	if (!h->backoff_min_ms)
		h->backoff_min_ms = 1000;
	if (!h->backoff_max_ms)
		h->backoff_max_ms = 300000;
	return true;
}

static void free_owned(struct uploader *u)
{
	size_t i;

	for (i = 0; i < u->nr_owned; i++) {
		/* Wipe credentials before the memory goes back. */
		memset(u->owned[i], 0, strlen(u->owned[i]));
		free(u->owned[i]);
	}
	free(u->owned);
	free(u->labels);
	free(u->headers);
}

/* ---- one upload ---- */

static void spool_it(struct uploader *u, const struct spool_item *it)
{
	size_t dropped = 0;
	int r;

	if (!u->spool) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "no spool directory: an upload of %s "
		    "was lost", it->name);
		return;
	}
	r = spool__add(u->spool, it, &dropped);
	if (dropped) {
		STAT_ADD(u, spool_dropped, dropped);
		say(u, UPLOADER_WARN, "spool full (%llu bytes): dropped the "
		    "%zu oldest upload%s", (unsigned long long)
		    u->cfg.spool_max_bytes, dropped, dropped == 1 ? "" : "s");
	}
	if (r) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "cannot spool an upload of %s: %s",
		    it->name, r == -EFBIG ? "larger than the spool" :
		    strerror(-r));
		return;
	}
	STAT_ADD(u, spooled, 1);
}

static bool too_old(struct uploader *u, const struct spool_item *it)
{
	if (it->until_ns >= pyro__now_ns() - u->cfg.max_age_ns)
		return false;
	STAT_ADD(u, too_old, 1);
	say(u, UPLOADER_WARN, "dropped an upload of %s: it ended more than "
	    "%lld minutes ago, older than Pyroscope accepts", it->name,
	    (long long)(u->cfg.max_age_ns / 60000000000LL));
	return true;
}

static void set_down(struct uploader *u, bool down)
{
	pthread_mutex_lock(&u->lock);
	u->st.server_down = down;
	pthread_mutex_unlock(&u->lock);
}

/* One attempt: 0 delivered, 1 refused for good, -EAGAIN try later. */
static int send_item(struct uploader *u, const struct spool_item *it)
{
	struct pyro_request rq = {
		.name = it->name, .from_ns = it->from_ns,
		.until_ns = it->until_ns, .sample_rate = it->sample_rate,
		.format = it->format, .body = it->body, .len = it->len,
	};
	struct pyro_result res;
	int r = pyro_client__send(u->client, &rq, &res);
	long wait;

	if (!r) {
		if (u->failures)
			say(u, UPLOADER_INFO, "the server answers again");
		u->failures = 0;
		u->next_try_ms = 0;
		set_down(u, false);
		STAT_ADD(u, uploads, 1);
		return 0;
	}
	if (!res.retryable) {
		STAT_ADD(u, rejected, 1);
		r = 1;
		if (res.status)
			say(u, UPLOADER_WARN, "the server refused an upload "
			    "of %s (HTTP %ld): %s", it->name, res.status,
			    res.message[0] ? res.message : "no message");
		else
			say(u, UPLOADER_WARN, "cannot upload %s: %s",
			    it->name, res.message);
		return r;
	}
	STAT_ADD(u, failures, 1);
	u->failures++;
	wait = pyro__backoff_ms(u->cfg.http.backoff_min_ms,
				u->cfg.http.backoff_max_ms, u->failures,
				res.retry_after_ms, &u->seed);
	u->next_try_ms = pyro__mono_ms() + wait;
	set_down(u, true);
	if (u->failures == 1 && r != -ECANCELED) {
		char why[600];

		if (res.status)
			snprintf(why, sizeof(why), "HTTP %ld%s%s", res.status,
				 res.message[0] ? ": " : "", res.message);
		else
			snprintf(why, sizeof(why), "%s", res.message);
		say(u, UPLOADER_WARN, "upload failed (%s); keeping uploads "
		    "in the spool and retrying", why);
	}
	say(u, UPLOADER_DEBUG, "upload failed (%s), next try in %ld ms",
	    res.message, wait);
	return -EAGAIN;
}

static bool backing_off(struct uploader *u)
{
	return u->next_try_ms && pyro__mono_ms() < u->next_try_ms;
}

static void deliver(struct uploader *u, const struct spool_item *it)
{
	if (too_old(u, it))
		return;
	if (backing_off(u) || send_item(u, it) < 0)
		spool_it(u, it);
}

/* Sends the oldest spooled upload. */
static void drain_one(struct uploader *u)
{
	struct spool_item it;
	uint64_t id;
	int r = spool__oldest(u->spool, &it, &id);

	if (r == -EBADMSG) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "deleted a damaged spool entry");
		return;
	}
	if (r) {
		if (r != -ENOENT) {
			say(u, UPLOADER_WARN, "cannot read the spool: %s",
			    strerror(-r));
			u->next_try_ms = pyro__mono_ms() +
					 u->cfg.http.backoff_max_ms;
		}
		return;
	}
	r = too_old(u, &it) ? 1 : send_item(u, &it);
	if (r >= 0 && spool__remove(u->spool, id)) {
		/* Never send it twice: stop draining for a while. */
		say(u, UPLOADER_WARN, "cannot delete a spool entry");
		u->next_try_ms = pyro__mono_ms() + u->cfg.http.backoff_max_ms;
	}
	if (!r)
		STAT_ADD(u, from_spool, 1);
	spool_item__release(&it);
}

/* ---- windows ---- */

struct part {
	int32_t pid;
	const char *comm;
	const struct pf_labels *labels;	/* of its first sample */
	struct profile *p;
};

static const char *process_name(const struct pf_sample *s)
{
	return s->labels.process ? s->labels.process :
	       s->labels.comm ? s->labels.comm : "unknown";
}

static int cmp_sample(const struct profile *w, enum uploader_label_by by,
		      uint32_t a, uint32_t b)
{
	const struct pf_sample *x = &w->samples[a], *y = &w->samples[b];
	const char *s, *t;

	if (by == UPLOADER_LABEL_CONTAINER || by == UPLOADER_LABEL_SERVICE) {
		enum pf_origin o = by == UPLOADER_LABEL_CONTAINER ?
				   PF_CONTAINER_ID : PF_SERVICE_NAME;

		s = x->labels.origin[o];
		t = y->labels.origin[o];
		return s == t ? 0 : !s ? -1 : !t ? 1 : strcmp(s, t);
	}
	if (by == UPLOADER_LABEL_PID && x->labels.pid != y->labels.pid)
		return x->labels.pid < y->labels.pid ? -1 : 1;
	return strcmp(process_name(x), process_name(y));
}

static const struct profile *sort_w;
static enum uploader_label_by sort_by;

static int cmp_idx(const void *a, const void *b)
{
	return cmp_sample(sort_w, sort_by, *(const uint32_t *)a,
			  *(const uint32_t *)b);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copies sample @s of @w (its default type only) into @dst. */
static int copy_sample(struct profile *dst, const struct profile *w,
		       const struct pf_sample *s, uint32_t **ids, size_t *cap)
{
	uint32_t i;

	if (s->depth > *cap) {
		uint32_t *n = realloc(*ids, s->depth * sizeof(*n));

		if (!n)
			return -ENOMEM;
		*ids = n;
		*cap = s->depth;
	}
	for (i = 0; i < s->depth; i++) {
		struct pf_frame f = *profile__frame_get(w, s->frames[i]);

		f.mapping = 0;
		(*ids)[i] = profile__frame(dst, &f);
		if (!(*ids)[i])
			return -ENOMEM;
	}
	return profile__add(dst, *ids, s->depth, &s->labels,
			    &s->values[w->default_type]);
}

/* Splits @w into one profile per process (pid or name). */
static int split(struct uploader *u, const struct profile *w,
		 struct part **parts, size_t *nr)
{
	enum uploader_label_by by = u->cfg.label_by;
	uint32_t *idx = NULL, *ids = NULL;
	size_t i, cap = 0;
	struct part *pt = NULL;
	int err = 0;

	*parts = NULL;
	*nr = 0;
	if (!w->nr_samples)
		return 0;
	idx = malloc(w->nr_samples * sizeof(*idx));
	pt = calloc(w->nr_samples, sizeof(*pt));
	if (!idx || !pt) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < w->nr_samples; i++)
		idx[i] = i;
	pthread_mutex_lock(&sort_lock);
	sort_w = w;
	sort_by = by;
	qsort(idx, w->nr_samples, sizeof(*idx), cmp_idx);
	pthread_mutex_unlock(&sort_lock);
	for (i = 0; i < w->nr_samples && !err; i++) {
		const struct pf_sample *s = &w->samples[idx[i]];

		if (!i || cmp_sample(w, by, idx[i - 1], idx[i])) {
			struct part *p = &pt[(*nr)++];

			p->pid = s->labels.pid;
			p->comm = process_name(s);
			p->labels = &s->labels;
			p->p = profile__new();
			if (!p->p || profile__set_types(p->p,
					&w->types[w->default_type], 1)) {
				err = -ENOMEM;
				break;
			}
		}
		err = copy_sample(pt[*nr - 1].p, w, s, &ids, &cap);
	}
out:
	if (err) {
		for (i = 0; i < *nr; i++)
			profile__free(pt[i].p);
		free(pt);
		pt = NULL;
		*nr = 0;
	}
	*parts = pt;
	free(idx);
	free(ids);
	return err;
}

static void upload_profile(struct uploader *u, const struct profile *p,
			   const struct pyro_label *extra, size_t nr_extra,
			   int64_t start_ns, int64_t end_ns)
{
	struct pyro_label labels[u->nr_labels + PF_NR_ORIGIN + 2];
	struct strbuf name = STRBUF_INIT;
	struct pyro_folded_stats fst;
	struct pyro_chunk *chunks = NULL;
	size_t nr = 0, i;
	char err[256];
	int r;

	memcpy(labels, u->labels, u->nr_labels * sizeof(*labels));
	if (nr_extra)
		memcpy(labels + u->nr_labels, extra,
		       nr_extra * sizeof(*labels));
	r = pyro__build_name(&name, u->cfg.app, labels,
			     u->nr_labels + nr_extra, err, sizeof(err));
	if (r) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "cannot name a series: %s", err);
		goto out;
	}
	r = pyro__folded_chunks(p, u->cfg.max_samples, u->cfg.max_body,
				&chunks, &nr, &fst);
	if (r) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "cannot encode a window: %s",
		    strerror(-r));
		goto out;
	}
	if (fst.too_long)
		say(u, UPLOADER_WARN, "%s: %zu stack%s over %d bytes left out",
		    name.buf, fst.too_long, fst.too_long == 1 ? "" : "s",
		    PYRO_MAX_LINE);
	for (i = 0; i < nr; i++) {
		struct spool_item it = {
			.name = name.buf, .from_ns = start_ns,
			.until_ns = end_ns, .sample_rate = u->cfg.sample_rate,
			.format = PYRO_FOLDED, .body = chunks[i].body,
			.len = chunks[i].len,
		};

		deliver(u, &it);
	}
out:
	pyro__free_chunks(chunks, nr);
	strbuf__release(&name);
}

static bool user_label(const struct uploader *u, const char *key)
{
	size_t i;

	for (i = 0; i < u->nr_labels; i++)
		if (!strcmp(u->labels[i].key, key))
			return true;
	return false;
}

/*
 * One container's (or service's) series, labelled as Grafana Alloy labels
 * them; samples outside containers go without these labels.  Labels the
 * user set win.
 */
static void upload_origin(struct uploader *u, const struct part *pt,
			  const struct window *w)
{
	struct pyro_label extra[PF_NR_ORIGIN];
	char *vals[PF_NR_ORIGIN] = { 0 };
	size_t n = 0, j;

	for (j = 0; j < PF_NR_ORIGIN; j++) {
		const char *v = pt->labels->origin[j];
		const char *key = pf_origin__key(j);

		if (!v || user_label(u, key) ||
		    (u->cfg.label_by == UPLOADER_LABEL_SERVICE &&
		     j != PF_SERVICE_NAME))
			continue;
		vals[j] = strdup(v);
		if (!vals[j])
			continue;
		pyro__sanitize_value(vals[j]);
		if (!*vals[j])
			continue;
		extra[n].key = key;
		extra[n++].value = vals[j];
	}
	upload_profile(u, pt->p, extra, n, w->start_ns, w->end_ns);
	for (j = 0; j < PF_NR_ORIGIN; j++)
		free(vals[j]);
}

static void handle_window(struct uploader *u, struct window *w)
{
	struct part *parts = NULL;
	size_t nr = 0, i;
	int r;

	if (u->cfg.label_by == UPLOADER_LABEL_NONE) {
		upload_profile(u, w->p, NULL, 0, w->start_ns, w->end_ns);
		goto out;
	}
	r = split(u, w->p, &parts, &nr);
	if (r) {
		STAT_ADD(u, lost, 1);
		say(u, UPLOADER_WARN, "cannot split a window by process: %s",
		    strerror(-r));
		goto out;
	}
	for (i = 0; i < nr; i++) {
		struct pyro_label extra[2];
		char pid[16], *comm;
		size_t n = 0;

		if (u->cfg.label_by == UPLOADER_LABEL_CONTAINER ||
		    u->cfg.label_by == UPLOADER_LABEL_SERVICE) {
			upload_origin(u, &parts[i], w);
			profile__free(parts[i].p);
			continue;
		}
		comm = strdup(parts[i].comm);
		if (!comm) {
			STAT_ADD(u, lost, 1);
			continue;
		}
		pyro__sanitize_value(comm);
		if (!*comm) {
			free(comm);
			comm = strdup("unknown");
		}
		if (u->cfg.label_by == UPLOADER_LABEL_PID) {
			snprintf(pid, sizeof(pid), "%d", parts[i].pid);
			extra[n].key = "pid";
			extra[n++].value = pid;
		}
		if (comm) {
			extra[n].key = "comm";
			extra[n++].value = comm;
			upload_profile(u, parts[i].p, extra, n, w->start_ns,
				       w->end_ns);
		}
		free(comm);
		profile__free(parts[i].p);
	}
	free(parts);
out:
	profile__free(w->p);
	free(w);
}

/* ---- the thread ---- */

static void update_spool_stats(struct uploader *u)
{
	pthread_mutex_lock(&u->lock);
	u->st.spool_entries = u->spool ? spool__count(u->spool) : 0;
	u->st.spool_bytes = u->spool ? spool__bytes(u->spool) : 0;
	pthread_mutex_unlock(&u->lock);
}

static void timed_wait(struct uploader *u, int64_t until_ms)
{
	struct timespec ts;

	ts.tv_sec = until_ms / 1000;
	ts.tv_nsec = (until_ms % 1000) * 1000000L;
	pthread_cond_timedwait(&u->cond, &u->lock, &ts);
}

static void *thread_main(void *arg)
{
	struct uploader *u = arg;

	pthread_mutex_lock(&u->lock);
	for (;;) {
		bool pending = u->spool && spool__count(u->spool);
		int64_t now = pyro__mono_ms();

		if (u->head) {
			struct window *w = u->head;

			u->head = w->next;
			if (!u->head)
				u->tail = NULL;
			u->queued--;
			pthread_mutex_unlock(&u->lock);
			handle_window(u, w);
			update_spool_stats(u);
			pthread_mutex_lock(&u->lock);
			continue;
		}
		if (u->stop && (!pending || now >= u->deadline_ms))
			break;
		if (pending && now >= u->next_try_ms) {
			pthread_mutex_unlock(&u->lock);
			drain_one(u);
			update_spool_stats(u);
			pthread_mutex_lock(&u->lock);
			continue;
		}
		if (pending || u->stop) {
			int64_t until = pending ? u->next_try_ms :
					u->deadline_ms;

			if (u->stop && until > u->deadline_ms)
				until = u->deadline_ms;
			timed_wait(u, until);
		} else {
			pthread_cond_wait(&u->cond, &u->lock);
		}
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

struct uploader *uploader__new(const struct uploader_config *cfg, char *err,
			       size_t errlen)
{
	struct strbuf name = STRBUF_INIT;
	struct uploader *u = calloc(1, sizeof(*u));
	pthread_condattr_t ca;
	int r;

	if (!u || !copy_config(u, cfg)) {
		snprintf(err, errlen, "out of memory");
		goto fail_early;
	}
	/* Every series name must be valid: check the common part now. */
	r = pyro__build_name(&name, u->cfg.app, u->labels, u->nr_labels, err,
			     errlen);
	strbuf__release(&name);
	if (r)
		goto fail_early;
	u->seed = (unsigned int)pyro__now_ns() ^ (unsigned int)getpid();
	u->client = pyro_client__new(&u->cfg.http, err, errlen);
	if (!u->client)
		goto fail_early;
	if (u->cfg.spool_dir) {
		u->spool = spool__open(u->cfg.spool_dir,
				       u->cfg.spool_max_bytes, &r);
		if (!u->spool) {
			snprintf(err, errlen, "cannot use the spool "
				 "directory '%s': %s", u->cfg.spool_dir,
				 spool__strerror(r));
			goto fail_early;
		}
	}
	pthread_mutex_init(&u->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&u->cond, &ca);
	pthread_condattr_destroy(&ca);
	update_spool_stats(u);
	if (u->spool && spool__count(u->spool))
		say(u, UPLOADER_INFO, "%zu upload%s left in the spool by an "
		    "earlier run will be sent", spool__count(u->spool),
		    spool__count(u->spool) == 1 ? "" : "s");
	r = pthread_create(&u->thread, NULL, thread_main, u);
	if (r) {
		snprintf(err, errlen, "cannot start the upload thread: %s",
			 strerror(r));
		pthread_cond_destroy(&u->cond);
		pthread_mutex_destroy(&u->lock);
		goto fail_early;
	}
	u->started = true;
	return u;
fail_early:
	if (u) {
		spool__close(u->spool);
		pyro_client__free(u->client);
		free_owned(u);
		free(u);
	}
	return NULL;
}

int uploader__submit(struct uploader *u, struct profile *window,
		     int64_t start_ns, int64_t end_ns)
{
	struct window *w = malloc(sizeof(*w)), *old = NULL;

	if (!w) {
		profile__free(window);
		return -ENOMEM;
	}
	w->p = window;
	w->start_ns = start_ns;
	w->end_ns = end_ns;
	w->next = NULL;
	pthread_mutex_lock(&u->lock);
	if (u->stop) {
		pthread_mutex_unlock(&u->lock);
		profile__free(window);
		free(w);
		return -ESHUTDOWN;
	}
	if (u->queued >= u->cfg.max_queue) {
		old = u->head;
		u->head = old->next;
		if (!u->head)
			u->tail = NULL;
		u->queued--;
		u->st.queue_dropped++;
	}
	if (u->tail)
		u->tail->next = w;
	else
		u->head = w;
	u->tail = w;
	u->queued++;
	u->st.windows++;
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->lock);
	if (old) {
		profile__free(old->p);
		free(old);
		say(u, UPLOADER_WARN, "%zu windows wait for the upload thread: "
		    "dropped the oldest", u->cfg.max_queue);
	}
	return 0;
}

void uploader__stats(struct uploader *u, struct uploader_stats *st)
{
	pthread_mutex_lock(&u->lock);
	*st = u->st;
	pthread_mutex_unlock(&u->lock);
}

size_t uploader__free(struct uploader *u, long timeout_ms,
		      struct uploader_stats *st)
{
	size_t left = 0;

	if (!u)
		return 0;
	pthread_mutex_lock(&u->lock);
	u->stop = true;
	u->deadline_ms = pyro__mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->lock);
	/* Requests in flight end at the deadline too. */
	pyro_client__set_deadline(u->client, timeout_ms > 0 ?
				  u->deadline_ms : -1);
	pthread_join(u->thread, NULL);
	update_spool_stats(u);
	if (st)
		*st = u->st;
	left = u->st.spool_entries;
	pthread_cond_destroy(&u->cond);
	pthread_mutex_destroy(&u->lock);
	spool__close(u->spool);
	pyro_client__free(u->client);
	free_owned(u);
	free(u);
	return left;
}
