#!/usr/bin/env bash
# Every benchmark in turn: setup, then sign, listen, send, replay, check. Each prints its own
# table; the whole output is also kept in bench/out/run-all.txt.
# Usage: bash bench/run-all.sh   (REBUILD=1 rebuilds the release binary first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p bench/out
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
export HOOKCAT
{
  bash bench/setup.sh
  if [[ ${REBUILD:-0} == 1 || ! -x $HOOKCAT ]]; then
    CARGO_TARGET_DIR=target/bench cargo build --release
  fi
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r), $(git rev-parse --short HEAD)$(git diff --quiet -- src Cargo.toml Cargo.lock || echo '+uncommitted')"
  for b in sign listen send replay check; do
    echo
    echo "=== $b ==="
    bash "bench/$b.sh"
  done
} 2>&1 | tee bench/out/run-all.txt
