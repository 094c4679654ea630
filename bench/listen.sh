#!/usr/bin/env bash
# Receiving: nginx `return 200` vs Debian's webhook (HMAC rule, runs /bin/true) vs
# `hookcat listen --quiet --save`, each loaded by `wrk -t1 -c50 -d10s` POSTing a 1 KiB
# JSON body, run alternately for $ROUNDS rounds (default 3) on loopback; medians.
# Targets: hookcat/nginx >= 0.6, hookcat/webhook >= 3, no answered request missing
# from the capture log (every line valid JSON), hookcat peak RSS < 64 MiB.
# Usage: bash bench/listen.sh   (ROUNDS=n, DURATION=10s, NOSAVE=1 adds `hookcat listen
# --no-save` as a fourth target, to see what saving costs; UI=1 adds `hookcat listen --ui`
# with a page open (an event-stream client reading every capture), to see what the
# inspector costs: target >= 0.9x of plain hookcat; ONLY="hookcat hookcat-ui" runs just those)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
for t in wrk webhook python3 openssl; do command -v "$t" >/dev/null || { echo "missing $t: run bash bench/setup.sh" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || { echo "missing nginx: run bash bench/setup.sh" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
OUT=bench/out
mkdir -p "$OUT"
ABS_OUT=$(cd "$OUT" && pwd)
KEY=bench-secret-0123456789abcdef   # the secret in bench/hooks.json
export BODY_FILE=bench/body1k.json
SIGNATURE=sha256=$(openssl dgst -sha256 -hmac "$KEY" "$BODY_FILE" | awk '{print $NF}')
export SIGNATURE
LOG=$OUT/listen.jsonl
RES=$OUT/listen-results.tsv

echo "listen.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)  nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')  webhook $(webhook -version | awk '{print $NF}')"

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
PAGE_PID=""
stop_server() {  # stop_server SIGNAL: signal the server we started, wait (bounded) for it
  if [[ -n $PAGE_PID ]]; then kill "$PAGE_PID" 2>/dev/null || true; wait "$PAGE_PID" 2>/dev/null || true; PAGE_PID=""; fi
  [[ -n $SERVER_PID ]] || return 0
  kill -"$1" "$SERVER_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap 'stop_server TERM' EXIT
# CPU time (user+sys, clock ticks) of the server: its process, its live children (nginx's
# worker) and its reaped children (webhook's /bin/true).
cpu_ticks() {
  local p sum=0 t
  for p in "$SERVER_PID" $(pgrep -P "$SERVER_PID" || true); do
    t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0)
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)

start() {  # start TARGET PORT -> sets SERVER_PID and URL
  local target=$1 port=$2
  case $target in
    nginx)
      local prefix=$ABS_OUT/nginx-$port
      mkdir -p "$prefix"
      sed -e "s|@PORT@|$port|g" -e "s|@PREFIX@|$prefix|g" bench/nginx.conf > "$prefix/nginx.conf"
      "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -e stderr 2>"$OUT/nginx.err" &
      SERVER_PID=$!
      URL=http://127.0.0.1:$port/hooks/bench ;;
    webhook)
      webhook -hooks bench/hooks.json -ip 127.0.0.1 -port "$port" >/dev/null 2>&1 &
      SERVER_PID=$!
      URL=http://127.0.0.1:$port/hooks/bench ;;
    hookcat)
      rm -f "$LOG"
      "$HOOKCAT" listen --host 127.0.0.1 --port "$port" --quiet --save "$LOG" >/dev/null 2>&1 &
      SERVER_PID=$!
      URL=http://127.0.0.1:$port/hooks/bench ;;
    hookcat-ui)
      rm -f "$LOG" "$OUT/ui.err"
      "$HOOKCAT" listen --host 127.0.0.1 --port "$port" --quiet --save "$LOG" --ui >/dev/null 2>"$OUT/ui.err" &
      SERVER_PID=$!
      URL=http://127.0.0.1:$port/hooks/bench
      wait_port "$port"
      local ui="" i
      for i in $(seq 1 200); do ui=$(sed -n 's/^Inspector on //p' "$OUT/ui.err"); [[ -n $ui ]] && break; sleep 0.05; done
      # A page open: an event-stream client that reads every capture the inspector sends.
      curl -sN -H "X-Hookcat-Token: ${ui##*token=}" "${ui%%/\?token=*}/api/events" >/dev/null &
      PAGE_PID=$! ;;
    hookcat-nosave)
      "$HOOKCAT" listen --host 127.0.0.1 --port "$port" --quiet --no-save >/dev/null 2>&1 &
      SERVER_PID=$!
      URL=http://127.0.0.1:$port/hooks/bench ;;
  esac
  wait_port "$port"
}

targets=(nginx webhook hookcat)
[[ ${NOSAVE:-0} == 1 ]] && targets+=(hookcat-nosave)
[[ ${UI:-0} == 1 ]] && targets+=(hookcat-ui)
[[ -n ${ONLY:-} ]] && read -r -a targets <<< "$ONLY"
printf 'round\ttarget\treq_s\tcompleted\tnon2xx\tsocket_errors\trecords\tbad_lines\tpeak_rss_kib\tcpu_us_per_req\n' > "$RES"
n=${#targets[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for ((k = 0; k < n; k++)); do
    target=${targets[$(((k + r - 1) % n))]}   # rotate the order each round
    port=$(free_port)
    start "$target" "$port"
    c0=$(cpu_ticks)
    wrk -t1 -c50 -d"$DURATION" -s bench/post.lua "$URL" > "$OUT/wrk-$target-$r.txt" 2>&1
    c1=$(cpu_ticks)
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$OUT/wrk-$target-$r.txt")
    completed=$(awk '/requests in/ {print $1}' "$OUT/wrk-$target-$r.txt")
    non2xx=$(awk -F': *' '/Non-2xx/ {print $2}' "$OUT/wrk-$target-$r.txt"); non2xx=${non2xx:-0}
    sockerr=$(sed -n 's/.*Socket errors: //p' "$OUT/wrk-$target-$r.txt"); sockerr=${sockerr:--}
    cpu_us=$(python3 -c "print(round(($c1 - $c0) / $HZ / max($completed, 1) * 1e6, 1))")
    records=- bad=- rss=-
    if [[ $target == hookcat* ]]; then
      rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
      stop_server INT
      if [[ $target == hookcat || $target == hookcat-ui ]]; then
        read -r records bad < <(python3 - "$LOG" <<'PY'
import json, sys
good = bad = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        try:
            json.loads(line)
            good += 1
        except ValueError:
            bad += 1
print(good, bad)
PY
)
      fi
    else
      stop_server TERM
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$target" "$rps" "$completed" "$non2xx" "$sockerr" "$records" "$bad" "$rss" "$cpu_us" >> "$RES"
  done
done
trap - EXIT
# The last round's capture log (gigabytes after a run) is not kept.
rm -f "$LOG"

python3 - "$RES" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
targets = list(dict.fromkeys(r["target"] for r in rows))
rounds = sorted({int(r["round"]) for r in rows})
print()
print("req/s, wrk -t1 -c50, 1 KiB JSON POST")
print("%-15s" % "target" + "".join("%10s" % f"round {i}" for i in rounds) + "%10s" % "median")
med = {}
for t in targets:
    v = {int(r["round"]): float(r["req_s"]) for r in rows if r["target"] == t}
    med[t] = statistics.median(v.values())
    print("%-15s" % t + "".join("%10.0f" % v[i] for i in rounds) + "%10.0f" % med[t])
print()
print("server CPU (user+sys) per completed request, microseconds")
print("%-15s" % "target" + "".join("%10s" % f"round {i}" for i in rounds) + "%10s" % "median")
for t in targets:
    v = {int(r["round"]): float(r["cpu_us_per_req"]) for r in rows if r["target"] == t}
    print("%-15s" % t + "".join("%10.1f" % v[i] for i in rounds) + "%10.1f" % statistics.median(v.values()))
print()
def verdict(ok): return "PASS" if ok else "FAIL"
if "hookcat-ui" in med:
    u = med["hookcat-ui"] / med["hookcat"]
    print(f"hookcat --ui (a page open) / hookcat  {u:.3f}x  (target >= 0.9)  {verdict(u >= 0.9)}")
if "nginx" not in med or "webhook" not in med:
    sys.exit(0)
a = med["hookcat"] / med["nginx"]
b = med["hookcat"] / med["webhook"]
print(f"hookcat/nginx   {a:.3f}x  (target >= 0.6)  {verdict(a >= 0.6)}")
# Each round runs every target back to back: its ratio is less exposed to the machine's
# drift over minutes than the ratio of medians (for information; the verdict above is
# the ratio of the medians).
by = {(int(r["round"]), r["target"]): float(r["req_s"]) for r in rows}
paired = [by[(i, "hookcat")] / by[(i, "nginx")] for i in rounds]
print("hookcat/nginx per round: " + " ".join(f"{x:.3f}" for x in paired) + f"  (median {statistics.median(paired):.3f})")
print(f"hookcat/webhook {b:.2f}x  (target >= 3)    {verdict(b >= 3)}")
if "hookcat-nosave" in med:
    print(f"hookcat --save / --no-save  {med['hookcat'] / med['hookcat-nosave']:.2f}x")
print()
print("hookcat loss check (per round): requests wrk completed <= records in the log, all lines JSON")
ok_all = True
for r in rows:
    if r["target"] != "hookcat":
        continue
    ok = int(r["records"]) >= int(r["completed"]) and r["bad_lines"] == "0" and r["non2xx"] == "0"
    ok_all &= ok
    print(f"  round {r['round']}: completed {r['completed']}, non-2xx {r['non2xx']}, socket errors {r['socket_errors']}, "
          f"records {r['records']}, invalid lines {r['bad_lines']}  {verdict(ok)}")
rss = max(int(r["peak_rss_kib"]) for r in rows if r["target"] == "hookcat")
print(f"loss check {verdict(ok_all)}")
print(f"hookcat listen peak RSS (VmHWM, max over rounds) {rss / 1024:.1f} MiB  (target < 64)  {verdict(rss < 64 * 1024)}")
for r in rows:
    if r["target"] != "hookcat" and r["non2xx"] != "0":
        print(f"note: {r['target']} round {r['round']} answered {r['non2xx']} non-2xx")
PY
