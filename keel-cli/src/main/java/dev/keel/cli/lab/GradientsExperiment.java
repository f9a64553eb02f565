package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.callbacks.Callback;
import dev.keel.cli.Chart;
import dev.keel.layers.Layer;
import dev.keel.layers.Parameter;
import dev.keel.layers.core.Dense;
import dev.keel.models.Sequential;
import dev.keel.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Claim 4: BN mitigates vanishing and exploding gradients. Per-layer gradient norms of a 20-layer MLP. */
final class GradientsExperiment implements Experiment {
    private static final int DEPTH = 20, WIDTH = 64;

    public String name() { return "gradients"; }

    public Report run(Lab lab) throws Exception {
        int steps = lab.quick ? 20 : 100;
        Tensor[] train = lab.train(64 * steps);
        Report r = new Report(name(), "Gradients through 20 layers",
                DEPTH + " hidden Dense(" + WIDTH + ") layers with tanh or sigmoid (glorot_uniform, Keras's default), each followed by BN or "
                        + "not, then Dense(10, softmax). SGD lr 0.01, batch 64; the L2 norm of each hidden kernel's gradient, averaged over the "
                        + "first " + steps + " steps. Vanishing gradients show as norms that shrink towards the input (layer 1).");
        Activation[] acts = {Activation.TANH, Activation.SIGMOID};
        double[][] norms = new double[4][];
        String[] labels = new String[4];
        List<Chart.Series> series = new ArrayList<>();
        double[] layersX = new double[DEPTH];
        for (int i = 0; i < DEPTH; i++) layersX[i] = i + 1;
        int k = 0;
        for (Activation act : acts) {
            for (boolean bn : new boolean[] {true, false}) {
                lab.progress("gradients: " + act.kerasName() + (bn ? " with BN" : " without BN"));
                int[] widths = new int[DEPTH];
                java.util.Arrays.fill(widths, WIDTH);
                Sequential m = Lab.mlp(widths, act, bn ? Lab.Norm.BN : Lab.Norm.NONE, null, 3);
                m.build(784);
                List<Parameter> kernels = new ArrayList<>();
                for (Layer l : m.layers()) if (l instanceof Dense d && kernels.size() < DEPTH) kernels.add((Parameter) d.weight("kernel"));
                double[] sum = new double[DEPTH];
                int[] count = {0};
                Callback probe = new Callback() {
                    @Override
                    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
                        for (int i = 0; i < DEPTH; i++) {
                            double s = 0;
                            for (float g : kernels.get(i).grad()) s += (double) g * g;
                            sum[i] += Math.sqrt(s);
                        }
                        count[0]++;
                    }
                };
                m.compile(new SGD(0.01), "categorical_crossentropy");
                m.fit(train[0], train[1], dev.keel.trainers.FitConfig.builder().epochs(1).batchSize(64).verbose(0).callbacks(probe).build());
                double[] mean = new double[DEPTH];
                for (int i = 0; i < DEPTH; i++) mean[i] = sum[i] / Math.max(1, count[0]);
                norms[k] = mean;
                labels[k] = act.kerasName() + (bn ? ", BN" : ", no BN");
                series.add(new Chart.Series(labels[k], layersX, mean, !bn));
                k++;
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int layer : new int[] {1, 5, 10, 15, 20}) {
            List<String> row = new ArrayList<>();
            row.add("layer " + layer);
            for (double[] n : norms) row.add(String.format(java.util.Locale.ROOT, "%.2e", n[layer - 1]));
            rows.add(row);
        }
        List<String> ratio = new ArrayList<>();
        ratio.add("**max/min over layers**");
        double[] range = new double[4];
        for (int i = 0; i < 4; i++) {
            range[i] = maxOverMin(norms[i]);
            ratio.add(String.format(java.util.Locale.ROOT, "%.1f×", range[i]));
        }
        rows.add(ratio);
        List<String> header = new ArrayList<>(List.of("gradient norm"));
        header.addAll(List.of(labels));
        r.table(header, rows);
        Chart.write(lab.out.resolve("gradients.png"), "Mean kernel-gradient norm per layer (first " + steps + " steps)", "layer (1 = nearest the input)",
                "gradient L2 norm (log)", false, true, series);
        r.image("gradients.png", "gradient norm per layer");
        int better = (range[0] < range[1] ? 1 : 0) + (range[2] < range[3] ? 1 : 0);
        Report.Verdict v = better == 2 ? Report.Verdict.HOLDS : better == 1 ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN mitigates vanishing/exploding gradients", v, String.format(java.util.Locale.ROOT,
                "Spread of gradient norms across the 20 layers (max/min): tanh %.1f× with BN vs %.1f× without; sigmoid %.1f× with BN vs %.1f× without.",
                range[0], range[1], range[2], range[3]));
        return r;
    }

    private static double maxOverMin(double[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double x : v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        return lo > 0 ? hi / lo : Double.POSITIVE_INFINITY;
    }
}
