# bash completion for replay-analyze
_replay_analyze()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output|-s|--summary|--skip-known|--password-file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return;;
	-r|--root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return;;
	--race)
		COMPREPLY=($(compgen -W "zerg terran protoss any" -- "$cur")); return;;
	-p|--password|--min-seconds|--max-seconds)
		return;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--output --summary --skip-known --root --password
			--password-file --race --all-results --min-seconds --max-seconds
			--null --quiet --help --version" -- "$cur"))
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -X '!*.@(SC2Replay|zip)' -- "$cur"; compgen -d -- "$cur")
}
complete -o filenames -F _replay_analyze replay-analyze
