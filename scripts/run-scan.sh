#!/bin/sh
# vigie's main job for now: scan this machine's logs; on a machine with
# none, scan a small sample the project generates itself.
set -eu
build=${1:-build}
if ls /var/log/auth.log* /var/log/syslog* /var/log/secure* /var/log/messages* \
	/var/log/nginx /var/log/apache2 /var/log/httpd >/dev/null 2>&1; then
	exec "$build/vigie" scan
fi
mkdir -p "$build/sample"
"$build/vigie-loggen" auth 20000 > "$build/sample/auth.log"
"$build/vigie-loggen" nginx 20000 > "$build/sample/access.log"
echo "vigie: no logs under /var/log; scanning a generated sample in $build/sample" >&2
exec "$build/vigie" scan "$build/sample"
