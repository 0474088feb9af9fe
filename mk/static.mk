# `make static`: $(O)/ebprof-static, the same objects as $(O)/ebprof with
# every library of LIBS (and STATIC_DEPS, what their archives need) linked
# in statically and only glibc (SYS_LIBS) shared -- one file to copy onto
# a production host.  Not PIE: Debian's libunwind archives are not PIC.
#
# libbpf.a is first linked into one object whose symbols outside libbpf's
# API (bpf_*, btf_*, libbpf_*, perf_buffer_*, ring_buffer_*, ...) are made
# local: its internal helpers (hashmap__*, strset__*) would otherwise clash
# with ours, or worse, bind to ours.
STATIC_DIR    := $(O)/static
STATIC_BPF_O  := $(STATIC_DIR)/libbpf.o
STATIC_LDLIBS := $(STATIC_BPF_O) \
	-Wl,-Bstatic $(addprefix -l,$(filter-out bpf,$(LIBS)) $(STATIC_DEPS)) \
	-Wl,-Bdynamic $(SYS_LIBS)
# LAZY_LIBS ahead of libcommon.a: their real functions are found before
# the archive's loaders (common/lib/*_loader.c), which are then not linked.
STATIC_LAZY   := -Wl,-Bstatic -Wl,--whole-archive \
	$(addprefix -l,$(LAZY_LIBS)) -Wl,--no-whole-archive -Wl,-Bdynamic
LIBBPF_API    := bpf_* btf_* btf__* libbpf_* perf_buffer_* ring_buffer_* \
	ring__* user_ring_buffer_*

$(STATIC_BPF_O): $(shell $(CC) -print-file-name=libbpf.a) mk/static.mk
	@mkdir -p $(@D)
	$(LD) -r --whole-archive $< -o $@.tmp
	objcopy -w $(addprefix --keep-global-symbol=,$(LIBBPF_API)) $@.tmp $@
	@rm -f $@.tmp

$(O)/ebprof-static: $(CMD_OBJS) $(O)/libcommon.a $(STATIC_BPF_O)
	$(CC) $(CFLAGS) -no-pie -o $@ $(CMD_OBJS) $(STATIC_LAZY) \
		$(O)/libcommon.a $(LDFLAGS) $(STATIC_LDLIBS)

static: $(O)/ebprof-static
