package dev.keel.cli;

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

/** Line charts as PNG, styled one way for the whole CLI: training curves and the lab's plots. */
public final class Chart {
    /** One line: BN runs are solid, the others dashed, so the comparison reads at a glance. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {}

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Chart() {}

    /** Writes one chart of {@code series} to {@code file}, atomically. */
    public static void write(Path file, String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Series> series) throws IOException {
        XYChart c = build(title, xTitle, yTitle, logX, logY, series, Styler.LegendPosition.OutsideE);
        writePanels(file, List.of(c), 900, 560);
    }

    /** A chart of {@code series}; non-finite points (and non-positive ones on a log axis) are left out. */
    public static XYChart build(String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Series> series,
                                Styler.LegendPosition legend) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var s = c.getStyler();
        s.setLegendPosition(legend);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setXAxisLogarithmic(logX);
        s.setYAxisLogarithmic(logY);
        int i = 0;
        for (Series se : series) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int k = 0; k < se.x().length; k++) {
                double yv = se.y()[k];
                if (Double.isFinite(yv) && (!logY || yv > 0)) { xs.add(se.x()[k]); ys.add(yv); }
            }
            if (xs.isEmpty()) continue;
            XYSeries line = c.addSeries(se.name(), xs, ys);
            Color col = COLORS[i++ % COLORS.length];
            line.setLineColor(col);
            line.setMarkerColor(col);
            line.setMarker(se.dashed() ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
            if (se.dashed()) line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
        }
        return c;
    }

    /** Paints charts side by side, each {@code width × height}, into one PNG, atomically. */
    public static void writePanels(Path file, List<XYChart> charts, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width * charts.size(), height, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), height);
        for (XYChart c : charts) {
            c.paint(g, width, height);
            g.translate(width, 0);
        }
        g.dispose();
        AtomicFiles.writeAtomically(file, out -> ImageIO.write(img, "png", out));
    }
}
