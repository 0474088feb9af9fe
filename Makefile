# ebprof: one non-recursive Makefile.
#
#   make            build build/ebprof (BPF skeletons embedded)
#   make static     build/ebprof-static: every library but glibc linked in
#   make test       install missing packages, build, run every test
#   make demo       install, build, record the demo workload, write its stacks
#   make bench      run the benchmarks in scripts/bench-*.sh
#   make install    PREFIX=/usr/local DESTDIR= : binary, man pages, completions
#   make asan       build/asan/ebprof with AddressSanitizer + UBSan
#
# Data flow: bpf/*.bpf.c -> build/bpf/*.skel.h -> common/STAGE/ -> cmd/ ->
# build/ebprof (README.md, "How a sample flows", lists the stages).

SHELL     := /bin/bash
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= gcc
CLANG     ?= clang
BPFTOOL   ?= bpftool
O         ?= build
WERROR    ?= 1

WARN      := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN      += -Werror
endif
CFLAGS    ?= -O2 -g
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE \
	-DEBPROF_VERSION='"$(VERSION)"' -I$(O) -I$(O)/pb -I. -Icommon -Icmd
# Libraries: linked dynamically into $(O)/ebprof and statically into
# $(O)/ebprof-static (`make static`), glibc (SYS_LIBS) dynamic in both.
# Adding a library is one word in LIBS; what the static archives need in
# turn goes in STATIC_DEPS (mk/static.mk links them).  LAZY_LIBS are
# loaded on first use in the dynamic build (common/lib/*_loader.c) and
# linked in the static one.  libcurl is never linked: curl_loader.c
# loads it when an upload is made, and libdebuginfod (debuginfod_loader.c)
# when debug files are fetched.
LIBS      := bpf dw elf z capstone unwind-x86_64 unwind protobuf-c iberty \
	json-c lzma ncursesw tinfo
LAZY_LIBS := capstone
STATIC_DEPS := zstd bz2
SYS_LIBS  := -lm -lpthread -ldl
LDLIBS    := $(addprefix -l,$(filter-out $(LAZY_LIBS),$(LIBS))) $(SYS_LIBS)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
SKELS     := $(patsubst bpf/%.bpf.c,$(O)/bpf/%.skel.h,$(BPF_SRCS))
COMMON_SRCS := $(wildcard common/*/*.c)
CMD_SRCS  := $(wildcard cmd/*.c)
COMMON_OBJS := $(patsubst %.c,$(O)/%.o,$(COMMON_SRCS))
CMD_OBJS  := $(patsubst %.c,$(O)/%.o,$(CMD_SRCS))
GEN_SRCS  :=
GEN_OBJS  :=
GEN_HDRS  :=
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
WL_C      := $(wildcard tests/workloads/*.c)
WL_CXX    := $(wildcard tests/workloads/*.cc)
WORKLOADS := $(foreach s,$(WL_C) $(WL_CXX),$(O)/workloads/$(basename $(notdir $(s)))-fp \
	$(O)/workloads/$(basename $(notdir $(s)))-nofp)

.DEFAULT_GOAL := all
-include mk/*.mk

.SECONDARY:
.PHONY: all static test unit demo bench install asan deps clean workloads fuzz
all: $(O)/ebprof

# --- BPF: clang -target bpf (CO-RE against the committed vmlinux.h) -> skeleton
$(O)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Ibpf -Wall -Werror \
		-c $< -o $@
	$(BPFTOOL) gen object $@.linked $@ >/dev/null && mv $@.linked $@

$(O)/bpf/%.skel.h: $(O)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# --- user space
$(O)/%.o: %.c $(SKELS) $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(O)/libcommon.a: $(COMMON_OBJS) $(GEN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/ebprof: $(CMD_OBJS) $(O)/libcommon.a
	$(CC) $(CFLAGS) -o $@ $(CMD_OBJS) $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)

-include $(COMMON_OBJS:.o=.d) $(CMD_OBJS:.o=.d)

# --- tests
$(O)/tests/%: tests/unit/%.c tests/unit/test.h $(wildcard tests/unit/*/*.h) \
		$(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)

WL_FP   := -O2 -g -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-optimize-sibling-calls
WL_NOFP := -O2 -g -fomit-frame-pointer -fno-optimize-sibling-calls
$(O)/workloads/%-fp: tests/workloads/%.c $(wildcard tests/workloads/*.h)
	@mkdir -p $(@D)
	$(CC) $(WL_FP) -pthread -o $@ $<
$(O)/workloads/%-nofp: tests/workloads/%.c $(wildcard tests/workloads/*.h)
	@mkdir -p $(@D)
	$(CC) $(WL_NOFP) -pthread -o $@ $<
$(O)/workloads/%-fp: tests/workloads/%.cc $(wildcard tests/workloads/*.h)
	@mkdir -p $(@D)
	$(CXX) $(WL_FP) -pthread -o $@ $<
$(O)/workloads/%-nofp: tests/workloads/%.cc $(wildcard tests/workloads/*.h)
	@mkdir -p $(@D)
	$(CXX) $(WL_NOFP) -pthread -o $@ $<

workloads: $(WORKLOADS)
unit: $(UNIT_BINS)

deps:
	@scripts/install-deps.sh

test: deps
	$(MAKE) all static unit workloads
	tests/run.sh

demo: deps
	$(MAKE) all workloads
	scripts/demo.sh

bench: deps
	$(MAKE) all workloads
	@for s in scripts/bench-*.sh; do echo "== $$s"; $$s || exit 1; done

asan:
	$(MAKE) O=build/asan WERROR=$(WERROR) \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" all unit

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(O)/ebprof $(DESTDIR)$(PREFIX)/bin/ebprof
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 completions/ebprof.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ebprof
	install -m 644 completions/_ebprof $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_ebprof
	install -m 644 completions/ebprof.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/ebprof.fish

clean:
	rm -rf $(O) build
