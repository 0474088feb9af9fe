// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of container attribution: cgroup paths as each runtime names
 * them (container.c), the cgroup2 mount in hybrid and pure v2 mountinfo
 * (cgroup_ids.c), and Docker inspect answers (docker.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_ids.h"
#include "container.h"
#include "docker.h"
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

int main(void)
{
	test_paths();
	test_mounts();
	test_inspect();
	return test_status();
}
