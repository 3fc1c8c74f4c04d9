#!/bin/sh
# Kill -9 at random moments while a 1,000,000-line attack log is appended
# and rotated (rename, then copytruncate), restarting each time: the
# alerts must be those of a run never killed, none twice, none missing.
# TAP.   test_crash.sh VIGIE LOGGEN RULES [ROUNDS]
vigie=$1
loggen=$2
rules=$3
rounds=${4:-3}
t=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$t"' EXIT
. "$(dirname "$0")/../tap.sh"

"$loggen" auth 1000000 11 --attacks "$t/manifest" > "$t/all.log"
lines=$(wc -l < "$t/all.log")
split -l 50000 -d -a 2 "$t/all.log" "$t/chunk."
nchunks=$(ls "$t"/chunk.* | wc -l)

config() { # DIR
	mkdir -p "$1/logs"
	cat > "$1/vigie.yaml" <<EOC
state_dir: $1/state
rules: [$rules]
sources:
  - file: $1/logs/auth.log
    from: start
response:
  mode: off
listen:
  api: off
EOC
}

# Appends the chunks with a pause; renames the log after a third of them
# and copies-and-truncates it after two thirds, as logrotate does.
writer() { # DIR PAUSE
	i=0
	for c in "$t"/chunk.*; do
		cat "$c" >> "$1/logs/auth.log"
		i=$((i + 1))
		if [ $i -eq $((nchunks / 3)) ]; then
			mv "$1/logs/auth.log" "$1/logs/auth.log.1"
		elif [ $i -eq $((2 * nchunks / 3)) ]; then
			mv "$1/logs/auth.log.1" "$1/logs/auth.log.2"
			cp "$1/logs/auth.log" "$1/logs/auth.log.1"
			: > "$1/logs/auth.log"
		fi
		sleep "$2"
	done
}

start() { # DIR
	"$vigie" run -q -c "$1/vigie.yaml" >> "$1/out" 2>> "$1/err" &
	pid=$!
	pids="$pids $pid"
}

# Waits until the first start has saved where the log begins (at most
# 60 s): rotations before that are history no run saw begin.
started() { # DIR
	k=0
	while [ $k -lt 600 ]; do
		[ "$(sqlite3 "$1/state/vigie.db" "select count(*) from replay" 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
		k=$((k + 1))
	done
	return 1
}

# Waits until the worker has committed every line (at most 120 s).
caught_up() { # DIR
	k=0
	while [ $k -lt 1200 ]; do
		got=$(sqlite3 "$1/state/vigie.db" "select lineno from positions" 2>/dev/null)
		[ "$got" = "$lines" ] && return 0
		sleep 0.1
		k=$((k + 1))
	done
	echo "# caught up to line ${got:-0} of $lines" >&2
	return 1
}

keys() { # DIR
	sqlite3 "$1/state/vigie.db" "select substr(source, length('$1') + 1), offset, lineno, rule_title, coalesce(grp, '') from alerts order by 1, 2, 3, 4, 5"
}

# the run never killed
config "$t/clean"
start "$t/clean"
started "$t/clean"
check "the clean run saves where the log begins" 0 $?
writer "$t/clean" 0.1
caught_up "$t/clean"
check "the clean run reads every line" 0 $?
check "the clean run finds every rotated generation" 0 "$(grep -c 'no copy of it found' "$t/clean/err")"
kill -TERM $pid
wait $pid
check "the clean run stops on SIGTERM with exit code 0" 0 $?
keys "$t/clean" > "$t/clean.keys"
want=$(wc -l < "$t/manifest")
check "the clean run finds every injected attack" "$want" "$(wc -l < "$t/clean.keys")"

r=1
while [ $r -le "$rounds" ]; do
	d="$t/crash$r"
	config "$d"
	start "$d"
	started "$d"
	check "round $r: the first start saves where the log begins" 0 $?
	writer "$d" 0.03 &
	wpid=$!
	kills=0
	extra=3 # and a few more while it catches up
	while kill -0 $wpid 2>/dev/null || [ $extra -gt 0 ]; do
		kill -0 $wpid 2>/dev/null || extra=$((extra - 1))
		# 100 to 390 ms
		sleep "0.$(( (($(od -An -N2 -tu2 /dev/urandom) % 30) + 10) ))"
		kill -9 $pid 2>/dev/null && kills=$((kills + 1))
		wait $pid 2>/dev/null
		start "$d"
	done
	wait $wpid
	caught_up "$d"
	check "round $r: after $kills kills, every line is read" 0 $?
	check "round $r: every rotated generation is found" 0 "$(grep -c 'no copy of it found' "$d/err")"
	kill -TERM $pid
	wait $pid
	keys "$d" > "$d.keys"
	if cmp -s "$t/clean.keys" "$d.keys"; then
		ok "round $r: the alerts are those of the clean run ($want)"
	else
		no "round $r: the alerts differ from the clean run" \
			"$(diff "$t/clean.keys" "$d.keys" | head -10)"
	fi
	check "round $r: no event alerted twice" 0 "$(sqlite3 "$d/state/vigie.db" \
		"select count(*) from (select rule_title, lineno, grp from alerts group by 1, 2, 3 having count(*) > 1)")"
	check "round $r: the store is intact" ok "$(sqlite3 "$d/state/vigie.db" "pragma integrity_check")"
	r=$((r + 1))
done
echo "1..$n"
