# The benchmark helper of scripts/bench-symbols.sh: the symbolizer on a
# list of addresses, with and without inline frames and lines.
SYM_BENCH := $(O)/tests/helpers/sym_bench
$(SYM_BENCH): tests/helpers/sym_bench.c $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)
unit: $(SYM_BENCH)
