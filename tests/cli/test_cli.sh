#!/bin/sh
# The command line as a user meets it: help, exit codes, output forms,
# hostile bytes on the terminal. TAP.
#   test_cli.sh VIGIE LOGGEN
vigie=$1
loggen=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
no() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # name expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else no "$1" "want: $2" "got:  $3"; fi
}
export TZ=UTC

for c in scan decode explain; do
	"$vigie" $c --help > "$t/h" 2>&1
	check "$c --help exits 0" 0 $?
	grep -q "usage: vigie $c" "$t/h" && ok "$c --help shows usage" || no "$c --help shows usage"
done
"$vigie" nosuch > /dev/null 2>&1
check "unknown command exits 2" 2 $?
"$vigie" decode --bogus > /dev/null 2>&1
check "unknown option exits 2" 2 $?
"$vigie" decode --tz Mars/Olympus /dev/null > /dev/null 2> "$t/e"
check "unknown zone exits 2" 2 $?
check "unknown zone message" "vigie: unknown time zone 'Mars/Olympus'" "$(cat "$t/e")"
"$vigie" decode /nonexistent.log > /dev/null 2> "$t/e"
check "missing file exits 1" 1 $?
check "missing file message" "vigie: /nonexistent.log: No such file or directory" "$(cat "$t/e")"

# decode from stdin, one JSON object a line
printf 'Feb 12 14:10:21 h sshd[1]: Failed password for root from 192.0.2.1 port 22 ssh2\n' |
	"$vigie" decode > "$t/o"
check "decode stdin" '{"@timestamp":"2026-02-12T14:10:21Z","decoder":"sshd","logsource":{"product":"linux","service":"sshd"},"fields":{"host.name":"h","process.name":"sshd","process.pid":"1","message":"Failed password for root from 192.0.2.1 port 22 ssh2","ssh.method":"password","user.name":"root","source.ip":"192.0.2.1","source.port":"22","ssh.protocol":"ssh2","event.action":"ssh_auth_failed","event.outcome":"failure"}}' "$(sed 's/"@timestamp":"[0-9]*-/"@timestamp":"2026-/' "$t/o")"

# explain: hostile user name shown escaped on the terminal
esc=$(printf '\033')
"$vigie" explain "Feb 12 14:10:21 h sshd[1]: Invalid user ${esc}]0;owned${esc}\\ from 192.0.2.1" > "$t/o"
check "explain exit 0" 0 $?
check "explain escapes the user" '  user.name                \x1b]0;owned\x1b\\' "$(grep '^  user.name' "$t/o")"
if grep -q "$esc" "$t/o"; then no "no raw ESC reaches the terminal"; else ok "no raw ESC reaches the terminal"; fi
"$vigie" explain "no decoder knows this" > /dev/null
check "explain undecoded exits 1" 1 $?

# scan: a generated sample, a gzip-rotated copy, a directory, a binary file
mkdir "$t/logs"
"$loggen" auth 3000 7 > "$t/logs/auth.log"
"$loggen" auth 2000 8 | gzip > "$t/logs/auth.log.1.gz"
"$loggen" nginx 1000 9 > "$t/logs/access.log"
head -c 5000 /dev/urandom | tr -d '\n' > "$t/logs/wtmp"
printf '\0\0\0' >> "$t/logs/wtmp"
"$vigie" scan --json "$t/logs" > "$t/o"
check "scan exit 0" 0 $?
grep -q '"inputs":3,"skipped":1,"errors":0,"records":6000' "$t/o" && ok "scan counts inputs and records" || no "scan counts" "$(cat "$t/o")"
grep -q '"undecoded":0' "$t/o" && ok "scan: everything decoded" || no "scan: everything decoded" "$(cat "$t/o")"
"$vigie" scan "$t/logs" > "$t/o"
grep -q '^decoded     6000 (100.0%)' "$t/o" && ok "scan text summary" || no "scan text summary" "$(cat "$t/o")"

# oversize lines: cut, counted, reported
awk 'BEGIN{s="x"; for(i=0;i<17;i++) s=s s; print "a"; print s; print "b"}' > "$t/big.log"
"$vigie" decode --max-line 1024 "$t/big.log" > "$t/o" 2> "$t/e"
check "oversize exit 0" 0 $?
check "oversize records" 3 "$(wc -l < "$t/o")"
grep -q '"truncated":true' "$t/o" && ok "oversize flagged" || no "oversize flagged"
check "oversize reported" "vigie decode: 1 record(s) longer than the bound were cut" "$(cat "$t/e")"

# output that cannot be written
"$vigie" decode "$t/logs/access.log" > /dev/full 2> "$t/e"
check "full output exits 3" 3 $?
echo "1..$n"
