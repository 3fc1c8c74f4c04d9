#!/bin/sh
# Runs every libFuzzer target for SECONDS each (default 60), seeded with
# the committed corpus and, when ../shared/corpus is present, real lines
# from it (kept outside the tree). Crashes are saved under
# tests/fuzz/artifacts/ and make the script fail.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
build="$top/build-fuzz"
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$top" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null
fi
ninja -C "$build" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared="$top/../shared/corpus"
extra() { # name -> extra real lines from the shared corpus, if present
	[ -d "$shared" ] || return 0
	case "$1" in
	syslog|auto) cat "$shared/loghub/OpenSSH/OpenSSH_2k.log" "$shared/loghub/Linux/Linux_2k.log" 2>/dev/null | head -400 ;;
	sshd) sed -n 's/^[^]]*\]: //p' "$shared/loghub/OpenSSH/OpenSSH_2k.log" 2>/dev/null | sort -u | head -300 ;;
	web_access) head -300 "$shared/web-access-logs/elastic-examples-apache/apache_logs" ;;
	json) cat "$shared"/saas-audit-samples/*.jsonl 2>/dev/null | head -200 ;;
	sigma_cond) grep -rh '^    condition: ' "$shared/sigma/rules" 2>/dev/null |
		sed 's/^    condition: //' | sort -u | head -2000 ;;
	esac
}
mkdir -p "$top/tests/fuzz/artifacts"
targets=${*:-$(ls "$top/tests/fuzz/corpus")}
fail=0
for t in $targets; do
	[ -x "$build/tests/fuzz/fuzz_$t" ] || continue
	mkdir -p "$work/$t"
	i=0
	extra "$t" | while IFS= read -r line; do
		i=$((i + 1)); printf '%s' "$line" > "$work/$t/x$i"
	done
	if [ "$t" = sigma_rule ] && [ -d "$shared/sigma" ]; then
		# whole rule files: every SigmaHQ rule under 8 KiB (a sample of
		# 200 for a short run, which must get past the seeds)
		n=100000
		[ "$secs" -lt 120 ] && n=200
		find "$shared/sigma" -name '*.yml' -size -8k | sort | head -n "$n" |
			while read -r f; do
				i=$((i + 1)); cp "$f" "$work/$t/r$i.yml"
			done
	fi
	echo "fuzz $t: ${secs}s"
	if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=8192 \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$top/tests/fuzz/artifacts/$t-" \
		"$work/$t" "$top/tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1; then
		echo "fuzz $t: FINDING"; tail -40 "$work/$t.log"; fail=1
	else
		grep -E 'stat::number_of_executed_units|stat::peak_rss' "$work/$t.log" | tr '\n' ' '; echo
	fi
done
exit $fail
