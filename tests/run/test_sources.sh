#!/bin/sh
# vigie run's sources: a glob picks up files that appear; a file there at
# the first start is history (read from its end) unless it says
# from: start; a deleted and re-created file is read again from its
# start; standard input is read to its end, then vigie stops;
# SIGHUP reads the rules again.
#   test_sources.sh VIGIE RULES
vigie=$1
rules=$2
t=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"
q() { sqlite3 "$t/state/vigie.db" "$1"; }
. "$(dirname "$0")/attack.sh"
alerts_for() { q "select count(*) from alerts where src_ip = '$1'"; }
wait_alert() { # IP
	k=0; until [ "$(alerts_for "$1" 2>/dev/null)" = 1 ] || [ $k -ge 50 ]; do sleep 0.1; k=$((k + 1)); done
	alerts_for "$1"
}
mkdir -p "$t/logs" "$t/other"
attack 198.51.100.1 > "$t/logs/old.log"
attack 198.51.100.2 > "$t/other/whole.log"
cat > "$t/vigie.yaml" <<EOC
state_dir: $t/state
sources:
  - file: $t/logs/*.log
  - file: $t/other/whole.log
    from: start
response: {mode: simulate}
listen: {api: 'off'}
EOC
"$vigie" run -q -c "$t/vigie.yaml" 2> "$t/err" &
pid=$!
check "from: start reads what was there" 1 "$(wait_alert 198.51.100.2)"
check "a file there at the first start is history" 0 "$(alerts_for 198.51.100.1)"
attack 198.51.100.3 >> "$t/logs/old.log"
check "what is appended to it is read" 1 "$(wait_alert 198.51.100.3)"
attack 198.51.100.4 > "$t/logs/new.log"
check "a new file matching the glob is read from its start" 1 "$(wait_alert 198.51.100.4)"
attack 198.51.100.5 > "$t/logs/new.log.1"
sleep 0.6
check "a file the glob does not match is not read" 0 "$(alerts_for 198.51.100.5)"
rm "$t/other/whole.log"
sleep 0.4
attack 198.51.100.6 > "$t/other/whole.log"
check "a deleted and re-created file is read from its start" 1 "$(wait_alert 198.51.100.6)"
kill -TERM $pid; wait $pid
check "SIGTERM: exit code 0" 0 $?
pid=""
check "three sources with positions" 3 "$(q 'select count(*) from positions')"

cat > "$t/stdin.yaml" <<EOC
state_dir: $t/state2
sources: [{stdin: {}}]
response: {mode: simulate}
listen: {api: 'off'}
EOC
attack 198.51.100.7 | timeout 20 "$vigie" run -c "$t/stdin.yaml" > "$t/out" 2> "$t/err"
check "standard input: vigie stops at its end, exit code 0" 0 $?
check "standard input: the brute force is stored" 1 "$(sqlite3 "$t/state2/vigie.db" "select count(*) from alerts where src_ip = '198.51.100.7' and source = '-'")"
grep -q "high SSH brute force from one source ip=198.51.100.7" "$t/out" && ok "and printed" || no "printed" "$(cat "$t/out" "$t/err")"

# SIGHUP: rules added to the rule directory are read
mkdir -p "$t/rules"
cp -r "$rules/linux" "$t/rules/"
: > "$t/access.log"
cat > "$t/hup.yaml" <<EOC
state_dir: $t/state3
rules: [$t/rules]
sources: [{file: $t/access.log, format: web}]
response: {mode: simulate}
listen: {api: 'off'}
EOC
"$vigie" run -q -c "$t/hup.yaml" 2> "$t/err" &
pid=$!
k=0; until grep -q running "$t/err" || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
web() { echo "$1 - - [23/Nov/2026:01:00:00 +0000] \"GET /cgi-bin/../../../../etc/passwd HTTP/1.1\" 404 153 \"-\" \"curl/8.0\"" >> "$t/access.log"; }
web 203.0.113.1
sleep 0.5
check "without the web rules, a path traversal is not an alert" 0 "$(sqlite3 "$t/state3/vigie.db" 'select count(*) from alerts')"
cp -r "$rules/web" "$t/rules/"
kill -HUP $pid
k=0; until grep -q "SIGHUP: .* rules loaded" "$t/err" || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
grep -q "SIGHUP: 19 rules loaded" "$t/err" && ok "SIGHUP reads the rules again" || no "reload" "$(cat "$t/err")"
web 203.0.113.2
k=0; until [ "$(sqlite3 "$t/state3/vigie.db" 'select count(*) from alerts')" = 1 ] || [ $k -ge 50 ]; do sleep 0.1; k=$((k + 1)); done
check "then the next one is" "Path traversal in a web request|203.0.113.2" "$(sqlite3 "$t/state3/vigie.db" 'select rule_title, src_ip from alerts')"
mv "$t/rules" "$t/rules.away"
kill -HUP $pid
k=0; until grep -q "running ones stay" "$t/err" || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
grep -q "SIGHUP: the rules did not load; the running ones stay" "$t/err" && ok "a rule directory gone: the running rules stay" || no "bad reload" "$(cat "$t/err")"
web 203.0.113.3
k=0; until [ "$(sqlite3 "$t/state3/vigie.db" 'select count(*) from alerts')" = 2 ] || [ $k -ge 50 ]; do sleep 0.1; k=$((k + 1)); done
check "and detection goes on" 2 "$(sqlite3 "$t/state3/vigie.db" 'select count(*) from alerts')"
kill -TERM $pid; wait $pid
check "exit code 0 after reloads" 0 $?
pid=""
echo "1..$n"
