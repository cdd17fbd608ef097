# t_layers - the house by layer holds: each program contains only the layers
# it uses, the layers' units that merge-results must not drag in stay out,
# an upward #include does not compile, and lib/ never ends the process.
#
# The expectations are written here, not read from the Makefile, so that a
# Makefile that links too much fails this test.
. tests/lib.sh
OUT=${BGTRAIN_TESTS%/tests}
OUT=${OUT#"$PWD"/}

# The layers each program may contain; the rest must be absent.
uses() {
	case $1 in
	replay-analyze) echo "base replay";;
	policy-train) echo "base learn";;
	merge-results) echo "base replay learn";;
	res-gate) echo "base resource";;
	bgtrain) echo "base resource history driver";;
	*) echo "";;
	esac
}
LAYERS="base replay learn resource history driver"

# Global symbols an archive (or one of its members) defines, one a line.
defined() {
	nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBR]/ { print $3 }' | sort -u
}

for l in $LAYERS; do
	[ -f "$OUT/lib$l.a" ] || { fail "$OUT/lib$l.a is not built"; continue; }
	defined "$OUT/lib$l.a" >"$T/layer.$l"
	[ -s "$T/layer.$l" ] || fail "lib$l.a defines no symbols"
done

for src in src/*.c; do
	prog=$(basename "$src" .c)
	allowed=$(uses "$prog")
	[ -n "$allowed" ] || { fail "$prog: this test does not know its layers"; continue; }
	defined "$BIN/$prog" >"$T/prog"
	for l in $LAYERS; do
		case " $allowed " in *" $l "*) continue;; esac
		comm -12 "$T/prog" "$T/layer.$l" >"$T/leak"
		[ -s "$T/leak" ] && fail "$prog contains the $l layer: $(head -n 3 "$T/leak" | tr '\n' ' ')"
	done
	# Within the layers it uses, it must at least contain base and its own.
	for l in $allowed; do
		comm -12 "$T/prog" "$T/layer.$l" | grep -q . || fail "$prog links none of the $l layer"
	done
done

# merge-results merges files: it needs neither the replay reader nor the network.
defined "$BIN/merge-results" >"$T/prog"
for unit in replay/mpq replay/versioned replay/replay replay/tracker replay/buildorder \
    learn/policy; do
	o="$OUT/lib/$unit.o"
	[ -f "$o" ] || { fail "$o is not built"; continue; }
	defined "$o" >"$T/unit"
	comm -12 "$T/prog" "$T/unit" >"$T/leak"
	[ -s "$T/leak" ] && fail "merge-results contains $unit.o: $(head -n 3 "$T/leak" | tr '\n' ' ')"
done
grep -q sgemm "$T/prog" && fail "merge-results contains the sgemm network"
nm -u "$BIN/bgtrain" | grep -qi 'zip_\|cblas\|BZ2_\|inflate' && fail "bgtrain calls the npz, zip or BLAS libraries"

# An upward #include does not compile: for each layer, take the Makefile's
# own command for one of its units and give it a probe that includes a
# header of every layer it does not stand on.
sees() {
	case $1 in
	base) echo "base";;
	replay) echo "base replay";;
	learn) echo "base learn";;
	resource) echo "base resource";;
	history) echo "base history";;
	driver) echo "base resource history driver";;
	esac
}
for l in $LAYERS; do
	unit=$(ls lib/$l/*.c | head -n 1)
	obj="$OUT/lib/$l/$(basename "$unit" .c).o"
	cmd=$(make -s -n -B BUILD="${BGTRAIN_BUILD:-release}" "$obj" 2>/dev/null | grep " -c $unit")
	[ -n "$cmd" ] || { fail "make -n gave no command for $obj"; continue; }
	flags=$(echo "$cmd" | sed "s| -c $unit.*||; s/^[^ ]* //")
	own=$(ls lib/$l/*.h | head -n 1)
	printf '#include "%s"\nint probe;\n' "$(basename "$own")" >"$T/ok.c"
	# shellcheck disable=SC2086
	cc $flags -fsyntax-only "$T/ok.c" 2>"$T/err" ||
		fail "a $l unit cannot include its own $own: $(head -n 1 "$T/err")"
	for other in $LAYERS; do
		case " $(sees "$l") " in *" $other "*) continue;; esac
		h=$(ls lib/$other/*.h | head -n 1)
		printf '#include "%s"\nint probe;\n' "$(basename "$h")" >"$T/up.c"
		# shellcheck disable=SC2086
		cc $flags -fsyntax-only "$T/up.c" 2>/dev/null && fail "a $l unit can include $h"
	done
done

# The library reports; only main() ends the process.
grep -n '\<die(\|\<exit(\|\<_exit(\|\<abort(' lib/*/*.[ch] | grep -v '^lib/base/die\.[ch]:' |
	grep -v '^\([^:]*\):[0-9]*:\s*\(/\*\|\*\)' >"$T/exits"
# A forked child that fails before exec must _exit (spawn.c): that is not the library exiting.
grep -v '_exit(12[67])' "$T/exits" >"$T/exits2"
[ -s "$T/exits2" ] && fail "lib/ ends the process: $(head -n 3 "$T/exits2" | tr '\n' ' ')"

# The README's house plan names every unit of every layer, and nothing else.
awk '/^## The house by layer/ { on = 1; next } on && /^## / { on = 0 }
	on && /^lib\/[a-z]+\// { split($1, p, "/"); layer = p[2]; next }
	on && /^[a-z]/ { layer = "" }
	on && layer != "" && $1 ~ /^[a-z0-9_]+\.[ch]$/ { print "lib/" layer "/" $1 }' README.md |
	sort -u >"$T/plan"
[ -s "$T/plan" ] || fail "README.md has no house plan (## The house by layer)"
ls lib/*/*.c | sort >"$T/tree"
comm -13 "$T/plan" "$T/tree" | sed 's/^/    /' >"$T/unplanned"
[ -s "$T/unplanned" ] && fail "README's house plan lacks: $(tr -d ' ' <"$T/unplanned" | tr '\n' ' ')"
while read -r f; do
	[ -f "$f" ] || fail "README's house plan names $f, which is not in the tree"
done <"$T/plan"

# No unit grows into a second concern.
for f in src/*.c lib/*/*.c; do
	n=$(wc -l <"$f")
	[ "$n" -le 600 ] || fail "$f has $n lines (600 at most)"
done
finish
