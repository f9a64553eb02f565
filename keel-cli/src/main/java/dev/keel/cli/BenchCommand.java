package dev.keel.cli;

import dev.keel.Tensor;
import dev.keel.Tensors;
import dev.keel.callbacks.Callback;
import dev.keel.io.datasets.FashionMnist;
import dev.keel.kernels.Parallel;
import dev.keel.models.Sequential;
import dev.keel.trainers.FitConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keel bench train}: training throughput of the article's model on Fashion-MNIST, the median of
 * several timed epochs after a warm-up epoch, for each batch size, with and without BN. With several
 * thread counts, each round trains one epoch per thread count in turn, so their ratio is paired.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures training (train) or inference (infer) throughput of the article's model on Fashion-MNIST.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "What to measure: train or infer; or plot (samples/s vs batch size from saved bench tables).",
            defaultValue = "train")
    String what;

    @Option(names = "--batch-sizes", split = ",", description = "Batch sizes (default: ${DEFAULT-VALUE}).", defaultValue = "32,128,1024")
    int[] batchSizes;

    @Option(names = "--warmup", description = "Seconds of warm-up before timing, for the JIT: whole epochs (train) or batch-1024 passes (infer) (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    double warmupSeconds;

    @Option(names = "--epochs", description = "Timed rounds per configuration, after a warm-up epoch; each round trains one epoch per thread count (default: ${DEFAULT-VALUE}).", defaultValue = "3")
    int epochs;

    @Option(names = "--threads", split = ",", description = "Thread counts to try (default: all processors).")
    int[] threads;

    @Option(names = "--samples", description = "Training samples per epoch (default: all 60,000).")
    Integer samples;

    @Option(names = "--bn", description = "BN variants: both, on or off (default: ${DEFAULT-VALUE}).", defaultValue = "both")
    String bn;

    @Option(names = "--widths", split = ",", description = "Instead of the article's 128-64: hidden widths W to try, as Dense(W) → BN → Dense(W/2) → BN (e.g. 128,256,512,1024,2048).")
    int[] widths;

    @Option(names = "--data", description = "Fashion-MNIST directory.")
    Path data;

    @Option(names = "--tables", split = ",", paramLabel = "NAME=FILE", description = "plot: bench train tables to draw, e.g. Keel=keel.md,PyTorch=pytorch.md.")
    java.util.Map<String, Path> tables;

    @Option(names = "--output", description = "plot: the PNG to write.")
    Path output;


    @Override
    public Integer call() throws java.io.IOException {
        if (what.equals("plot")) return plot();
        if (!what.equals("train") && !what.equals("infer")) throw new IllegalArgumentException("unknown benchmark '" + what + "'; valid: train, infer, plot");
        if (epochs < 1) throw new IllegalArgumentException("--epochs must be >= 1");
        if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) throw new IllegalArgumentException("--warmup must be 0 to 3600 seconds, got " + warmupSeconds);
        FashionMnist.Data d = FashionMnist.load(data);
        if (what.equals("infer")) return infer(d);
        Tensor x = d.xTrain(), y = Tensors.oneHot(d.yTrain(), 10);
        if (samples != null) { x = x.slice(0, samples); y = y.slice(0, samples); }
        int[] ts = threads != null ? threads : new int[] {Parallel.threads()};
        List<Boolean> bns = switch (bn) {
            case "both" -> List.of(true, false);
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            default -> throw new IllegalArgumentException("--bn must be both, on or off");
        };
        if (widths != null) return scaling(x, y);
        System.out.println(machine());
        System.out.println("| model | batch | threads | samples/s (median) | ms/epoch (median) | epochs timed | vs " + ts[0] + " thread(s), paired epochs | cores far apart |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        int saved = Parallel.threads();
        Parallel.watchPlacement(true);   // for the "cores far apart" column
        try {
            for (int bs : batchSizes) {
                for (boolean withBn : bns) {
                    long[][] far = new long[ts.length][2];
                    double[][] secs = epochSeconds(DemoCommand.articleModel(withBn, 0.99, 1e-3), x, y, bs, ts, far);
                    for (int i = 0; i < ts.length; i++) {
                        double med = median(secs[i]);
                        System.out.printf(Locale.ROOT, "| %s | %d | %d | %,.0f | %.0f | %d | %s | %s |%n", withBn ? "with BN" : "no BN",
                                bs, ts[i], x.rows() / med, med * 1e3, epochs, pairedRatio(secs[0], secs[i]), farShare(far[i]));
                    }
                }
            }
        } finally {
            Parallel.watchPlacement(false);
            Parallel.setThreads(saved);
        }
        return 0;
    }

    /**
     * Compiles {@code m}, trains it for {@code --warmup} seconds of whole epochs to warm up the JIT, then in one
     * {@code fit} call, as a Keras user would: one more warm-up epoch per thread count, then {@code epochs} rounds
     * in which every thread count trains one epoch in turn, switched by a callback at each epoch's start:
     * {@code secs[thread count][round]}, from epoch begin to epoch end. So the times hold training only, as the
     * PyTorch peer's do, and not fit's one-off checks of x and y for NaN/Inf (16 ms for Fashion-MNIST, 2-3% of a
     * batch-1024 epoch). Interleaving the thread counts makes their ratio robust to this machine's drift, which
     * moves separate runs by ±25%. {@code far[thread count]} gets the timed epochs' probes of how far apart the
     * cores were ({@link Parallel#probeCounts}): {probes, far}.
     */
    private double[][] epochSeconds(Sequential m, Tensor x, Tensor y, int bs, int[] ts, long[][] far) {
        m.compile("adam", "categorical_crossentropy", "accuracy");
        // C2 compiles the training loop for seconds, and one batch-1024 epoch takes 0.2 s on the Xeon of session
        // 8: after a single warm-up epoch, batch 1024 timed at 263k samples/s against 312-341k once warm. So
        // first train whole epochs for --warmup seconds, at the first thread count; the fit below still begins
        // with one warm-up epoch per thread count.
        Parallel.setThreads(ts[0]);
        for (long end = System.nanoTime() + (long) (warmupSeconds * 1e9); System.nanoTime() < end; ) {
            m.fit(x, y, FitConfig.builder().epochs(1).batchSize(bs).verbose(0).seed(0).build());
        }
        double[][] secs = new double[ts.length][epochs];
        Callback timer = new Callback() {
            private long start;
            private long[] probes;

            @Override
            public void onEpochBegin(int epoch, java.util.Map<String, Double> logs) {
                Parallel.setThreads(ts[epoch % ts.length]);
                probes = Parallel.probeCounts();
                start = System.nanoTime();
            }

            @Override
            public void onEpochEnd(int epoch, java.util.Map<String, Double> logs) {
                int round = epoch / ts.length - 1;   // round -1 is the warm-up
                if (round < 0) return;
                secs[epoch % ts.length][round] = (System.nanoTime() - start) / 1e9;
                long[] now = Parallel.probeCounts();
                for (int j = 0; j < 2; j++) far[epoch % ts.length][j] += now[j] - probes[j];
            }
        };
        m.fit(x, y, FitConfig.builder().epochs((epochs + 1) * ts.length).batchSize(bs).verbose(0).seed(0)
                .callbacks(timer).build());
        return secs;
    }

    /**
     * One line naming what the table was measured on: the CPU, the JDK and the GEMM micro-kernel chosen for its
     * vector width. Figures from an AVX-512 and an AVX2 machine differ by 2x or more, so a table must say which.
     */
    static String machine() {
        return "Keel on " + dev.keel.kernels.Machine.describe();
    }

    /**
     * The share of probes that found the two cores far apart (over {@link Parallel#FAR_NANOS} ns), e.g. "40% of 52": on a
     * VM whose vCPUs the hypervisor moves between CCDs, two-thread figures depend on it. "-" with one thread.
     */
    private static String farShare(long[] probesFar) {
        if (probesFar[0] == 0) return "-";
        return String.format(Locale.ROOT, "%.0f%% of %d", 100.0 * probesFar[1] / probesFar[0], probesFar[0]);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The speed of {@code secs} relative to {@code base}: the median of the per-round ratios, and their range. */
    private static String pairedRatio(double[] base, double[] secs) {
        if (base == secs) return "1.00×";
        double[] r = new double[secs.length];
        for (int e = 0; e < r.length; e++) r[e] = base[e] / secs[e];
        double[] s = r.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(r), s[0], s[s.length - 1]);
    }

    /** Cost against width: the training FLOPs per sample and the rate achieved, for Dense(W) → BN → Dense(W/2) → BN → Dense(10). */
    private Integer scaling(Tensor x, Tensor y) {
        int[] ts = threads != null ? threads : new int[] {Parallel.threads()};
        System.out.println(machine());
        System.out.println("| hidden widths | threads | batch | MFLOP/sample | samples/s (median) | ms/epoch | GFLOP/s | vs " + ts[0] + " thread(s), paired epochs |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        int saved = Parallel.threads();
        try {
            for (int bs : batchSizes) {
                for (int w : widths) {
                    double[][] secs = epochSeconds(DemoCommand.mlp(w, w / 2, true, 0.99, 1e-3), x, y, bs, ts, new long[ts.length][2]);
                    // forward + weight-gradient GEMMs for every layer, input gradients for all but the first
                    long macs = 784L * w + (long) w * (w / 2) + (w / 2) * 10L;
                    double flops = 2.0 * (2 * macs + ((long) w * (w / 2) + (w / 2) * 10L));
                    for (int i = 0; i < ts.length; i++) {
                        double med = median(secs[i]);
                        System.out.printf(Locale.ROOT, "| %d-%d | %d | %d | %.2f | %,.0f | %.0f | %.0f | %s |%n", w, w / 2, ts[i], bs, flops / 1e6,
                                x.rows() / med, med * 1e3, x.rows() / med * flops / 1e9, pairedRatio(secs[0], secs[i]));
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        return 0;
    }

    /**
     * Inference: latency of {@code predict} on one sample (p50 and p99 of 5,000 calls after 2,000 warm-up calls)
     * and throughput of {@code predict} on the 10,000 test images at batch 1024 (median of 15 passes after
     * {@code --warmup} seconds of warm-up passes), for the article's model trained one epoch, unfused and with BN
     * folded into the Dense layers.
     */
    private Integer infer(FashionMnist.Data d) {
        Sequential m = DemoCommand.articleModel(true, 0.99, 1e-3);
        m.compile("adam", "categorical_crossentropy");
        m.fit(d.xTrain().slice(0, 20_000), Tensors.oneHot(d.yTrain().slice(0, 20_000), 10), FitConfig.builder().epochs(1).verbose(0).build());
        System.out.println(machine());
        System.out.println("| model | batch-1 latency p50 (µs) | p99 (µs) | batch-1024 samples/s |");
        System.out.println("|---|---|---|---|");
        int saved = Parallel.threads();
        try {
            if (threads != null) Parallel.setThreads(threads[0]);
            for (boolean fused : new boolean[] {false, true}) {
                Sequential model = fused ? m.fuseForInference() : m;
                Tensor one = d.xTest().slice(0, 1);
                for (int i = 0; i < 2000; i++) model.predict(one, 1);
                long[] ns = new long[5000];
                for (int i = 0; i < ns.length; i++) {
                    Tensor x = d.xTest().slice(i % 1000, i % 1000 + 1);
                    long t0 = System.nanoTime();
                    model.predict(x, 1);
                    ns[i] = System.nanoTime() - t0;
                }
                Arrays.sort(ns);
                double[] secs = new double[15];
                // At least 5 passes and --warmup seconds: with 3 passes, the first model timed (unfused) still ran
                // while C2 compiled its batch-1024 paths, 0.48-0.75x PyTorch against 1.08-1.18x for the folded one.
                long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int i = 0; i < 5 || System.nanoTime() < end; i++) model.predict(d.xTest(), 1024);
                for (int i = 0; i < secs.length; i++) {
                    long t0 = System.nanoTime();
                    model.predict(d.xTest(), 1024);
                    secs[i] = (System.nanoTime() - t0) / 1e9;
                }
                Arrays.sort(secs);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %,.0f |%n", fused ? "with BN, folded" : "with BN",
                        ns[ns.length / 2] / 1e3, ns[(int) (ns.length * 0.99)] / 1e3, d.xTest().rows() / secs[secs.length / 2]);
            }
        } finally {
            Parallel.setThreads(saved);
        }
        return 0;
    }

    /** Samples/s against batch size, one line per table and model variant (log-log), from saved bench train tables. */
    private int plot() throws java.io.IOException {
        if (tables == null || tables.isEmpty() || output == null) throw new IllegalArgumentException("plot needs --tables NAME=FILE,... and --output PNG");
        List<Chart.Series> series = new java.util.ArrayList<>();
        for (var t : tables.entrySet()) {
            java.util.Map<String, java.util.TreeMap<Integer, Double>> byModel = new java.util.LinkedHashMap<>();
            for (String line : java.nio.file.Files.readAllLines(t.getValue())) {
                String[] c = line.strip().replaceAll("^\\||\\|$", "").split("\\|");
                if (c.length < 4 || !c[1].strip().matches("\\d+")) continue;
                byModel.computeIfAbsent(c[0].strip(), k -> new java.util.TreeMap<>())
                        .put(Integer.parseInt(c[1].strip()), Double.parseDouble(c[3].strip().replace(",", "")));
            }
            if (byModel.isEmpty()) throw new IllegalArgumentException(t.getValue() + " holds no bench train table rows");
            for (var m : byModel.entrySet()) {
                double[] xs = m.getValue().keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                double[] ys = m.getValue().values().stream().mapToDouble(Double::doubleValue).toArray();
                series.add(new Chart.Series(t.getKey() + ", " + m.getKey(), xs, ys, !m.getKey().equals("with BN")));
            }
        }
        Chart.write(output, "Training throughput, article's model on Fashion-MNIST", "batch size", "samples/s", true, true, series);
        System.out.println("plot: " + output.toAbsolutePath());
        return 0;
    }
}
