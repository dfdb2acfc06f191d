#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine with the Swift toolchain.
# Safe to run again: it installs only what is missing.
set -euo pipefail

need=()
# Foundation's text-encoding support and iconv (GB18030) come with glibc and the toolchain; the packages below
# are the system libraries the SDK links (SQLite, libcurl) and the tools the scripts and benchmarks use
# (sqlite3: the shell the readings benchmark compares with).
for pkg in libsqlite3-dev libcurl4-openssl-dev python3 sqlite3; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
    echo "setup: installing ${need[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
fi
command -v swift >/dev/null || { echo "setup: the Swift toolchain (6.2 or later) is required" >&2; exit 2; }
