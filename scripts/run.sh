#!/bin/sh
# vigie's main job: `vigie run` on its embedded defaults (the SQLite store,
# /metrics on 127.0.0.1:8640, bans simulated), following this machine's
# logs until Ctrl-C. On a machine with none, it follows a small sample the
# project generates, with attacks in it, so that there is something to see.
set -eu
build=${1:-build}
if ls /var/log/auth.log /var/log/syslog /var/log/secure /var/log/messages \
	/var/log/nginx/*access*.log /var/log/apache2/*access*.log \
	/var/log/journal/* >/dev/null 2>&1; then
	[ -w /var/lib ] || { echo "vigie: run as root to keep the store in /var/lib/vigie" >&2; exit 1; }
	exec "$build/vigie" run
fi
s="$build/sample"
mkdir -p "$s"
[ -s "$s/auth.log" ] || "$build/vigie-loggen" auth 20000 7 --attacks "$s/auth.attacks" > "$s/auth.log"
[ -s "$s/access.log" ] || "$build/vigie-loggen" nginx 20000 7 --attacks "$s/access.attacks" > "$s/access.log"
cat > "$s/vigie.yaml" <<EOC
# written by scripts/run.sh: the sample, read from its start
state_dir: $s/state
sources:
  - file: $s/auth.log
    from: start
  - file: $s/access.log
    from: start
    format: web
response:
  mode: simulate
EOC
echo "vigie: no logs under /var/log; following a generated sample in $s" >&2
echo "vigie: in another terminal: $build/vigie status --state $s/state; $build/vigie incidents list --state $s/state" >&2
exec "$build/vigie" run -c "$s/vigie.yaml"
