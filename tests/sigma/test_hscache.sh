#!/bin/sh
# The compiled prefilter kept on disk: saved by a first load, read back by
# the next ones with the same detections; a damaged, foreign or
# over-permissive file is compiled again and replaced; the cache can be
# turned off; old entries and dead temporary files are pruned.
# TAP.   test_hscache.sh VIGIE LOGGEN RULES
vigie=$1
loggen=$2
rules=$3
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"

"$loggen" auth 20000 5 --attacks "$t/manifest" > "$t/auth.log"
c="$t/cache/vigie"

scan() { # NAME CACHEDIR [RULES]: detections in $t/NAME.out, summary in .err
	VIGIE_CACHE_DIR="$2" "$vigie" scan --json -r "${3:-$rules}" "$t/auth.log" \
		> "$t/$1.out" 2> "$t/$1.err"
}
from() { grep -o '"prefilter":"[^"]*"' "$t/$1.err" | cut -d'"' -f4; }
entries() { ls "$c" | grep -c '^rs-.*\.hs$'; }

scan first "$c"
check "a first load compiles and saves" "compiled, saved" "$(from first)"
check "one ruleset, one file" 1 "$(entries)"
f=$(ls "$c"/rs-*.hs)
check "the directory is the user's only" 700 "$(stat -c %a "$c")"
check "the file is the user's only" 600 "$(stat -c %a "$f")"
det=$(wc -l < "$t/first.out")
[ "$det" -gt 0 ] && ok "the attack log has detections ($det)" || no "no detection"

scan second "$c"
check "the next load reads the cache" cache "$(from second)"
cmp -s "$t/first.out" "$t/second.out" && ok "same detections from the cache" ||
	no "detections differ from the cache" "$(diff "$t/first.out" "$t/second.out" | head -5)"

scan off ""
check "VIGIE_CACHE_DIR empty: compiled, not saved" compiled "$(from off)"
cmp -s "$t/first.out" "$t/off.out" && ok "same detections without the cache" ||
	no "detections differ without the cache"
check "nothing more was written" 1 "$(entries)"

# one byte changed in the middle of the databases
size=$(stat -c %s "$f")
printf 'X' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
scan damaged "$c"
check "a damaged file is compiled again and replaced" "compiled, saved" "$(from damaged)"
cmp -s "$t/first.out" "$t/damaged.out" && ok "same detections after the damage" ||
	no "detections differ after the damage"
scan mended "$c"
check "the replaced file is read back" cache "$(from mended)"

head -c 100 "$f" > "$t/short" && cat "$t/short" > "$f"
scan short "$c"
check "a cut file is compiled again" "compiled, saved" "$(from short)"

chmod 0666 "$f"
scan open "$c"
check "a file others may write is not trusted" "compiled, saved" "$(from open)"
check "and is replaced by the user's own" 600 "$(stat -c %a "$f")"

scan linux "$c" "$rules/linux"
check "other rules, another file" 2 "$(entries)"

# 40 entries from long ago, a temporary file of a killed run, a fresh one
i=0
while [ $i -lt 40 ]; do
	: > "$c/rs-old$i.hs"
	touch -d '2020-01-01' "$c/rs-old$i.hs"
	i=$((i + 1))
done
: > "$c/.rs-dead" && touch -d '2020-01-01' "$c/.rs-dead"
: > "$c/.rs-live"
scan web "$c" "$rules/web"
check "a save keeps the 32 entries used last" 32 "$(entries)"
check "the rulesets in use are kept" 3 "$(ls "$c" | grep -c '^rs-[0-9a-f]\{64\}\.hs$')"
check "a dead temporary file is removed" no "$([ -e "$c/.rs-dead" ] && echo yes || echo no)"
check "a fresh one is left to its writer" yes "$([ -e "$c/.rs-live" ] && echo yes || echo no)"

# three large entries (sparse files) from before: 256 MiB at most are kept
rm -f "$c"/rs-*.hs
for b in 1 2 3; do
	truncate -s 120M "$c/rs-big$b.hs"
	touch -d "2021-01-0$b" "$c/rs-big$b.hs"
done
scan big "$c"
check "256 MiB at most, the entries used last first" "rs-big2.hs rs-big3.hs" \
	"$(cd "$c" && ls rs-big*.hs | tr '\n' ' ' | sed 's/ $//')"
check "and the one just saved" 1 "$(ls "$c" | grep -c '^rs-[0-9a-f]\{64\}\.hs$')"

scan nodir /proc/vigie-no-such-place
check "an unusable directory: compiled, the scan goes on" compiled "$(from nodir)"
cmp -s "$t/first.out" "$t/nodir.out" && ok "same detections" || no "detections differ"

# XDG_CACHE_HOME, then HOME, when VIGIE_CACHE_DIR is not set
env -u VIGIE_CACHE_DIR XDG_CACHE_HOME="$t/xdg" "$vigie" scan --json -r "$rules" \
	"$t/auth.log" > /dev/null 2> "$t/xdg.err"
check "XDG_CACHE_HOME/vigie when set" 1 "$(ls "$t/xdg/vigie" | grep -c '^rs-')"
env -u VIGIE_CACHE_DIR -u XDG_CACHE_HOME HOME="$t/home" "$vigie" scan --json \
	-r "$rules" "$t/auth.log" > /dev/null 2> "$t/home.err"
check "else HOME/.cache/vigie" 1 "$(ls "$t/home/.cache/vigie" | grep -c '^rs-')"
echo "1..$n"
