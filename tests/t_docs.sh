# t_docs - --help, --version, man pages and completions stay true to the code
#
# For every program in src/, each long option of its getopt_long table must
# be listed by --help, in its man page and in both completions.
. tests/lib.sh
for src in src/*.c; do
	prog=$(basename "$src" .c)
	[ -x "$BIN/$prog" ] || { fail "$prog is not built"; continue; }
	"$BIN/$prog" --help >"$T/help" 2>&1; expect_status 0 $? "$prog --help"
	"$BIN/$prog" --version >"$T/version" 2>&1; expect_status 0 $? "$prog --version"
	expect_grep "^$prog [0-9]" "$T/version" "$prog --version"
	[ -f "man/$prog.1" ] || fail "man/$prog.1 is missing"
	[ -f "completions/$prog.bash" ] || fail "completions/$prog.bash is missing"
	[ -f "completions/_$prog" ] || fail "completions/_$prog is missing"
	sed 's/\\-/-/g; s/\\%//g' "man/$prog.1" >"$T/man"
	opts=$(sed -n '/^static const struct option/,/^};/p' "$src" | grep -o '{ "[a-z-]*"' | sed 's/{ "//; s/"//')
	[ -n "$opts" ] || fail "$prog: no options found in $src"
	for o in $opts; do
		grep -q -- "--$o" "$T/help" || fail "$prog --help lacks --$o"
		grep -q -- "--$o" "$T/man" || fail "man/$prog.1 lacks --$o"
		grep -q -- "--$o" "completions/$prog.bash" || fail "completions/$prog.bash lacks --$o"
		grep -q -- "--$o" "completions/_$prog" || fail "completions/_$prog lacks --$o"
	done
	if command -v groff >/dev/null; then
		groff -man -Tutf8 -ww -z "man/$prog.1" 2>"$T/groff"
		[ -s "$T/groff" ] && fail "man/$prog.1: $(head -n 2 "$T/groff")"
	fi
	bash -n "completions/$prog.bash" || fail "completions/$prog.bash: syntax"
done
finish
