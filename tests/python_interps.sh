# The CPython interpreters the Python tests and scripts/bench-python.sh
# run (sourced): pyenv's 3.10-3.13 (shared libpython, debug info) and
# Debian's python3.11 (static libpython, stripped), into the array interps.
interps=()
for v in 3.10 3.11 3.12 3.13; do
	for d in /root/.pyenv/versions/$v.*; do
		[ -x "$d/bin/python$v" ] && interps+=("$d/bin/python$v")
	done
done
[ -x /usr/bin/python3.11 ] && interps+=(/usr/bin/python3.11)
