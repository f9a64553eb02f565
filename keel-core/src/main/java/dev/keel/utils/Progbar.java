package dev.keel.utils;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras 3's progress output for one epoch.
 * <pre>
 * verbose=1 (terminal):  1875/1875 ━━━━━━━━━━━━━━━━━━━━ 4s 2ms/step - accuracy: 0.8712 - loss: 0.3561
 * verbose=2 (log file):  1875/1875 - 4s - 2ms/step - accuracy: 0.8712 - loss: 0.3561 - val_accuracy: …
 * </pre>
 * While an epoch runs, verbose=1 redraws the line in place (at most every 50 ms) with an ETA.
 */
public final class Progbar {
    private static final int WIDTH = 20;
    private static final String BAR = "━";
    private final PrintStream out;
    private final int total;
    private final int verbose;
    private final boolean ansi;
    private final long start = System.nanoTime();
    private long lastDraw;

    public Progbar(PrintStream out, int total, int verbose, boolean ansi) {
        this.out = out;
        this.total = total;
        this.verbose = verbose;
        this.ansi = ansi;
    }

    /** Redraws after {@code step} of {@code total} steps (verbose=1 only). */
    public void update(int step, Map<String, Double> logs) {
        if (verbose != 1) return;
        long now = System.nanoTime();
        if (step < total && now - lastDraw < 50_000_000L) return;
        lastDraw = now;
        double elapsed = (now - start) / 1e9, perStep = step == 0 ? 0 : elapsed / step;
        String time = step < total ? formatEta(perStep * (total - step)) : Math.round(elapsed) + "s";
        out.print("\r" + counter(step) + " " + bar(step) + " " + time + " " + formatPerStep(perStep) + metrics(logs) + (ansi ? "\033[K" : ""));
        out.flush();
    }

    /** Ends the epoch: the final line with all logs (validation included). */
    public void finish(Map<String, Double> logs) {
        double elapsed = (System.nanoTime() - start) / 1e9, perStep = total == 0 ? 0 : elapsed / total;
        if (verbose == 1) {
            out.print("\r" + counter(total) + " " + bar(total) + " " + Math.round(elapsed) + "s " + formatPerStep(perStep)
                    + metrics(logs) + (ansi ? "\033[K" : "") + "\n");
        } else if (verbose == 2) {
            out.print(counter(total) + " - " + Math.round(elapsed) + "s - " + formatPerStep(perStep) + metrics(logs) + "\n");
        }
        out.flush();
    }

    private String counter(int step) {
        String t = String.valueOf(total);
        return " ".repeat(Math.max(0, t.length() - String.valueOf(step).length())) + step + "/" + t;
    }

    private String bar(int step) {
        int done = total == 0 ? WIDTH : (int) ((long) WIDTH * step / total);
        if (!ansi) return BAR.repeat(done) + "─".repeat(WIDTH - done);
        return "\033[1m" + BAR.repeat(done) + "\033[0m\033[2m" + BAR.repeat(WIDTH - done) + "\033[0m";
    }

    /** " - name: value" for each log, in the order given. */
    private static String metrics(Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        logs.forEach((k, v) -> sb.append(" - ").append(k).append(": ").append(formatValue(v)));
        return sb.toString();
    }

    /** Keras: 4 decimals, or scientific notation below 1e-3. */
    public static String formatValue(double v) {
        if (v != 0 && Math.abs(v) < 1e-3 && Double.isFinite(v)) return String.format(Locale.ROOT, "%.4e", v);
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String formatPerStep(double seconds) {
        if (seconds >= 1 || seconds == 0) return String.format(Locale.ROOT, "%.0fs/step", seconds);
        if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
        return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
    }

    static String formatEta(double s) {
        long e = Math.round(s);
        if (e > 3600) return String.format(Locale.ROOT, "%d:%02d:%02d", e / 3600, (e % 3600) / 60, e % 60);
        if (e > 60) return String.format(Locale.ROOT, "%d:%02d", e / 60, e % 60);
        return e + "s";
    }
}
