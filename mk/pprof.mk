# pprof: common/format/profile.proto -> $(O)/pb/profile.pb-c.{c,h} with protoc-c,
# compiled into libcommon.a (common/format/pprof.c is the only user of the
# generated code).  Also the test and benchmark helpers of pprof.
PROTOC_C     ?= protoc-c
PPROF_PB_C   := $(O)/pb/profile.pb-c.c
PPROF_PB_H   := $(O)/pb/profile.pb-c.h
PPROF_PB_O   := $(O)/pb/profile.pb-c.o
GEN_SRCS     += $(PPROF_PB_C)
GEN_OBJS     += $(PPROF_PB_O)
GEN_HDRS     += $(PPROF_PB_H)

# Generated into a scratch directory, then moved: an interrupted run never
# leaves a half-written pair behind.
$(PPROF_PB_C) $(PPROF_PB_H) &: common/format/profile.proto
	@mkdir -p $(O)/pb/.gen
	$(PROTOC_C) --c_out=$(O)/pb/.gen -Icommon/format $<
	mv $(O)/pb/.gen/profile.pb-c.c $(O)/pb/.gen/profile.pb-c.h $(O)/pb/

$(PPROF_PB_O): $(PPROF_PB_C) $(PPROF_PB_H)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# mk/fuzz.mk is read before this file: give its objects the header and its
# binaries the generated object too.
ifneq ($(FUZZ_BINS),)
$(FUZZ_OBJS): $(PPROF_PB_H)
$(FUZZ_BINS): $(O)/fuzz/$(PPROF_PB_O)
endif

# tests/helpers/pprof_tool.c drives common/format/pprof.c for the end-to-end tests
# and scripts/bench-pprof.sh; `make unit` builds it.
PPROF_TOOL := $(O)/tests/helpers/pprof_tool
$(PPROF_TOOL): tests/helpers/pprof_tool.c $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)
unit: $(PPROF_TOOL)
