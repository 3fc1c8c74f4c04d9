#!/bin/sh
# vigie run meets bad configuration and a bad environment: each gives a
# clear error and an exit code of 1, and the store is left as it was
# (same alerts, intact). Missing, unreadable, invalid and misspelt
# configuration files; ports already taken; the state directory's disk
# full (a small tmpfs), after which nothing read is lost. TAP.
#   test_bad.sh VIGIE
vigie=$1
t=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -9 $pid 2>/dev/null
	[ -n "$holder" ] && kill $holder 2>/dev/null
	umount "$t/full" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
. "$(dirname "$0")/../tap.sh"
q() { sqlite3 "$1/vigie.db" "$2"; }

. "$(dirname "$0")/attack.sh"
attack 198.51.100.1 > "$t/seed.log"
"$vigie" scan -r "$(dirname "$0")/../../rules" --store "$t/state" --no-summary "$t/seed.log" > /dev/null
# the store as a user sees it: whole, with the same alerts
sum() { q "$t/state" 'pragma integrity_check'; q "$t/state" 'select id, rule_title, offset from alerts'; }
before=$(sum)
check "a store with one alert to keep" 1 "$(q "$t/state" 'select count(*) from alerts')"

conf() { # FILE, then the YAML on stdin (sources and response by default)
	cat > "$t/in"
	{
		printf 'state_dir: %s\n' "$t/state"
		grep -q '^sources:' "$t/in" || printf 'sources: [{file: %s/auth.log}]\n' "$t"
		grep -q '^response:' "$t/in" || printf 'response: {mode: simulate}\n'
		cat "$t/in"
	} > "$1"
}
run() { # CONFIG -> exit code; stderr in $t/e
	timeout 10 "$vigie" run -q -c "$1" > /dev/null 2> "$t/e"
	echo $?
}
intact() { # NAME
	check "$1: the store is unchanged" "$before" "$(sum)"
}

check "missing configuration: exit 1" 1 "$(run "$t/nosuch.yaml")"
check "missing configuration: says which" "$t/nosuch.yaml:0: No such file or directory" "$(head -1 "$t/e")"
intact "missing configuration"

conf "$t/locked.yaml" < /dev/null
chmod 600 "$t/locked.yaml"
if command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
	code=$(timeout 10 setpriv --reuid=nobody --regid=nogroup --clear-groups "$vigie" run -q -c "$t/locked.yaml" 2> "$t/e" > /dev/null; echo $?)
	check "unreadable configuration (as nobody): exit 1" 1 "$code"
	check "unreadable configuration: says why" "$t/locked.yaml:0: Permission denied" "$(head -1 "$t/e")"
else
	printf 'state_dir: /x\n' > "$t/locked.yaml"; chmod 000 "$t/locked.yaml"
	check "unreadable configuration: exit 1" 1 "$(run "$t/locked.yaml")"
	check "unreadable configuration: says why" "$t/locked.yaml:0: Permission denied" "$(head -1 "$t/e")"
fi
intact "unreadable configuration"

printf 'listen: {api: [127.0.0.1\n' | conf "$t/yaml.yaml"
check "invalid YAML: exit 1" 1 "$(run "$t/yaml.yaml")"
grep -q "^$t/yaml.yaml:[45]: invalid YAML" "$t/e" && ok "invalid YAML: file and line" || no "invalid YAML" "$(cat "$t/e")"
intact "invalid YAML"

printf 'incidents: {windw: 2h}\n' | conf "$t/key.yaml"
check "unknown key: exit 1" 1 "$(run "$t/key.yaml")"
check "unknown key: file, line, the known keys" "$t/key.yaml:4: unknown key 'windw' in incidents (window)" "$(head -1 "$t/e")"
intact "unknown key"

# a port already taken, for each server vigie runs
python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 18655)); s.listen(1); time.sleep(60)' 2> "$t/holder" &
holder=$!
k=0; until ss -ltn | grep -q '127.0.0.1:18655 ' || [ $k -ge 50 ]; do sleep 0.1; k=$((k + 1)); done
for what in "listen: {api: 127.0.0.1:18655}|api 127.0.0.1:18655: cannot listen: Address already in use" \
	"listen: {api: 'off'}
response: {mode: simulate, crowdsec: {listen: 127.0.0.1:18655}}|crowdsec decision stream 127.0.0.1:18655: cannot listen: Address already in use" \
	"listen: {api: 'off'}
sources: [{syslog: 'tcp://127.0.0.1:18655'}]|syslog tcp://127.0.0.1:18655: cannot listen: address already in use"; do
	yaml=${what%%|*}
	msg=${what#*|}
	echo "$yaml" | conf "$t/port.yaml"
	check "port in use (${msg%%:*}): exit 1" 1 "$(run "$t/port.yaml")"
	grep -q "vigie: $msg\$" "$t/e" && ok "port in use (${msg%%:*}): says which and why" || no "port message" "$(cat "$t/e")"
	intact "port in use (${msg%%:*})"
done
kill $holder 2>/dev/null
holder=""

# the state directory on a full disk
mkdir -p "$t/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m tmpfs "$t/full" 2>/dev/null; then
	cp -r "$t/state" "$t/full/state"
	: > "$t/auth.log"
	printf 'state_dir: %s/full/state\nsources: [{file: %s/auth.log, from: start}]\nresponse: {mode: simulate}\nlisten: {api: "off"}\n' "$t" "$t" > "$t/full.yaml"
	"$vigie" run -q -c "$t/full.yaml" > /dev/null 2> "$t/e" &
	pid=$!
	k=0; until grep -q running "$t/e" || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
	attack 198.51.100.2 >> "$t/auth.log"
	k=0; until [ "$(q "$t/full/state" 'select count(*) from alerts')" = 2 ] || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
	check "disk full: before it fills, alerts are kept" 2 "$(q "$t/full/state" 'select count(*) from alerts')"
	dd if=/dev/zero of="$t/full/filler" bs=64k 2>/dev/null
	# long lines: the alert's event is large, the WAL must grow
	for ip in 198.51.100.3 198.51.100.4 198.51.100.5; do attack $ip | sed "s/ssh2\$/ssh2 $(head -c 3000 /dev/zero | tr '\0' x)/"; done >> "$t/auth.log"
	k=0; while kill -0 $pid 2>/dev/null && [ $k -lt 100 ]; do sleep 0.1; k=$((k + 1)); done
	wait $pid
	check "disk full: vigie run stops with exit 1" 1 $?
	pid=""
	grep -q "vigie: the store: .*: database or disk is full; stopped. What was committed is intact" "$t/e" &&
		ok "disk full: it says so" || no "disk full message" "$(cat "$t/e")"
	rm -f "$t/full/filler"
	check "disk full: the store is intact" ok "$(q "$t/full/state" 'pragma integrity_check')"
	check "disk full: the committed alerts are there" 2 "$(q "$t/full/state" 'select count(*) from alerts')"
	"$vigie" run -q -c "$t/full.yaml" > /dev/null 2> "$t/e" &
	pid=$!
	k=0; until [ "$(q "$t/full/state" 'select count(*) from alerts')" = 5 ] || [ $k -ge 100 ]; do sleep 0.1; k=$((k + 1)); done
	check "disk full: once there is room again, nothing read was lost" 5 "$(q "$t/full/state" 'select count(*) from alerts')"
	kill -TERM $pid; wait $pid; pid=""
else
	ok "# SKIP disk full: cannot mount a tmpfs here"
	for i in 1 2 3 4 5 6; do ok "# SKIP disk full"; done
fi
echo "1..$n"
