#!/usr/bin/env bash
# Installs the providers' official SDKs that the interop suite judges hookcat with:
#   Python: a virtualenv at $ROOT/.venv with requirements.txt (exact pins) under
#           constraints.txt (the whole environment, pinned);
#   Node:   tests/interop/node_modules from the committed package-lock.json (npm ci).
# Idempotent: a step whose inputs have not changed since it last succeeded is skipped.
# Quiet on success; on failure prints the installer's output and exits non-zero.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV="$ROOT/.venv"
PYTHON=${PYTHON:-python3}

die() { echo "interop setup: $*" >&2; exit 1; }

# run_logged LABEL CMD...: run quietly; on failure show everything it printed.
run_logged() {
  local label=$1; shift
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    echo "interop setup: $label failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
command -v node >/dev/null || die "node not found"
command -v npm >/dev/null || die "npm not found"

# ---- Python
py_stamp=$(hash_of "$HERE/requirements.txt" "$HERE/constraints.txt")
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.interop-stamp" 2>/dev/null)" != "$py_stamp" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    run_logged "creating the virtualenv at $VENV" "$PYTHON" -m venv "$VENV"
  fi
  run_logged "pip install" "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$HERE/requirements.txt" -c "$HERE/constraints.txt"
  echo "$py_stamp" >"$VENV/.interop-stamp"
fi
# The pins are what was installed, and every SDK imports.
run_logged "checking the Python SDKs" "$VENV/bin/python" - "$HERE/requirements.txt" <<'EOF'
import sys
from importlib.metadata import version
bad = []
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, _, want = line.partition("==")
    got = version(name)
    if got != want:
        bad.append(f"{name}: want {want}, installed {got}")
if bad:
    sys.exit("version mismatch: " + "; ".join(bad))
import stripe, standardwebhooks, svix.webhooks, slack_sdk.signature, twilio.request_validator  # noqa
import square.utils.webhooks_helper, paddle_billing.Notifications, discord_interactions, nacl.signing  # noqa
import githubkit.webhooks  # noqa
EOF

# ---- Node
node_stamp=$(hash_of "$HERE/package.json" "$HERE/package-lock.json")
if [ "$(cat "$HERE/node_modules/.interop-stamp" 2>/dev/null)" != "$node_stamp" ]; then
  run_logged "npm ci" npm ci --prefix "$HERE" --no-audit --no-fund --loglevel=error
  echo "$node_stamp" >"$HERE/node_modules/.interop-stamp"
fi
(
  cd "$HERE"
  run_logged "checking the Node SDKs" node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies;
    const bad = [];
    for (const [name, v] of Object.entries(want)) {
      const got = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
      if (got !== v) bad.push(`${name}: want ${v}, installed ${got}`);
    }
    if (bad.length) { console.error("version mismatch: " + bad.join("; ")); process.exit(1); }
  '
  run_logged "importing the Node SDKs" node --input-type=module -e '
    await import("@shopify/shopify-api/adapters/node");
    await import("@shopify/shopify-api");
    await import("@octokit/webhooks-methods");
    await import("@linear/sdk/webhooks");
  '
)
