#!/usr/bin/env bash
# Keel vs PyTorch, training the article's model on Fashion-MNIST: same data, batch sizes, threads and timing
# (median epoch; Keel after 3 s of warm-up training for its JIT, PyTorch after one warm-up epoch), in one invocation. Prints both tables and the Keel/PyTorch ratios.
#   bench/compare.sh [--threads 2] [--batch-sizes 32,128,1024] [--epochs 3] [--rounds 1]
# With --rounds N, Keel and PyTorch take turns N times and every ratio is the median of the N same-round
# ratios, with their range: on a shared machine whose speed drifts by tens of percent within minutes, one
# round's ratio can be off by that much.
# Needs Debian's python3-torch, running on OpenBLAS (libopenblas0-pthread): Debian builds PyTorch against the
# generic libblas.so.3, and with the reference BLAS behind it PyTorch would be 20x slower than it can be.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2; batches=32,128,1024; epochs=3; rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2;;
    --batch-sizes) batches=$2; shift 2;;
    --epochs) epochs=$2; shift 2;;
    --rounds) rounds=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare: --rounds must be a positive integer, got '$rounds'" >&2; exit 2; }
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "compare: installing python3-torch and libopenblas0-pthread..." >&2
    apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
  else
    echo "compare: needs 'apt-get install python3-torch libopenblas0-pthread'" >&2; exit 1
  fi
fi
# PyTorch's thread layouts, "intra-op:OpenBLAS". Debian's PyTorch calls a pthreads OpenBLAS with its own thread
# pool; with both pools at $threads they fight over the cores (2-3x slower at batch 1024 on 2 cores), so the peer
# runs every layout that fits the cores and each row compares Keel with PyTorch's fastest.
if [ "$threads" = 1 ]; then layouts="1:1"; else layouts="$threads:1 1:$threads 1:1"; fi
out=keel-out/bench; mkdir -p "$out"
rm -f "$out"/round-*.md
for r in $(seq 1 "$rounds"); do
  [ "$rounds" -gt 1 ] && echo "== Round $r of $rounds"
  echo "== Keel, training ($threads threads; one JVM per batch size)"
  # One JVM per batch size, as JMH forks per benchmark: after batch-32 epochs the JIT's profiles made later
  # batch-1024 epochs in the same process bimodal (57k or 95-104k samples/s, against 82-90k in fresh JVMs).
  : > "$out/round-$r-keel-train.md"
  for bs in ${batches//,/ }; do
    ./keel bench train --threads "$threads" --batch-sizes "$bs" --epochs "$epochs" | tee -a "$out/round-$r-keel-train.md"
  done
  for layout in $layouts; do
    t=${layout%:*}; b=${layout#*:}
    echo "== PyTorch, training ($t intra-op threads, $b OpenBLAS threads)"
    OMP_NUM_THREADS=$t /usr/bin/python3 bench/peers/pytorch_mlp.py --threads "$t" --blas-threads "$b" --batch-sizes "$batches" --epochs "$epochs" | tee "$out/round-$r-pytorch-train-$t-$b.md"
  done
  echo "== Keel, inference ($threads threads)"
  ./keel bench infer --threads "$threads" | tee "$out/round-$r-keel-infer.md"
  for layout in $layouts; do
    t=${layout%:*}; b=${layout#*:}
    echo "== PyTorch, inference ($t intra-op threads, $b OpenBLAS threads)"
    OMP_NUM_THREADS=$t /usr/bin/python3 bench/peers/pytorch_mlp.py --infer --threads "$t" --blas-threads "$b" | tee "$out/round-$r-pytorch-infer-$t-$b.md"
  done
done
# Ratio tables (median over rounds, range in brackets), and median tables for the plot.
python3 - "$out" "$rounds" "$layouts" <<'PY'
import sys, statistics
out, rounds, layouts = sys.argv[1], int(sys.argv[2]), [l.replace(":", "-") for l in sys.argv[3].split()]
def cells(line):
    return [x.strip() for x in line.strip().strip("|").split("|")]
def train(path):
    rows = {}
    for line in open(path):
        c = cells(line)
        if len(c) >= 4 and c[1].isdigit():
            rows[(c[0], int(c[1]))] = float(c[3].replace(",", ""))
    return rows
def infer(path):
    rows = {}
    for line in open(path):
        c = cells(line)
        if len(c) >= 4 and c[1].replace(".", "").isdigit():
            rows[c[0]] = (float(c[1]), float(c[3].replace(",", "")))
    return rows
def fmt(values, unit="x"):
    med = statistics.median(values)
    return f"{med:.2f}{unit}" if len(values) == 1 else f"{med:.2f}{unit} ({min(values):.2f}-{max(values):.2f})"
K = [train(f"{out}/round-{r}-keel-train.md") for r in range(1, rounds + 1)]
def far(path):
    """Keel's "cores far apart" column (share of placement probes that found the vCPUs on far cores), per row."""
    rows = {}
    for line in open(path):
        c = cells(line)
        if len(c) >= 8 and c[1].isdigit(): rows[(c[0], int(c[1]))] = c[7].split(" ")[0]
    return rows
KF = [far(f"{out}/round-{r}-keel-train.md") for r in range(1, rounds + 1)]
def best(tables, pick):
    """Per row, PyTorch's fastest thread layout: {row: (value, layout)}."""
    rows = {}
    for layout, t in tables.items():
        for key, v in t.items():
            if key not in rows or pick(v, rows[key][0]): rows[key] = (v, layout.replace("-", ":"))
    return rows
PB = [best({l: train(f"{out}/round-{r}-pytorch-train-{l}.md") for l in layouts}, lambda a, b: a > b) for r in range(1, rounds + 1)]
P = [{k: v[0] for k, v in t.items()} for t in PB]
def winners(key, tables):
    return "/".join(sorted({t[key][1] for t in tables}))
# forward and weight-gradient GEMMs for every layer, input gradients for all but the first: x2 flops per multiply-add
flops_per_sample = 2 * (2 * (784 * 128 + 128 * 64 + 64 * 10) + (128 * 64 + 64 * 10))
label = "" if rounds == 1 else f", median of {rounds} rounds (range)"
print(f"\nPyTorch: the fastest of its thread layouts ({', '.join(l.replace('-', ':') for l in layouts)}; intra-op:OpenBLAS) in each round.")
print(f"\n| model | batch | Keel samples/s | PyTorch samples/s (layout) | Keel / PyTorch{label} | Keel GFLOP/s | Keel's cores far apart, by round |")
print("|---|---|---|---|---|---|---|")
keys = sorted(set(K[0]) & set(P[0]), key=lambda t: (t[1], t[0]))
for key in keys:
    k = [x[key] for x in K]; p = [x[key] for x in P]
    print(f"| {key[0]} | {key[1]} | {statistics.median(k):,.0f} | {statistics.median(p):,.0f} ({winners(key, PB)}) | "
          f"{fmt([a / b for a, b in zip(k, p)])} | {statistics.median(k) * flops_per_sample / 1e9:.0f} | {'/'.join(t.get(key, '?') for t in KF)} |")
for name, tables in (("keel", K), ("pytorch", P)):
    with open(f"{out}/{name}-train.md", "w") as f:
        f.write("| model | batch | threads | samples/s (median over rounds) |\n|---|---|---|---|\n")
        for key in keys:
            f.write(f"| {key[0]} | {key[1]} | - | {statistics.median(t[key] for t in tables):,.0f} |\n")
KI = [infer(f"{out}/round-{r}-keel-infer.md") for r in range(1, rounds + 1)]
# PyTorch's best latency and best throughput, each over its layouts (they may come from different layouts).
PIL = [{l: next(iter(infer(f"{out}/round-{r}-pytorch-infer-{l}.md").values())) for l in layouts} for r in range(1, rounds + 1)]
LAT = [min((v[0], l) for l, v in t.items()) for t in PIL]
THR = [max((v[1], l) for l, v in t.items()) for t in PIL]
lay = lambda xs: "/".join(sorted({l.replace("-", ":") for _, l in xs}))
print(f"\n| Keel model | batch-1 p50: PyTorch / Keel{label} | batch-1024 throughput: Keel / PyTorch{label} |")
print("|---|---|---|")
for model in KI[0]:
    lat = [p[0] / k[model][0] for k, p in zip(KI, LAT)]
    thr = [k[model][1] / p[0] for k, p in zip(KI, THR)]
    print(f"| {model} | {fmt(lat, 'x faster')} | {fmt(thr)} |")
print(f"\nPyTorch's medians: batch-1 p50 {statistics.median(v for v, _ in LAT):.1f} µs ({lay(LAT)}), "
      f"batch-1024 {statistics.median(v for v, _ in THR):,.0f} samples/s ({lay(THR)}).")
PY
./keel bench plot --tables "Keel=$out/keel-train.md,PyTorch=$out/pytorch-train.md" --output "$out/throughput-vs-batch.png"
