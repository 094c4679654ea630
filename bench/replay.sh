#!/usr/bin/env bash
# Replaying: a capture log of 20,000 requests (made here by `hookcat listen --save` and
# `hookcat send`), replayed to nginx `return 200` with `hookcat replay --all
# --concurrency 50`, side by side with `hookcat send --count 20000 --concurrency 50` of
# the same 1 KiB body, alternating, $ROUNDS rounds (default 9: single rounds on this
# shared machine move by +-25 %). Target: replay >= 0.8x send (ratio of the medians of
# the wall rates). Each run's user + sys CPU time is shown too, per request. Then
# `hookcat captures list LOG --json` over a >= 1 GiB capture log under /usr/bin/time -v:
# target peak RSS < 64 MiB.
# Usage: bash bench/replay.sh   (ROUNDS=n; CAPTURES_GIB=1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
for t in python3 jq /usr/bin/time; do command -v "$t" >/dev/null || { echo "missing $t: run bash bench/setup.sh" >&2; exit 2; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || { echo "missing nginx: run bash bench/setup.sh" >&2; exit 2; }
ROUNDS=${ROUNDS:-9}
COUNT=20000
OUT=bench/out
mkdir -p "$OUT"
ABS_OUT=$(cd "$OUT" && pwd)
BODY=bench/body1k.json
# The capture log and replay's per-request lines live in memory (tmpfs) where there is
# one, so that no disk writeback runs during the timed rounds.
SCRATCH=$OUT
[[ -d /dev/shm && -w /dev/shm ]] && SCRATCH=$(mktemp -d /dev/shm/hookcat-bench.XXXXXX)
SRC=$SCRATCH/replay-src.jsonl
BIG=$OUT/captures-1g.jsonl
RES=$OUT/replay-results.tsv

echo "replay.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)  nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2; return 1
}
now_ns() { date +%s%N; }
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [[ $SCRATCH == "$OUT" ]] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

# 1. The capture log: 20,000 real captures of the 1 KiB body.
LPORT=$(free_port)
rm -f "$SRC"
"$HOOKCAT" listen --host 127.0.0.1 --port "$LPORT" --quiet --save "$SRC" >/dev/null 2>&1 &
LPID=$!
PIDS+=("$LPID")
wait_port "$LPORT"
timeout 300 "$HOOKCAT" send "http://127.0.0.1:$LPORT/hooks/bench" --data "$BODY" --count "$COUNT" --concurrency 50 --json > "$OUT/replay-capture-send.json"
kill -INT "$LPID"
for _ in $(seq 1 300); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.1; done
wait "$LPID" 2>/dev/null || true
records=$(wc -l < "$SRC")
[[ $records -eq $COUNT ]] || { echo "the capture log has $records lines, expected $COUNT" >&2; exit 1; }

# 2. nginx as the receiver; replay vs send, alternating.
PORT=$(free_port)
PREFIX=$ABS_OUT/nginx-replay
mkdir -p "$PREFIX"
sed -e "s|@PORT@|$PORT|g" -e "s|@PREFIX@|$PREFIX|g" bench/nginx.conf > "$PREFIX/nginx.conf"
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -e stderr 2>"$OUT/nginx.err" &
PIDS+=($!)
wait_port "$PORT"
URL=http://127.0.0.1:$PORT

# Whatever earlier steps (or runs) left to write back goes to disk now, not mid-round.
sync
printf 'round\ttool\twall_s\twall_req_s\treported_req_s\tok_2xx\tcpu_s\n' > "$RES"
for ((r = 1; r <= ROUNDS; r++)); do
  order=(replay send)
  ((r % 2 == 0)) && order=(send replay)
  for tool in "${order[@]}"; do
    case $tool in
      replay)
        t0=$(now_ns)
        /usr/bin/time -f "%U %S" -o "$OUT/replay-cpu-$r.txt" timeout 120 "$HOOKCAT" replay "$SRC" --all --to "$URL" --concurrency 50 --json > "$SCRATCH/replay-run.jsonl" 2>"$OUT/replay-run-$r.err" || true
        t1=$(now_ns)
        tail -n 1 "$SCRATCH/replay-run.jsonl" > "$OUT/replay-summary-$r.json"
        # The summary's own rate if it has one; the 2xx count from its statuses.
        # Its own rate: requests_per_sec if the summary has one, else sent / elapsed_s.
        rep=$(jq -r 'select(.type == "summary") | .requests_per_sec // (if .elapsed_s > 0 then .sent / .elapsed_s else "-" end)' "$OUT/replay-summary-$r.json" 2>/dev/null || true)
        ok=$(jq -r 'select(.type == "summary") | .ok_2xx // ([.statuses // {} | to_entries[] | select(.key | startswith("2")) | .value] | add) // "-"' "$OUT/replay-summary-$r.json" 2>/dev/null || true)
        rep=${rep:--} ok=${ok:-no summary (failed or timed out after 120 s)} ;;
      send)
        t0=$(now_ns)
        /usr/bin/time -f "%U %S" -o "$OUT/send-cpu-$r.txt" timeout 300 "$HOOKCAT" send "$URL/hooks/bench" --data "$BODY" --count "$COUNT" --concurrency 50 --json > "$OUT/replay-send-$r.json" 2>"$OUT/replay-send-$r.err" || true
        t1=$(now_ns)
        rep=$(jq -r '.requests_per_sec' "$OUT/replay-send-$r.json")
        ok=$(jq -r '.ok_2xx' "$OUT/replay-send-$r.json") ;;
    esac
    wall=$(python3 -c "print(($t1 - $t0) / 1e9)")
    cpu=$(tail -n 1 "$OUT/$tool-cpu-$r.txt" 2>/dev/null | awk '{print $1 + $2}')
    cpu=${cpu:-nan}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$tool" "$wall" "$(python3 -c "print($COUNT / $wall)")" "$rep" "$ok" "$cpu" >> "$RES"
  done
done

# 3. captures list over a >= 1 GiB log: the 20,000 captures repeated, each copy's ids
#    made distinct (a prefix per copy), so nothing is deduplicated away.
GIB=${CAPTURES_GIB:-1}
if [[ ! -f $BIG || $(stat -c %s "$BIG") -lt $((GIB << 30)) || $SRC -nt $BIG ]]; then
  python3 - "$SRC" "$BIG" "$((GIB << 30))" <<'PY'
import sys
src, dst, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, "rb").read().splitlines(keepends=True)
written = copy = 0
with open(dst, "wb") as out:
    while written < target:
        tag = b'"id":"c%06d-' % copy
        chunk = b"".join(l.replace(b'"id":"', tag, 1) for l in lines)
        out.write(chunk)
        written += len(chunk)
        copy += 1
PY
fi
big_lines=$(wc -l < "$BIG")
big_bytes=$(stat -c %s "$BIG")
/usr/bin/time -v "$HOOKCAT" captures list "$BIG" --json > /dev/null 2> "$OUT/captures-list-time.txt" && rc=0 || rc=$?
cl_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/captures-list-time.txt")
cl_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/captures-list-time.txt")
cl_user=$(awk -F': ' '/User time/ {print $2}' "$OUT/captures-list-time.txt")
cl_sys=$(awk -F': ' '/System time/ {print $2}' "$OUT/captures-list-time.txt")

python3 - "$RES" "$COUNT" <<PY
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
count = int(sys.argv[2])
rounds = sorted({int(r["round"]) for r in rows})
def verdict(ok): return "PASS" if ok else "FAIL"
print()
print(f"{count} requests of 1 KiB to nginx return 200, concurrency 50; req/s from each process's wall time (reported rate in brackets)")
print("%-8s" % "tool" + "".join("%20s" % f"round {i}" for i in rounds) + "%10s" % "median" + "   2xx per run")
med = {}
for t in ("replay", "send"):
    v = {int(r["round"]): r for r in rows if r["tool"] == t}
    med[t] = statistics.median(float(x["wall_req_s"]) for x in v.values())
    cells = []
    for i in rounds:
        rep = v[i]["reported_req_s"]
        rep = "-" if rep in ("-", "null", "") else "%.0f" % float(rep)
        cells.append("%20s" % ("%.0f [%s]" % (float(v[i]["wall_req_s"]), rep)))
    print("%-8s" % t + "".join(cells) + "%10.0f" % med[t] + "   " + " ".join(v[i]["ok_2xx"] for i in rounds))
ratio = med["replay"] / med["send"]
print(f"\nreplay/send, wall time {ratio:.3f}x  (target >= 0.8)  {verdict(ratio >= 0.8)}")
# Each round runs both tools back to back: its ratio is less exposed to the machine's
# drift over minutes than the ratio of medians (shown for information; the verdict
# above is the ratio of the medians).
paired = [float(next(r for r in rows if r["tool"] == "replay" and int(r["round"]) == i)["wall_req_s"])
          / float(next(r for r in rows if r["tool"] == "send" and int(r["round"]) == i)["wall_req_s"]) for i in rounds]
print("replay/send per round: " + " ".join(f"{x:.3f}" for x in paired) + f"  (median {statistics.median(paired):.3f})")
reps = {t: [float(r["reported_req_s"]) for r in rows if r["tool"] == t and r["reported_req_s"] not in ("-", "null", "")] for t in ("replay", "send")}
if len(reps["replay"]) == len(rounds) and len(reps["send"]) == len(rounds):
    print(f"replay/send, each one's own rate (sending loop only, without start-up and reading the log) "
          f"{statistics.median(reps['replay']) / statistics.median(reps['send']):.2f}x")
cpu = {t: statistics.median(float(r["cpu_s"]) for r in rows if r["tool"] == t) for t in ("replay", "send")}
print(f"hookcat's own CPU (user + sys) per request, median: replay {cpu['replay'] / count * 1e6:.1f} us, "
      f"send {cpu['send'] / count * 1e6:.1f} us ({cpu['replay'] / cpu['send']:.2f}x; nginx shares the 2 cores)")
bad = [r for r in rows if r["ok_2xx"] != str(count)]
if bad:
    print("note: runs without all requests answered 2xx: " + ", ".join(f"{r['tool']} round {r['round']} ({r['ok_2xx']})" for r in bad))
print()
rss = int("$cl_rss")
print(f"captures list --json over $big_bytes bytes ($big_lines records): exit $rc, wall $cl_wall, user ${cl_user}s, sys ${cl_sys}s, "
      f"peak RSS {rss / 1024:.1f} MiB  (target < 64)  {verdict(rss < 64 * 1024 and $rc == 0)}")
PY
