#!/bin/sh
# Installs the Debian packages vigie needs to build, test and benchmark,
# skipping those already present. Run as root or with sudo available.
#   scripts/setup.sh [build|test|bench]
set -eu
want="build"
[ $# -gt 0 ] && want=$1
pkgs="make gcc meson ninja-build pkg-config python3 zlib1g-dev libcmocka-dev tzdata libyaml-dev libvectorscan-dev libpcre2-dev libsqlite3-dev sqlite3 libmicrohttpd-dev libssl-dev libnftables-dev libuv1-dev libsystemd-dev curl"
case "$want" in
test) pkgs="$pkgs clang libclang-rt-14-dev crowdsec-firewall-bouncer nftables iproute2 systemd-journal-remote" ;;
bench) pkgs="$pkgs fail2ban time crowdsec unzip g++ libsimdjson-dev" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
echo "vigie: installing$missing" >&2
# CrowdSec (benchmark peer) registers with its central API at install
# unless this file holds only a comment (its README.Debian); offline here.
case "$missing" in
*" crowdsec"*)
	$sudo mkdir -p /etc/crowdsec
	[ -e /etc/crowdsec/online_api_credentials.yaml ] ||
		echo '# offline: no central API' | $sudo tee /etc/crowdsec/online_api_credentials.yaml >/dev/null ;;
esac
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
