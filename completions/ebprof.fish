# fish completion for ebprof.  Commands and options come from the binary
# (ebprof --list-cmds, ebprof CMD --list-opts), so they never drift.
function __ebprof_cmd
	set -l tokens (commandline -opc)
	for t in $tokens[2..-1]
		if not string match -q -- '-*' $t
			echo $t
			return
		end
	end
end
function __ebprof_opts
	set -l cmd (__ebprof_cmd)
	test -n "$cmd"; and ebprof $cmd --list-opts 2>/dev/null
end
complete -c ebprof -f -n 'test -z (__ebprof_cmd)' -a '(ebprof --list-cmds 2>/dev/null)'
complete -c ebprof -f -n 'test -n (__ebprof_cmd); and string match -q -- "-*" (commandline -ct)' -a '(__ebprof_opts)'
complete -c ebprof -n 'test -n (__ebprof_cmd)' -F
complete -c ebprof -s p -l pid -x -a '(__fish_complete_pids)'
complete -c ebprof -l format -x -a 'folded pprof text json markdown'
complete -c ebprof -l call-graph -x -a 'fp dwarf'
complete -c ebprof -l sample-type -x -a 'cpu off-cpu wall samples'
complete -c ebprof -l off-cpu-min -x -a '0 10us 20us 100us 1ms'
complete -c ebprof -l label-by -x -a 'pid comm container service'
