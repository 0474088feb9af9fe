/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Continuous mode's delivery: a background thread that takes each finished
 * interval profile (a "window"), turns it into Pyroscope uploads and sends
 * them, keeps what cannot be sent in the spool (spool.h), and drains the
 * spool once the server answers again.  The sampling thread only hands a
 * window over (a mutex and a list append): it never waits for the network
 * or the disk.
 *
 * Delivery: a window becomes one upload per series (per process with
 * label_by) and per chunk of at most max_samples lines.  An upload is sent
 * once; on a connection error, 408, 429 or 5xx the server is considered
 * down: the upload and every following one go to the spool, and the
 * oldest spooled upload is retried after an exponential backoff with
 * jitter (or the server's Retry-After).  Each spooled upload leaves the
 * spool only after the server accepted it or refused it for good (another
 * 4xx: a warning says why), so nothing is lost or sent twice while ebprof
 * runs.  Uploads older than the server accepts are dropped with a warning.
 *
 * Messages go through cfg->log; nothing is printed here.
 */
#ifndef EBPROF_UPLOADER_H
#define EBPROF_UPLOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"
#include "upload/pyroscope.h"

enum uploader_label_by {
	UPLOADER_LABEL_NONE = 0,
	UPLOADER_LABEL_PID,	/* a series per process: pid=, comm= */
	UPLOADER_LABEL_COMM,	/* a series per process name: comm= */
	UPLOADER_LABEL_CONTAINER, /* a series per container: service_name=,
				   * container_id=, container_name=, ... */
	UPLOADER_LABEL_SERVICE,	/* a series per service: service_name= */
};

enum uploader_level {
	UPLOADER_WARN = 0,
	UPLOADER_INFO,
	UPLOADER_DEBUG,
};

struct uploader_config {
	/* Server, auth, TLS, timeouts; its retries are not used. */
	struct pyro_config http;
	const char *app;		/* service name */
	const struct pyro_label *labels; /* added to every series */
	size_t nr_labels;
	bool hostname_label;		/* add hostname=<this host> */
	enum uploader_label_by label_by;
	unsigned int sample_rate;	/* Hz of the sampler */
	const char *spool_dir;		/* NULL: failed uploads are lost */
	uint64_t spool_max_bytes;	/* 0: 256 MiB */
	size_t max_queue;		/* windows waiting; 0: 16 */
	size_t max_samples;		/* lines per upload; 0: 16,000 */
	size_t max_body;		/* bytes per upload; 0: 4 MiB */
	int64_t max_age_ns;		/* 0: an hour minus a minute */
	void (*log)(void *ctx, enum uploader_level level, const char *msg);
	void *log_ctx;
};

struct uploader_stats {
	uint64_t windows;	/* windows submitted */
	uint64_t uploads;	/* uploads the server accepted */
	uint64_t from_spool;	/* ... of which came from the spool */
	uint64_t failures;	/* attempts that failed and may pass later */
	uint64_t spooled;	/* uploads written to the spool */
	uint64_t spool_dropped;	/* spooled uploads deleted to make room */
	uint64_t rejected;	/* uploads the server refused for good */
	uint64_t too_old;	/* uploads dropped for their age */
	uint64_t lost;		/* dropped otherwise (no spool, disk error) */
	uint64_t queue_dropped;	/* windows dropped: the queue was full */
	size_t spool_entries;
	uint64_t spool_bytes;
	bool server_down;	/* the last attempt failed */
};

struct uploader;

/*
 * Checks the configuration (name, labels, URL), opens the spool (uploads
 * left there by an earlier run are sent too) and starts the thread.
 * Copies everything it keeps.  NULL with @err set on failure.
 */
struct uploader *uploader__new(const struct uploader_config *cfg, char *err,
			       size_t errlen);

/*
 * Hands over the window [@start_ns, @end_ns) (CLOCK_REALTIME, ns since the
 * epoch); the uploader owns and frees @window from now on, also on error.
 * Never blocks on I/O.  When max_queue windows are already waiting, the
 * oldest of them is dropped (counted, with a warning).  0 or -errno.
 */
int uploader__submit(struct uploader *u, struct profile *window,
		     int64_t start_ns, int64_t end_ns);

void uploader__stats(struct uploader *u, struct uploader_stats *st);

/*
 * Stops: windows still queued are sent, or spooled when the server does
 * not answer, and the spool is drained, all within @timeout_ms; then the
 * thread ends (requests in flight are cut at the deadline and their uploads
 * stay spooled).  Fills @st (may be NULL) with the final counters.
 * Returns the number of uploads left in the spool for the next run.
 */
size_t uploader__free(struct uploader *u, long timeout_ms,
		      struct uploader_stats *st);

#endif
