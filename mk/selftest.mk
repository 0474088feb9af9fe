# The self-test's workloads inside ebprof: tests/workloads/unwind_chains.c
# compiled twice, with and without frame pointers (the flags of the
# standalone workloads), its main() renamed wl_unwind_chains_{fp,nofp} and
# every other symbol made local, so the two copies link side by side and
# keep their function names for the symbolizer.  cmd/selftest_wl.c
# runs them: `ebprof --workload unwind_chains-fp MODE SECONDS` (hidden).
# main() (cmd/ebprof.c) keeps its frame pointer and calls the workload (no
# tail call), so a frame-pointer walk
# goes from the workload through main to libc's start, as in the
# standalone build.
SELFTEST_WL_OBJS := $(O)/selftest/unwind_chains-fp.o \
	$(O)/selftest/unwind_chains-nofp.o
CMD_OBJS += $(SELFTEST_WL_OBJS)

$(O)/cmd/ebprof.o: ALL_CFLAGS += -fno-omit-frame-pointer -fno-optimize-sibling-calls
$(O)/cmd/ebprof.o: mk/selftest.mk

$(SELFTEST_WL_OBJS): $(O)/selftest/unwind_chains-%.o: tests/workloads/unwind_chains.c \
		$(wildcard tests/workloads/*.h) mk/selftest.mk
	@mkdir -p $(@D)
	$(CC) $(if $(filter nofp,$*),$(WL_NOFP),$(WL_FP)) -pthread \
		-Dmain=wl_unwind_chains_$* -c $< -o $@.tmp
	objcopy --keep-global-symbol=wl_unwind_chains_$* $@.tmp $@
	@rm -f $@.tmp
