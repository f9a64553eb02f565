package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.callbacks.Callback;
import dev.keel.cli.Chart;
import dev.keel.initializers.Initializer;
import dev.keel.layers.Layer;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.core.InputLayer;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.models.Sequential;
import dev.keel.optimizers.SGD;
import dev.keel.trainers.FitConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Ioffe &amp; Szegedy (2015), Figure 1, on Fashion-MNIST: three fully connected hidden layers of 100 sigmoid units,
 * batch 60; test accuracy against training steps, and the 15th/50th/85th percentiles of one sigmoid's input.
 */
final class PaperFigureExperiment implements Experiment {
    public String name() { return "paper-figure-1"; }

    public Report run(Lab lab) throws Exception {
        int steps = lab.quick ? 1500 : 15_000, every = lab.quick ? 150 : 750;
        Tensor[] train = lab.train(60_000), test = lab.test(lab.quick ? 2_000 : 10_000);
        Report r = new Report(name(), "Ioffe & Szegedy (2015), Figure 1, on Fashion-MNIST",
                "Three hidden layers of 100 sigmoid units (Dense(100) → [BN] → sigmoid), Dense(10, softmax); kernels from N(0, 0.1²); "
                        + "SGD lr 0.5, batch 60, " + steps + " steps. Every " + every + " steps: test accuracy on " + test[0].rows()
                        + " images, and the 15th, 50th and 85th percentiles, over those images, of the input to the first sigmoid of the last "
                        + "hidden layer (the paper's Figure 1 b and c).");
        List<Double> stepsX = new ArrayList<>();
        double[][] acc = new double[2][];
        double[][][] pct = new double[2][3][];
        for (int b = 0; b < 2; b++) {
            boolean bn = b == 0;
            lab.progress("paper-figure-1: " + (bn ? "with BN" : "without BN"));
            List<Layer> layers = new ArrayList<>();
            layers.add(new InputLayer(784));
            for (int i = 0; i < 3; i++) {
                layers.add(Dense.builder(100).kernelInitializer(new Initializer.RandomNormal(0, 0.1)).build());
                if (bn) layers.add(new BatchNormalization());
                layers.add(new ActivationLayer(Activation.SIGMOID));
            }
            layers.add(Dense.builder(10).activation(Activation.SOFTMAX).kernelInitializer(new Initializer.RandomNormal(0, 0.1)).build());
            Sequential m = new Sequential(layers).seed(21);
            m.compile(new SGD(0.5), "categorical_crossentropy", "accuracy");
            // The model's layers end [..., BN or Dense, sigmoid, Dense(softmax)]: the probe is the one feeding the last sigmoid.
            int probe = m.layers().size() - 3;
            if (!(m.layers().get(probe + 1) instanceof ActivationLayer)) throw new IllegalStateException("probe is not a sigmoid's input");
            List<Double> accs = new ArrayList<>();
            List<double[]> ps = new ArrayList<>();
            int[] step = {0};
            if (b == 0) stepsX.clear();
            Callback cb = new Callback() {
                @Override
                public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                    step[0]++;
                    if (step[0] % every == 0) {
                        accs.add(Lab.accuracy(m, test));
                        ps.add(percentiles(m, test[0], probe));
                        if (bn) stepsX.add((double) step[0]);
                    }
                    if (step[0] >= steps) m.stopTraining(true);
                }
            };
            int epochs = (int) Math.ceil(steps / (train[0].rows() / 60.0));
            m.fit(train[0], train[1], FitConfig.builder().epochs(epochs).batchSize(60).verbose(0).seed(21).callbacks(cb).build());
            acc[b] = accs.stream().mapToDouble(Double::doubleValue).toArray();
            for (int q = 0; q < 3; q++) {
                final int qq = q;
                pct[b][q] = ps.stream().mapToDouble(p -> p[qq]).toArray();
            }
        }
        double[] x = stepsX.stream().mapToDouble(Double::doubleValue).toArray();
        int points = Math.min(x.length, Math.min(acc[0].length, acc[1].length));
        x = Arrays.copyOf(x, points);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < points; i += Math.max(1, points / 5)) {
            rows.add(List.of(String.valueOf((long) x[i]), Report.pct(acc[0][i]), Report.pct(acc[1][i]),
                    Report.num(pct[0][0][i], 2) + " / " + Report.num(pct[0][1][i], 2) + " / " + Report.num(pct[0][2][i], 2),
                    Report.num(pct[1][0][i], 2) + " / " + Report.num(pct[1][1][i], 2) + " / " + Report.num(pct[1][2][i], 2)));
        }
        r.table(List.of("step", "test accuracy, BN", "test accuracy, no BN", "sigmoid input p15/p50/p85, BN", "p15/p50/p85, no BN"), rows);
        Chart.write(lab.out.resolve("paper-figure-1-accuracy.png"), "(a) Test accuracy vs training steps", "step", "test accuracy", false, false,
                List.of(new Chart.Series("with BN", x, Arrays.copyOf(acc[0], points), false), new Chart.Series("without BN", x, Arrays.copyOf(acc[1], points), true)));
        List<Chart.Series> dist = new ArrayList<>();
        String[] q = {"p15", "p50", "p85"};
        for (int k = 0; k < 3; k++) {
            dist.add(new Chart.Series("BN " + q[k], x, Arrays.copyOf(pct[0][k], points), false));
            dist.add(new Chart.Series("no BN " + q[k], x, Arrays.copyOf(pct[1][k], points), true));
        }
        Chart.write(lab.out.resolve("paper-figure-1-distribution.png"), "(b, c) Input to a last-layer sigmoid: 15th/50th/85th percentiles",
                "step", "sigmoid input", false, false, dist);
        r.image("paper-figure-1-accuracy.png", "test accuracy against steps");
        r.image("paper-figure-1-distribution.png", "percentiles of a sigmoid input over training");
        // Rule: "trains faster" compares the mean test accuracy over the first fifth of training (the early phase the
        // paper's figure is about): holds at ≥ 1 point ahead, partly within ±1 point, does not hold otherwise.
        int early = Math.max(1, points / 5);
        double meanBn = 0, meanNo = 0;
        for (int i = 0; i < early; i++) { meanBn += acc[0][i] / early; meanNo += acc[1][i] / early; }
        double gap = meanBn - meanNo;
        Report.Verdict v1 = gap >= 0.01 ? Report.Verdict.HOLDS : gap > -0.01 ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN trains faster (Figure 1a)", v1, String.format(java.util.Locale.ROOT,
                "Mean test accuracy over the first %d steps: %s with BN vs %s without (first point, step %d: %s vs %s); at the end: %s vs %s.",
                (long) x[early - 1], Report.pct(meanBn), Report.pct(meanNo), (long) x[0], Report.pct(acc[0][0]), Report.pct(acc[1][0]),
                Report.pct(acc[0][points - 1]), Report.pct(acc[1][points - 1])));
        double driftBn = drift(pct[0][1], points), driftNo = drift(pct[1][1], points);
        double widthBn = pct[0][2][points - 1] - pct[0][0][points - 1], widthNo = pct[1][2][points - 1] - pct[1][0][points - 1];
        Report.Verdict v2 = driftBn < driftNo ? Report.Verdict.HOLDS : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN keeps a sigmoid's input distribution stable (Figure 1b, c)", v2, String.format(java.util.Locale.ROOT,
                "Drift of the median input over training (max − min): %.2f with BN vs %.2f without; final p15–p85 width %.2f vs %.2f.",
                driftBn, driftNo, widthBn, widthNo));
        return r;
    }

    /** 15th, 50th and 85th percentiles over x's rows of the first unit output by layer {@code probe}. */
    static double[] percentiles(Sequential m, Tensor x, int probe) {
        float[][] bufs = m.inferenceBuffers(x.rows());
        System.arraycopy(x.data(), 0, bufs[0], 0, x.data().length);
        List<Layer> layers = m.layers();
        for (int i = 0; i <= probe; i++) layers.get(i).forward(bufs[i], bufs[i + 1], x.rows(), false, null);
        int width = layers.get(probe).outputSize();
        double[] v = new double[x.rows()];
        for (int r = 0; r < x.rows(); r++) v[r] = bufs[probe + 1][r * width];
        Arrays.sort(v);
        return new double[] {v[(int) (0.15 * (v.length - 1))], v[(int) (0.5 * (v.length - 1))], v[(int) (0.85 * (v.length - 1))]};
    }

    private static double drift(double[] v, int n) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) { lo = Math.min(lo, v[i]); hi = Math.max(hi, v[i]); }
        return hi - lo;
    }
}
