package dev.keel.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import dev.keel.Tensors;
import dev.keel.io.datasets.FashionMnist;

/**
 * Two builds of keel-core trained in turns in one JVM, epoch by epoch: {@code bin/bench versions REV}.
 *
 * <p>On a shared machine whose speed drifts by tens of percent within minutes, two separate runs cannot show a
 * change of a few percent. Here each version gets its own class loader (keel-core jar first, then this
 * benchmark's jar for {@link EpochRunner}); the two alternate which goes first, and the result is the median of
 * the per-round time ratios. Comparing a build with itself shows the method's own spread. The data are
 * Fashion-MNIST's training set ({@code --data fashion}, the default), or random values ({@code --data random},
 * 60,000 × 784 by default, one-hot over 10 classes). The values matter, not only the shapes: an image's border
 * pixels are always 0, so the first layer's optimizer moments for them decay toward the subnormal range, which
 * costs an Intel core a microcode assist per operation (session 9: random data hid an Adam fix worth 1.17× on one thread).
 * Fewer samples per round and more rounds interleave the two versions more finely.
 */
public final class VersionPair {
    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException | dev.keel.io.DataFormatException e) {
            System.err.println("bench versions: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 2) throw new IllegalArgumentException("usage: VersionPair OLD.jar NEW.jar [--batch 1024] [--threads 2] [--rounds 16] [--samples 60000] [--warmup 6] [--infer] [--data fashion|random] [--gemm MxKxN:FORM,...]");
        Path[] jars = {Path.of(args[0]), Path.of(args[1])};
        for (Path j : jars) if (!Files.isRegularFile(j)) throw new IllegalArgumentException("no such jar: " + j);
        int batch = 1024, threads = Runtime.getRuntime().availableProcessors(), rounds = 16, samples = 60_000, warmup = 6;
        boolean infer = false;
        String gemm = null, data = "fashion";
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--infer")) {   // the one flag without a value
                infer = true;
                continue;
            }
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--batch" -> batch = BenchArgs.positive("--batch", v);
                case "--threads" -> threads = BenchArgs.positive("--threads", v);
                case "--rounds" -> rounds = BenchArgs.positive("--rounds", v);
                case "--samples" -> samples = BenchArgs.positive("--samples", v);
                case "--warmup" -> warmup = BenchArgs.positive("--warmup", v);
                case "--gemm" -> gemm = BenchArgs.value("--gemm", v);
                case "--data" -> data = BenchArgs.value("--data", v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; valid: --batch N, --threads N, --rounds N, --samples N, --warmup N, --infer, --data fashion|random, --gemm MxKxN:FORM,...");
            }
            i++;
        }
        if (gemm != null) {
            gemms(jars, gemm, threads, rounds);
            return;
        }
        if (samples < batch) throw new IllegalArgumentException("--samples " + samples + " is less than one batch of " + batch);
        float[] x, y;
        switch (data) {
            case "fashion" -> {
                FashionMnist.Data d = FashionMnist.load(null);
                samples = Math.min(samples, d.xTrain().rows());
                x = d.xTrain().slice(0, samples).data();
                y = Tensors.oneHot(d.yTrain().slice(0, samples), 10).data();
            }
            case "random" -> {
                SplittableRandom r = new SplittableRandom(1);
                x = new float[samples * 784];
                y = new float[samples * 10];
                for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
                for (int i = 0; i < samples; i++) y[i * 10 + r.nextInt(10)] = 1f;
            }
            default -> throw new IllegalArgumentException("--data must be fashion or random, got '" + data + "'");
        }
        URLClassLoader[] loaders = loaders(jars);
        Object[] runner = new Object[2];
        Method[] epoch = new Method[2];
        for (int v = 0; v < 2; v++) {
            Class<?> c = loaders[v].loadClass(EpochRunner.class.getName());
            runner[v] = c.getConstructor(float[].class, float[].class, int.class, int.class).newInstance(x, y, samples, batch);
            epoch[v] = c.getMethod(infer ? "predict" : "epoch", int.class);
        }
        // Warm-up: until C2 has compiled the training loop. That takes seconds of one core's time (JFR), and while it
        // runs a version that uses both cores is slowed more than one that leaves the second idle.
        for (int w = 0; w < warmup; w++) for (int v = 0; v < 2; v++) epoch[v].invoke(runner[v], threads);
        Class<?> parallel = placementProbe(loaders[1]);
        Method roundTrip = parallel == null ? null : parallel.getMethod("roundTripNanos");
        long farNanos = parallel == null ? 0 : parallel.getField("FAR_NANOS").getLong(null);
        double[] oldMs = new double[rounds], newMs = new double[rounds];
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            int first = i & 1;
            long a = (long) epoch[first].invoke(runner[first], threads);
            long b = (long) epoch[1 - first].invoke(runner[1 - first], threads);
            oldMs[i] = (first == 0 ? a : b) / 1e6;
            newMs[i] = (first == 0 ? b : a) / 1e6;
            nanos[i] = roundTrip == null ? 0 : (long) roundTrip.invoke(null);
        }
        String what = infer ? "predict, all samples" : "train, one epoch";
        System.out.printf(Locale.ROOT, "| what | batch | threads | rounds | old ms | new ms | new speedup, median of rounds (quartiles) |%n|---|---|---|---|---|---|---|%n");
        row(what, batch, threads, oldMs, newMs, i -> true);
        if (roundTrip != null && threads > 1) {
            // The hypervisor may move the vCPUs between near and far cores while this runs (docs/PERFORMANCE.md):
            // the rounds split by the new build's last probe after each round, where it has one.
            row(what + ", cores near", batch, threads, oldMs, newMs, i -> nanos[i] > 0 && nanos[i] <= farNanos);
            row(what + ", cores far", batch, threads, oldMs, newMs, i -> nanos[i] > farNanos);
        }
    }

    /** Turns on the build's placement probe and returns its {@code Parallel} class; null if it predates the probe. */
    private static Class<?> placementProbe(ClassLoader loader) {
        try {
            Class<?> parallel = loader.loadClass("dev.keel.kernels.Parallel");
            parallel.getMethod("watchPlacement", boolean.class).invoke(null, true);
            return parallel;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** One table row over the rounds that {@code take} selects; nothing if it selects none. */
    private static void row(String what, int batch, int threads, double[] oldMs, double[] newMs, java.util.function.IntPredicate take) {
        int[] picked = java.util.stream.IntStream.range(0, oldMs.length).filter(take).toArray();
        if (picked.length == 0) return;
        double[] o = new double[picked.length], n = new double[picked.length], speedup = new double[picked.length];
        for (int j = 0; j < picked.length; j++) {
            o[j] = oldMs[picked[j]];
            n[j] = newMs[picked[j]];
            speedup[j] = o[j] / n[j];
        }
        Arrays.sort(speedup);
        int r = picked.length;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.3f× (%.2f–%.2f) |%n", what, batch, threads, r,
                BenchArgs.median(o), BenchArgs.median(n), BenchArgs.median(speedup), speedup[r / 4], speedup[(3 * r) / 4]);
    }

    /** One class loader per build: its keel-core jar first, then this benchmark's jar (for the runner classes). */
    private static URLClassLoader[] loaders(Path[] jars) throws java.net.MalformedURLException {
        URL bench = VersionPair.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader[] loaders = new URLClassLoader[2];
        for (int v = 0; v < 2; v++) loaders[v] = new URLClassLoader(new URL[] {jars[v].toUri().toURL(), bench}, ClassLoader.getPlatformClassLoader());
        return loaders;
    }

    /**
     * {@code --gemm}: each shape's GEMM from the two builds in turns, {@code rounds} timings each after 15 warm-up
     * timings per build; each timing is the best of three runs of at least ~20 MFLOP.
     */
    private static void gemms(Path[] jars, String shapes, int threads, int rounds) throws Exception {
        URLClassLoader[] loaders = loaders(jars);
        System.out.printf(Locale.ROOT, "| shape m×k×n | form | threads | rounds | old GFLOP/s | new GFLOP/s | new speedup, median of rounds (quartiles) |%n|---|---|---|---|---|---|---|%n");
        for (String s : shapes.split(",")) {
            BenchArgs.Shape sh = BenchArgs.shape("--gemm", s);
            int m = sh.m(), k = sh.k(), n = sh.n();
            String form = sh.form();
            double flops = sh.flops();
            int reps = (int) Math.max(1, Math.min(50, 2e7 / flops));
            Object[] runner = new Object[2];
            Method[] time = new Method[2];
            for (int v = 0; v < 2; v++) {
                Class<?> c = loaders[v].loadClass(GemmRunner.class.getName());
                runner[v] = c.getConstructor(int.class, int.class, int.class, String.class).newInstance(m, k, n, form);
                time[v] = c.getMethod("time", int.class, int.class);
            }
            for (int w = 0; w < 15; w++) for (int v = 0; v < 2; v++) time[v].invoke(runner[v], threads, reps);
            float f0 = (float) runner[0].getClass().getMethod("first").invoke(runner[0]), f1 = (float) runner[1].getClass().getMethod("first").invoke(runner[1]);
            if (Math.abs(f0 - f1) > 1e-4f * k) throw new IllegalStateException("the two builds disagree at " + s + ": C[0] = " + f0 + " vs " + f1);
            double[] oldG = new double[rounds], newG = new double[rounds], speedup = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                int first = i & 1;
                double x = (double) time[first].invoke(runner[first], threads, reps);
                double y = (double) time[1 - first].invoke(runner[1 - first], threads, reps);
                double o = first == 0 ? x : y, nw = first == 0 ? y : x;
                oldG[i] = flops / o;
                newG[i] = flops / nw;
                speedup[i] = o / nw;
            }
            Arrays.sort(speedup);
            System.out.printf(Locale.ROOT, "| %d×%d×%d | %s | %d | %d | %.1f | %.1f | %.3f× (%.2f–%.2f) |%n", m, k, n, form, threads, rounds,
                    BenchArgs.median(oldG), BenchArgs.median(newG), BenchArgs.median(speedup), speedup[rounds / 4], speedup[(3 * rounds) / 4]);
        }
    }
}
