# TAP helpers for the shell tests: ok NAME, no NAME [DETAIL...],
# check NAME WANT GOT. The caller prints "1..$n" at the end.
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { if [ "$2" = "$3" ]; then ok "$1"; else no "$1" "want: $2" "got:  $3"; fi; }
