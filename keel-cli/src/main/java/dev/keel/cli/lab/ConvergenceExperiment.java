package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.callbacks.History;
import dev.keel.cli.Chart;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;

/** Claim 1: BN reaches convergence in fewer epochs. The article's model with Adam, with and without BN. */
final class ConvergenceExperiment implements Experiment {
    public String name() { return "convergence"; }

    public Report run(Lab lab) throws Exception {
        int n = lab.quick ? 12_000 : 60_000, epochs = lab.quick ? 4 : 10, seeds = lab.quick ? Math.min(lab.seeds, 2) : lab.seeds;
        double lo = lab.quick ? 0.80 : 0.85, hi = lab.quick ? 0.85 : 0.88;
        Tensor[] train = lab.train(n), test = lab.test(lab.quick ? 5_000 : 10_000);
        Report r = new Report(name(), "Convergence: epochs to a target accuracy",
                "The article's model (Dense 128 relu → [BN] → Dense 64 relu → [BN] → Dense 10 softmax), Adam (Keras defaults), batch 32, "
                        + n + " training images, " + epochs + " epochs, " + seeds + " seeds; validation accuracy on " + test[0].rows()
                        + " test images after each epoch. Targets: " + Report.pct(lo) + " and " + Report.pct(hi) + ".");
        List<List<String>> rows = new ArrayList<>();
        List<Chart.Series> series = new ArrayList<>();
        double[][] toLo = new double[2][seeds], toHi = new double[2][seeds], finalAcc = new double[2][seeds], secsLo = new double[2][seeds];
        for (int b = 0; b < 2; b++) {
            boolean bn = b == 0;
            for (int s = 0; s < seeds; s++) {
                lab.progress("convergence: " + (bn ? "BN" : "no BN") + ", seed " + s);
                Sequential m = Lab.article(bn, 100 + s);
                long t0 = System.nanoTime();
                History h = Lab.fit(m, new Adam(), train, test, epochs, 32, true, s);
                double perEpoch = (System.nanoTime() - t0) / 1e9 / epochs;
                List<Double> acc = h.get("val_accuracy");
                toLo[b][s] = firstReaching(acc, lo);
                toHi[b][s] = firstReaching(acc, hi);
                secsLo[b][s] = toLo[b][s] * perEpoch;
                finalAcc[b][s] = acc.get(acc.size() - 1);
                lab.progress(String.format(java.util.Locale.ROOT, "  val accuracy per epoch: %s", acc));
                double[] x = new double[acc.size()], y = new double[acc.size()];
                for (int e = 0; e < acc.size(); e++) { x[e] = e + 1; y[e] = acc.get(e); }
                series.add(new Chart.Series((bn ? "BN" : "no BN") + " seed " + s, x, y, !bn));
            }
            rows.add(List.of(bn ? "with BN" : "without BN", Report.meanStd(toLo[b], 2), Report.meanStd(toHi[b], 2),
                    Report.meanStd(secsLo[b], 1), Report.meanStd(finalAcc[b], 4)));
        }
        r.table(List.of("model", "epochs to " + Report.pct(lo), "epochs to " + Report.pct(hi), "seconds to " + Report.pct(lo), "final val accuracy"), rows);
        Chart.write(lab.out.resolve("convergence.png"), "Validation accuracy per epoch", "epoch", "val accuracy", false, false, series);
        r.image("convergence.png", "validation accuracy per epoch, BN solid, no BN dashed");
        double bnMean = meanWithPenalty(toLo[0], epochs + 1), noMean = meanWithPenalty(toLo[1], epochs + 1);
        Report.Verdict v = bnMean < noMean - 0.5 ? Report.Verdict.HOLDS : bnMean > noMean + 0.5 ? Report.Verdict.DOES_NOT_HOLD : Report.Verdict.PARTLY;
        r.verdict("BN converges in fewer epochs", v, String.format(java.util.Locale.ROOT,
                "Mean epochs to %s: %.2f with BN, %.2f without (unreached counted as %d); final accuracy %s with BN vs %s without.",
                Report.pct(lo), bnMean, noMean, epochs + 1, Report.meanStd(finalAcc[0], 4), Report.meanStd(finalAcc[1], 4)));
        return r;
    }

    private static double firstReaching(List<Double> acc, double target) {
        for (int e = 0; e < acc.size(); e++) if (acc.get(e) >= target) return e + 1;
        return Double.NaN;
    }

    private static double meanWithPenalty(double[] v, double penalty) {
        double s = 0;
        for (double x : v) s += Double.isFinite(x) ? x : penalty;
        return s / v.length;
    }
}
