#!/bin/sh
# The CrowdSec-compatible decision stream, spoken to over loopback with
# curl as a bouncer would. TAP.   test_lapi.sh VIGIE
vigie=$1
t=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"
if ! command -v curl >/dev/null 2>&1; then echo "1..0 # SKIP curl absent"; exit 0; fi

st="$t/state"
key=$("$vigie" bouncers add fw --state "$st")
check "bouncers add prints a 64-digit key" 64 "${#key}"
"$vigie" bouncers add fw --state "$st" > /dev/null 2> "$t/e"
check "a second bouncer of the same name is refused" 1 $?
"$vigie" decisions add 198.51.100.7 --state "$st" > "$t/o"
check "decisions add" "198.51.100.7 banned for 4h0m0s" "$(cat "$t/o")"
"$vigie" decisions add 203.0.113.0/24 --duration 1h --state "$st" > /dev/null
"$vigie" decisions add 127.0.0.1 --state "$st" > /dev/null 2> "$t/e"
check "loopback is never banned" 2 $?
"$vigie" decisions add 192.0.2.9 --simulate --state "$st" > /dev/null
port=$((20000 + $$ % 20000))
"$vigie" lapi --listen 127.0.0.1:$port --state "$st" 2> "$t/lapi.err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	curl -s "http://127.0.0.1:$port/health" > /dev/null && break
	sleep 0.2
done
u="http://127.0.0.1:$port"
get() { curl -s -H "X-Api-Key: $key" "$u$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

check "health" '{"status":"up"}' "$(curl -s "$u/health")"
check "no key: 403" 403 "$(code "$u/v1/decisions/stream")"
check "a wrong key: 403" 403 "$(code -H 'X-Api-Key: nope' "$u/v1/decisions/stream")"
check "HEAD answers 200" 200 "$(code -I -H "X-Api-Key: $key" "$u/v1/decisions/stream")"
get '/v1/decisions/stream?startup=true' > "$t/s1"
grep -q '"scope":"Ip","value":"198.51.100.7","duration":"3h59m5[0-9]s"' "$t/s1" && ok "startup: the ban, Go duration" || no "startup ban" "$(cat "$t/s1")"
grep -q '"scope":"Range","value":"203.0.113.0/24"' "$t/s1" && ok "startup: the range" || no "startup range" "$(cat "$t/s1")"
grep -q '192.0.2.9' "$t/s1" && no "a simulated decision is not sent" || ok "a simulated decision is not sent"
check "a delta right after: nothing new" '{"new":[],"deleted":[]}' "$(get /v1/decisions/stream)"
"$vigie" decisions delete 198.51.100.7 --state "$st" > /dev/null
get /v1/decisions/stream > "$t/s2"
grep -q '"deleted":\[{"id":1,.*"value":"198.51.100.7"' "$t/s2" && ok "a deleted decision comes as deleted" || no "deleted" "$(cat "$t/s2")"
check "scopes=ip leaves the range out" 0 "$(get '/v1/decisions/stream?startup=true&scopes=ip' | grep -c 203.0.113)"
check "live: an address in a banned range" 1 "$(get '/v1/decisions?ip=203.0.113.77' | grep -c '"value":"203.0.113.0/24"')"
check "live: none is null" null "$(get '/v1/decisions?ip=192.0.2.200')"
check "usage metrics accepted" 201 "$(code -X POST -H "X-Api-Key: $key" -d '{}' "$u/v1/usage-metrics")"
"$vigie" decisions list --state "$st" > "$t/o"
check "decisions list: the header and the range" 2 "$(wc -l < "$t/o")"
"$vigie" lapi --listen 127.0.0.1:$port --state "$st" 2> "$t/e" &
wait $! 2>/dev/null
check "a port in use: exit 1" 1 $?
grep -q 'cannot listen' "$t/e" && ok "and says so" || no "port in use message" "$(cat "$t/e")"
echo "1..$n"
