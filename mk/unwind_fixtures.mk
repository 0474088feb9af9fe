# tests/helpers/unwind_capture.c takes the stack snapshots of
# tests/fixtures/unwind/ (see regen.sh there); `make unit` builds it.
UNWIND_CAPTURE := $(O)/tests/helpers/unwind_capture
$(UNWIND_CAPTURE): tests/helpers/unwind_capture.c $(O)/libcommon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(O)/libcommon.a $(LDFLAGS) $(LDLIBS)
unit: $(UNWIND_CAPTURE)
