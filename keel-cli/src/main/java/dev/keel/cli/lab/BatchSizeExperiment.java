package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.activations.Activation;
import dev.keel.cli.Chart;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;

/** Where BN breaks down: small batches, against LayerNormalization and no normalization. */
final class BatchSizeExperiment implements Experiment {
    public String name() { return "batch-size"; }

    public Report run(Lab lab) throws Exception {
        int[] batches = lab.quick ? new int[] {2, 8, 32, 128} : new int[] {2, 4, 8, 16, 32, 64, 128, 256};
        int n = lab.quick ? 5_000 : 60_000, epochs = lab.quick ? 1 : 2;
        Tensor[] train = lab.train(n), test = lab.test(lab.quick ? 5_000 : 10_000);
        Report r = new Report(name(), "Batch size: BN vs LayerNormalization vs none",
                "The article's architecture (Dense 128 relu → norm → Dense 64 relu → norm → Dense 10 softmax) with BatchNormalization, "
                        + "LayerNormalization or nothing as the norm; Adam, " + n + " training images, " + epochs + " epoch(s) at each batch size; "
                        + "test accuracy on " + test[0].rows() + " images. BN's statistics come from the batch, so tiny batches make them noisy "
                        + "and make training and inference disagree; LayerNormalization normalises each sample on its own.");
        Lab.Norm[] norms = {Lab.Norm.BN, Lab.Norm.LN, Lab.Norm.NONE};
        double[][] acc = new double[3][batches.length];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < batches.length; i++) {
                lab.progress("batch-size: " + norms[k].label() + ", batch " + batches[i]);
                Sequential m = Lab.mlp(new int[] {128, 64}, Activation.RELU, norms[k], null, 13);
                var h = Lab.fit(m, new Adam(), train, null, epochs, batches[i], true, 13);
                acc[k][i] = Double.isFinite(h.last("loss")) ? Lab.accuracy(m, test) : Double.NaN;
            }
        }
        List<List<String>> rows = new ArrayList<>();
        double[] x = new double[batches.length];
        for (int i = 0; i < batches.length; i++) {
            x[i] = batches[i];
            rows.add(List.of(String.valueOf(batches[i]), Report.pct(acc[0][i]), Report.pct(acc[1][i]), Report.pct(acc[2][i])));
        }
        r.table(List.of("batch size", "BatchNormalization", "LayerNormalization", "none"), rows);
        Chart.write(lab.out.resolve("batch-size.png"), "Test accuracy vs batch size (same epochs)", "batch size (log)", "test accuracy", true, false,
                List.of(new Chart.Series("BatchNormalization", x, acc[0], false), new Chart.Series("LayerNormalization", x, acc[1], true),
                        new Chart.Series("none", x, acc[2], true)));
        r.image("batch-size.png", "accuracy against batch size");
        r.text("Read the large-batch end with care: the same number of epochs means fewer steps at larger batches, and with Keras's "
                + "default momentum of 0.99 BN's moving statistics keep about 0.99^steps of their initial values (mean 0, variance 1). After "
                + n * epochs / batches[batches.length - 1] + " steps at batch " + batches[batches.length - 1] + " that is "
                + Report.pct(Math.pow(0.99, (double) n * epochs / batches[batches.length - 1])) + ", so inference uses statistics that are still "
                + "partly the initial ones. That is part of the truth about BN with short budgets, not about batch size itself.");
        double gap = acc[1][0] - acc[0][0];
        Report.Verdict v = gap > 0.02 ? Report.Verdict.HOLDS : gap > 0 ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN degrades at very small batches (where LayerNormalization does not)", v, String.format(java.util.Locale.ROOT,
                "At batch %d: BN %s, LayerNorm %s, none %s; at batch %d: BN %s, LayerNorm %s, none %s.", batches[0], Report.pct(acc[0][0]),
                Report.pct(acc[1][0]), Report.pct(acc[2][0]), batches[batches.length - 1], Report.pct(acc[0][batches.length - 1]),
                Report.pct(acc[1][batches.length - 1]), Report.pct(acc[2][batches.length - 1])));
        return r;
    }
}
