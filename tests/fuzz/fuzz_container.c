// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what container attribution parses from outside:
 * cgroup paths (container.c) and Docker inspect answers (docker.c).  The
 * first byte picks the parser.  Whatever is found must be well-formed: an
 * id of 64 lowercase hex digits, a pod UID of 32 or 36 characters.  Seeds
 * in tests/fuzz/corpus/container/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "container/docker.h"

static void check_info(const struct cgroup_info *ci)
{
	size_t n = strlen(ci->id), u = strlen(ci->pod_uid);

	if ((n && (n != 64 || strspn(ci->id, "0123456789abcdef") != 64)) ||
	    (u && u != 32 && u != 36) ||
	    (ci->qos != QOS_NONE && !u) || (n && ci->runtime == CT_NONE)) {
		fprintf(stderr, "malformed cgroup info\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cgroup_info ci;
	struct docker_info d;
	char *s;

	if (!size)
		return 0;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] & 1) {
		cgroup_path__parse(s, &ci);
		check_info(&ci);
	} else if (!docker__parse_inspect(s, size - 1, &d)) {
		if (strlen(d.id) != 64) {
			fprintf(stderr, "malformed inspect answer\n");
			abort();
		}
		docker_info__release(&d);
	}
	free(s);
	return 0;
}
