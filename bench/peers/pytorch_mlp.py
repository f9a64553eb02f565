"""PyTorch peer for `keel bench train`: the article's model on Fashion-MNIST, same data, batch sizes and timing.

Model: Linear(784,128) ReLU BatchNorm1d(128) Linear(128,64) ReLU BatchNorm1d(64) Linear(64,10), softmax cross-entropy
(fused, from logits), Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-7). BN uses Keras's defaults in PyTorch's convention:
momentum 0.01 (= Keras 0.99), eps 1e-3. Throughput = training samples / median epoch time, after one warm-up epoch,
shuffling each epoch by indexing preloaded tensors (no DataLoader overhead).

Run with Debian's PyTorch:  /usr/bin/python3 bench/peers/pytorch_mlp.py --threads 2 --blas-threads 1 --batch-sizes 32,128,1024

Threads: --threads sets PyTorch's intra-op threads (torch.set_num_threads) and --blas-threads OpenBLAS's own
threads (OPENBLAS_NUM_THREADS, set before torch loads it). Debian's PyTorch calls a pthreads OpenBLAS, which starts
its own threads for every GEMM; with both at 2 on a 2-core machine the two pools fight over the cores, and
training at batch 1024 ran 2-3x slower than with either at 1. bench/compare.sh therefore runs every thread
layout that fits the cores (N:1, 1:N and 1:1) and compares Keel with the fastest.
"""
import argparse, gzip, os, struct, time

np = torch = nn = None   # imported in main(), after OPENBLAS_NUM_THREADS is set


def idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def model(bn):
    layers = [nn.Linear(784, 128), nn.ReLU()]
    if bn: layers.append(nn.BatchNorm1d(128, eps=1e-3, momentum=0.01))
    layers += [nn.Linear(128, 64), nn.ReLU()]
    if bn: layers.append(nn.BatchNorm1d(64, eps=1e-3, momentum=0.01))
    layers.append(nn.Linear(64, 10))
    return nn.Sequential(*layers)


def epoch(net, opt, lossf, x, y, bs):
    perm = torch.randperm(x.shape[0])
    for i in range(0, x.shape[0], bs):
        idx_ = perm[i:i + bs]
        opt.zero_grad(set_to_none=True)
        loss = lossf(net(x[idx_]), y[idx_])
        loss.backward()
        opt.step()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.environ.get("KEEL_DATA", "/usr/share/datasets/fashion-mnist"))
    p.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    p.add_argument("--blas-threads", type=int, default=1, help="OpenBLAS threads (OPENBLAS_NUM_THREADS)")
    p.add_argument("--batch-sizes", default="32,128,1024")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--samples", type=int, default=None)
    p.add_argument("--bn", default="both", choices=["both", "on", "off"])
    p.add_argument("--accuracy", action="store_true",
                   help="instead of timing: train --epochs epochs at each batch size and report test accuracy")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--infer", action="store_true",
                   help="instead of training throughput: batch-1 latency (p50, p99) and batch-1024 throughput of predict")
    a = p.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(a.blas_threads)
    global np, torch, nn
    import numpy as np
    import torch
    from torch import nn
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = torch.from_numpy(idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    if a.samples: x, y = x[:a.samples], y[:a.samples]
    bns = {"both": [True, False], "on": [True], "off": [False]}[a.bn]
    if a.infer:
        xt = torch.from_numpy(idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255)
        net = model(True); net.train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
        epoch(net, opt, nn.CrossEntropyLoss(), x[:20000], y[:20000], 32)
        net.eval()
        print(f"| model | batch-1 latency p50 (µs) | p99 (µs) | batch-1024 samples/s |  (PyTorch {torch.__version__}, {a.threads} threads, OpenBLAS {a.blas_threads})")
        print("|---|---|---|---|")
        with torch.no_grad():
            one = xt[:1]
            for _ in range(2000): net(one)
            ns = []
            for i in range(5000):
                xi = xt[i % 1000:i % 1000 + 1]
                t = time.perf_counter_ns(); net(xi); ns.append(time.perf_counter_ns() - t)
            ns.sort()
            secs = []
            for _ in range(3): [net(xt[i:i + 1024]) for i in range(0, xt.shape[0], 1024)]
            for _ in range(15):
                t = time.perf_counter()
                for i in range(0, xt.shape[0], 1024): net(xt[i:i + 1024])
                secs.append(time.perf_counter() - t)
            secs.sort()
        print(f"| with BN | {ns[len(ns) // 2] / 1e3:.1f} | {ns[int(len(ns) * 0.99)] / 1e3:.1f} | {xt.shape[0] / secs[len(secs) // 2]:,.0f} |")
        return
    if a.accuracy:
        xt = torch.from_numpy(idx(os.path.join(a.data, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255)
        yt = torch.from_numpy(idx(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
        for bs in map(int, a.batch_sizes.split(",")):
            for bn in bns:
                net = model(bn); net.train()
                opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
                for _ in range(a.epochs): epoch(net, opt, nn.CrossEntropyLoss(), x, y, bs)
                net.eval()
                with torch.no_grad(): acc = (net(xt).argmax(1) == yt).float().mean().item()
                print(f"{'with BN' if bn else 'no BN'} batch {bs} epochs {a.epochs} seed {a.seed}: test accuracy {acc:.4f}")
        return
    print(f"| model | batch | threads | samples/s (median) | ms/epoch (median) | epochs timed |  (PyTorch {torch.__version__}, {a.threads} threads, OpenBLAS {a.blas_threads})")
    print("|---|---|---|---|---|---|")
    for bs in map(int, a.batch_sizes.split(",")):
        for bn in bns:
            net = model(bn); net.train()
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
            lossf = nn.CrossEntropyLoss()
            epoch(net, opt, lossf, x, y, bs)  # warm-up
            secs = []
            for _ in range(a.epochs):
                t = time.perf_counter(); epoch(net, opt, lossf, x, y, bs); secs.append(time.perf_counter() - t)
            med = sorted(secs)[len(secs) // 2]
            print(f"| {'with BN' if bn else 'no BN'} | {bs} | {a.threads} | {x.shape[0] / med:,.0f} | {med * 1e3:.0f} | {a.epochs} |")


if __name__ == "__main__":
    main()
