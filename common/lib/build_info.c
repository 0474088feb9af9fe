// SPDX-License-Identifier: GPL-2.0
/*
 * The build's and the kernel's features (see build_info.h).  Whether a
 * library is linked in is asked of the dynamic loader (dladdr): a
 * function of it that lives in the same object as this file is inside
 * ebprof.  Versions come from the libraries where they say it at run time,
 * else from the headers ebprof was built with.  BPF features are probed
 * by loading tiny programs (libbpf_probe_*), which needs root.
 *
 * Not here: probing what only a real load can tell (CO-RE relocations
 * against this kernel's BTF); `record` reports those when they fail.
 */
#include <bpf/libbpf.h>
#include <capstone/capstone.h>
#include <curl/curl.h>
#include <elfutils/libdwfl.h>
#include <json-c/json_c_version.h>
#include <lzma.h>
#include <link.h>
#include <elfutils/version.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <libelf.h>
#include <libunwind.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/build_info.h"
#include "lib/curl_loader.h"
#include "lib/debuginfod_loader.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct find_ctx {
	const char *prefix;	/* "libbpf.so" */
	char *buf;
	size_t len;
	bool found;
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *f = arg;
	const char *base = info->dlpi_name ? strrchr(info->dlpi_name, '/') :
			   NULL;

	base = base ? base + 1 : info->dlpi_name;
	if (!base || strncmp(base, f->prefix, strlen(f->prefix)))
		return 0;
	snprintf(f->buf, f->len, "shared: %s", info->dlpi_name);
	f->found = true;
	return 1;
}

/*
 * "linked in", or the shared object named @so* that this process has
 * loaded (after the version call, which loads a lazily loaded library).
 */
static const char *where(const char *so, char *buf, size_t len)
{
	struct find_ctx f = { so, buf, len, false };

	dl_iterate_phdr(find_cb, &f);
	return f.found ? buf : "linked in";
}

struct lib {
	const char *name;
	char version[32];
	const char *so;		/* its shared object's name, up to ".so" */
};

static void libs_get(struct lib *l, size_t *nr)
{
	int maj = 0, min = 0;
	size_t n = 0;

	l[n] = (struct lib){ "libbpf", "", "libbpf.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s",
		 libbpf_version_string() + (libbpf_version_string()[0] == 'v'));
	l[n] = (struct lib){ "libelf", "", "libelf.so" };
	snprintf(l[n++].version, sizeof(l->version), "0.%d",
		 _ELFUTILS_VERSION % 1000);
	l[n] = (struct lib){ "zlib", "", "libz.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s", zlibVersion());
	l[n] = (struct lib){ "capstone", "", "libcapstone.so" };
	cs_version(&maj, &min);
	snprintf(l[n++].version, sizeof(l->version), "%d.%d", maj, min);
	l[n] = (struct lib){ "libunwind", "", "libunwind-x86_64.so" };
	snprintf(l[n++].version, sizeof(l->version), "%d.%d",
		 UNW_VERSION_MAJOR, UNW_VERSION_MINOR);
	l[n] = (struct lib){ "protobuf-c", "", "libprotobuf-c.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s",
		 protobuf_c_version());
	l[n] = (struct lib){ "libdw", "", "libdw.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s",
		 dwfl_version(NULL));
	l[n] = (struct lib){ "liblzma", "", "liblzma.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s",
		 lzma_version_string());
	l[n] = (struct lib){ "json-c", "", "libjson-c.so" };
	snprintf(l[n++].version, sizeof(l->version), "%s",
		 json_c_version());
	*nr = n;
}

static const char *probe(int r)
{
	return r > 0 ? "yes" : r == 0 ? "no" :
	       r == -EPERM ? "unknown (probing needs root)" : "unknown";
}

static void bpf_features(struct strbuf *out)
{
	static const struct {
		const char *what;
		enum bpf_func_id id;
	} helpers[] = {
		{ "bpf_get_stack", BPF_FUNC_get_stack },
		{ "bpf_probe_read_user", BPF_FUNC_probe_read_user },
		{ "bpf_task_pt_regs", BPF_FUNC_task_pt_regs },
		{ "bpf_get_current_task_btf", BPF_FUNC_get_current_task_btf },
		{ "bpf_ringbuf_reserve", BPF_FUNC_ringbuf_reserve },
	};
	struct utsname u;
	size_t i;

	if (!uname(&u))
		strbuf__addf(out, "kernel %s %s\n", u.release, u.machine);
	strbuf__addf(out, "bpf BTF (/sys/kernel/btf/vmlinux): %s\n",
		     access("/sys/kernel/btf/vmlinux", R_OK) ? "no" : "yes");
	strbuf__addf(out, "bpf perf_event programs: %s\n",
		     probe(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_PERF_EVENT,
						      NULL)));
	strbuf__addf(out, "bpf ring buffer maps: %s\n",
		     probe(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF,
						     NULL)));
	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		strbuf__addf(out, "bpf helper %s: %s\n", helpers[i].what,
			     probe(libbpf_probe_bpf_helper(
				     BPF_PROG_TYPE_PERF_EVENT, helpers[i].id,
				     NULL)));
}

int build_info__describe(struct strbuf *out)
{
	struct lib libs[12];
	char buf[4096], err[256];
	size_t nr, i, shared = 0;
	curl_version_info_data *cv;

	libs_get(libs, &nr);
	for (i = 0; i < nr; i++)
		shared += strcmp(where(libs[i].so, buf, sizeof(buf)),
				 "linked in") != 0;
	strbuf__addf(out, "build: %s (glibc %s shared)\n",
		     shared ? "dynamic" : "static", gnu_get_libc_version());
	for (i = 0; i < nr; i++)
		strbuf__addf(out, "%s %s (%s)\n", libs[i].name,
			     libs[i].version,
			     where(libs[i].so, buf, sizeof(buf)));
	strbuf__adds(out, "libiberty (linked in: C++ and Rust demangler)\n");
	if (curl_loader__load(err, sizeof(err))) {
		strbuf__addf(out, "libcurl none: %s\n", err);
	} else {
		cv = curl_version_info(CURLVERSION_NOW);
		strbuf__addf(out, "libcurl %s (loaded for uploads: %s)\n",
			     cv ? cv->version : "?", CURL_LOADER_SONAME);
	}
	if (debuginfod_loader__load(err, sizeof(err)))
		strbuf__addf(out, "libdebuginfod none: %s\n", err);
	else
		strbuf__addf(out, "libdebuginfod (loaded for fetching debug "
			     "files: %s)\n", DEBUGINFOD_LOADER_SONAME);
	bpf_features(out);
	return out->buf ? 0 : -ENOMEM;
}
