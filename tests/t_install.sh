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
fi
finish
