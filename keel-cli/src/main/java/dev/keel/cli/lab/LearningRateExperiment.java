package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.callbacks.History;
import dev.keel.cli.Chart;
import dev.keel.models.Sequential;
import dev.keel.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;

/** Claim 2: BN tolerates higher learning rates. Plain SGD over a range of rates, with and without BN. */
final class LearningRateExperiment implements Experiment {
    static final double[] RATES = {0.01, 0.03, 0.1, 0.3, 1, 3};
    private static final double TRAINS = 0.70;

    public String name() { return "learning-rate"; }

    public Report run(Lab lab) throws Exception {
        int n = lab.quick ? 10_000 : 60_000, epochs = lab.quick ? 2 : 5;
        Tensor[] train = lab.train(n), test = lab.test(lab.quick ? 5_000 : 10_000);
        Report r = new Report(name(), "Learning rate: how high can it go?",
                "The article's model trained with plain SGD (no momentum) at each learning rate, batch 32, " + n + " training images, "
                        + epochs + " epochs; test accuracy on " + test[0].rows() + " images. \"Diverged\" means the loss became NaN or infinite "
                        + "(training stops there). A run \"trains\" when it ends above " + Report.pct(TRAINS) + " without diverging.");
        double[][] acc = new double[2][RATES.length];
        boolean[][] diverged = new boolean[2][RATES.length];
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < RATES.length; i++) {
                lab.progress("learning-rate: " + (b == 0 ? "BN" : "no BN") + ", lr " + RATES[i]);
                Sequential m = Lab.article(b == 0, 7);
                History h = Lab.fit(m, new SGD(RATES[i]), train, null, epochs, 32, true, 7);
                diverged[b][i] = !Double.isFinite(h.last("loss"));
                acc[b][i] = diverged[b][i] ? Double.NaN : Lab.accuracy(m, test);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < RATES.length; i++) {
            rows.add(List.of(String.valueOf(RATES[i]), diverged[0][i] ? "diverged" : Report.pct(acc[0][i]),
                    diverged[1][i] ? "diverged" : Report.pct(acc[1][i])));
        }
        r.table(List.of("learning rate", "with BN", "without BN"), rows);
        Chart.write(lab.out.resolve("learning-rate.png"), "Test accuracy vs SGD learning rate", "learning rate (log)", "test accuracy", true, false,
                List.of(new Chart.Series("with BN", RATES, acc[0], false), new Chart.Series("without BN", RATES, acc[1], true)));
        r.image("learning-rate.png", "accuracy against learning rate");
        double maxBn = maxTraining(acc[0], diverged[0]), maxNo = maxTraining(acc[1], diverged[1]);
        int bestBn = best(acc[0]), bestNo = best(acc[1]);
        Report.Verdict v = maxBn > maxNo ? Report.Verdict.HOLDS : maxBn == maxNo ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN tolerates higher learning rates", v, String.format(java.util.Locale.ROOT,
                "Highest rate that trains: %s with BN, %s without; best accuracy %s at lr %s with BN, %s at lr %s without.",
                fmt(maxBn), fmt(maxNo), Report.pct(acc[0][bestBn]), RATES[bestBn], Report.pct(acc[1][bestNo]), RATES[bestNo]));
        int wideBn = 0, wideNo = 0;
        for (int i = 0; i < RATES.length; i++) {
            if (acc[0][i] >= acc[0][bestBn] - 0.02) wideBn++;
            if (acc[1][i] >= acc[1][bestNo] - 0.02) wideNo++;
        }
        Report.Verdict tune = wideBn > wideNo ? Report.Verdict.HOLDS : wideBn == wideNo ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN removes the need to tune the learning rate carefully", tune, String.format(java.util.Locale.ROOT,
                "Rates within 2 points of the best accuracy: %d of %d with BN, %d of %d without.", wideBn, RATES.length, wideNo, RATES.length));
        return r;
    }

    private static double maxTraining(double[] acc, boolean[] div) {
        double m = Double.NaN;
        for (int i = 0; i < RATES.length; i++) if (!div[i] && acc[i] >= TRAINS) m = RATES[i];
        return m;
    }

    /** Index of the best finite accuracy (0 when every run diverged). */
    private static int best(double[] acc) {
        int b = -1;
        for (int i = 0; i < acc.length; i++) if (Double.isFinite(acc[i]) && (b < 0 || acc[i] > acc[b])) b = i;
        return Math.max(b, 0);
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.valueOf(v) : "none";
    }
}
