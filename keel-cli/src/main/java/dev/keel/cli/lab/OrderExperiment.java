package dev.keel.cli.lab;

import dev.keel.Tensor;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adam;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Claim 5: BN reduces dependence on the order of training samples. Class-sorted vs shuffled data. */
final class OrderExperiment implements Experiment {
    public String name() { return "order"; }

    public Report run(Lab lab) throws Exception {
        int n = lab.quick ? 10_000 : 60_000, epochs = lab.quick ? 1 : 3;
        Tensor[] train = lab.train(n), test = lab.test(lab.quick ? 5_000 : 10_000);
        Tensor[] sorted = sortByClass(train);
        Report r = new Report(name(), "Sample order: sorted by class vs shuffled",
                "The article's model, Adam, batch 32, " + n + " training images, " + epochs + " epoch(s). \"Sorted\": every epoch sees all "
                        + "T-shirts, then all trousers, …, in that order (no shuffling); \"shuffled\": a new random order each epoch. Test accuracy on "
                        + test[0].rows() + " images.");
        double[][] acc = new double[2][2];
        for (int b = 0; b < 2; b++) {
            lab.progress("order: " + (b == 0 ? "BN" : "no BN") + ", shuffled");
            Sequential shuffled = Lab.article(b == 0, 5);
            Lab.fit(shuffled, new Adam(), train, null, epochs, 32, true, 5);
            acc[b][0] = Lab.accuracy(shuffled, test);
            lab.progress("order: " + (b == 0 ? "BN" : "no BN") + ", sorted");
            Sequential inOrder = Lab.article(b == 0, 5);
            Lab.fit(inOrder, new Adam(), sorted, null, epochs, 32, false, 5);
            acc[b][1] = Lab.accuracy(inOrder, test);
        }
        List<List<String>> rows = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            rows.add(List.of(b == 0 ? "with BN" : "without BN", Report.pct(acc[b][0]), Report.pct(acc[b][1]), Report.pct(acc[b][0] - acc[b][1])));
        }
        r.table(List.of("model", "shuffled", "sorted by class", "cost of sorting"), rows);
        double dropBn = acc[0][0] - acc[0][1], dropNo = acc[1][0] - acc[1][1];
        // Rule: holds when BN loses at least 2 points less; partly for at least half a point; otherwise it does not hold.
        Report.Verdict v = dropBn < dropNo - 0.02 ? Report.Verdict.HOLDS : dropBn < dropNo - 0.005 ? Report.Verdict.PARTLY : Report.Verdict.DOES_NOT_HOLD;
        r.verdict("BN reduces dependence on the order of training samples", v, String.format(java.util.Locale.ROOT,
                "Accuracy lost by training on class-sorted data: %s with BN, %s without.", Report.pct(dropBn), Report.pct(dropNo)));
        return r;
    }

    /** Rows reordered by label (stable), so each class comes as one block. */
    static Tensor[] sortByClass(Tensor[] xy) {
        Tensor x = xy[0], y = xy[1];
        int n = x.rows(), c = x.cols(), k = y.cols();
        int[] label = dev.keel.Tensors.argmax(y);
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingInt(i -> label[i])).toArray(Integer[]::new);
        float[] xs = new float[n * c], ys = new float[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x.data(), order[i] * c, xs, i * c, c);
            System.arraycopy(y.data(), order[i] * k, ys, i * k, k);
        }
        return new Tensor[] {Tensor.of(xs, n, c), Tensor.of(ys, n, k)};
    }
}
