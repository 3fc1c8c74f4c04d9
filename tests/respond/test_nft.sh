#!/bin/sh
# vigie's own nftables table, in a network namespace this test creates:
# the active decisions land in its sets with their timeouts, an ended one
# leaves, another table is never touched, and syncing twice changes
# nothing. TAP; skips without root, nft or ip netns.
#   test_nft.sh VIGIE
vigie=$1
ns=vigie-nft-$$
t=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$t"' EXIT
skip() { echo "1..0 # SKIP $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v nft >/dev/null 2>&1 || skip "nft absent"
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace here"
. "$(dirname "$0")/../tap.sh"
in_ns() { ip netns exec "$ns" "$@"; }

st="$t/state"
"$vigie" decisions add 198.51.100.9 --duration 1h --state "$st" > /dev/null
"$vigie" decisions add 2001:db8::/32 --duration 2h --state "$st" > /dev/null
in_ns nft add table inet other
in_ns nft add set inet other keep '{ type ipv4_addr; }'
in_ns nft add element inet other keep '{ 192.0.2.1 }'
check "sync" "table inet vigie: 2 bans" "$(in_ns "$vigie" nft sync --state "$st")"
check "sync again" "table inet vigie: 2 bans" "$(in_ns "$vigie" nft sync --state "$st")"
in_ns nft list table inet vigie > "$t/r"
grep -q 'elements = { 198.51.100.9 timeout 59m5[0-9]s' "$t/r" && ok "the IPv4 ban, with its timeout" || no "v4 ban" "$(cat "$t/r")"
grep -q 'elements = { 2001:db8::/32 timeout 1h59m5[0-9]s' "$t/r" && ok "the IPv6 network" || no "v6 ban" "$(cat "$t/r")"
check "two rules a chain, not duplicated" 4 "$(grep -c 'saddr @ban[46] drop' "$t/r")"
check "the input hook drops them" 1 "$(grep -c 'type filter hook input' "$t/r")"
in_ns nft list table inet other > "$t/o"
grep -q '192.0.2.1' "$t/o" && ok "another table is untouched" || no "other table" "$(cat "$t/o")"
"$vigie" decisions delete 198.51.100.9 --state "$st" > /dev/null
check "sync after a deletion" "table inet vigie: 1 ban" "$(in_ns "$vigie" nft sync --state "$st")"
check "the ended ban is gone" 0 "$(in_ns nft list set inet vigie ban4 | grep -c 198.51.100.9)"
# an interval set refuses overlaps: an address inside a banned network,
# and an address banned twice, are written once
"$vigie" decisions add 203.0.113.0/24 --duration 1h --state "$st" > /dev/null
"$vigie" decisions add 203.0.113.5 --duration 3h --state "$st" > /dev/null
"$vigie" decisions add 2001:db8::/32 --duration 3h --state "$st" > /dev/null
check "sync with overlapping bans" "table inet vigie: 2 bans" "$(in_ns "$vigie" nft sync --state "$st" 2>&1)"
in_ns nft list set inet vigie ban4 > "$t/r"
grep -q '203.0.113.0/24 timeout 59m5' "$t/r" && ok "the network holds its address" || no "overlap" "$(cat "$t/r")"
check "the address inside is not written" 0 "$(grep -c '203.0.113.5' "$t/r")"
in_ns nft list set inet vigie ban6 > "$t/r"
grep -q '2001:db8::/32 timeout 2h59m5' "$t/r" && ok "a value banned twice: the longer ban" || no "twice" "$(cat "$t/r")"
"$vigie" decisions delete 203.0.113.0/24 --state "$st" > /dev/null
check "once the network's ban ends" "table inet vigie: 2 bans" "$(in_ns "$vigie" nft sync --state "$st" 2>&1)"
check "the address it covered is banned on its own" 1 "$(in_ns nft list set inet vigie ban4 | grep -c '203.0.113.5 timeout 2h59m5')"
in_ns "$vigie" nft sync --table 'bad name' --state "$st" > /dev/null 2>&1
check "a bad table name exits 2" 2 $?
echo "1..$n"
