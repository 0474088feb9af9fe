# bash completion for ebprof.  Commands and options come from the binary
# itself (ebprof --list-cmds, ebprof CMD --list-opts), so they never drift.
_ebprof()
{
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-v -q --help --version --list-cmds" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(ebprof --list-cmds 2>/dev/null)" -- "$cur"))
		fi
		return
	fi
	case $prev in
	-p|--pid) COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur")); return ;;
	--cgroup) COMPREPLY=($(compgen -d -- "${cur:-/sys/fs/cgroup/}")); return ;;
	--format) COMPREPLY=($(compgen -W "folded pprof text json markdown" -- "$cur")); return ;;
	--call-graph) COMPREPLY=($(compgen -W "fp dwarf" -- "$cur")); return ;;
	--sample-type) COMPREPLY=($(compgen -W "cpu off-cpu wall samples" -- "$cur")); return ;;
	--off-cpu-min) COMPREPLY=($(compgen -W "0 10us 20us 100us 1ms" -- "$cur")); return ;;
	--label-by) COMPREPLY=($(compgen -W "pid comm container service" -- "$cur")); return ;;
	--colors) COMPREPLY=($(compgen -W "hot mem io red green blue aqua yellow purple orange annotated" -- "$cur")); return ;;
	-o|--output|--base|--token-file|--cacert) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(ebprof "$cmd" --list-opts 2>/dev/null)" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _ebprof ebprof
