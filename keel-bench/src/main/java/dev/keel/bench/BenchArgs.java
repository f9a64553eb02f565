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

    /** {@code v}, or an error naming the option when it is missing. */
    static String value(String name, String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(name + " needs a value");
        return v;
    }

    /** A GEMM shape, op(A)[m×k]·op(B)[k×n], and its form (NN, TN, NT or TT). */
    record Shape(int m, int k, int n, String form) {
        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** Parses {@code MxKxN[:FORM]} (FORM defaults to NN), or an error naming the option and an example. */
    static Shape shape(String option, String s) {
        if (!s.matches("[1-9][0-9]{0,4}x[1-9][0-9]{0,4}x[1-9][0-9]{0,4}(:(NN|TN|NT|TT))?")) {
            throw new IllegalArgumentException(option + ": '" + s + "' is not MxKxN[:FORM] with sizes 1..99999 and FORM one of NN, TN, NT, TT"
                    + " (e.g. 1024x784x128:NN)");
        }
        String[] sf = s.split(":");
        String[] d = sf[0].split("x");
        int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
        if ((long) m * k > Integer.MAX_VALUE / 4 || (long) k * n > Integer.MAX_VALUE / 4 || (long) m * n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(option + ": " + s + " needs operands above 2^29 floats; choose smaller sizes");
        }
        return new Shape(m, k, n, sf.length > 1 ? sf[1] : "NN");
    }
}
