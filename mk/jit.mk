# tests/helpers/jit_read.c reads a process's JIT symbols through
# common/runtime/jit_syms.c for scripts/bench-jit.sh; `make unit` builds it.
JIT_READ := $(O)/tests/helpers/jit_read
$(JIT_READ): tests/helpers/jit_read.c $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)
unit: $(JIT_READ)
