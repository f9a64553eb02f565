package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.cli.Chart;
import dev.keel.initializers.Initializer;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;

/** Claim 3: BN reduces dependence on weight initialisation. A 6×128 relu net from very different starts. */
final class InitializationExperiment implements Experiment {
    public String name() { return "initialization"; }

    public Report run(Lab lab) throws Exception {
        int n = lab.quick ? 10_000 : 60_000, epochs = lab.quick ? 1 : 3;
        Tensor[] train = lab.train(n), test = lab.test(lab.quick ? 5_000 : 10_000);
        String[] names = {"N(0, 0.001²)", "N(0, 0.01²)", "N(0, 0.1²)", "N(0, 1)", "glorot_uniform"};
        Initializer[] inits = {new Initializer.RandomNormal(0, 0.001), new Initializer.RandomNormal(0, 0.01),
                new Initializer.RandomNormal(0, 0.1), new Initializer.RandomNormal(0, 1), Initializer.glorotUniform()};
        Report r = new Report(name(), "Initialization: does the starting point matter?",
                "Six hidden Dense(128, relu) layers, each followed by BN or not, then Dense(10, softmax); every kernel drawn from the "
                        + "initializer shown. Adam (Keras defaults), batch 32, " + n + " training images, " + epochs
                        + " epoch(s); test accuracy on " + test[0].rows() + " images.");
        double[][] acc = new double[2][inits.length];
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < inits.length; i++) {
                lab.progress("initialization: " + (b == 0 ? "BN" : "no BN") + ", " + names[i]);
                Sequential m = Lab.mlp(new int[] {128, 128, 128, 128, 128, 128}, Activation.RELU, b == 0 ? Lab.Norm.BN : Lab.Norm.NONE, inits[i], 11);
                var h = Lab.fit(m, new Adam(), train, null, epochs, 32, true, 11);
                acc[b][i] = Double.isFinite(h.last("loss")) ? Lab.accuracy(m, test) : Double.NaN;
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < inits.length; i++) rows.add(List.of(names[i], Report.pct(acc[0][i]), Report.pct(acc[1][i])));
        double spreadBn = spread(acc[0]), spreadNo = spread(acc[1]);
        rows.add(List.of("**spread (best − worst)**", Report.pct(spreadBn), Report.pct(spreadNo)));
        r.table(List.of("initializer", "with BN", "without BN"), rows);
        double[] x = {1, 2, 3, 4, 5};
        Chart.write(lab.out.resolve("initialization.png"), "Test accuracy by initializer (1–4: N(0,s²), s = 0.001…1; 5: glorot)",
                "initializer", "test accuracy", false, false,
                List.of(new Chart.Series("with BN", x, acc[0], false), new Chart.Series("without BN", x, acc[1], true)));
        r.image("initialization.png", "accuracy by initializer");
        Report.Verdict v = spreadBn < spreadNo / 2 ? Report.Verdict.HOLDS : spreadBn < spreadNo ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN reduces dependence on weight initialisation", v, String.format(java.util.Locale.ROOT,
                "Accuracy spread across the five initializers: %s with BN, %s without (diverged runs count as 0).", Report.pct(spreadBn), Report.pct(spreadNo)));
        return r;
    }

    static double spread(double[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : v) { double y = Double.isFinite(x) ? x : 0; lo = Math.min(lo, y); hi = Math.max(hi, y); }
        return hi - lo;
    }
}
