# The flame-graph script: common/render/flame.js becomes the C string `flame_js`
# in $(O)/gen/flame_js.h (one string literal per line), which flamesvg.c
# embeds in a CDATA section -- so the script must never contain "]]>".
GEN_HDRS += $(O)/gen/flame_js.h

$(O)/gen/flame_js.h: common/render/flame.js mk/flame.mk
	@mkdir -p $(@D)
	@if grep -q ']]>' $<; then \
		echo "$<: contains ']]>', which would end the SVG's CDATA" >&2; \
		exit 1; \
	fi
	{ echo '/* Generated from $< by mk/flame.mk: do not edit. */'; \
	  echo 'static const char flame_js[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@.tmp && mv $@.tmp $@
