# tests/helpers/origin_bench.c measures what container attribution adds
# per sample (scripts/bench-containers.sh); `make unit` builds it.
ORIGIN_BENCH := $(O)/tests/helpers/origin_bench
$(ORIGIN_BENCH): tests/helpers/origin_bench.c $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)
unit: $(ORIGIN_BENCH)
