#!/usr/bin/env bash
# Memory and CPU under hostile load, on loopback, with `hookcat listen --save LOG`
# (default output, to /dev/null):
#   burst  30 concurrent 10 MiB JSON bodies (the default --max-body), sent by 30 curl
#          processes at once. Target: peak RSS (VmHWM) < 400 MiB; RSS 2 s after the
#          burst is shown too (memory given back): 2 s after the listener went idle
#          (no CPU used for 0.5 s: done receiving, saving and printing).
#   single one 100 MiB JSON body under --max-body 200MiB. Target: peak RSS < 3x the body.
#   stall  10 MB JSON bodies with a bad signature (--scheme github) sent back to back,
#          while 30 small requests are sent, one every 50 ms: each small request's time
#          (curl's time_total). Target: every one < 50 ms. The same 30 small requests
#          with no large body beside them (`alone`) show what the machine itself adds.
# The JSON bodies are arrays of small objects with quoted strings (escaped in the
# capture line), padded with spaces to the exact size. Each scenario runs $ROUNDS times
# (default 3); the table shows each round and the median (max for latencies).
# Usage: bash bench/memory.sh   (ROUNDS=n; HOOKCAT=path/to/hookcat, e.g. an older build)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
for t in curl python3; do command -v "$t" >/dev/null || { echo "missing $t: run bash bench/setup.sh" >&2; exit 2; }; done
ROUNDS=${ROUNDS:-3}
OUT=bench/out
mkdir -p "$OUT"
RES=$OUT/memory-results.tsv
SECRET=bench-secret-0123456789abcdef

echo "memory.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)"

make_json() {  # make_json BYTES FILE
  [[ -f $2 && $(stat -c %s "$2") == "$1" ]] && return 0
  python3 - "$1" "$2" <<'PY'
import json, sys
size, path = int(sys.argv[1]), sys.argv[2]
parts, n, i = [], 2, 0
while n < size - 200:
    item = json.dumps({"id": i, "login": f"user{i}", "note": f"said \"hi\" at line {i}\n", "tags": ["a", "b"]})
    parts.append(item)
    n += len(item) + 1
    i += 1
text = "[" + ",".join(parts) + "]"
text += " " * (size - len(text))
assert len(text) == size
open(path, "w").write(text)
PY
}
BODY10=$OUT/body-10m.json
BODY100=$OUT/body-100m.json
make_json $((10 << 20)) "$BODY10"
make_json $((100 << 20)) "$BODY100"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2; return 1
}
SERVER_PID=""
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -INT "$SERVER_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap 'stop_server' EXIT
start() {  # start ARGS... -> SERVER_PID, URL
  local port
  port=$(free_port)
  rm -f "$OUT/memory.jsonl"
  "$HOOKCAT" listen --host 127.0.0.1 --port "$port" --save "$OUT/memory.jsonl" "$@" >/dev/null 2>"$OUT/memory-listen.err" &
  SERVER_PID=$!
  URL=http://127.0.0.1:$port/hook
  wait_port "$port"
}
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$SERVER_PID/status"; }
# Waits (at most 60 s) until the server has used no CPU for 0.5 s: done receiving,
# saving and printing.
wait_idle() {
  local a b i
  b=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  for i in $(seq 1 120); do
    sleep 0.5
    a=$b
    b=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
    [[ $a == "$b" ]] && return 0
  done
}
post() {  # post FILE [curl args...]: prints the status
  local f=$1; shift
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' --data-binary "@$f" "$@" "$URL" || echo 000
}

rm -f "$OUT"/small-alone.ms "$OUT"/small-stall.ms
printf 'round\tscenario\tpeak_kib\tafter_kib\tstatuses\tsmall_ms_median\tsmall_ms_max\n' > "$RES"
for ((r = 1; r <= ROUNDS; r++)); do
  # burst
  start
  for i in $(seq 1 30); do post "$BODY10" > "$OUT/burst-$i.code" & done
  wait $(jobs -p | grep -v "^$SERVER_PID$") 2>/dev/null || true
  wait_idle
  sleep 2
  peak=$(kib VmHWM)
  after=$(kib VmRSS)
  codes=$(cat "$OUT"/burst-*.code | sort | uniq -c | awk '{printf "%s%sx%s", sep, $1, $2; sep=","}')
  stop_server
  printf '%s\tburst\t%s\t%s\t%s\t-\t-\n' "$r" "$peak" "$after" "$codes" >> "$RES"

  # single
  start --max-body 200MiB
  code=$(post "$BODY100")
  wait_idle
  sleep 2
  peak=$(kib VmHWM)
  after=$(kib VmRSS)
  stop_server
  printf '%s\tsingle\t%s\t%s\t1x%s\t-\t-\n' "$r" "$peak" "$after" "$code" >> "$RES"

  # stall, and the same small requests alone
  bad=(-H 'X-GitHub-Event: push' -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' $(seq 64))")
  for scenario in alone stall; do
    start --scheme github --secret "$SECRET"
    big=""
    if [[ $scenario == stall ]]; then
      ( for i in $(seq 1 8); do post "$BODY10" "${bad[@]}" >/dev/null; done ) &
      big=$!
      sleep 0.3
    fi
    : > "$OUT/small.ms"
    for i in $(seq 1 30); do
      curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' --data-binary '{"small":true}' "${bad[@]}" "$URL" >> "$OUT/small.ms"
      sleep 0.05
    done
    [[ -n $big ]] && { wait "$big" || true; }
    cat "$OUT/small.ms" >> "$OUT/small-$scenario.ms"
    peak=$(kib VmHWM)
    stop_server
    read -r med max < <(python3 -c "
import statistics, sys
v = [float(x) * 1000 for x in open(sys.argv[1]) if x.strip()]
print(round(statistics.median(v), 1), round(max(v), 1))" "$OUT/small.ms")
    printf '%s\t%s\t%s\t-\t-\t%s\t%s\n' "$r" "$scenario" "$peak" "$med" "$max" >> "$RES"
  done
done
trap - EXIT
# The last round's capture log (gigabytes after a run) is not kept.
rm -f "$OUT/memory.jsonl"

python3 - "$RES" "$OUT/small-alone.ms" "$OUT/small-stall.ms" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def verdict(ok): return "PASS" if ok else "FAIL"
def mib(k): return int(k) / 1024
print()
print("%-8s %6s %12s %14s  %s" % ("scenario", "round", "peak MiB", "after 2s MiB", "statuses / small requests"))
for r in rows:
    extra = r["statuses"] if r["scenario"] not in ("stall", "alone") else f"small: median {r['small_ms_median']} ms, max {r['small_ms_max']} ms"
    after = "%.1f" % mib(r["after_kib"]) if r["after_kib"] != "-" else "-"
    print("%-8s %6s %12.1f %14s  %s" % (r["scenario"], r["round"], mib(r["peak_kib"]), after, extra))
print()
burst = statistics.median(mib(r["peak_kib"]) for r in rows if r["scenario"] == "burst")
single = statistics.median(mib(r["peak_kib"]) for r in rows if r["scenario"] == "single")
def ms(path):
    return sorted(float(x) * 1000 for x in open(path) if x.strip())
alone_v, stall_v = ms(sys.argv[2]), ms(sys.argv[3])
def pct(v, p): return v[min(len(v) - 1, int(p / 100 * len(v)))]
for name, v in (("alone", alone_v), ("beside 10 MB invalid bodies", stall_v)):
    print(f"small requests {name}: {len(v)}, median {pct(v, 50):.1f} ms, p90 {pct(v, 90):.1f} ms, "
          f"p99 {pct(v, 99):.1f} ms, max {v[-1]:.1f} ms")
small, alone = stall_v[-1], alone_v[-1]
print(f"30 x 10 MiB burst: peak {burst:.1f} MiB (median of rounds)  (target < 400)  {verdict(burst < 400)}")
print(f"one 100 MiB body: peak {single:.1f} MiB = {single / 100:.2f}x (median of rounds)  (target < 3x)  {verdict(single < 300)}")
print(f"small request beside 10 MB invalid bodies: max {small:.1f} ms over all rounds  (target < 50)  {verdict(small < 50)}"
      f"  (alone: max {alone:.1f} ms)")
print(f"load average at the end: {open('/proc/loadavg').read().split()[0]} on {__import__('os').cpu_count()} cores")
PY
