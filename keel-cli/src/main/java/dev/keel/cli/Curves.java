package dev.keel.cli;

import dev.keel.callbacks.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/** Training curves as a PNG: loss and accuracy per epoch, train (solid) and validation (dashed), side by side. */
public final class Curves {
    private Curves() {}

    /** One labelled run (e.g. "with BN") of a History. */
    public record Run(String label, History history) {}

    /** Writes loss and accuracy panels for one or more runs to {@code file}, atomically. */
    public static void write(Path file, String title, List<Run> runs) throws IOException {
        List<Chart.Series> loss = new ArrayList<>(), acc = new ArrayList<>();
        for (Run run : runs) {
            String prefix = runs.size() > 1 ? run.label() + " " : "";
            add(loss, prefix + "train", run.history().get("loss"), false);
            add(loss, prefix + "validation", run.history().get("val_loss"), true);
            add(acc, prefix + "train", run.history().get("accuracy"), false);
            add(acc, prefix + "validation", run.history().get("val_accuracy"), true);
        }
        XYChart l = Chart.build(title + " — loss", "epoch", "loss", false, false, loss, Styler.LegendPosition.InsideNE);
        // Rising accuracy curves end top-right, so that panel's legend goes bottom-right.
        XYChart a = Chart.build(title + " — accuracy", "epoch", "accuracy", false, false, acc, Styler.LegendPosition.InsideSE);
        for (XYChart c : List.of(l, a)) {
            c.getStyler().setXAxisDecimalPattern("0");
            c.getStyler().setYAxisDecimalPattern("0.000");
        }
        Chart.writePanels(file, List.of(l, a), 700, 520);
    }

    private static void add(List<Chart.Series> out, String name, List<Double> values, boolean dashed) {
        if (values == null || values.isEmpty()) return;
        double[] x = new double[values.size()], y = new double[values.size()];
        for (int i = 0; i < x.length; i++) { x[i] = i + 1; y[i] = values.get(i); }
        out.add(new Chart.Series(name, x, y, dashed));
    }
}
