#!/usr/bin/env bash
# Debian packages the template's tests need; installs only what is missing.
# PostgreSQL: the postgresql bake runs its suite on a throwaway server (pg_virtualenv).
set -euo pipefail

need=()
command -v pg_virtualenv >/dev/null || need+=(postgresql postgresql-common)
# Browser tests of the generated front end: Debian's Chromium (Playwright cannot
# download its own here) and a CJK font, without which Chinese renders as boxes.
command -v chromium >/dev/null || need+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
# nginx -t and the TLS tests of the generated deploy/nginx.conf (in /usr/sbin), and the
# Brotli module it loads (brotli_static sends the build's precompressed assets).
[ -x /usr/sbin/nginx ] || need+=(nginx)
dpkg -s libnginx-mod-http-brotli-static >/dev/null 2>&1 || need+=(libnginx-mod-http-brotli-static)
# The generated app's loopback stack (tests/test_stack.py, test_rolling_update.py,
# test_bench.py, `make bench`): Redis for cache=redis bakes, and wrk to load it.
command -v redis-server >/dev/null || need+=(redis-server)
command -v wrk >/dev/null || need+=(wrk)
# gitlab-ci-local copies the project's tracked files with rsync before running a job.
command -v rsync >/dev/null || need+=(rsync)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少系统软件包：${need[*]}，请以 root 运行：apt-get install ${need[*]}" >&2
  exit 1
fi
echo "安装系统软件包：${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
