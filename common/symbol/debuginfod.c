// SPDX-License-Identifier: GPL-2.0
/*
 * debuginfod client side (see debuginfod.h).  Up to MAX_WORKERS threads,
 * each with its own libdebuginfod handle (one per thread, as the library
 * requires), take build ids from a shared list.  The time bound holds
 * through the library's progress callback, which it calls while a
 * request runs: past the deadline, or when no server has answered a
 * request within DEBUGINFOD_ANSWER_SECONDS (a dead or black-holed server;
 * the library's own DEBUGINFOD_TIMEOUT is 90 s, with retries), the
 * callback aborts it.
 */
#include <elfutils/debuginfod.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/clock.h"
#include "lib/debuginfod_loader.h"
#include "lib/log.h"
#include "symbol/debuginfod.h"
#include "symbol/elf_syms.h"

#define MAX_WORKERS 4

struct fetch_ctx {
	struct debuginfod_fetch *f;
	size_t n, next, done, fetched;
	long bytes[MAX_WORKERS];
	double deadline;
	volatile bool silent;	/* the servers answer nothing: stop all */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct worker {
	struct fetch_ctx *ctx;
	int slot;
	double started;		/* of the current request */
	bool silent;		/* it was aborted: no answer in time */
};

static int on_progress(debuginfod_client *c, long a, long b)
{
	struct worker *w = debuginfod_get_user_data(c);

	double t = clock__mono_s();

	/* b: the size, once the server answered (a counts loops till then) */
	w->ctx->bytes[w->slot] = b > 0 ? a : 0;	/* racy, for the line */
	if (b <= 0 && (w->ctx->silent ||
		       t - w->started > DEBUGINFOD_ANSWER_SECONDS)) {
		w->silent = w->ctx->silent = true;
		return 1;
	}
	return t > w->ctx->deadline;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct fetch_ctx *ctx = w->ctx;
	debuginfod_client *c = debuginfod_begin();
	size_t i;

	if (c) {
		debuginfod_set_user_data(c, w);
		debuginfod_set_progressfn(c, on_progress);
	}
	for (;;) {
		char *path = NULL;
		int fd = -ENOMEM;

		pthread_mutex_lock(&ctx->lock);
		i = ctx->next < ctx->n ? ctx->next++ : SIZE_MAX;
		pthread_mutex_unlock(&ctx->lock);
		if (i == SIZE_MAX)
			break;
		w->started = clock__mono_s();
		w->silent = false;
		if (ctx->silent)
			fd = -ETIMEDOUT;
		else if (w->started > ctx->deadline)
			fd = -ETIME;
		else if (c)
			fd = debuginfod_find_debuginfo(c,
				(const unsigned char *)ctx->f[i].build_id, 0,
				&path);
		if (fd >= 0)
			close(fd);
		/* an aborted transfer comes back as some error: say why */
		if (fd < 0 && w->silent)
			fd = -ETIMEDOUT;
		else if (fd < 0 && clock__mono_s() > ctx->deadline)
			fd = -ETIME;
		pthread_mutex_lock(&ctx->lock);
		ctx->f[i].path = fd >= 0 ? path : NULL;
		ctx->f[i].err = fd >= 0 ? 0 : -fd;
		ctx->fetched += fd >= 0;
		ctx->done++;
		ctx->bytes[w->slot] = 0;
		pthread_cond_signal(&ctx->cond);
		pthread_mutex_unlock(&ctx->lock);
		if (fd < 0)
			free(path);
	}
	if (c)
		debuginfod_end(c);
	return NULL;
}

static void progress_line(struct fetch_ctx *ctx)
{
	long bytes = 0;
	int i;

	for (i = 0; i < MAX_WORKERS; i++)
		bytes += ctx->bytes[i];
	fprintf(stderr, "\r\033[Kdebuginfod: %zu/%zu done, %zu fetched, "
		"%.1f MiB in flight", ctx->done, ctx->n, ctx->fetched,
		bytes / 1048576.0);
}

size_t debuginfod__fetch(struct debuginfod_fetch *f, size_t n,
			 double seconds)
{
	struct fetch_ctx ctx = { .f = f, .n = n };
	struct worker w[MAX_WORKERS];
	pthread_t th[MAX_WORKERS];
	bool tty = isatty(STDERR_FILENO) && log_verbosity >= 0;
	int nw = n < MAX_WORKERS ? (int)n : MAX_WORKERS, started = 0, i;

	if (!n)
		return 0;
	ctx.deadline = clock__mono_s() + seconds;
	pthread_mutex_init(&ctx.lock, NULL);
	pthread_cond_init(&ctx.cond, NULL);
	for (i = 0; i < nw; i++) {
		w[i] = (struct worker){ &ctx, i };
		if (!pthread_create(&th[started], NULL, worker_main, &w[i]))
			started++;
	}
	if (!started)
		worker_main(&w[0]);
	pthread_mutex_lock(&ctx.lock);
	while (ctx.done < n) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&ctx.cond, &ctx.lock, &ts);
		if (tty)
			progress_line(&ctx);
	}
	pthread_mutex_unlock(&ctx.lock);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (tty)
		fprintf(stderr, "\r\033[K");
	pthread_cond_destroy(&ctx.cond);
	pthread_mutex_destroy(&ctx.lock);
	return ctx.fetched;
}

/* Does @es need a debug file: a build id, no symbols but .dynsym's? */
static bool wants_debug_file(const struct elf_syms *es)
{
	const char *src;

	if (!es || !elf_syms__build_id(es))
		return false;
	src = elf_syms__source(es);
	return !src || !strcmp(src, "dynsym");
}

static const char *why(int err)
{
	switch (err) {
	case ENOENT:
		return "not on the servers";
	case ETIME:
		return "time bound reached";
	case ETIMEDOUT:
		return "no answer from the servers";
	case ENOSYS:
		return "no DEBUGINFOD_URLS";
	default:
		return strerror(err);
	}
}

size_t debuginfod__resolve(struct proc_maps *pm, struct symbolizer *sym)
{
	struct debuginfod_fetch *f = NULL;
	struct pm_module **mods = NULL;
	size_t n = 0, cap = 0, mcap = 0, got = 0, i;
	uint32_t id, nr = proc_maps__nr_modules(pm);
	char msg[256];

	for (id = 1; id <= nr; id++) {
		struct pm_module *mod = proc_maps__module(pm, id);
		struct elf_syms *es = mod ? symbolizer__module_syms(mod) : NULL;

		if (!wants_debug_file(es))
			continue;
		if (array__grow((void **)&f, &cap, n + 1, sizeof(*f)) ||
		    array__grow((void **)&mods, &mcap, n + 1, sizeof(*mods)))
			goto out;
		f[n] = (struct debuginfod_fetch){ elf_syms__build_id(es) };
		mods[n++] = mod;
	}
	if (!n)
		goto out;
	if (debuginfod_loader__load(msg, sizeof(msg))) {
		pr_warn("debuginfod: %s", msg);
		goto out;
	}
	pr_info("debuginfod: fetching the debug files of %zu module%s", n,
		n > 1 ? "s" : "");
	debuginfod__fetch(f, n, DEBUGINFOD_TOTAL_SECONDS);
	for (i = 0; i < n; i++) {
		int err = f[i].path ?
			elf_syms__use_debug_file(symbolizer__module_syms(mods[i]),
						 f[i].path, "debuginfod") : 0;

		if (f[i].path && !err)
			got++;
		else
			pr_info("debuginfod: %s (build id %s): %s",
				mods[i]->path, f[i].build_id,
				f[i].path ? strerror(-err) : why(f[i].err));
		free(f[i].path);
	}
	pr_info("debuginfod: %zu of %zu modules symbolized from fetched "
		"debug files", got, n);
out:
	free(f);
	free(mods);
	return got;
}
