#!/bin/sh
# vigie run reading a journal (sd-journal, a directory of journal files
# written here by systemd-journal-remote): what was there at the first
# start is history, new entries are read, a brute force is found, and a
# restart goes on from the saved cursor without reading anything twice.
# TAP; skips without systemd-journal-remote.
#   test_journald.sh VIGIE
vigie=$1
remote=/lib/systemd/systemd-journal-remote
t=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$t"' EXIT
[ -x "$remote" ] || { echo "1..0 # SKIP systemd-journal-remote absent"; exit 0; }
. "$(dirname "$0")/../tap.sh"
q() { sqlite3 "$t/state/vigie.db" "$1"; }
j="$t/journal"
mkdir -p "$j"

# N sshd failures from IP, in the journal's export format, into a new file
entries() { # FILE IP N
	us=$(date +%s%6N)
	i=0
	while [ $i -lt "$3" ]; do
		printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web1\nSYSLOG_IDENTIFIER=sshd\n_PID=%s\nPRIORITY=5\nMESSAGE=Failed password for root from %s port %s ssh2\n\n' \
			$((us + i)) $((us + i)) $((4000 + i)) "$2" $((40000 + i))
		i=$((i + 1))
	done | "$remote" -o "$j/$1.journal" - 2> /dev/null
}
start() {
	"$vigie" run -q -c "$t/vigie.yaml" 2> "$t/err" &
	pid=$!
	k=0; until grep -q running "$t/err" || [ $k -ge 100 ]; do sleep 0.05; k=$((k + 1)); done
}
cat > "$t/vigie.yaml" <<EOC
state_dir: $t/state
sources:
  - journald: {directory: $j}
response: {mode: simulate}
listen: {api: 'off'}
EOC

entries history 198.51.100.1 12
start
entries attack 198.51.100.2 12
k=0; until [ "$(q 'select count(*) from alerts' 2>/dev/null)" = 1 ] || [ $k -ge 100 ]; do sleep 0.1; k=$((k + 1)); done
check "a brute force in the journal is found" "198.51.100.2|journald:$j" "$(q 'select src_ip, source from alerts')"
check "what was there at the first start is history" 0 "$(q "select count(*) from alerts where src_ip = '198.51.100.1'")"
kill -TERM $pid; wait $pid; pid=""
check "the cursor is saved" 1 "$(q "select count(*) from positions where source = 'journald:$j' and cursor like 's=%'")"

entries later 198.51.100.3 12
start
k=0; until [ "$(q 'select count(*) from alerts')" = 2 ] || [ $k -ge 100 ]; do sleep 0.1; k=$((k + 1)); done
check "after a restart, what came meanwhile is read" 1 "$(q "select count(*) from alerts where src_ip = '198.51.100.3'")"
sleep 0.5
check "and nothing twice" 2 "$(q 'select count(*) from alerts')"
kill -TERM $pid; wait $pid
check "exit code 0" 0 $?
pid=""
echo "1..$n"
