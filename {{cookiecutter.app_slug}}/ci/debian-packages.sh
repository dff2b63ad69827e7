#!/bin/sh
# Install the Debian packages a CI job needs (the arguments), only those missing.
# APT_MIRROR (optional) replaces deb.debian.org, for runners without internet access.
# A runner that already has them (a shell runner, a prepared image) installs nothing.
set -eu

missing=""
for package in "$@"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
[ -n "$missing" ] || exit 0

if [ -n "${APT_MIRROR:-}" ]; then
  for sources in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [ -f "$sources" ]; then
      sed -i "s#http://deb.debian.org#${APT_MIRROR}#g" "$sources"
    fi
  done
fi
echo "安装系统软件包：$missing"
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
