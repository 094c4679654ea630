#!/usr/bin/env bash
# hookcat check: the whole suite against a fast receiver (hookcat listen --reject-invalid
# on 127.0.0.1, its output thrown away), the median wall time of $RUNS runs per scheme.
# GitHub runs every case that applies to it, the 25 MB body included; Slack adds the
# handshake. Target: under 2 s.
# Usage: bash bench/check.sh   (HOOKCAT=path/to/hookcat to use another binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
OUT=bench/out
mkdir -p "$OUT"
RUNS=${RUNS:-5}

echo "check.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)"

LISTENER=
cleanup() { [[ -n $LISTENER ]] && kill "$LISTENER" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

for scheme in github slack; do
  export S="bench-check-secret-$scheme"
  "$HOOKCAT" listen --port 0 --scheme "$scheme" --secret-env S --reject-invalid --no-save \
    --max-body 30MiB > /dev/null 2> "$OUT/check-listen.err" &
  LISTENER=$!
  url=
  for _ in $(seq 100); do
    url=$(sed -n '1s/^Listening on //p' "$OUT/check-listen.err")
    [[ -n $url ]] && break
    sleep 0.05
  done
  [[ -n $url ]] || { echo "the listener did not start: $(cat "$OUT/check-listen.err")" >&2; exit 1; }
  # One run to see that every case passes, then the timed runs.
  "$HOOKCAT" check "$url" --scheme "$scheme" --secret-env S --json > "$OUT/check-$scheme.json" \
    || { echo "$scheme: a case failed: see $OUT/check-$scheme.json" >&2; exit 1; }
  times=()
  for ((r = 1; r <= RUNS; r++)); do
    t0=$(date +%s%N)
    "$HOOKCAT" check "$url" --scheme "$scheme" --secret-env S --json > /dev/null
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
  summary=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d pass, %d fail, %d warn, %d n/a" % (s["pass"], s["fail"], s["warn"], s["n/a"]))' "$OUT/check-$scheme.json")
  verdict=$([[ $median -lt 2000 ]] && echo PASS || echo FAIL)
  echo "check $scheme: median ${median} ms of $RUNS runs (${times[*]} ms); $summary; target < 2000 ms $verdict"
  kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null || true
  LISTENER=
done
rm -f "$OUT/check-listen.err"
