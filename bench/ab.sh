#!/usr/bin/env bash
# Side-by-side A/B of whole commands: each of "label::command" runs ROUNDS times (default 8),
# in an order rotated every round, timed by the clock (wall, to the nanosecond) and by
# /usr/bin/time (user, sys). Prints medians of wall, user, sys and CPU time, and per round
# the last label's wall time over each one's (its speed against the last). Usage: ROUNDS=9 bash bench/ab.sh "a::cmd a" "b::cmd b" "ref::cmd ref"
# PER_ROUND=1 also prints every round's wall times (ms): on this machine, whose speed moves
# between a quiet and a contended state for minutes at a time, the reference's wall time
# tells which state each round ran in.
ROUNDS=${ROUNDS:-8}
labels=(); cmds=()
for a in "$@"; do labels+=("${a%%::*}"); cmds+=("${a#*::}"); done
n=${#labels[@]}
tmp=$(mktemp -d)
for ((r=0; r<ROUNDS; r++)); do
  for ((k=0; k<n; k++)); do
    i=$(( (k + r) % n ))
    t0=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o "$tmp/t" bash -c "${cmds[$i]}" >/dev/null 2>"$tmp/err" || { echo "FAIL ${labels[$i]}"; tail -3 "$tmp/err"; }
    t1=$(date +%s%N)
    # Wall time to the nanosecond (time's own is to the hundredth of a second).
    d=$((t1 - t0))
    echo "$r $(printf '%d.%09d' $((d / 1000000000)) $((d % 1000000000))) $(cat "$tmp/t")" >> "$tmp/${labels[$i]}"
  done
done
ref=${labels[$((n-1))]}
PER_ROUND=${PER_ROUND:-0} python3 - "$tmp" "$ref" "${labels[@]}" <<'PY'
import os, sys, statistics as st
tmp, ref, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
data = {}
for l in labels:
    rows = [list(map(float, line.split())) for line in open(f"{tmp}/{l}")]
    data[l] = {int(r[0]): r[1:] for r in rows}
for l in labels:
    d = data[l]
    w = [v[0] for v in d.values()]; u=[v[1] for v in d.values()]; s=[v[2] for v in d.values()]
    c = [v[1]+v[2] for v in d.values()]
    ratios = [data[ref][r][0]/d[r][0] for r in d if r in data[ref]]
    print(f"{l:12s} wall {st.median(w):.3f}  user {st.median(u):.3f}  sys {st.median(s):.3f}  cpu {st.median(c):.3f}  speed-vs-{ref} median {st.median(ratios):.3f}  [{' '.join(f'{x:.2f}' for x in ratios)}]")
if os.environ.get("PER_ROUND") == "1":
    print("round " + " ".join(f"{l:>10s}" for l in labels) + "   (wall ms)")
    for r in sorted(data[ref]):
        print(f"{r:5d} " + " ".join(f"{data[l][r][0] * 1000:10.0f}" if r in data[l] else f"{'-':>10s}" for l in labels))
PY
rm -rf "$tmp"
