#!/bin/sh
# Benchmark: from a brute force written to a followed log to the
# attacker's address in vigie's nftables set, for 1,000 attacks, each
# from a new address (p50, p90, p99, worst); then vigie's resident memory
# idle and with 1,000,000 source addresses tracked by its correlations;
# then the same latency for fail2ban (Debian's, its sshd jail with the
# nftables action and the same threshold), 100 attacks, when installed.
# Runs in a network namespace it creates (root, nft, ip netns). Figures,
# not a test.
#   tests/bench/latency.sh [BUILD] [ATTACKS] [TRACKED]
set -eu
build=${1:-build}
attacks=${2:-1000}
tracked=${3:-1000000}
vigie="$build/vigie"
ns=vigie-bench-$$
t=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; [ -f "$t/f2b.pid" ] && kill -9 "$(cat "$t/f2b.pid")" 2>/dev/null; ip netns del "$ns" 2>/dev/null || :; rm -rf "$t"' EXIT
if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null || ! ip netns add "$ns" 2>/dev/null; then
	echo "latency: skipped (needs root, nft and ip netns)"
	exit 0
fi
ip netns exec "$ns" ip link set lo up
: > "$t/auth.log"
cat > "$t/vigie.yaml" <<EOC
state_dir: $t/state
sources:
  - file: $t/auth.log
correlation:
  max_groups: 8000000
response:
  mode: enforce
  ban: 4h
listen:
  api: 127.0.0.1:18690
EOC
ip netns exec "$ns" "$vigie" run -q -c "$t/vigie.yaml" 2> "$t/err" &
pid=$!
k=0; until grep -q running "$t/err" || [ $k -ge 100 ]; do sleep 0.1; k=$((k + 1)); done
sleep 1
rss() { awk '/^VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status"; }
idle=$(rss)

echo "latency, line written -> address in the nftables set ($attacks attacks):"
ip netns exec "$ns" "$build/vigie-latency" "$t/auth.log" inet vigie ban4 "$attacks" > "$t/lat.vigie"
sed 's/^/  vigie run: /' "$t/lat.vigie"

# one failure from each of $tracked addresses: every correlation that
# groups by source address holds one group per address
now=$(date '+%b %e %H:%M:%S')
awk -v n="$tracked" -v now="$now" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "%s bench sshd[7]: Failed password for root from 172.%d.%d.%d port 4%04d ssh2\n",
			now, 16 + int(i / 65536) % 16, int(i / 256) % 256, i % 256, i % 10000
}' > "$t/many.log"
total=$(( $(wc -l < "$t/auth.log") + tracked ))
t0=$(date +%s%N)
cat "$t/many.log" >> "$t/auth.log"
k=0
until [ "$(sqlite3 "$t/state/vigie.db" 'select lineno from positions' 2>/dev/null)" = "$total" ] || [ $k -ge 600 ]; do
	sleep 0.2; k=$((k + 1))
done
t1=$(date +%s%N)
groups=$(ip netns exec "$ns" curl -s 127.0.0.1:18690/metrics | awk '/^vigie_correlation_groups/ { print $2 }')
echo "resident memory:"
echo "  idle, vigie's rules loaded: $idle"
echo "  $tracked source addresses tracked ($groups correlation groups): $(rss)"
awk -v n="$tracked" -v a="$t0" -v b="$t1" 'BEGIN { printf "  (%d lines taken in %.2f s, %.0f lines/s, alerts and store included)\n", n, (b - a) / 1e9, n / ((b - a) / 1e9) }'
kill -TERM $pid; wait $pid || true; pid=""

if command -v fail2ban-server > /dev/null && [ -d /etc/fail2ban ]; then
	cp -r /etc/fail2ban "$t/f2b"
	rm -f "$t/f2b"/jail.d/*
	: > "$t/f2b.log"
	printf '[Definition]\ndbfile = :memory:\nlogtarget = %s/f2b.out\nsocket = %s/f2b.sock\npidfile = %s/f2b.pid\n' "$t" "$t" "$t" > "$t/f2b/fail2ban.local"
	printf '[DEFAULT]\nbanaction = nftables-multiport\nbanaction_allports = nftables-allports\nbackend = pyinotify\n[sshd]\nenabled = true\nlogpath = %s/f2b.log\nmaxretry = 10\nfindtime = 2m\nbantime = 4h\n' "$t" > "$t/f2b/jail.local"
	ip netns exec "$ns" fail2ban-server -b -c "$t/f2b" -x > /dev/null 2>&1
	sleep 2
	ip netns exec "$ns" "$build/vigie-latency" "$t/f2b.log" inet f2b-table addr-set-sshd 100 > "$t/lat.f2b" || true
	sed 's/^/  fail2ban (sshd jail, nftables action): /' "$t/lat.f2b"
	ip netns exec "$ns" fail2ban-client -c "$t/f2b" stop > /dev/null 2>&1 || true
	awk 'NR == FNR { for (i = 1; i < NF; i++) { if ($i == "p50") v50 = $(i + 1); if ($i == "p99") v99 = $(i + 1) }; next }
	     { for (i = 1; i < NF; i++) { if ($i == "p50") f50 = $(i + 1); if ($i == "p99") f99 = $(i + 1) } }
	     END { if (v50 > 0 && f50 > 0) printf "  vigie bans %.0fx sooner at the median, %.0fx at p99\n", f50 / v50, f99 / v99 }' "$t/lat.vigie" "$t/lat.f2b"
fi
