// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of container attribution: cgroup paths as each runtime names
 * them (container.c), the cgroup2 mount in hybrid and pure v2 mountinfo
 * (cgroup_ids.c), Docker inspect answers (docker.c), and the origin labels
 * through pprof, folded --per-container and report's container key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/cgroup_ids.h"
#include "container/container.h"
#include "container/docker.h"
#include "format/folded.h"
#include "format/pprof.h"
#include "profile/report.h"
#include "test.h"

#define ID "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899"
#define UID "0b7a3c52-5e9f-4a8e-9c1d-2f6e7d8c9b0a"
#define UID_ "0b7a3c52_5e9f_4a8e_9c1d_2f6e7d8c9b0a"

struct path_case {
	const char *path;
	enum ct_runtime rt;
	const char *id, *pod;
	enum ct_qos qos;
	const char *unit;
};

static const struct path_case cases[] = {
	{ "/system.slice/docker-" ID ".scope", CT_DOCKER, ID, "", 0, "" },
	{ "/docker/" ID, CT_DOCKER, ID, "", 0, "" },
	{ "/docker/" ID "/init.scope", CT_DOCKER, ID, "", 0, "init.scope" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
	  UID_ ".slice/cri-containerd-" ID ".scope", CT_CONTAINERD, ID, UID,
	  QOS_BURSTABLE, "" },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
	  UID_ ".slice/crio-" ID ".scope", CT_CRIO, ID, UID, QOS_BESTEFFORT,
	  "" },
	{ "/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" ID ".scope",
	  CT_DOCKER, ID, UID, QOS_GUARANTEED, "" },
	{ "/kubepods/burstable/pod" UID "/" ID, CT_OTHER, ID, UID,
	  QOS_BURSTABLE, "" },
	{ "/kubepods/pod" UID "/" ID, CT_OTHER, ID, UID, QOS_GUARANTEED, "" },
	{ "/kubepods/besteffort/pod" UID, CT_NONE, "", UID, QOS_BESTEFFORT,
	  "" },
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
	  UID_ ".slice/crio-conmon-" ID ".scope", CT_NONE, "", UID,
	  QOS_BURSTABLE, "" },
	{ "/machine.slice/libpod-" ID ".scope", CT_PODMAN, ID, "", 0, "" },
	{ "/machine.slice/libpod-conmon-" ID ".scope", CT_NONE, "", "", 0,
	  "" },
	{ "/machine.slice/libpod-" ID ".scope/container", CT_PODMAN, ID, "",
	  0, "" },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
	  ID ".scope", CT_PODMAN, ID, "", 0, "user@1000.service" },
	{ "/system.slice/nginx.service", CT_NONE, "", "", 0, "nginx.service" },
	{ "/user.slice/user-1000.slice/user@1000.service", CT_NONE, "", "", 0,
	  "user@1000.service" },
	{ "/user.slice/user-1000.slice/session-4.scope", CT_NONE, "", "", 0,
	  "session-4.scope" },
	{ "/system.slice/crio-" ID ".scope", CT_CRIO, ID, "", 0, "" },
	{ "/", CT_NONE, "", "", 0, "" },
	{ "", CT_NONE, "", "", 0, "" },
	/* Not ids: too short, upper case, wrong prefix. */
	{ "/system.slice/docker-3f4e5d.scope", CT_NONE, "", "", 0,
	  "docker-3f4e5d.scope" },
	{ "/docker/3F4E5D6C7B8A99887766554433221100FFEEDDCCBBAA00112233445566778899",
	  CT_NONE, "", "", 0, "" },
	{ "/kubepods/burstable/podxyz", CT_NONE, "", "", 0, "" },
	/* Nested: the innermost container. */
	{ "/docker/1111111111111111111111111111111111111111111111111111111111111111"
	  "/docker/" ID, CT_DOCKER, ID, "", 0, "" },
};

static void test_paths(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct path_case *c = &cases[i];
		struct cgroup_info ci;
		bool any = cgroup_path__parse(c->path, &ci);

		CHECK(ci.runtime == c->rt && !strcmp(ci.id, c->id) &&
		      !strcmp(ci.pod_uid, c->pod) && ci.qos == c->qos &&
		      !strcmp(ci.unit, c->unit) &&
		      any == (c->id[0] || c->pod[0] || c->unit[0]),
		      "path %zu '%.60s': %s id '%.12s' pod '%s' %s unit '%s'",
		      i, c->path, ct_runtime__name(ci.runtime), ci.id,
		      ci.pod_uid, ct_qos__name(ci.qos), ci.unit);
	}
	CHECK(container_id__is_prefix("3f4e") &&
	      !container_id__is_prefix("web") && !container_id__is_prefix("") &&
	      container_id__is_prefix(ID) &&
	      !container_id__is_prefix(ID "0"), "id prefixes");
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;

	strcpy(path, "/tmp/ebprof-mountinfo.XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_mounts(void)
{
	struct cgroup_ids *c = NULL;
	const char *p;
	int err;

	p = write_tmp(
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
	err = cgroup_ids__new(p, &c);
	CHECK(!err && c && !strcmp(cgroup_ids__mount(c),
				   "/sys/fs/cgroup/unified") &&
	      cgroup_ids__has_v1(c), "hybrid mount");
	cgroup_ids__free(c);
	unlink(p);
	p = write_tmp(
		"25 1 0:22 / /proc rw - proc proc rw\n"
		"30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n");
	err = cgroup_ids__new(p, &c);
	CHECK(!err && c && !strcmp(cgroup_ids__mount(c), "/sys/fs/cgroup") &&
	      !cgroup_ids__has_v1(c), "pure v2 mount");
	cgroup_ids__free(c);
	unlink(p);
	p = write_tmp(
		"30 23 0:26 /sub /mnt/x rw - cgroup2 cgroup2 rw\n"
		"31 23 0:26 / /mnt/with\\040space rw - cgroup2 cgroup2 rw\n");
	err = cgroup_ids__new(p, &c);
	CHECK(!err && c && !strcmp(cgroup_ids__mount(c), "/mnt/with space"),
	      "mount root '/' only, escapes undone");
	cgroup_ids__free(c);
	unlink(p);
	p = write_tmp("32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw\n");
	c = NULL;
	err = cgroup_ids__new(p, &c);
	CHECK(err == -ENOENT && !c, "v1 only: no v2 mount");
	unlink(p);
	/* The live hierarchy: the root's id resolves to "/". */
	if (!cgroup_ids__new(NULL, &c)) {
		uint64_t id;

		CHECK(!cgroup_ids__id_of(cgroup_ids__mount(c), &id) &&
		      cgroup_ids__path(c, id, 0) &&
		      !strcmp(cgroup_ids__path(c, id, 0), "/"),
		      "live root id -> /");
		cgroup_ids__free(c);
	}
	CHECK(proc__nspid(getpid()) == getpid(), "own NSpid");
}

static void test_inspect(void)
{
	const char *ok = "{\"Id\":\"" ID "\",\"Name\":\"/web-1\",\"Config\":"
		"{\"Labels\":{\"com.docker.compose.service\":\"web\","
		"\"com.docker.compose.project\":\"shop\"}}}";
	struct docker_info d;

	CHECK(!docker__parse_inspect(ok, strlen(ok), &d) &&
	      !strcmp(d.id, ID) && !strcmp(d.name, "web-1") &&
	      !strcmp(d.service, "web") && !strcmp(d.project, "shop"),
	      "inspect: name and compose labels");
	docker_info__release(&d);
	ok = "{\"Id\":\"" ID "\",\"Name\":\"/db\",\"Config\":{\"Labels\":null}}";
	CHECK(!docker__parse_inspect(ok, strlen(ok), &d) &&
	      !strcmp(d.name, "db") && !d.service && !d.project,
	      "inspect: no labels");
	docker_info__release(&d);
	CHECK(docker__parse_inspect("{\"Id\":\"abc\"}", 12, &d) == -EPROTO,
	      "inspect: short id refused");
	CHECK(docker__parse_inspect("{\"message\":\"x\"", 14, &d) == -EPROTO,
	      "inspect: truncated");
	CHECK(docker__parse_inspect("[1,2]", 5, &d) == -EPROTO,
	      "inspect: not an object");
	CHECK(!docker__new("tcp://127.0.0.1:2375") && errno == EPROTONOSUPPORT,
	      "DOCKER_HOST tcp:// refused");
}

/* Two containers and the host, one sample each. */
static struct profile *labelled(void)
{
	struct profile *p = profile__new();
	struct pf_frame f = { .name = "burn" };
	struct pf_labels l = { .pid = 7, .tid = 7, .comm = "wl" };
	uint32_t id = profile__frame(p, &f);
	double one = 1, two = 2, four = 4;

	l.origin[PF_CONTAINER_ID] = ID;
	l.origin[PF_CONTAINER_NAME] = "shop-web-1";
	l.origin[PF_SERVICE_NAME] = "web";
	l.origin[PF_COMPOSE_PROJECT] = "shop";
	l.cgroup = "/system.slice/docker-" ID ".scope";
	l.ns_pid = 1;
	profile__add(p, &id, 1, &l, &one);
	memset(l.origin, 0, sizeof(l.origin));
	l.origin[PF_CONTAINER_ID] = UID_ "0123456789abcdef0123456789ab";
	l.origin[PF_CONTAINER_NAME] = "db";
	l.origin[PF_POD_UID] = UID;
	l.origin[PF_POD_QOS] = "burstable";
	l.ns_pid = 0;
	l.cgroup = NULL;
	profile__add(p, &id, 1, &l, &two);
	memset(l.origin, 0, sizeof(l.origin));
	l.origin[PF_SYSTEMD_UNIT] = "nginx.service";
	profile__add(p, &id, 1, &l, &four);
	return p;
}

static void test_labels(void)
{
	struct profile *p = labelled(), *q = profile__new(), *f;
	const char *keep[] = { "db" };
	struct report_filter flt = { .containers = keep, .nr_containers = 1 };
	struct report_keys keys;
	struct report *r;
	char err[256], *text = NULL;
	size_t len = 0, i;
	void *buf = NULL;
	bool same = true;
	FILE *out;

	CHECK(p->nr_samples == 3, "origin labels keep samples apart");
	CHECK(!pprof__encode(p, true, &buf, &len) &&
	      !pprof__read(q, buf, len, NULL, err, sizeof(err)) &&
	      q->nr_samples == 3, "pprof round trip of origin labels");
	for (i = 0; i < 3 && q->nr_samples == 3; i++) {
		const struct pf_labels *a = &p->samples[i].labels;
		const struct pf_labels *b = &q->samples[i].labels;
		int j;

		same &= a->ns_pid == b->ns_pid &&
			!strcmp(a->cgroup ? a->cgroup : "",
				b->cgroup ? b->cgroup : "");
		for (j = 0; j < PF_NR_ORIGIN; j++)
			same &= !strcmp(a->origin[j] ? a->origin[j] : "",
					b->origin[j] ? b->origin[j] : "");
	}
	CHECK(same, "pprof: every origin label, the cgroup and container_pid "
	      "come back");
	out = open_memstream(&text, &len);
	folded__write(p, out, FOLDED_PER_CONTAINER);
	fclose(out);
	CHECK(text && !strcmp(text, "[host];wl;burn 4\ndb;wl;burn 2\n"
			      "shop-web-1;wl;burn 1\n"),
	      "folded --per-container root frames");
	free(text);
	report_keys__parse(&keys, "container");
	r = report__rank(q, 0, &keys);
	report__sort(r, false);
	CHECK(r && r->nr_rows == 3 &&
	      !strcmp(r->rows[0].id.container, "[host]") &&
	      !strcmp(r->rows[1].id.container, "db") &&
	      !strcmp(r->rows[2].id.container, "shop-web-1"),
	      "report: rows by container");
	report__free(r);
	f = report__filter(q, 0, &flt);
	CHECK(f && f->nr_samples == 1 && profile__total(f) == 2,
	      "report --container NAME");
	profile__free(f);
	keep[0] = UID_ "01";
	f = report__filter(q, 0, &flt);
	CHECK(f && f->nr_samples == 1 && profile__total(f) == 2,
	      "report --container ID-PREFIX");
	profile__free(f);
	free(buf);
	profile__free(p);
	profile__free(q);
}

int main(void)
{
	test_paths();
	test_mounts();
	test_inspect();
	test_labels();
	return test_status();
}
