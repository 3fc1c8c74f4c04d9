#!/bin/sh
# vigie run -n: the configuration check, as a user meets it. TAP.
#   test_config.sh VIGIE EXAMPLE
vigie=$1
example=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"
run() { "$vigie" run -n -c "$1" > "$t/o" 2> "$t/e"; echo $?; }

check "the documented example is valid" 0 "$(run "$example")"
check "it says so" "configuration OK: $example" "$(cat "$t/o")"
"$vigie" run -n > "$t/o" 2>&1
check "no file: the defaults are valid" "configuration OK (defaults)" "$(cat "$t/o")"
: > "$t/empty.yaml"
check "an empty file is the defaults" 0 "$(run "$t/empty.yaml")"

check "missing file exits 1" 1 "$(run "$t/nosuch.yaml")"
check "missing file message" "$t/nosuch.yaml:0: No such file or directory" "$(head -1 "$t/e")"
check "a directory exits 1" 1 "$(run "$t")"
check "a directory message" "$t:0: is a directory" "$(head -1 "$t/e")"
if [ "$(id -u)" != 0 ]; then
	printf 'state_dir: /x\n' > "$t/locked.yaml"; chmod 000 "$t/locked.yaml"
	check "unreadable file exits 1" 1 "$(run "$t/locked.yaml")"
	grep -q 'Permission denied' "$t/e" && ok "unreadable file message" || no "unreadable file message" "$(cat "$t/e")"
elif command -v setpriv > /dev/null; then
	# root reads everything: read it as nobody
	printf 'state_dir: /x\n' > "$t/locked.yaml"; chmod 600 "$t/locked.yaml"; chmod 755 "$t"
	code=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$vigie" run -n -c "$t/locked.yaml" > /dev/null 2> "$t/e"; echo $?)
	check "unreadable file exits 1" 1 "$code"
	grep -q 'Permission denied' "$t/e" && ok "unreadable file message" || no "unreadable file message" "$(cat "$t/e")"
else
	ok "# SKIP unreadable file (root reads everything)"
	ok "# SKIP unreadable file message"
fi

printf 'state_dir: /x\nsources:\n  - file: [a\n' > "$t/yaml.yaml"
check "invalid YAML exits 1" 1 "$(run "$t/yaml.yaml")"
grep -q "^$t/yaml.yaml:[34]: invalid YAML" "$t/e" && ok "invalid YAML: file and line" || no "invalid YAML line" "$(cat "$t/e")"

printf 'state_dir: /x\nresponse:\n  mode: simulate\n  bann: 4h\n' > "$t/key.yaml"
check "unknown key exits 1" 1 "$(run "$t/key.yaml")"
grep -q "^$t/key.yaml:4: unknown key 'bann' in response (mode, min_level, ban," "$t/e" && ok "unknown key: line and the known keys" || no "unknown key" "$(cat "$t/e")"

cat > "$t/many.yaml" <<'EOF2'
sources:
  - file: /var/log/auth.log
    format: xml
  - syslog: 127.0.0.1:514
  - {}
correlation: {max_groups: 3}
incidents: {window: soon}
response:
  mode: block
  min_level: severe
  escalate: [1h, forever]
allowlist: [10.0.0.0/8, not-an-ip, '2001:db8::/129']
listen: {api: 'localhost:0'}
organisation: {siret: '123', nis2: maybe}
EOF2
check "many errors exit 1" 1 "$(run "$t/many.yaml")"
for want in \
	"many.yaml:3: format: 'xml' is not one of auto, syslog, web, json, kv" \
	"many.yaml:4: syslog: say udp:// or tcp:// before the address" \
	"many.yaml:5: a source is one of file, journald, syslog, stdin" \
	"many.yaml:6: max_groups: a number from 16 to 100000000 is expected" \
	"many.yaml:7: window: 'soon' is not a duration (30s, 5m, 4h, 7d)" \
	"many.yaml:9: mode: enforce, simulate or off, not 'block'" \
	"many.yaml:10: min_level: a Sigma level (informational … critical)" \
	"many.yaml:11: escalate: 'forever' is not a duration (30s, 5m, 4h, 7d)" \
	"many.yaml:12: allowlist: 'not-an-ip' is not an address or a network" \
	"many.yaml:12: allowlist: '2001:db8::/129' is not an address or a network" \
	"many.yaml:13: api: 'localhost:0' is not an address:port" \
	"many.yaml:14: siret: 14 digits expected" \
	"many.yaml:14: nis2: essential, important or none"; do
	grep -qF "$want" "$t/e" && ok "reports: ${want#*: }" || no "reports: $want" "$(cat "$t/e")"
done
check "counts them" "13 errors" "$(tail -1 "$t/e")"
printf 'bo\033]0;owned\007gus: 1\n' > "$t/esc.yaml"
check "a hostile key exits 1" 1 "$(run "$t/esc.yaml")"
if grep -q "$(printf '\033')" "$t/e"; then no "no raw ESC in the errors" "$(cat "$t/e")"; else ok "no raw ESC in the errors"; fi
"$vigie" run -n -c "$t/many.yaml" > /dev/null 2> "$t/e"
timeout 10 "$vigie" run -c "$t/many.yaml" > /dev/null 2> "$t/e2"
check "run (without -n) refuses to start on errors: exit 1" 1 $?
check "and reports the same errors" "$(cat "$t/e")" "$(grep -v '^vigie' "$t/e2")"
echo "1..$n"
