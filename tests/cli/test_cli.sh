#!/bin/sh
# The command line as a user meets it: help, exit codes, output forms,
# hostile bytes on the terminal. TAP.
#   test_cli.sh VIGIE LOGGEN
vigie=$1
loggen=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"
export TZ=UTC

rules=$(cd "$(dirname "$0")/../../rules" && pwd)

for c in scan decode explain rules; do
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

# Sigma rules: detections as a table, JSON and CSV
cat > "$t/web.log" <<'EOF2'
198.51.100.7 - - [03/Mar/2026:10:00:00 +0000] "GET /item.php?id=1%27%20UNION%20SELECT%201,2-- HTTP/1.1" 200 5 "-" "=HYPERLINK(\"http://x\")"
198.51.100.8 - - [03/Mar/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 5 "-" "Mozilla/5.0"
EOF2
"$vigie" scan -r "$rules" "$t/web.log" > "$t/o" 2> "$t/e"
check "scan -r exit 0" 0 $?
grep -q 'SQL injection in a web request' "$t/o" && ok "scan -r table names the rule" || no "scan -r table" "$(cat "$t/o")"
grep -q "web.log:1" "$t/o" && ok "scan -r table gives file:line" || no "scan -r file:line" "$(cat "$t/o")"
grep -q '^detections  1 by these rules' "$t/e" && ok "scan -r summary on stderr" || no "scan -r summary" "$(cat "$t/e")"
grep -q '^rules       19 loaded, 0 refused' "$t/e" && ok "scan -r counts rules" || no "scan -r counts rules" "$(cat "$t/e")"
"$vigie" scan -r "$rules" --json --no-summary "$t/web.log" > "$t/o" 2> "$t/e"
check "scan --json: one detection" 1 "$(wc -l < "$t/o")"
grep -q '"rule_id":"866abdc2-7913-4e2d-b8cf-44d882478a6b"' "$t/o" && ok "scan --json rule id" || no "scan --json rule id" "$(cat "$t/o")"
grep -q '"line":1,' "$t/o" && ok "scan --json line" || no "scan --json line" "$(cat "$t/o")"
check "scan --no-summary: nothing on stderr" "" "$(cat "$t/e")"
"$vigie" scan -r "$rules" --csv --no-summary "$t/web.log" > "$t/o"
check "scan --csv header" "time,level,rule_id,rule,file,line,group,record" "$(head -1 "$t/o")"
# (the cell is the terminal-escaped record, so its backslash is doubled)
grep -q '""=HYPERLINK(\\\\""http://x\\\\"")"""$' "$t/o" && ok "scan --csv quotes the record (RFC 4180)" || no "scan --csv quoting" "$(cat "$t/o")"
"$vigie" scan --csv "$t/web.log" > /dev/null 2>&1
check "scan --csv without rules exits 2" 2 $?
"$vigie" scan -r /nonexistent "$t/web.log" > /dev/null 2> "$t/e"
check "missing rules path exits 1" 1 $?
check "missing rules path message" "vigie: /nonexistent: No such file or directory" "$(cat "$t/e")"

# rules check: refusals with file:line and reason, counted
mkdir "$t/r"
cp "$rules/web/web_attacks_uri.yml" "$t/r/"
printf 'title: old\nlogsource: {product: linux}\ndetection:\n  sel: {a: 1}\n  condition: sel | count() > 3\n' > "$t/r/old.yml"
printf 'title: bad\ndetection:\n  sel: {a|nosuch: 1}\n  condition: sel\n' > "$t/r/bad.yml"
"$vigie" rules check -r "$t/r" > "$t/o"
check "rules check with refusals exits 1" 1 $?
grep -q "old.yml:5: old: condition: aggregations" "$t/o" && ok "rules check: file:line: rule: reason" || no "rules check line" "$(cat "$t/o")"
grep -q "bad.yml:3: bad: unknown modifier: nosuch" "$t/o" && ok "rules check: unknown modifier" || no "rules check modifier" "$(cat "$t/o")"
grep -q "^5 rules loaded, 2 refused" "$t/o" && ok "rules check totals" || no "rules check totals" "$(cat "$t/o")"
"$vigie" rules check -r "$rules" > /dev/null
check "rules check on vigie's rules exits 0" 0 $?
"$vigie" rules list -r "$rules" | grep -q '^high *821c12ca-fee0-4327-8a63-cec0910f31ce correlation SSH brute force' && ok "rules list" || no "rules list"

# a rule file's own text (id, title, logsource) is escaped on the terminal
mkdir "$t/hr"
printf 'title: "x\\e]0;owned\\a"\nid: "y\\e[2J"\nlogsource: {product: "p\\e[31m", category: webserver}\ndetection:\n  sel: {cs-method: GET}\n  condition: sel\n' > "$t/hr/h.yml"
"$vigie" rules list -r "$t/hr" > "$t/o"
"$vigie" explain -r "$t/hr" --rule "$(printf 'y\033[2J')" '198.51.100.9 - - [03/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"' >> "$t/o"
grep -q 'owned' "$t/o" && ok "hostile rule text is shown" || no "hostile rule text shown" "$(cat "$t/o")"
if grep -q "$esc" "$t/o"; then no "no raw ESC from a rule file" "$(cat "$t/o")"; else ok "no raw ESC from a rule file"; fi

# explain -r: which rules match, and why one does not
line='198.51.100.9 - - [03/Mar/2026:10:00:00 +0000] "GET /search?q=%3Cscript%3E HTTP/1.1" 200 5 "-" "curl/8"'
"$vigie" explain -r "$rules" "$line" > "$t/o"
grep -q 'Cross-site scripting in a web request' "$t/o" && ok "explain -r lists the match" || no "explain -r match" "$(cat "$t/o")"
"$vigie" explain -r "$rules" --rule 'Attack tool user agent' "$line" > "$t/o"
grep -q '  result: no match' "$t/o" && ok "explain --rule says no match" || no "explain --rule" "$(cat "$t/o")"
grep -q '    c-useragent: no' "$t/o" && ok "explain --rule names the failing test" || no "explain --rule test" "$(cat "$t/o")"
"$vigie" explain -r "$rules" --rule nosuch "$line" > /dev/null 2>&1
check "explain --rule unknown exits 2" 2 $?

# output that cannot be written
"$vigie" decode "$t/logs/access.log" > /dev/full 2> "$t/e"
check "full output exits 3" 3 $?
"$vigie" decode --threads 2 "$t/logs/access.log" > /dev/full 2> "$t/e"
check "full output exits 3, with the sink in its own thread" 3 $?

# two threads (reading and decoding; matching and output) give what one
# gives, byte for byte, in the same order
mkdir -p "$t/mix"
"$loggen" auth 60000 3 --attacks "$t/m1" > "$t/mix/auth.log"
"$loggen" nginx 60000 4 --attacks "$t/m2" > "$t/mix/access.log"
printf '{\n  "EventID": 4625,\n  "Channel": "Security",\n  "IpAddress": "192.0.2.7"\n}\n' > "$t/mix/pretty.json"
for th in 1 2; do
	"$vigie" scan --threads $th --json -r "$rules" "$t/mix" > "$t/scan$th" 2> "$t/sum$th"
	check "scan --threads $th exits 0" 0 $?
	"$vigie" decode --threads $th "$t/mix" > "$t/dec$th"
	sed 's/"seconds":[0-9.]*,//' "$t/sum$th" > "$t/sum$th.x"
done
[ "$(wc -l < "$t/scan1")" -ge "$(cat "$t/m1" "$t/m2" | wc -l)" ] && ok "the mixed logs have detections ($(wc -l < "$t/scan1"))" || no "too few detections"
cmp -s "$t/scan1" "$t/scan2" && ok "scan: the same detections with two threads" || no "scan differs" "$(diff "$t/scan1" "$t/scan2" | head -5)"
cmp -s "$t/sum1.x" "$t/sum2.x" && ok "scan: the same summary" || no "summary differs" "$(diff "$t/sum1.x" "$t/sum2.x" | head -5)"
cmp -s "$t/dec1" "$t/dec2" && ok "decode: the same events" || no "decode differs"
check "decode: every record, the gathered JSON object too" \
	"$(($(cat "$t/mix/auth.log" "$t/mix/access.log" | wc -l) + 1))" "$(wc -l < "$t/dec2")"
cat "$t/mix/auth.log" | "$vigie" scan --threads 2 --json -r "$rules" - > "$t/stdin2" 2>/dev/null
"$vigie" scan --threads 1 --json -r "$rules" - < "$t/mix/auth.log" > "$t/stdin1" 2>/dev/null
[ -s "$t/stdin1" ] && cmp -s "$t/stdin1" "$t/stdin2" && ok "standard input: the same with two threads" || no "standard input differs"
"$vigie" scan --threads 3 "$t/mix" > /dev/null 2> "$t/e"
check "--threads 3 exits 2" 2 $?
check "and says why" "vigie: --threads is 1 or 2, not '3'" "$(cat "$t/e")"
echo "1..$n"
