package dev.keel.bench;

import dev.keel.kernels.Parallel;
import dev.keel.layers.Layer;
import dev.keel.layers.Parameter;
import dev.keel.layers.SoftmaxHead;
import dev.keel.models.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where a training step of the article's model goes, layer by layer: {@code bin/bench step}. Each layer's forward
 * and backward and the Adam update are timed as the training loop calls them, on random data, with the thread
 * counts taking turns in runs of {@value #RUN} steps, each step of a run paired with the same step of the next
 * run at the other count. The second half of the steps is reported: medians per part and the median of the
 * paired ratios. The batch gather, the loss and the metrics are not included.
 *
 * <p>Runs, not single steps: a worker spins for 200 µs after a job before it parks, and when the counts took
 * turns step by step, every two-thread step followed a one-thread step long enough for the worker to park, so
 * its first split GEMM paid for waking it. At batch 32 that made the first layer's forward look slower on two
 * threads than on one (89 against 79 µs on an Intel Xeon), which training, where every step uses both, does
 * not see.
 */
public final class StepProfile {
    /** Steps in a row at one thread count. */
    static final int RUN = 16;

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench step: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) {
        int batch = 1024, steps = 0;
        int[] threads = {1, 2};
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--batch" -> batch = BenchArgs.positive("--batch", v);
                case "--steps" -> steps = BenchArgs.positive("--steps", v);
                case "--threads" -> threads = Arrays.stream(String.valueOf(v).split(",")).mapToInt(t -> BenchArgs.positive("--threads", t)).toArray();
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; valid: --batch N, --steps N, --threads 1,2");
            }
        }
        if (threads.length > 2) throw new IllegalArgumentException("--threads takes one or two counts, got " + threads.length);
        // By default about as many samples as 600 steps of 1024, so that small batches are past the JIT's warm-up.
        if (steps == 0) steps = (int) Math.min(20_000, Math.max(600, 600L * 1024 / batch));
        int cycle = RUN * threads.length;
        steps = Math.max(2, (steps + cycle - 1) / cycle) * cycle;   // whole cycles, at least two
        Sequential model = EpochRunner.articleModel();
        model.build(784);
        List<Layer> layers = model.layers();
        int n = layers.size();
        float[][] act = new float[n + 1][], grad = new float[n + 1][];
        Layer.Scratch[] scratch = new Layer.Scratch[n];
        SplittableRandom r = new SplittableRandom(1);
        act[0] = new float[batch * 784];
        for (int i = 0; i < act[0].length; i++) act[0][i] = (float) r.nextDouble();
        for (int i = 0; i < n; i++) {
            act[i + 1] = new float[batch * layers.get(i).outputSize()];
            grad[i + 1] = new float[act[i + 1].length];
            scratch[i] = layers.get(i).newScratch(batch);
        }
        for (int i = 0; i < grad[n].length; i++) grad[n][i] = (float) (r.nextDouble() - 0.5) * 1e-3f;   // dL/dlogits
        List<Parameter> params = model.trainableParameters();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) names.add("forward " + i + " " + layers.get(i).className());
        for (int i = n - 1; i >= 0; i--) names.add("backward " + i + " " + layers.get(i).className());
        names.add("Adam");
        long[][] t = new long[names.size()][steps];
        for (int s = 0; s < steps; s++) {
            Parallel.setThreads(threads[s / RUN % threads.length]);
            int part = 0;
            for (int i = 0; i < n; i++, part++) {
                long t0 = System.nanoTime();
                layers.get(i).forward(act[i], act[i + 1], batch, true, scratch[i]);
                t[part][s] = System.nanoTime() - t0;
            }
            for (int i = n - 1; i >= 0; i--, part++) {
                float[] dx = i > 0 ? grad[i] : null;
                long t0 = System.nanoTime();
                if (i == n - 1) ((SoftmaxHead) layers.get(i)).backwardFromPreActivation(act[i], grad[n], dx, batch, scratch[i]);
                else layers.get(i).backward(act[i], act[i + 1], grad[i + 1], dx, batch, scratch[i]);
                t[part][s] = System.nanoTime() - t0;
            }
            long t0 = System.nanoTime();
            model.optimizer().apply(params);
            t[part][s] = System.nanoTime() - t0;
        }
        report(names, t, steps, threads, batch);
    }

    private static void report(List<String> names, long[][] t, int steps, int[] threads, int batch) {
        int cycle = RUN * threads.length;   // one run at each count
        int from = steps / 2 / cycle * cycle;   // the second half, whole cycles
        int turns = (steps - from) / cycle * RUN;
        boolean paired = threads.length == 2;
        System.out.printf(Locale.ROOT, "Article's model, batch %d, %d steps (medians of the last %d per thread count)%n", batch, steps, turns);
        System.out.print(paired
                ? String.format(Locale.ROOT, "| part | %d thread(s), µs | %d thread(s), µs | paired ratio |%n|---|---|---|---|%n", threads[0], threads[1])
                : String.format(Locale.ROOT, "| part | %d thread(s), µs |%n|---|---|%n", threads[0]));
        long[][] total = new long[threads.length][steps];
        for (int p = 0; p <= names.size(); p++) {
            boolean isTotal = p == names.size();
            double[][] at = new double[threads.length][turns];
            double[] ratio = new double[turns];
            for (int k = 0; k < turns; k++) {
                for (int c = 0; c < threads.length; c++) {
                    int s = from + k / RUN * cycle + c * RUN + k % RUN;
                    long v = isTotal ? total[c][s] : t[p][s];
                    if (!isTotal) total[c][s] += v;
                    at[c][k] = v / 1e3;
                }
                if (paired) ratio[k] = at[0][k] / at[1][k];
            }
            String name = isTotal ? "**all layers and Adam**" : names.get(p);
            if (paired) {
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f× |%n", name, BenchArgs.median(at[0]), BenchArgs.median(at[1]), BenchArgs.median(ratio));
            } else {
                System.out.printf(Locale.ROOT, "| %s | %.1f |%n", name, BenchArgs.median(at[0]));
            }
        }
    }
}
