package dev.keel.cli.lab;

import dev.keel.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One experiment's Markdown report: setup, tables, pictures and one verdict line per claim. */
final class Report {
    enum Verdict { HOLDS, PARTLY, DOES_NOT_HOLD;
        String text() { return switch (this) { case HOLDS -> "holds"; case PARTLY -> "partly"; default -> "does not hold"; }; }
    }

    /** A claim, its verdict, and the numbers behind it. */
    record Finding(String claim, Verdict verdict, String evidence) {}

    private final String name;
    private final StringBuilder md = new StringBuilder();
    private final StringBuilder console = new StringBuilder();
    final List<Finding> findings = new ArrayList<>();

    Report(String name, String title, String setup) {
        this.name = name;
        md.append("# ").append(title).append("\n\n").append(setup).append("\n\n");
    }

    String name() {
        return name;
    }

    void table(List<String> header, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        t.append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) t.append("| ").append(String.join(" | ", r)).append(" |\n");
        md.append(t).append('\n');
        console.append(t).append('\n');
    }

    void text(String paragraph) {
        md.append(paragraph).append("\n\n");
    }

    void image(String file, String alt) {
        md.append("![").append(alt).append("](").append(file).append(")\n\n");
    }

    void verdict(String claim, Verdict v, String evidence) {
        findings.add(new Finding(claim, v, evidence));
        String line = "**Verdict — " + claim + ": " + v.text() + ".** " + evidence;
        md.append(line).append("\n\n");
        console.append("Verdict — ").append(claim).append(": ").append(v.text()).append(". ").append(evidence).append('\n');
    }

    void write(Path dir, String footer) throws IOException {
        String text = md + "---\n" + footer + "\n";
        AtomicFiles.writeAtomically(dir.resolve(name + ".md"), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    String console() {
        return console.toString();
    }

    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "—";
    }

    static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "—";
    }

    static String meanStd(double[] v, int decimals) {
        double m = 0, s = 0;
        int n = 0;
        for (double x : v) if (Double.isFinite(x)) { m += x; n++; }
        if (n == 0) return "not reached";
        m /= n;
        for (double x : v) if (Double.isFinite(x)) s += (x - m) * (x - m);
        s = n > 1 ? Math.sqrt(s / (n - 1)) : 0;
        String r = String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", m, s);
        return n < v.length ? r + " (" + n + "/" + v.length + " runs)" : r;
    }
}
