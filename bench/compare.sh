#!/usr/bin/env bash
# Keel vs PyTorch, training the article's model on Fashion-MNIST: same data, batch sizes, threads and timing
# (median epoch after one warm-up), in one invocation. Prints both tables and the Keel/PyTorch ratios.
#   bench/compare.sh [--threads 2] [--batch-sizes 32,128,1024] [--epochs 3]
# Needs Debian's python3-torch, running on OpenBLAS (libopenblas0-pthread): Debian builds PyTorch against the
# generic libblas.so.3, and with the reference BLAS behind it PyTorch would be 20x slower than it can be.
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2; batches=32,128,1024; epochs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2;;
    --batch-sizes) batches=$2; shift 2;;
    --epochs) epochs=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "compare: installing python3-torch and libopenblas0-pthread..." >&2
    apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
  else
    echo "compare: needs 'apt-get install python3-torch libopenblas0-pthread'" >&2; exit 1
  fi
fi
out=keel-out/bench; mkdir -p "$out"
echo "== Keel ($threads threads)"
./keel bench train --threads "$threads" --batch-sizes "$batches" --epochs "$epochs" | tee "$out/keel-train.md"
echo "== PyTorch ($threads threads)"
OMP_NUM_THREADS=$threads /usr/bin/python3 bench/peers/pytorch_mlp.py --threads "$threads" --batch-sizes "$batches" --epochs "$epochs" | tee "$out/pytorch-train.md"
python3 - "$out/keel-train.md" "$out/pytorch-train.md" <<'PY'
import sys
def rows(path):
    out = {}
    for line in open(path):
        c = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(c) >= 4 and c[1].isdigit():
            out[(c[0], int(c[1]))] = float(c[3].replace(",", ""))
    return out
k, p = rows(sys.argv[1]), rows(sys.argv[2])
# forward and weight-gradient GEMMs for every layer, input gradients for all but the first: x2 flops per multiply-add
flops_per_sample = 2 * (2 * (784 * 128 + 128 * 64 + 64 * 10) + (128 * 64 + 64 * 10))
print("\n| model | batch | Keel samples/s | PyTorch samples/s | Keel / PyTorch | Keel GFLOP/s |")
print("|---|---|---|---|---|---|")
for key in sorted(k, key=lambda t: (t[1], t[0])):
    if key in p:
        print(f"| {key[0]} | {key[1]} | {k[key]:,.0f} | {p[key]:,.0f} | {k[key] / p[key]:.2f}x | {k[key] * flops_per_sample / 1e9:.0f} |")
PY
./keel bench plot --tables "Keel=$out/keel-train.md,PyTorch=$out/pytorch-train.md" --output "$out/throughput-vs-batch.png"
echo "== Inference: Keel ($threads threads)"
./keel bench infer --threads "$threads" | tee "$out/keel-infer.md"
echo "== Inference: PyTorch ($threads threads)"
OMP_NUM_THREADS=$threads /usr/bin/python3 bench/peers/pytorch_mlp.py --infer --threads "$threads" | tee "$out/pytorch-infer.md"
python3 - "$out/keel-infer.md" "$out/pytorch-infer.md" <<'PY'
import sys
def rows(path):
    out = []
    for line in open(path):
        c = [x.strip() for x in line.strip().strip("|").split("|")]
        if len(c) >= 4 and c[1].replace(".", "").isdigit():
            out.append((c[0], float(c[1]), float(c[2]), float(c[3].replace(",", ""))))
    return out
k, p = rows(sys.argv[1]), rows(sys.argv[2])[0]
print("\n| Keel model | batch-1 p50: PyTorch / Keel | batch-1024 throughput: Keel / PyTorch |")
print("|---|---|---|")
for r in k:
    print(f"| {r[0]} | {p[1] / r[1]:.1f}x faster ({r[1]:.1f} vs {p[1]:.1f} µs) | {r[3] / p[3]:.2f}x ({r[3]:,.0f} vs {p[3]:,.0f} samples/s) |")
PY
