#!/bin/sh
# Decoding benchmark: a reproducible 1,000,000-line auth.log and nginx
# access log (vigie-loggen, fixed seed), read on one core by vigie and, in
# the same run, by the floors (cat, wc -l, grep -c) and fail2ban-regex
# with its sshd filter when installed. Prints lines/s, peak memory and
# ratios. Figures, not a test: nothing here passes or fails.
#   tests/bench/run.sh [BUILD] [LINES]
set -eu
build=${1:-build}
lines=${2:-1000000}
out="$build/bench"
mkdir -p "$out"
vigie="$build/vigie"
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

for kind in auth nginx; do
	f="$out/$kind.log"
	n=$(wc -l < "$f")
	echo "$kind: $n lines, $(du -m "$f" | cut -f1) MB, one core"
	scan=$(measure "$cpu $vigie scan $f")
	dec=$(measure "$cpu $vigie decode $f > /dev/null")
	vs=$(awk -v l="$n" -v s="${scan% *}" 'BEGIN{ print l / s }')
	row "vigie scan (decode, summary)" "$n" "$scan"
	row "vigie decode (JSON to /dev/null)" "$n" "$dec"
	row "cat > /dev/null" "$n" "$(measure "$cpu cat $f")" "$vs"
	row "wc -l" "$n" "$(measure "$cpu wc -l $f")" "$vs"
	row "grep -c" "$n" "$(measure "$cpu grep -c ' ' $f")" "$vs"
	if [ "$kind" = auth ] && command -v fail2ban-regex >/dev/null 2>&1; then
		# fail2ban is slow: time it on the first 100,000 lines.
		head -100000 "$f" > "$out/auth-100k.log"
		f2b=$(measure "$cpu fail2ban-regex $out/auth-100k.log /etc/fail2ban/filter.d/sshd.conf")
		row "fail2ban-regex sshd (100k lines)" 100000 "$f2b" "$vs"
	fi
done
