# Fuzz targets: tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput().
# `make fuzz` builds each with clang's libFuzzer + ASan/UBSan against the
# common/ sources and runs it for FUZZ_SECONDS (default 60) each, starting
# from tests/fuzz/corpus/NAME/ when present.  CI runs a short round.
FUZZ_SECONDS ?= 60
FUZZ_SRCS    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS  := -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE \
	-I$(O) -I$(O)/pb -I. -Icommon
FUZZ_OBJS     = $(patsubst %.c,$(O)/fuzz/%.o,$(COMMON_SRCS) $(GEN_SRCS))

$(O)/fuzz/%.o: %.c $(SKELS) $(GEN_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(LDLIBS)

fuzz: $(FUZZ_BINS)
	@set -o pipefail; for f in $(FUZZ_BINS); do \
		n=$${f##*/fuzz_}; c=tests/fuzz/corpus/$$n; \
		mkdir -p $(O)/fuzz/corpus-$$n; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			$(O)/fuzz/corpus-$$n $$( [ -d $$c ] && echo $$c ) \
			2>$(O)/fuzz/$$n.log || { tail -n 40 $(O)/fuzz/$$n.log; exit 1; }; \
		grep -E '^(Done|#[0-9]+.*DONE)' $(O)/fuzz/$$n.log | tail -n 1; \
	done
