# t_install - make install honours PREFIX and DESTDIR: programs, man pages, completions
. tests/lib.sh
make -s install DESTDIR="$T/root" PREFIX=/opt/bg >"$T/log" 2>&1
expect_status 0 $? "make install"
for src in src/*.c; do
	p=$(basename "$src" .c)
	for f in bin/$p share/man/man1/$p.1 share/bash-completion/completions/$p \
	    share/zsh/site-functions/_$p; do
		[ -f "$T/root/opt/bg/$f" ] || fail "make install did not install $f"
	done
	"$T/root/opt/bg/bin/$p" --version >/dev/null || fail "installed $p does not run"
done
# The bash completion offers the options to a shell that sources it.
if command -v bash >/dev/null; then
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/replay-analyze';
		COMP_WORDS=(replay-analyze --su); COMP_CWORD=1; _replay_analyze; echo \${COMPREPLY[*]}")
	[ "$out" = "--summary" ] || fail "bash completion of --su gave '$out'"
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/replay-analyze';
		COMP_WORDS=(replay-analyze --race p); COMP_CWORD=2; _replay_analyze; echo \${COMPREPLY[*]}")
	[ "$out" = "protoss" ] || fail "bash completion of --race p gave '$out'"
	# Subcommands are found past options and their arguments (a shared helper).
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/merge-results';
		COMP_WORDS=(merge-results -o learned model --a); COMP_CWORD=4; _merge_results; echo \${COMPREPLY[*]}")
	[ "$out" = "--average" ] || fail "merge-results completion after -o FILE model gave '$out'"
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/bgtrain';
		COMP_WORDS=(bgtrain --state run status --j); COMP_CWORD=4; _bgtrain; echo \${COMPREPLY[*]}")
	[ "$out" = "--json" ] || fail "bgtrain completion after --state DIR status gave '$out'"
	# Paths with spaces stay one word: the bot's install folder is "StarCraft II".
	mkdir -p "$T/sc/StarCraft II"
	: >"$T/sc/StarCraft II/a b.SC2Replay"
	for words in "replay-analyze Star" "replay-analyze -o Star" "policy-train -m Star" \
	    "policy-train Star" "bgtrain run --replays Star" "merge-results learned Star" \
	    "res-gate --sysfs-root Star"; do
		prog=${words%% *}
		out=$(cd "$T/sc" && bash -c "shopt -s extglob
			. '$T/root/opt/bg/share/bash-completion/completions/$prog'
			COMP_WORDS=($words); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
			_\${COMP_WORDS[0]//-/_}; printf '<%s>' \"\${COMPREPLY[@]}\"")
		[ "$out" = "<StarCraft II>" ] || fail "bash completion of '$words' gave $out, want <StarCraft II>"
	done
	out=$(cd "$T/sc" && bash -c "shopt -s extglob
		. '$T/root/opt/bg/share/bash-completion/completions/replay-analyze'
		cur='StarCraft II/'; COMP_WORDS=(replay-analyze \"\$cur\"); COMP_CWORD=1
		_replay_analyze; printf '<%s>' \"\${COMPREPLY[@]}\"")
	[ "$out" = "<StarCraft II/a b.SC2Replay>" ] || fail "bash completion in 'StarCraft II/' gave $out"
fi
finish
