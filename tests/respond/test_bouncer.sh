#!/bin/sh
# Debian's crowdsec-firewall-bouncer, unmodified, against the decision
# stream of a running `vigie run`, inside a network namespace this test
# creates: a ban given with the CLI reaches the bouncer's nftables set and
# leaves it when vigie deletes the decision, and an attacker vigie finds
# in a log reaches it too. TAP; skips without root, ip netns or the
# bouncer.
#   test_bouncer.sh VIGIE
vigie=$1
ns=vigie-test-$$
t=$(mktemp -d)
cleanup() {
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	sleep 0.3
	ip netns del "$ns" 2>/dev/null
	rm -rf "$t"
}
trap cleanup EXIT
skip() { echo "1..0 # SKIP $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v crowdsec-firewall-bouncer >/dev/null 2>&1 || skip "crowdsec-firewall-bouncer absent"
command -v nft >/dev/null 2>&1 || skip "nft absent"
command -v curl >/dev/null 2>&1 || skip "curl absent"
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace here"
ip netns exec "$ns" ip link set lo up
. "$(dirname "$0")/../tap.sh"
in_ns() { ip netns exec "$ns" "$@"; }
inset() { in_ns nft list set ip crowdsec crowdsec-blacklists 2>/dev/null | grep -c "$1"; }
wait_for() { # command... : up to 15 s
	i=0
	while [ $i -lt 75 ]; do "$@" && return 0; sleep 0.2; i=$((i + 1)); done
	return 1
}

st="$t/state"
key=$("$vigie" bouncers add firewall --state "$st")
: > "$t/auth.log"
cat > "$t/vigie.yaml" <<EOF2
state_dir: $st
sources: [{file: $t/auth.log}]
response:
  mode: enforce
  nftables: {enabled: false}   # the bouncer's table is the one watched
  crowdsec: {listen: 127.0.0.1:8641}
listen: {api: 'off'}
EOF2
# started directly (not through a function) so that $! is the process
ip netns exec "$ns" "$vigie" run -q -c "$t/vigie.yaml" 2> "$t/lapi.log" &
lpid=$!
# the bouncer gives up when the API is not there at its start
wait_for sh -c "ip netns exec $ns curl -sf http://127.0.0.1:8641/health >/dev/null" ||
	{ echo "1..1"; echo "not ok 1 - vigie lapi did not come up"; cat "$t/lapi.log"; exit 1; }
cat > "$t/bouncer.yaml" <<EOF2
mode: nftables
update_frequency: 1s
daemonize: false
log_mode: stdout
log_level: info
api_url: http://127.0.0.1:8641/
api_key: $key
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types: [ban]
blacklists_ipv4: crowdsec-blacklists
blacklists_ipv6: crowdsec6-blacklists
nftables:
  ipv4: {enabled: true, set-only: false, table: crowdsec, chain: crowdsec-chain}
  ipv6: {enabled: true, set-only: false, table: crowdsec6, chain: crowdsec6-chain}
prometheus: {enabled: false}
EOF2
ip netns exec "$ns" crowdsec-firewall-bouncer -c "$t/bouncer.yaml" > "$t/bouncer.log" 2>&1 &
bpid=$!
wait_for sh -c "ip netns exec $ns nft list table ip crowdsec >/dev/null 2>&1" &&
	ok "the bouncer set up its nftables table" || no "bouncer table" "$(tail -5 "$t/bouncer.log")"
"$vigie" decisions add 198.51.100.66 --duration 1h --state "$st" > /dev/null
wait_for sh -c "[ \$(ip netns exec $ns nft list set ip crowdsec crowdsec-blacklists 2>/dev/null | grep -c 198.51.100.66) = 1 ]" &&
	ok "vigie's ban is in the bouncer's set" || no "ban in set" "$(in_ns nft list ruleset)" "$(tail -5 "$t/bouncer.log")"
"$vigie" decisions delete 198.51.100.66 --state "$st" > /dev/null
wait_for sh -c "[ \$(ip netns exec $ns nft list set ip crowdsec crowdsec-blacklists 2>/dev/null | grep -c 198.51.100.66) = 0 ]" &&
	ok "deleted by vigie, gone from the set" || no "unban" "$(in_ns nft list ruleset)" "$(tail -5 "$t/bouncer.log")"
[ "$(inset 198.51.100.66)" = 0 ] && ok "and it stays gone" || no "stays gone"
. "$(dirname "$0")/../run/attack.sh"
attack 198.51.100.77 >> "$t/auth.log"
wait_for sh -c "[ \$(ip netns exec $ns nft list set ip crowdsec crowdsec-blacklists 2>/dev/null | grep -c 198.51.100.77) = 1 ]" &&
	ok "an attacker vigie run finds in a log is in the bouncer's set" || no "attacker in set" "$(in_ns nft list ruleset)" "$(cat "$t/lapi.log")"
echo "1..$n"
