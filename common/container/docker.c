// SPDX-License-Identifier: GPL-2.0
/*
 * Docker Engine API client for container names; see docker.h.  HTTP over
 * the unix socket goes through libcurl; the socket itself is opened here
 * (curl's open-socket hook) so that it can be checked before and after
 * connecting.  JSON answers are parsed with json-c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "container/docker.h"
#include "lib/array.h"
#include "lib/clock.h"

#ifndef EBPROF_VERSION
#define EBPROF_VERSION "dev"
#endif

#define DEFAULT_SOCKET	"/var/run/docker.sock"
#define MAX_ANSWER	(1 << 20)
#define QUERY_MS	500
#define BACKOFF_NS	30000000000ULL	/* after the daemon failed to answer */

enum ent_state { ENT_QUEUED, ENT_DONE, ENT_MISSING, ENT_FAILED };

struct ent {
	struct docker_info info;
	enum ent_state state;
};

struct docker {
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* queue changed / work finished */
	pthread_t thread;
	bool started, stop, busy;
	struct ent *ents;
	size_t nr, cap;
	uint64_t down_until;		/* CLOCK_MONOTONIC ns */
	char api[16];			/* "/v1.NN" once known */
};

struct answer {
	char *buf;
	size_t len;
	bool too_big;
	int sock_err;			/* -errno from open_socket() */
	int fd;				/* the socket it opened */
};

struct docker *docker__new(const char *host)
{
	struct docker *d;
	const char *path = DEFAULT_SOCKET;

	if (!host)
		host = getenv("DOCKER_HOST");
	if (host && *host) {
		if (strncmp(host, "unix://", 7)) {
			errno = EPROTONOSUPPORT;
			return NULL;
		}
		path = host + 7;
	}
	if (strlen(path) >= sizeof(d->sock) || path[0] != '/') {
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	strcpy(d->sock, path);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	return d;
}

const char *docker__socket(const struct docker *d)
{
	return d->sock;
}

void docker_info__release(struct docker_info *info)
{
	free(info->name);
	free(info->service);
	free(info->project);
	memset(info, 0, sizeof(*info));
}

void docker__free(struct docker *d)
{
	size_t i;

	if (!d)
		return;
	if (d->started) {
		pthread_mutex_lock(&d->lock);
		d->stop = true;
		pthread_cond_broadcast(&d->cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
	}
	for (i = 0; i < d->nr; i++)
		docker_info__release(&d->ents[i].info);
	free(d->ents);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

/* ---- one query ---- */

static bool trusted_uid(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * Opens the socket curl then connects, refusing a path that is not a
 * socket owned by root (or us).  The path may be swapped after this check:
 * check_peer() then refuses a listener that does not run as root (or us).
 */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose,
				 struct curl_sockaddr *addr)
{
	struct docker *d = ((void **)ctx)[0];
	struct answer *a = ((void **)ctx)[1];
	struct stat st;
	int fd;

	if (lstat(d->sock, &st)) {
		a->sock_err = -ECONNREFUSED;
		return CURL_SOCKET_BAD;
	}
	if (!S_ISSOCK(st.st_mode) || !trusted_uid(st.st_uid)) {
		a->sock_err = -EPERM;
		return CURL_SOCKET_BAD;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		a->sock_err = -errno;
	a->fd = fd;
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

/* Connected, nothing sent yet: who listens? */
static int check_peer(void *ctx, char *ip, char *local_ip, int port,
		      int local_port)
{
	struct answer *a = ((void **)ctx)[1];
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (a->fd < 0 || getsockopt(a->fd, SOL_SOCKET, SO_PEERCRED, &cred,
				    &len) || !trusted_uid(cred.uid)) {
		a->sock_err = -EPERM;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;
	char *b;

	if (a->len + n > MAX_ANSWER) {
		a->too_big = true;
		return 0;
	}
	b = realloc(a->buf, a->len + n + 1);
	if (!b)
		return 0;
	memcpy(b + a->len, data, n);
	a->buf = b;
	a->len += n;
	b[a->len] = '\0';
	return n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Characters an id or a container name may have ([a-zA-Z0-9][a-zA-Z0-9_.-]). */
static bool ref_ok(const char *ref)
{
	size_t i, n = strlen(ref);

	if (!n || n > 255)
		return false;
	for (i = 0; i < n; i++) {
		char c = ref[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static char *dup_str(struct json_object *o)
{
	const char *s;

	if (!o || !json_object_is_type(o, json_type_string))
		return NULL;
	s = json_object_get_string(o);
	return s && *s ? strdup(s) : NULL;
}

int docker__parse_inspect(const char *json, size_t len,
			  struct docker_info *out)
{
	struct json_tokener *tok = json_tokener_new_ex(32);
	struct json_object *root, *v, *cfg, *labels;
	const char *id;
	int err = -EPROTO;

	memset(out, 0, sizeof(*out));
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, len);
	json_tokener_free(tok);
	if (!root || !json_object_is_type(root, json_type_object))
		goto out;
	if (!json_object_object_get_ex(root, "Id", &v) ||
	    !json_object_is_type(v, json_type_string))
		goto out;
	id = json_object_get_string(v);
	if (strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64)
		goto out;
	memcpy(out->id, id, 65);
	if (json_object_object_get_ex(root, "Name", &v)) {
		out->name = dup_str(v);
		if (out->name && out->name[0] == '/')
			memmove(out->name, out->name + 1, strlen(out->name));
	}
	if (json_object_object_get_ex(root, "Config", &cfg) &&
	    json_object_is_type(cfg, json_type_object) &&
	    json_object_object_get_ex(cfg, "Labels", &labels) &&
	    json_object_is_type(labels, json_type_object)) {
		if (json_object_object_get_ex(labels,
					      "com.docker.compose.service", &v))
			out->service = dup_str(v);
		if (json_object_object_get_ex(labels,
					      "com.docker.compose.project", &v))
			out->project = dup_str(v);
	}
	err = 0;
out:
	json_object_put(root);
	if (err)
		docker_info__release(out);
	return err;
}

/*
 * GET http://docker@path over the socket: 0 with the body in @a (free
 * a->buf), -ENOENT (404), -EPROTO (another status), -ETIMEDOUT,
 * -ECONNREFUSED, -EPERM (untrusted socket).
 */
static int get(struct docker *d, const char *path, long timeout_ms,
	       struct answer *a)
{
	void *ctx[2] = { d, a };
	char url[512];
	long status = 0;
	CURLcode rc;
	CURL *h;

	pthread_once(&curl_once, curl_init);
	h = curl_easy_init();
	if (!h)
		return -ENOMEM;
	snprintf(url, sizeof(url), "http://docker%s", path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, d->sock);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, ctx);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, check_peer);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, ctx);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ebprof/" EBPROF_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return -ETIMEDOUT;
	if (rc != CURLE_OK)
		return a->sock_err ? a->sock_err : a->too_big ? -EPROTO :
		       -ECONNREFUSED;
	return status == 200 ? 0 : status == 404 ? -ENOENT : -EPROTO;
}

/*
 * The API version to speak, "/v1.NN": the daemon's own, asked once with
 * the unversioned GET /version as Docker's clients negotiate (Docker 29
 * refuses versions older than 1.44, old daemons newer ones than theirs).
 * The fields read here have not changed since 1.24.
 */
static int api_prefix(struct docker *d, long timeout_ms, char *out,
		      size_t len)
{
	struct answer a = { .fd = -1 };
	struct json_tokener *tok;
	struct json_object *root = NULL, *v;
	const char *ver;
	int err = 0;

	pthread_mutex_lock(&d->lock);
	snprintf(out, len, "%s", d->api);
	pthread_mutex_unlock(&d->lock);
	if (*out)
		return 0;
	err = get(d, "/version", timeout_ms, &a);
	if (err)
		goto out;
	err = -EPROTO;
	tok = json_tokener_new_ex(8);
	if (!tok) {
		err = -ENOMEM;
		goto out;
	}
	root = json_tokener_parse_ex(tok, a.buf ? a.buf : "", a.len);
	json_tokener_free(tok);
	if (!root || !json_object_object_get_ex(root, "ApiVersion", &v) ||
	    !json_object_is_type(v, json_type_string))
		goto out;
	ver = json_object_get_string(v);
	/* "1.NN" only: it goes into a URL. */
	if (strncmp(ver, "1.", 2) || strlen(ver) < 3 || strlen(ver) > 6 ||
	    strspn(ver + 2, "0123456789") != strlen(ver) - 2)
		goto out;
	snprintf(out, len, "/v%s", ver);
	pthread_mutex_lock(&d->lock);
	snprintf(d->api, sizeof(d->api), "%s", out);
	pthread_mutex_unlock(&d->lock);
	err = 0;
out:
	json_object_put(root);
	free(a.buf);
	return err;
}

int docker__inspect(struct docker *d, const char *ref, long timeout_ms,
		    struct docker_info *out)
{
	struct answer a = { .fd = -1 };
	char path[512], api[16];
	int err;

	memset(out, 0, sizeof(*out));
	if (!ref_ok(ref))
		return -ENOENT;
	err = api_prefix(d, timeout_ms, api, sizeof(api));
	if (err)
		return err == -ENOENT ? -EPROTO : err;
	snprintf(path, sizeof(path), "%s/containers/%s/json", api, ref);
	err = get(d, path, timeout_ms, &a);
	if (!err)
		err = docker__parse_inspect(a.buf ? a.buf : "", a.len, out);
	free(a.buf);
	return err;
}

/* ---- the worker ---- */

static struct ent *find(struct docker *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		if (!strcmp(d->ents[i].info.id, id))
			return &d->ents[i];
	return NULL;
}

static void *worker(void *arg)
{
	struct docker *d = arg;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		struct docker_info info;
		char id[65];
		size_t i;
		int err;

		for (i = 0; i < d->nr; i++)
			if (d->ents[i].state == ENT_QUEUED)
				break;
		if (i == d->nr) {
			pthread_cond_wait(&d->cond, &d->lock);
			continue;
		}
		if (clock__mono_ns() < d->down_until) {
			d->ents[i].state = ENT_FAILED;
			pthread_cond_broadcast(&d->cond);
			continue;
		}
		memcpy(id, d->ents[i].info.id, sizeof(id));
		d->busy = true;
		pthread_mutex_unlock(&d->lock);
		err = docker__inspect(d, id, QUERY_MS, &info);
		pthread_mutex_lock(&d->lock);
		d->busy = false;
		/* The array may have moved meanwhile. */
		{
			struct ent *e = find(d, id);

			if (!err && e && !strcmp(info.id, id)) {
				e->info = info;
				e->state = ENT_DONE;
			} else {
				if (!err)
					docker_info__release(&info);
				if (e)
					e->state = err == -ENOENT || !err ?
						   ENT_MISSING : ENT_FAILED;
				if (err && err != -ENOENT)
					d->down_until = clock__mono_ns() +
							BACKOFF_NS;
			}
		}
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

void docker__request(struct docker *d, const char *id)
{
	struct ent *e;

	if (!d || strlen(id) != 64)
		return;
	pthread_mutex_lock(&d->lock);
	e = find(d, id);
	if (e && e->state == ENT_FAILED && clock__mono_ns() >= d->down_until)
		e->state = ENT_QUEUED;
	if (!e && !array__grow((void **)&d->ents, &d->cap, d->nr + 1,
			       sizeof(*d->ents))) {
		e = &d->ents[d->nr++];
		memset(e, 0, sizeof(*e));
		memcpy(e->info.id, id, 65);
		e->state = ENT_QUEUED;
	}
	if (!d->started)
		d->started = !pthread_create(&d->thread, NULL, worker, d);
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
}

bool docker__get(struct docker *d, const char *id, struct docker_info *out)
{
	struct ent *e;
	bool ok = false;

	if (!d)
		return false;
	pthread_mutex_lock(&d->lock);
	e = find(d, id);
	if (e && e->state == ENT_DONE) {
		*out = e->info;
		ok = true;
	}
	pthread_mutex_unlock(&d->lock);
	return ok;
}

void docker__settle(struct docker *d, long ms)
{
	struct timespec until;
	size_t i;

	if (!d || !d->started)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&d->lock);
	for (;;) {
		for (i = 0; i < d->nr; i++)
			if (d->ents[i].state == ENT_QUEUED)
				break;
		if ((i == d->nr && !d->busy) ||
		    pthread_cond_timedwait(&d->cond, &d->lock, &until))
			break;
	}
	pthread_mutex_unlock(&d->lock);
}
