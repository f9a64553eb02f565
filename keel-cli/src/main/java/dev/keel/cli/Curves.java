package dev.keel.cli;

import dev.keel.callbacks.History;
import dev.keel.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Training curves as a PNG: loss and accuracy per epoch, train and validation, side by side. */
public final class Curves {
    private Curves() {}

    /** One labelled run (e.g. "with BN") of a History. */
    public record Run(String label, History history) {}

    /** Writes loss and accuracy panels for one or more runs to {@code file}, atomically. */
    public static void write(Path file, String title, List<Run> runs) throws IOException {
        XYChart loss = chart(title + " — loss", "loss");
        XYChart acc = chart(title + " — accuracy", "accuracy");
        acc.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);   // rising curves end top-right
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            String prefix = runs.size() > 1 ? run.label() + " " : "";
            add(loss, prefix + "train", run.history().get("loss"), colors[r % colors.length], false);
            add(loss, prefix + "validation", run.history().get("val_loss"), colors[r % colors.length], true);
            add(acc, prefix + "train", run.history().get("accuracy"), colors[r % colors.length], false);
            add(acc, prefix + "validation", run.history().get("val_accuracy"), colors[r % colors.length], true);
        }
        BufferedImage img = new BufferedImage(1400, 520, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 1400, 520);
        loss.paint(g, 700, 520);
        g.translate(700, 0);
        acc.paint(g, 700, 520);
        g.dispose();
        AtomicFiles.writeAtomically(file, out -> ImageIO.write(img, "png", out));
    }

    private static XYChart chart(String title, String yLabel) {
        XYChart c = new XYChartBuilder().width(700).height(520).title(title).xAxisTitle("epoch").yAxisTitle(yLabel).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setYAxisDecimalPattern("0.000");
        return c;
    }

    private static void add(XYChart chart, String name, List<Double> values, Color color, boolean dashed) {
        if (values == null || values.isEmpty()) return;
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!Double.isFinite(values.get(i))) continue;
            x.add(i + 1);
            y.add(values.get(i));
        }
        if (x.isEmpty()) return;
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(dashed ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        if (dashed) s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
    }
}
