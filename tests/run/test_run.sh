#!/bin/sh
# vigie run end to end, inside a network namespace this test creates: a
# brute force appended to a followed log becomes an alert, an incident
# and a ban in vigie's nftables set, the blocklist file and the exec
# hook; the ban leaves at expiry; the allowlist and simulation hold;
# the CLI's decisions reach the running daemon; syslog over UDP and TCP
# (octet-counted) is read; /metrics counts it all. TAP; skips without
# root, nft or ip netns.
#   test_run.sh VIGIE
vigie=$1
ns=vigie-run-$$
t=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; ip netns del "$ns" 2>/dev/null; rm -rf "$t"' EXIT
skip() { echo "1..0 # SKIP $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v nft >/dev/null 2>&1 || skip "nft absent"
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace here"
. "$(dirname "$0")/../tap.sh"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up

cat > "$t/hook.sh" <<'EOH'
#!/bin/sh
cat >> "$(dirname "$0")/hook.out"
EOH
chmod +x "$t/hook.sh"
config() { # MODE
	cat > "$t/vigie.yaml" <<EOC
state_dir: $t/state
sources:
  - file: $t/auth.log
  - syslog: udp://127.0.0.1:5514
  - syslog: tcp://127.0.0.1:5514
response:
  mode: $1
  ban: 4s
  blocklist: $t/block.txt
  exec: $t/hook.sh
allowlist:
  - 192.0.2.0/24
listen:
  api: 127.0.0.1:18640
EOC
}
start() {
	# ip netns exec execs vigie: $! is vigie itself
	ip netns exec "$ns" env -u VIGIE_CACHE_DIR "$vigie" run -c "$t/vigie.yaml" >> "$t/out" 2>> "$t/err" &
	pid=$!
	k=0
	: > "$t/err"
	until grep -q "running" "$t/err" 2>/dev/null || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
}
. "$(dirname "$0")/attack.sh"
# waits up to 5 s for a command to succeed
until_ok() { k=0; until "$@" >/dev/null 2>&1 || [ $k -ge 50 ]; do sleep 0.1; k=$((k + 1)); done; "$@" >/dev/null 2>&1; }
in_set() { in_ns nft list set inet vigie ban4 | grep -q "$1"; }
not_in_set() { ! in_set "$1"; }
q() { sqlite3 "$t/state/vigie.db" "$1"; }

config enforce
: > "$t/auth.log"
start
grep -q "running: 3 sources" "$t/err" && ok "vigie run starts" || no "vigie run starts" "$(cat "$t/err")"
grep -q "rules (prefilter compiled, saved)" "$t/err" && ok "the compiled rules are saved" || no "not saved" "$(cat "$t/err")"
check "with the state" 1 "$(ls "$t/state/cache" | grep -c '^rs-')"

attack 198.51.100.7 >> "$t/auth.log"
until_ok in_set 198.51.100.7
check "the attacker is in vigie's nftables set" 0 $?
check "one alert" "SSH brute force from one source|198.51.100.7" "$(q 'select rule_title, src_ip from alerts')"
check "one incident, high" "1|high" "$(in_ns "$vigie" incidents list --state "$t/state" | awk 'NR == 2 { print $1 "|" $3 }')"
check "one decision, origin vigie" "vigie|0" "$(q 'select origin, simulated from decisions')"
until_ok grep -q 198.51.100.7 "$t/block.txt"
check "the blocklist file has it" 0 $?
until_ok grep -q '"action":"ban"' "$t/hook.out"
grep -q '"action":"ban","scope":"ip","value":"198.51.100.7"' "$t/hook.out" && ok "the exec hook got the ban as JSON" || no "hook" "$(cat "$t/hook.out" 2>&1)"
grep -q "high SSH brute force from one source ip=198.51.100.7 user=root incident=1 ban=198.51.100.7/4s" "$t/out" &&
	ok "one line per alert on standard output" || no "stdout" "$(cat "$t/out")"

attack 192.0.2.5 >> "$t/auth.log"
until_ok [ "$(q "select count(*) from alerts where src_ip = '192.0.2.5'")" = 1 ]
check "an allowlisted address gives an alert" 0 $?
check "but no decision" 0 "$(q "select count(*) from decisions where value = '192.0.2.5'")"
attack 127.0.0.1 >> "$t/auth.log"
until_ok [ "$(q "select count(*) from alerts where src_ip = '127.0.0.1'")" = 1 ]
check "loopback is never banned" 0 "$(q "select count(*) from decisions where value = '127.0.0.1'")"

# a rename, a copytruncate, then a truncation no copy keeps
metric() { in_ns curl -s 127.0.0.1:18640/metrics | grep "^vigie_source_$1{source=\"$t/auth.log\"}" | cut -d' ' -f2; }
line() { echo "$(date '+%b %e %H:%M:%S') web01 sshd[7]: Connection closed by 198.51.100.$1 port 2222 [preauth]" >> "$t/auth.log"; }
mv "$t/auth.log" "$t/auth.log.1"
line 1
until_ok [ "$(metric records_total)" = 37 ]
check "/metrics: a renamed log is a rotation" 1 "$(metric rotations_total)"
cp "$t/auth.log" "$t/auth.log.1" && : > "$t/auth.log"
line 2
line 3
until_ok [ "$(metric records_total)" = 39 ]
check "/metrics: a copied and truncated log, its copy found" "1 0" "$(metric truncations_total) $(metric lost_files_total)"
: > "$t/auth.log"
line 4
until_ok [ "$(metric records_total)" = 40 ]
check "/metrics: a truncation without a copy is a loss" "2 1" "$(metric truncations_total) $(metric lost_files_total)"
grep -q "auth.log: truncated or gone, and no copy of it found" "$t/err" && ok "the loss is said in the log" ||
	no "the loss is not in the log" "$(tail -3 "$t/err")"

in_ns curl -s 127.0.0.1:18640/metrics > "$t/m"
grep -q '^vigie_alerts_total{rule="SSH brute force from one source",id="821c12ca-fee0-4327-8a63-cec0910f31ce"} 3$' "$t/m" &&
	ok "/metrics: alerts per rule" || no "/metrics alerts" "$(grep alerts "$t/m")"
grep -q "^vigie_source_records_total{source=\"$t/auth.log\"} 40$" "$t/m" && ok "/metrics: records per source" || no "/metrics records" "$(grep records "$t/m")"
grep -q '^vigie_decisions_allowlisted_total 1$' "$t/m" && ok "/metrics: the allowlisted ban" || no "/metrics allowlist" "$(grep -v "^#" "$t/m")" "$(cat "$t/err")"
check "/health" ok "$(in_ns curl -s 127.0.0.1:18640/health)"

until_ok not_in_set 198.51.100.7
check "the ban leaves the set at expiry" 0 $?
until_ok grep -q '"action":"expire"' "$t/hook.out"
check "the hook is told of the expiry" 0 $?
absent() { ! grep -q "$1" "$2"; }
until_ok absent 198.51.100.7 "$t/block.txt"
grep -q 198.51.100.7 "$t/block.txt"
check "the blocklist file no longer has it" 1 $?

in_ns "$vigie" decisions add 203.0.113.50 --duration 1h --state "$t/state" > /dev/null
until_ok in_set 203.0.113.50
check "a decision added by the CLI reaches the set" 0 $?
in_ns "$vigie" decisions delete 203.0.113.50 --state "$t/state" > /dev/null
until_ok not_in_set 203.0.113.50
check "and leaves it when the CLI deletes it" 0 $?

# a network banned by hand, then an attacker inside it
in_ns "$vigie" decisions add 203.0.113.0/24 --duration 1h --state "$t/state" > /dev/null
until_ok in_set 203.0.113.0/24
attack 203.0.113.77 >> "$t/auth.log"
until_ok [ "$(q "select count(*) from decisions where value = '203.0.113.77'")" = 1 ]
check "an attacker inside a banned network gets its own decision" 0 $?
sleep 0.3
check "the set still holds the network" 1 "$(in_ns nft list set inet vigie ban4 | grep -c '203.0.113.0/24')"
check "no back-end error (overlaps are resolved)" "vigie_enforce_errors_total 0" "$(in_ns curl -s 127.0.0.1:18640/metrics | grep '^vigie_enforce_errors_total')"
in_ns "$vigie" decisions add 203.0.113.78 --duration 1h --state "$t/state" > /dev/null
sleep 1.5
in_ns "$vigie" decisions delete 203.0.113.0/24 --state "$t/state" > /dev/null
until_ok in_set 203.0.113.78
check "when the network's ban is deleted, an address banned inside it stays banned" 0 $?

# syslog: one datagram per line, and octet-counted frames on TCP
attack 198.51.100.20 | sed 's/^/<38>/' | in_ns python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for l in sys.stdin.read().splitlines():
    s.sendto(l.encode(), ("127.0.0.1", 5514))' 2>&1
attack 198.51.100.21 | sed 's/^/<38>/' > "$t/tcp"
in_ns python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", 5514))
for l in open(sys.argv[1]).read().splitlines():
    b = l.encode()
    s.sendall(str(len(b)).encode() + b" " + b)
s.close()' "$t/tcp"
until_ok [ "$(q "select count(*) from alerts where source = 'tcp://127.0.0.1:5514'")" = 1 ]
check "syslog over TCP, octet-counted: the brute force is seen" "198.51.100.21" "$(q "select src_ip from alerts where source = 'tcp://127.0.0.1:5514'")"
until_ok [ "$(q "select count(*) from alerts where source = 'udp://127.0.0.1:5514'")" = 1 ]
check "syslog over UDP: the brute force is seen" "198.51.100.20" "$(q "select src_ip from alerts where source = 'udp://127.0.0.1:5514'")"
until_ok in_set 198.51.100.21
check "and banned" 0 $?

"$vigie" status --state "$t/state" > "$t/st"
check "status: running, with its pid" "vigie run   running (pid $pid)" "$(head -1 "$t/st")"
grep -q "^alerts      6 (last " "$t/st" && ok "status: the alerts" || no "status alerts" "$(cat "$t/st")"
grep -q "^  $t/auth.log  line 52, byte 4684, at " "$t/st" && ok "status: how far the file was read" || no "status source" "$(cat "$t/st")"
kill -TERM $pid
wait $pid
check "SIGTERM: exit code 0" 0 $?
check "status: not running once stopped" "vigie run   not running" "$("$vigie" status --state "$t/state" | head -1)"
pid=""
grep -q "stopped: .* events, 6 alerts" "$t/err" && ok "it says what it did" || no "stop line" "$(tail -3 "$t/err")"

# simulation: the decision is recorded, nothing is enforced
config simulate
start
grep -q "rules (prefilter cache)" "$t/err" && ok "a restart reads the compiled rules back" || no "not from the cache" "$(cat "$t/err")"
attack 198.51.100.30 >> "$t/auth.log"
until_ok [ "$(q "select count(*) from decisions where value = '198.51.100.30'")" = 1 ]
check "simulate: the decision is recorded as simulated" 1 "$(q "select simulated from decisions where value = '198.51.100.30'")"
sleep 0.5
check "simulate: not in the set" 1 "$(in_ns nft list set inet vigie ban4 | grep -c 198.51.100.30 | sed 's/^0$/1/')"
check "simulate: the earlier lines were not read again" 7 "$(q 'select count(*) from alerts')"
kill -TERM $pid
wait $pid
pid=""
echo "1..$n"
