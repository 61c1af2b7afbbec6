#!/usr/bin/env bash
# Installs every Debian package Ordo needs to build, test and run, and the console's
# npm packages. Idempotent: a second run installs nothing new.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libsqlite3-dev sqlite3 libpqxx-dev libpq-dev
  libsodium-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  postgresql-15 postgresql-client-15
  chromium fonts-noto-cjk
  curl jq wrk procps
)

missing=()
# Node.js may come from elsewhere (NodeSource); only ask Debian for it when absent.
if ! command -v npm >/dev/null 2>&1; then PKGS+=(nodejs npm); fi
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The console's packages, only when the lockfile changed since the last install.
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.ordo-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
    (cd web && npm ci --no-audit --no-fund)
    cp web/package-lock.json "$stamp"
  fi
fi
echo "setup: ok"
