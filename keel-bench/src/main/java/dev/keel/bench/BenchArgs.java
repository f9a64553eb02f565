package dev.keel.bench;

import java.util.Arrays;

/** What the bench entry points share: reading a positive option value, and the median of a sample. */
final class BenchArgs {
    private BenchArgs() {}

    /** {@code v} as a positive int, or an error naming the option. */
    static int positive(String name, String v) {
        try {
            int n = Integer.parseInt(v == null ? "" : v.trim());
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + (v == null ? " needs a value" : " needs a positive integer, got '" + v + "'"));
    }

    /** The median (the mean of the two middle values for an even count); {@code v} is not modified. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
