#!/bin/sh
# Benchmark: a reproducible 1,000,000-line auth.log and nginx access log
# (vigie-loggen, fixed seed), read on one core by vigie (decoding only,
# then with vigie's Sigma rules) and, in the same run, by the floors (cat,
# wc -l, grep -c), fail2ban-regex (sshd, nginx-botsearch) and a CrowdSec
# replay (crowdsec -dsn file://… -type syslog|nginx), when installed; then
# the whole SigmaHQ Windows rule set over the JSON Windows events of
# ../shared/corpus/otrf, repeated to 1,000,000 events or more, beside
# simdjson parsing the same lines from memory (jsonfloor.cpp). Prints
# lines/s, peak memory and ratios; then vigie run's latency from a line
# written to the ban in nftables, and its memory (latency.sh). Figures,
# not a test.
#   tests/bench/run.sh [BUILD] [LINES]
set -eu
build=${1:-build}
lines=${2:-1000000}
out="$build/bench"
mkdir -p "$out"
vigie="$build/vigie"
top=$(cd "$(dirname "$0")/../.." && pwd)
rules="$top/rules"
sigma="$top/../shared/corpus/sigma"
otrf="$top/../shared/corpus/otrf"
cpu="taskset -c 0"
command -v taskset >/dev/null 2>&1 || cpu=""
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)"; exit 1; }

[ -s "$out/auth.log" ] || "$build/vigie-loggen" auth "$lines" 1 > "$out/auth.log"
[ -s "$out/nginx.log" ] || "$build/vigie-loggen" nginx "$lines" 1 > "$out/nginx.log"

# best of 3: prints "seconds peak_kb" (wall time from date(1) in ns,
# peak resident memory from time(1))
measure() {
	best=""
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$out/time" sh -c "$*" >/dev/null 2>&1
		t1=$(date +%s%N)
		r="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b - a) / 1e9}') $(cat "$out/time")"
		if [ -z "$best" ] || awk -v x="${r% *}" -v y="${best% *}" 'BEGIN{exit !(x < y)}'; then
			best=$r
		fi
	done
	echo "$best"
}

row() { # name lines "seconds kb" [reference lines/s]
	s=${3% *}; kb=${3#* }
	awk -v n="$1" -v l="$2" -v s="$s" -v kb="$kb" -v ref="${4:-0}" 'BEGIN{
		if (s < 0.0001) s = 0.0001;
		r = l / s;
		printf "  %-34s %12.0f lines/s %8.1f MB peak", n, r, kb / 1024;
		if (ref > 0) printf "   vigie/this = %.3f", ref / r;
		printf "\n" }'
}

# CrowdSec replays a file through its parsers and scenarios, its local API
# on loopback. Timed from start to the end of the bucket routine (it then
# waits on its API); peak memory read from /proc before stopping it.
cs_replay() { # file type -> "seconds kb"
	log="$out/crowdsec-$2.log"
	# Debian's offline hub ships the path traversal list under its older
	# name; without the newer one the scenario logs an error for every
	# request, which would time the logging. Give it the list it wants.
	d=/var/lib/crowdsec/data
	[ -e "$d/http_path_traversal.txt" ] || [ ! -e "$d/path_traversal.txt" ] ||
		cp "$d/path_traversal.txt" "$d/http_path_traversal.txt" 2>/dev/null || true
	t0=$(date +%s%N)
	$cpu crowdsec -c /etc/crowdsec/config.yaml -dsn "file://$1" -type "$2" \
		-no-capi >"$log" 2>&1 &
	pid=$!
	kb=0
	while kill -0 "$pid" 2>/dev/null && ! grep -q 'Bucket routine exiting' "$log"; do
		k=$(awk '/VmHWM/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${k:-0}" -gt "$kb" ] && kb=$k
		sleep 0.2
	done
	t1=$(date +%s%N)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b - a) / 1e9}') $kb"
}

for kind in auth nginx; do
	f="$out/$kind.log"
	n=$(wc -l < "$f")
	echo "$kind: $n lines, $(du -m "$f" | cut -f1) MB, one core"
	scan=$(measure "$cpu $vigie scan $f")
	dec=$(measure "$cpu $vigie decode $f > /dev/null")
	vs=$(awk -v l="$n" -v s="${scan% *}" 'BEGIN{ print l / s }')
	det=$(measure "$cpu $vigie scan -r $rules $f")
	vd=$(awk -v l="$n" -v s="${det% *}" 'BEGIN{ print l / s }')
	row "vigie scan (decode, summary)" "$n" "$scan"
	row "vigie decode (JSON to /dev/null)" "$n" "$dec"
	row "vigie scan -r rules/ (detect)" "$n" "$det"
	if [ "$(nproc)" -gt 1 ]; then # what a user gets: not the target's one core
		row "  the same, two threads (not one core)" "$n" \
			"$(measure "$vigie scan --threads 2 -r $rules $f")"
	fi
	row "cat > /dev/null" "$n" "$(measure "$cpu cat $f")" "$vs"
	row "wc -l" "$n" "$(measure "$cpu wc -l $f")" "$vs"
	row "grep -c" "$n" "$(measure "$cpu grep -c ' ' $f")" "$vs"
	# the peers are slow: they read the first 100,000 lines
	head -100000 "$f" > "$out/$kind-100k.log"
	if command -v fail2ban-regex >/dev/null 2>&1; then
		filter=sshd
		[ "$kind" = nginx ] && filter=nginx-botsearch
		f2b=$(measure "$cpu fail2ban-regex $out/$kind-100k.log /etc/fail2ban/filter.d/$filter.conf")
		row "fail2ban-regex $filter (100k lines)" 100000 "$f2b" "$vd"
	fi
	if command -v crowdsec >/dev/null 2>&1; then
		type=syslog
		[ "$kind" = nginx ] && type=nginx
		cs=$(cs_replay "$out/$kind-100k.log" "$type")
		row "crowdsec replay -type $type (100k)" 100000 "$cs" "$vd"
	fi
done

# Windows: OTRF's JSON events (one flat object a line), repeated.
if [ -d "$otrf/datasets" ] && [ -d "$sigma/rules/windows" ]; then
	win="$out/windows.jsonl"
	if [ ! -s "$win" ]; then
		mkdir -p "$out/otrf"
		find "$otrf/datasets" -name '*.zip' | while read -r z; do
			unzip -o -q "$z" '*.json' -d "$out/otrf" 2>/dev/null || true
		done
		find "$out/otrf" -name '*.json' ! -path '*__MACOSX*' -exec cat {} + > "$out/otrf.jsonl"
		one=$(wc -l < "$out/otrf.jsonl")
		: > "$win"
		total=0
		while [ "$total" -lt 1000000 ]; do
			cat "$out/otrf.jsonl" >> "$win"
			total=$((total + one))
		done
	fi
	n=$(wc -l < "$win")
	# every SigmaHQ tree: the Windows rules (about 3,000) apply, the
	# others load and are routed away
	wr="-r $sigma/rules -r $sigma/rules-threat-hunting -r $sigma/rules-emerging-threats"
	nr=$($vigie rules list $wr | wc -l)
	nw=$(grep -rl 'product: windows' "$sigma/rules" "$sigma/rules-threat-hunting" "$sigma/rules-emerging-threats" | wc -l)
	echo "windows: $n JSON events, $(du -m "$win" | cut -f1) MB, $nr SigmaHQ rules loaded ($nw for Windows), one core"
	wdec=$(measure "$cpu $vigie scan $win")
	wdet=$(measure "$cpu $vigie scan $wr $win")
	wload=$(measure "$cpu $vigie rules list $wr")
	wcold=$(measure "VIGIE_CACHE_DIR= $cpu $vigie rules list $wr")
	row "vigie scan (decode only)" "$n" "$wdec"
	# the floor: simdjson parsing the same lines from memory, no rules
	if [ -f /usr/include/simdjson.h ] && command -v g++ >/dev/null 2>&1; then
		[ -x "$out/jsonfloor" ] || g++ -O2 -std=c++17 -o "$out/jsonfloor" \
			"$top/tests/bench/jsonfloor.cpp" -lsimdjson
		best=""
		for _ in 1 2 3; do
			s=$($cpu "$out/jsonfloor" "$win" 2>/dev/null | cut -d' ' -f1)
			if [ -z "$best" ] || awk -v x="$s" -v y="$best" 'BEGIN{exit !(x < y)}'; then
				best=$s
			fi
		done
		awk -v n="$n" -v s="$best" -v d="${wdec% *}" 'BEGIN{
			printf "  %-34s %12.0f lines/s   (parse only, file in memory: a floor)   vigie decode/this = %.3f\n",
				"simdjson DOM parse, every string", n / s, s / d }'
	fi
	row "vigie scan, SigmaHQ Windows rules" "$n" "$wdet"
	if [ "$(nproc)" -gt 1 ]; then
		row "  the same, two threads (not one core)" "$n" \
			"$(measure "$vigie scan --threads 2 $wr $win")"
	fi
	# the same run without its fixed cost: loading and compiling the rules
	row "  the same, rule loading taken out" "$n" \
		"$(awk -v a="${wdet% *}" -v b="${wload% *}" -v kb="${wdet#* }" \
			'BEGIN{ printf "%.4f %d", a - b, kb }')"
	awk -v a="${wdec% *}" -v b="${wdet% *}" -v l="${wload% *}" -v c="${wcold% *}" 'BEGIN{
		printf "  rule loading %.2f s (%.2f s compiling, without the cache); detection costs %.2fx the decoding alone\n", l, c, b / a }'
fi

# vigie run: from a written line to the ban, and memory
sh "$top/tests/bench/latency.sh" "$build"
