# t_windows_paths - bgtrain --windows-paths, which bgtrain.bat gives: the
# Windows paths of the path options, in every spelling getopt takes and in
# config files, made WSL paths by wslpath (here a stand-in: X:\a is
# $T/mnt/x/a), other values left alone. t_windows runs bgtrain.bat itself.
. tests/lib.sh
need_shared
BG=$BIN/bgtrain
mkdir -p "$T/bin" "$T/mnt/x/my replays!" "$T/mnt/x/out=1"
cat >"$T/bin/wslpath" <<EOF2
#!/bin/sh
# wslpath -u PATH, as WSL's: a drive under /mnt, backslashes made slashes.
[ "\$1" = -u ] || { echo "wslpath: -u only" >&2; exit 2; }
echo "\$2" >>"$T/wslpath.calls"
case \$2 in
[Xx]:*) printf '%s/mnt/x%s\n' "$T" "\$(printf '%s' "\$2" | cut -c3- | tr '\\\\' /)";;
[A-Za-z]:*) printf 'wslpath: %s: no such drive\n' "\$2" >&2; exit 1;;
*) printf '%s\n' "\$2" | tr '\\\\' /;;
esac
EOF2
chmod +x "$T/bin/wslpath"
WP="env PATH=$T/bin:$PATH"
cp "$(reference_list | head -n 1)" "$T/mnt/x/my replays!/"

# Short and long options, "--opt=VALUE", "!", "=" and spaces in the paths.
$WP "$BG" --windows-paths once -r 'X:\my replays!' '--state=X:\st' \
	--learned 'X:\out=1\learned.json' --cpu off --mem off --gpu-mem off --settle 0 \
	>"$T/out" 2>&1
expect_status 0 $? "once with Windows paths"
[ -f "$T/mnt/x/out=1/learned.json" ] || { fail "no learned file at X:\\out=1\\learned.json"; cat "$T/out"; }
[ -f "$T/mnt/x/st/ledger.tsv" ] || fail "no ledger in X:\\st"
[ -e "X:\\st" ] && fail "a folder named X:\\st was made"
# In a config file, read after --windows-paths whatever their order.
printf 'replays = X:\\my replays!\nstate = X:\\st\n' >"$T/mnt/x/bg=.conf"
$WP "$BG" status --config 'X:\bg=.conf' --windows-paths --json >"$T/status" 2>"$T/err"
expect_status 0 $? "status with a Windows config file"
jcheck "$T/status" "j['replays_done'] == 1 and j['replays_queued'] == 0" "the config file's Windows paths"
# Relative paths with backslashes; POSIX paths untouched; wslpath not asked about them.
rm -f "$T/wslpath.calls"
(cd "$T" && $WP "$BG" --windows-paths status -s 'mnt\x\st' --replays="$T/mnt/x/my replays!" --json) \
	>"$T/status" 2>"$T/err"
expect_status 0 $? "relative Windows paths"
jcheck "$T/status" "j['replays_done'] == 1" "a relative Windows path"
[ "$(cat "$T/wslpath.calls")" = 'mnt\x\st' ] || fail "wslpath was asked about: $(cat "$T/wslpath.calls")"
# Without --windows-paths, a Windows path is a name like any other.
"$BG" status -r 'X:\my replays!' -s "$T/mnt/x/st" 2>"$T/err"
expect_status 66 $? "a Windows path without --windows-paths"
expect_grep 'X:\\my replays!' "$T/err" "the path as given"
# What wslpath cannot translate, and no wslpath at all, are usage errors.
$WP "$BG" --windows-paths status -r 'Q:\replays' -s "$T/mnt/x/st" 2>"$T/err"
expect_status 64 $? "a drive wslpath does not know"
expect_grep "^bgtrain: --replays: Q:\\\\replays: wslpath cannot translate it$" "$T/err" "the failed translation named"
if ! command -v wslpath >/dev/null 2>&1; then
	"$BG" --windows-paths status -s 'X:\st' 2>"$T/err"
	expect_status 64 $? "--windows-paths without wslpath"
	expect_grep "^bgtrain: --state: X:\\\\st: no wslpath: --windows-paths is for WSL$" "$T/err" "no wslpath"
fi
# Every option that takes a folder or a file is a path option: one that is
# not would take D:\x as a name (an option added later is checked too).
"$BG" --help | sed -n 's/^ *\(-., \)\{0,1\}--\([a-z-]*\) \(DIR\|FILE\) .*/\2/p' >"$T/pathopts"
[ "$(wc -l <"$T/pathopts")" -ge 10 ] || fail "bgtrain --help lists $(wc -l <"$T/pathopts") path options"
while read -r o; do
	$WP "$BG" --windows-paths status "--$o" 'Q:\x' 2>"$T/err"
	expect_status 64 $? "--$o Q:\x"
	grep -q "^bgtrain: --$o: Q:\\\\x: wslpath cannot translate it$" "$T/err" ||
		fail "--$o is not a path option: $(cat "$T/err")"
done <"$T/pathopts"
# A config file cannot turn it on: it says how config files are read.
printf 'windows-paths = 1\n' >"$T/wp.conf"
"$BG" status --config "$T/wp.conf" -s "$T/mnt/x/st" 2>"$T/err"
expect_status 64 $? "windows-paths in a config file"
finish
