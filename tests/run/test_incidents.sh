#!/bin/sh
# Detections into the store and incidents, read and changed by the CLI.
# TAP.   test_incidents.sh VIGIE LOGGEN RULES
vigie=$1
loggen=$2
rules=$3
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"
q() { sqlite3 "$t/state/vigie.db" "$1"; }

"$loggen" auth 30000 5 --attacks "$t/manifest" > "$t/auth.log"
"$vigie" scan -r "$rules" --store "$t/state" --no-summary "$t/auth.log" > /dev/null
check "scan --store exits 0" 0 $?
want=$(wc -l < "$t/manifest")
check "every injected attack is one alert" "$want" "$(q 'select count(*) from alerts')"
# one incident per attack: the address, or the user (sudo, new account)
keys=$(cut -f2 "$t/manifest" | sort -u | wc -l)
check "one incident per attacker" "$keys" "$(q 'select count(*) from incidents')"
check "every alert is in an incident" 0 "$(q 'select count(*) from alerts where incident_id is null')"
check "a brute force is intrusion-attempts/brute-force" "intrusion-attempts|brute-force" \
	"$(q "select rsit_class, rsit_type from incidents where title like 'SSH brute force%' limit 1")"
check "a guessed password is an account compromise" "intrusions|unprivileged-account-compromise|4" \
	"$(q "select rsit_class, rsit_type, severity from incidents where title like 'SSH login after%' limit 1")"
check "a backdoor account: both alerts in one incident" 2 \
	"$(q "select count(*) from alerts where incident_id = (select incident_id from alerts where rule_title = 'Local account created' limit 1)")"

"$vigie" scan -r "$rules" --store "$t/state" "$t/auth.log" > /dev/null 2> "$t/e"
check "a second scan records nothing twice" "$want" "$(q 'select count(*) from alerts')"
grep -q "^store       0 detections recorded, $want already there" "$t/e" && ok "and says so" || no "and says so" "$(cat "$t/e")"

"$vigie" incidents list --state "$t/state" > "$t/o"
check "incidents list: a header and one line each" $((keys + 1)) "$(wc -l < "$t/o")"
"$vigie" incidents set 1 status=containment tlp=TLP:RED --state "$t/state" > /dev/null
check "incidents set exits 0" 0 $?
check "the status is changed" "containment|TLP:RED" "$(q 'select status, tlp from incidents where id = 1')"
check "the change is audited" 2 "$(q "select count(*) from audit where action = 'incident.set'")"
"$vigie" incidents set 1 t0=2026-01-15T08:30:00Z "note=the provider confirms a scanner" --state "$t/state" > /dev/null
check "t0 and a note: exit 0" 0 $?
check "t0 is the awareness time given" "$(date -u -d 2026-01-15T08:30:00Z +%s)000000000" "$(q 'select t0 from incidents where id = 1')"
check "the note is in the timeline" "the provider confirms a scanner" "$(q "select text from timeline where incident_id = 1 and kind = 'note'")"
check "both are audited" "1|1" "$(q "select (select count(*) from audit where action = 'incident.note'), (select count(*) from audit where action = 'incident.set' and detail = 't0=2026-01-15T08:30:00Z')")"
"$vigie" incidents set 1 t0=2099-01-01T00:00:00Z --state "$t/state" 2> "$t/e"
check "a t0 in the future is refused" 2 $?
check "with the reason" "vigie: t0: 'now' or a time such as 2026-11-23T08:30:00Z, not in the future" "$(cat "$t/e")"
"$vigie" incidents show 1 --state "$t/state" > "$t/o"
grep -q '^status    containment' "$t/o" && ok "show: status" || no "show: status" "$(cat "$t/o")"
grep -q 'change  status=containment' "$t/o" && ok "show: the change in the timeline" || no "show: timeline" "$(cat "$t/o")"
grep -q '^  ip     203.0.113.' "$t/o" && ok "show: the address as an observable" || no "show: observables" "$(cat "$t/o")"
"$vigie" incidents set 1 status=pwned --state "$t/state" > /dev/null 2> "$t/e"
check "a bad status exits 2" 2 $?
grep -q 'status: new, triage' "$t/e" && ok "and lists the statuses" || no "bad status message" "$(cat "$t/e")"
check "a bad status changes nothing" containment "$(q 'select status from incidents where id = 1')"
"$vigie" incidents set 999 status=closed --state "$t/state" > /dev/null 2>&1
check "an unknown incident exits 1" 1 $?
"$vigie" alerts list -n 5 --state "$t/state" > "$t/o"
check "alerts list -n 5: two lines each" 10 "$(wc -l < "$t/o")"
"$vigie" incidents list --state "$t/nosuch" > /dev/null 2>&1
check "a missing store exits 1" 1 $?
echo "1..$n"
