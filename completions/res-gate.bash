# bash completion for res-gate
_res_gate()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	--sysfs-root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return;;
	--cpu|--mem|--gpu-util|--gpu-mem|--load)
		COMPREPLY=($(compgen -W "off" -- "$cur")); return;;
	--host)
		mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return;;
	--far|-i|--interval|--stream|--host-wait)
		return;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--cpu --mem --gpu-util --gpu-mem --load --far
			--interval --wait --stream --json --host --host-wait
			--sysfs-root --verbose --help
			--version" -- "$cur"))
		return
	fi
}
complete -o filenames -F _res_gate res-gate
