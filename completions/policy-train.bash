# bash completion for policy-train
_policy_train()
{
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-m|--model|-o|--out|--report)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return;;
	--quarantine)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return;;
	--optimizer)
		COMPREPLY=($(compgen -W "adam sgd" -- "$cur")); return;;
	--behavior)
		COMPREPLY=($(compgen -W "auto uniform none" -- "$cur")); return;;
	--hidden|--actions|-e|--epochs|--batch-episodes|--seed|--lr|--gamma|\
	--entropy|--clip|--max-ratio|-t|--threads)
		return;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "--model --out --init --hidden --actions
			--epochs --batch-episodes --seed --lr --gamma --entropy --clip
			--optimizer --behavior --max-ratio --no-normalize --threads --skip-bad --quarantine
			--report --again --json --quiet --help --version" -- "$cur"))
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -X '!*.npz' -- "$cur"; compgen -d -- "$cur")
}
complete -o filenames -F _policy_train policy-train
