#!/usr/bin/env bash
# hookcat sign vs openssl dgst -hmac: throughput on a 256 MiB file, peak RSS, and the
# wall time on a 1 KiB body (mostly process start). Targets: >= 0.9x openssl's
# throughput, < 16 MiB peak RSS, no slower than openssl on 1 KiB.
# Usage: bash bench/sign.sh   (HOOKCAT=path/to/hookcat to use another binary)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOOKCAT=${HOOKCAT:-target/bench/release/hookcat}
[[ -x $HOOKCAT ]] || CARGO_TARGET_DIR=target/bench cargo build --release
for t in hyperfine openssl python3 /usr/bin/time; do command -v "$t" >/dev/null || { echo "missing $t: run bash bench/setup.sh" >&2; exit 2; }; done
OUT=bench/out
mkdir -p "$OUT"

echo "sign.sh  $(date -u +%FT%TZ)  $(nproc) cores  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)  $("$HOOKCAT" --version)  $(openssl version | cut -d' ' -f1,2)"

KEY=bench-secret-0123456789abcdef
export S=$KEY
BIG=$OUT/rand256m.bin
SIZE=$((256 << 20))
if [[ ! -f $BIG || $(stat -c %s "$BIG") -ne $SIZE ]]; then
  head -c "$SIZE" /dev/urandom > "$BIG"
fi
SMALL=bench/body1k.json

# The two must agree before their speed means anything.
h=$("$HOOKCAT" sign --scheme github --secret-env S "$SMALL" | sed -n 's/^X-Hub-Signature-256: sha256=//Ip')
o=$(openssl dgst -sha256 -hmac "$KEY" "$SMALL" | awk '{print $NF}')
[[ -n $h && $h == "$o" ]] || { echo "signatures differ: hookcat=$h openssl=$o" >&2; exit 1; }

# (a) 256 MiB: throughput. One warm-up each (the file is then in the page cache), then
# $RUNS alternating runs (hookcat, openssl / openssl, hookcat, ...) timed by hyperfine, so
# that the machine's noise falls on both alike.
RUNS=${RUNS:-5}
hyperfine -N --style none --runs 1 \
  -n hookcat "$HOOKCAT sign --scheme github --secret-env S $BIG" \
  -n openssl "openssl dgst -sha256 -hmac $KEY $BIG" > /dev/null 2>"$OUT/sign-hyperfine.err"
for ((r = 1; r <= RUNS; r++)); do
  a=(-n hookcat "$HOOKCAT sign --scheme github --secret-env S $BIG")
  b=(-n openssl "openssl dgst -sha256 -hmac $KEY $BIG")
  if ((r % 2)); then order=("${a[@]}" "${b[@]}"); else order=("${b[@]}" "${a[@]}"); fi
  hyperfine -N --style none --runs 1 --export-json "$OUT/sign-256m-$r.json" "${order[@]}" > /dev/null 2>>"$OUT/sign-hyperfine.err"
done

rss_kib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
rss_h=$(rss_kib "$HOOKCAT" sign --scheme github --secret-env S "$BIG")
rss_o=$(rss_kib openssl dgst -sha256 -hmac "$KEY" "$BIG")

# (b) 1 KiB: wall time per process (hyperfine's default: at least 3 s or 10 runs each)
hyperfine -N --style none --warmup 20 --export-json "$OUT/sign-1k.json" \
  -n hookcat "$HOOKCAT sign --scheme github --secret-env S $SMALL" \
  -n openssl "openssl dgst -sha256 -hmac $KEY $SMALL" > /dev/null 2>>"$OUT/sign-hyperfine.err"

python3 - "$OUT" "$RUNS" "$SIZE" "$rss_h" "$rss_o" <<'PY'
import json, statistics, sys
out, runs, size, rss_h, rss_o = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t = {"hookcat": [], "openssl": []}
for r in range(1, runs + 1):
    for res in json.load(open(f"{out}/sign-256m-{r}.json"))["results"]:
        t[res["command"]].append(res["times"][0])
def verdict(ok): return "PASS" if ok else "FAIL"
print()
print(f"(a) 256 MiB file, {runs} alternating runs each after 1 warm-up; MB = 10^6 bytes")
print("%-9s %-36s %10s %7s %10s" % ("tool", "runs (ms)", "median ms", "MB/s", "peak RSS"))
med = {}
for k, rss in (("hookcat", rss_h), ("openssl", rss_o)):
    med[k] = statistics.median(t[k])
    print("%-9s %-36s %10.0f %7.0f %6.1f MiB" % (k, " ".join("%.0f" % (x * 1000) for x in t[k]), med[k] * 1000, size / med[k] / 1e6, rss / 1024))
ratio = med["openssl"] / med["hookcat"]
per_run = statistics.median(o / h for h, o in zip(t["hookcat"], t["openssl"]))
print(f"throughput hookcat/openssl: {ratio:.2f}x (median of per-run ratios {per_run:.2f}x)  (target >= 0.9)  {verdict(ratio >= 0.9)}")
print(f"hookcat sign peak RSS: {rss_h / 1024:.1f} MiB  (target < 16)  {verdict(rss_h < 16 * 1024)}")
print()
print("(b) 1 KiB body, hyperfine -N --warmup 20")
print("%-9s %6s %10s %8s %8s" % ("tool", "runs", "median ms", "mean ms", "sd ms"))
small = {res["command"]: res for res in json.load(open(f"{out}/sign-1k.json"))["results"]}
for k in ("hookcat", "openssl"):
    x = small[k]
    print("%-9s %6d %10.2f %8.2f %8.2f" % (k, len(x["times"]), x["median"] * 1000, x["mean"] * 1000, x["stddev"] * 1000))
r = small["hookcat"]["median"] / small["openssl"]["median"]
print(f"wall time hookcat/openssl: {r:.2f}x  (target <= 1.0)  {verdict(r <= 1.0)}")
PY
