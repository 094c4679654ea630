#!/usr/bin/env bash
# Runs the interop suite: hookcat's signatures judged by the providers' official SDKs,
# both directions (interop.py: Python SDKs; interop.mjs: npm SDKs), then end to end over
# loopback: `hookcat send` (every catalog event, and --retries) and `hookcat replay --resign`
# into a recording server, each request judged by the SDKs as it arrives (e2e.py, e2e.mjs).
#
# Usage: tests/interop/run.sh [HOOKCAT_BINARY]     (default: $ROOT/target/debug/hookcat)
# Needs tests/interop/setup.sh to have run. Environment:
#   INTEROP_SEED=N   repeat a run (each suite prints the seed it used)
#   INTEROP_CASES=N  random cases per scheme (default 25)
# Each failing check is printed with its scheme, direction, body, secret, headers and
# the hookcat command line; a body and cmd.sh per failure go to target/interop/failures/.
# The last line is exactly "interop: N passed, N failed"; the exit status is non-zero
# if any check failed or a suite could not run.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/target/debug/hookcat}
case $BIN in /*) ;; *) BIN="$PWD/$BIN" ;; esac
VENV="$ROOT/.venv"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

if [ ! -x "$BIN" ]; then
  echo "interop: hookcat binary not found or not executable: $BIN (build it first: cargo build)"
fi

# add_counts SUITE FILE: add a suite's result file to the totals; a missing file
# means the suite could not run, which counts as one failure.
add_counts() {
  local suite=$1 file=$2 p f
  if [ -s "$file" ]; then
    p=$(grep -o '"passed": *[0-9]*' "$file" | grep -o '[0-9]*$')
    f=$(grep -o '"failed": *[0-9]*' "$file" | grep -o '[0-9]*$')
  fi
  if [ -z "${p:-}" ] || [ -z "${f:-}" ]; then
    echo "interop: the $suite suite did not run to the end"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + p))
  failed=$((failed + f))
}

echo "== interop: Python SDKs (stripe, standard-webhooks, svix, slack, twilio, square, paddle, discord; jira with hmac)"
if [ -x "$VENV/bin/python" ]; then
  "$VENV/bin/python" "$HERE/interop.py" --binary "$BIN" --result-file "$tmp/py.json"
else
  echo "interop: no virtualenv at $VENV: run tests/interop/setup.sh first"
fi
add_counts Python "$tmp/py.json"

echo "== interop: the catalog's GitHub events parsed by githubkit (GitHub's current webhook schema)"
if [ -x "$VENV/bin/python" ]; then
  "$VENV/bin/python" "$HERE/catalog.py" --binary "$BIN" --result-file "$tmp/catalog.json"
else
  echo "interop: no virtualenv at $VENV: run tests/interop/setup.sh first"
fi
add_counts catalog "$tmp/catalog.json"

echo "== interop: Node SDKs (github, shopify, linear)"
if [ -d "$HERE/node_modules/@octokit/webhooks-methods" ]; then
  node "$HERE/interop.mjs" --binary "$BIN" --result-file "$tmp/node.json"
else
  echo "interop: no $HERE/node_modules: run tests/interop/setup.sh first"
fi
add_counts Node "$tmp/node.json"

echo "== interop: end to end, Python SDKs (send every event, --retries, replay --resign, listen --forward-to)"
if [ -x "$VENV/bin/python" ]; then
  "$VENV/bin/python" "$HERE/e2e.py" --binary "$BIN" --result-file "$tmp/e2e-py.json"
else
  echo "interop: no virtualenv at $VENV: run tests/interop/setup.sh first"
fi
add_counts "end-to-end Python" "$tmp/e2e-py.json"

echo "== interop: end to end, Node SDKs (send every event, --retries)"
if [ -d "$HERE/node_modules/@octokit/webhooks-methods" ]; then
  node "$HERE/e2e.mjs" --binary "$BIN" --result-file "$tmp/e2e-node.json"
else
  echo "interop: no $HERE/node_modules: run tests/interop/setup.sh first"
fi
add_counts "end-to-end Node" "$tmp/e2e-node.json"

echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
