#!/usr/bin/env bash
# Sending: `hookcat send --count 20000 --concurrency 50 --json` vs
# `hey -n 20000 -c 50 -m POST`, both POSTing bench/body1k.json to nginx `return 200`
# (one worker, loopback), alternating, $ROUNDS runs each (default 3).
# Target: median hookcat req/s >= median hey req/s.
# Usage: bash bench/send.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
for t in hey python3 jq /usr/bin/time; do command -v "$t" >/dev/null || { echo "missing $t: run bash bench/setup.sh" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || { echo "missing nginx: run bash bench/setup.sh" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-20000}
OUT=bench/out
mkdir -p "$OUT"
ABS_OUT=$(cd "$OUT" && pwd)
BODY=bench/body1k.json
RES=$OUT/send-results.tsv

echo "send.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)  nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')  hey $(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo '?')"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2; return 1
}
PORT=$(free_port)
PREFIX=$ABS_OUT/nginx-send
mkdir -p "$PREFIX"
sed -e "s|@PORT@|$PORT|g" -e "s|@PREFIX@|$PREFIX|g" bench/nginx.conf > "$PREFIX/nginx.conf"
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -e stderr 2>"$OUT/nginx.err" &
NGINX_PID=$!
trap 'kill -TERM $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null || true' EXIT
wait_port "$PORT"
URL=http://127.0.0.1:$PORT/

printf 'round\ttool\treq_s\tok\telapsed_s\tcpu_s\n' > "$RES"
# CPU seconds (user+sys) of the client process, from /usr/bin/time.
cpu_s() { awk '{print $2 + $3}' "$1"; }
for ((r = 1; r <= ROUNDS; r++)); do
  order=(hookcat hey)
  ((r % 2 == 0)) && order=(hey hookcat)
  for tool in "${order[@]}"; do
    case $tool in
      hookcat)
        /usr/bin/time -f '%e %U %S' -o "$OUT/send-hookcat-$r.time" timeout 300 "$HOOKCAT" send "$URL" --data "$BODY" --count "$COUNT" --concurrency 50 --json > "$OUT/send-hookcat-$r.json" 2>"$OUT/send-hookcat-$r.err"
        jq -r --arg r "$r" --arg cpu "$(cpu_s "$OUT/send-hookcat-$r.time")" '[$r, "hookcat", .requests_per_sec, .ok_2xx, .elapsed_s, $cpu] | @tsv' "$OUT/send-hookcat-$r.json" >> "$RES" ;;
      hey)
        /usr/bin/time -f '%e %U %S' -o "$OUT/send-hey-$r.time" timeout 300 hey -n "$COUNT" -c 50 -m POST -T application/json -D "$BODY" "$URL" > "$OUT/send-hey-$r.txt" 2>&1
        rps=$(awk '/Requests\/sec:/ {print $2}' "$OUT/send-hey-$r.txt")
        ok=$(awk '/\[200\]/ {print $2}' "$OUT/send-hey-$r.txt")
        total=$(awk '/Total:/ {print $2; exit}' "$OUT/send-hey-$r.txt")
        printf '%s\they\t%s\t%s\t%s\t%s\n' "$r" "$rps" "${ok:-0}" "$total" "$(cpu_s "$OUT/send-hey-$r.time")" >> "$RES" ;;
    esac
  done
done

python3 - "$RES" "$COUNT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
count = int(sys.argv[2])
rounds = sorted({int(r["round"]) for r in rows})
print()
print(f"req/s, {count} POSTs of 1 KiB, concurrency 50, to nginx return 200")
print("%-9s" % "tool" + "".join("%10s" % f"run {i}" for i in rounds) + "%10s" % "median" + "   2xx per run")
med = {}
for t in ("hookcat", "hey"):
    v = {int(r["round"]): r for r in rows if r["tool"] == t}
    med[t] = statistics.median(float(x["req_s"]) for x in v.values())
    print("%-9s" % t + "".join("%10.0f" % float(v[i]["req_s"]) for i in rounds) + "%10.0f" % med[t]
          + "   " + " ".join(v[i]["ok"] for i in rounds))
print()
print("client CPU (user+sys) per request, microseconds")
for t in ("hookcat", "hey"):
    v = {int(r["round"]): float(r["cpu_s"]) / count * 1e6 for r in rows if r["tool"] == t}
    print("%-9s" % t + "".join("%10.1f" % v[i] for i in rounds) + "%10.1f" % statistics.median(v.values()))
ratio = med["hookcat"] / med["hey"]
print(f"\nhookcat/hey {ratio:.2f}x  (target >= 1)  {'PASS' if ratio >= 1 else 'FAIL'}")
bad = [r for r in rows if int(float(r["ok"])) != count]
if bad:
    print("note: runs with fewer than all requests answered 2xx: " + ", ".join(f"{r['tool']} run {r['round']} ({r['ok']})" for r in bad))
PY
