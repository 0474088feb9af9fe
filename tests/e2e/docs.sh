#!/usr/bin/env bash
# Docs ship with code: every command has a man page with EXAMPLES and
# EXIT STATUS that names every option `--help` / `--list-opts` shows, and
# the completions ask the binary for commands and options.
. "$(dirname "$0")/../lib.sh"

for cmd in $("$EBPROF" --list-cmds); do
	page=$ROOT/man/ebprof-$cmd.1
	if [ ! -f "$page" ]; then
		fail "docs $cmd: man page" "missing man/ebprof-$cmd.1"
		continue
	fi
	missing=""
	for o in $("$EBPROF" "$cmd" --list-opts | grep '^--'); do
		# roff escapes '-' as '\-'
		esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -q -- "$esc\|$o" "$page" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then
		pass "docs $cmd: man page names every option"
	else
		fail "docs $cmd: man page names every option" "missing:$missing"
	fi
	hmissing=""
	for o in $("$EBPROF" "$cmd" --list-opts | grep '^--'); do
		"$EBPROF" "$cmd" --help | grep -q -- "$o" || hmissing="$hmissing $o"
	done
	if [ -z "$hmissing" ]; then
		pass "docs $cmd: --help names every option"
	else
		fail "docs $cmd: --help names every option" "missing:$hmissing"
	fi
	if grep -q '^\.SH "\?EXIT STATUS' "$page" && grep -q '^\.SH "\?EXAMPLES' "$page"; then
		pass "docs $cmd: EXAMPLES and EXIT STATUS sections"
	else
		fail "docs $cmd: EXAMPLES and EXIT STATUS sections" "$page"
	fi
	if command -v man >/dev/null && ! MANWIDTH=80 man -l "$page" >/dev/null 2>"$TMP/man.err"; then
		fail "docs $cmd: man page renders" "$(head -3 "$TMP/man.err")"
	fi
done
check "docs: ebprof.1 exists" test -f "$ROOT/man/ebprof.1"

# The completions: syntax, and they list what the binary lists.
check "docs: bash completion parses" bash -n "$ROOT/completions/ebprof.bash"
if command -v zsh >/dev/null; then
	check "docs: zsh completion parses" zsh -n "$ROOT/completions/_ebprof"
fi
if command -v fish >/dev/null; then
	check "docs: fish completion parses" fish -n "$ROOT/completions/ebprof.fish"
fi
got=$(PATH=$(dirname "$EBPROF"):$PATH bash -c '
	. "$1"/completions/ebprof.bash
	COMP_WORDS=(ebprof re); COMP_CWORD=1; _ebprof; printf "%s\n" "${COMPREPLY[@]}"
	COMP_WORDS=(ebprof record --fr); COMP_CWORD=2; _ebprof; printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT")
if echo "$got" | grep -qx record && echo "$got" | grep -qx -- --freq; then
	pass "docs: bash completion completes commands and record options"
else
	fail "docs: bash completion" "got: $(echo "$got" | tr '\n' ' ')"
fi
