# t_docs - --help, --version, man pages and completions stay true to the code
#
# For every program in src/, each long option must be listed by --help, in
# its man page and in both completions. The options are read from the code:
# a program's getopt_long table, or the option tables (struct opt) it gives
# opt_add(), its own in src/ and those it takes from lib/ (gate_options).
. tests/lib.sh

# The option tables src names in opt_add(), one a line.
opt_tables() {
	sed -n 's/.*opt_add([^,]*, *\([a-z_]*\),.*/\1/p' "$1"
	# A res-gate's command line: the gate's tables, the checks' and its own.
	if grep -q 'gate_check_args(' "$1"; then
		echo gate_options gate_check_options
		sed -n 's/.*gate_check_args([^,]*,[^,]*,[^,]*, *\([a-z_]*\),.*/\1/p' "$1" |
			grep -v '^NULL$'
	fi
}

# The names in the option table $1 (struct opt), wherever it is defined.
opt_table_names() {
	sed -n "/^\(static \)\{0,1\}const struct opt $1\[\] = {/,/^};/p" src/*.c lib/*/*.c |
		grep -o '\.name = "[a-z-]*"' | sed 's/.*= "//; s/"//'
}
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
	for table in $(opt_tables "$src"); do
		names=$(opt_table_names "$table")
		[ -n "$names" ] || fail "$prog: option table $table not found"
		opts="$opts $names"
	done
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
