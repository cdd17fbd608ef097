# t_install - make install honours PREFIX and DESTDIR: programs, man pages, completions
. tests/lib.sh
make -s install DESTDIR="$T/root" PREFIX=/opt/bg >"$T/log" 2>&1
expect_status 0 $? "make install"
for f in bin/replay-analyze share/man/man1/replay-analyze.1 \
    share/bash-completion/completions/replay-analyze \
    share/zsh/site-functions/_replay-analyze; do
	[ -f "$T/root/opt/bg/$f" ] || fail "make install did not install $f"
done
"$T/root/opt/bg/bin/replay-analyze" --version >/dev/null || fail "installed program does not run"
# The bash completion offers the options to a shell that sources it.
if command -v bash >/dev/null; then
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/replay-analyze';
		COMP_WORDS=(replay-analyze --su); COMP_CWORD=1; _replay_analyze; echo \${COMPREPLY[*]}")
	[ "$out" = "--summary" ] || fail "bash completion of --su gave '$out'"
	out=$(bash -c ". '$T/root/opt/bg/share/bash-completion/completions/replay-analyze';
		COMP_WORDS=(replay-analyze --race p); COMP_CWORD=2; _replay_analyze; echo \${COMPREPLY[*]}")
	[ "$out" = "protoss" ] || fail "bash completion of --race p gave '$out'"
fi
finish
