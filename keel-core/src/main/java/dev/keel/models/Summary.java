package dev.keel.models;

import dev.keel.layers.Layer;
import java.util.Locale;

/** Renders Keras 3's {@code model.summary()} table. */
final class Summary {
    private Summary() {}

    static String of(Sequential model) {
        int nameWidth = 33;
        for (Layer l : model.layers()) nameWidth = Math.max(nameWidth, l.name().length() + l.className().length() + 5);
        int[] W = {nameWidth, 24, 15};
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n");
        sb.append(line(W, '┏', '━', '┳', '┓'));
        sb.append(row(W, '┃', "Layer (type)", "Output Shape", "Param #"));
        sb.append(line(W, '┡', '━', '╇', '┩'));
        var layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            sb.append(row(W, '│', l.name() + " (" + l.className() + ")", Layer.shape(l.outputShape()), String.format(Locale.ROOT, "%,d", l.countAll())));
            sb.append(i < layers.size() - 1 ? line(W, '├', '─', '┼', '┤') : line(W, '└', '─', '┴', '┘'));
        }
        long total = model.countParams(), trainable = model.countTrainableParams();
        sb.append(" Total params: ").append(count(total)).append('\n');
        sb.append(" Trainable params: ").append(count(trainable)).append('\n');
        sb.append(" Non-trainable params: ").append(count(total - trainable)).append('\n');
        return sb.toString();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d (%s)", n, bytes(n * 4));
    }

    private static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.2f KB", b / 1024.0);
        return String.format(Locale.ROOT, "%.2f MB", b / (1024.0 * 1024));
    }

    private static String line(int[] W, char left, char fill, char mid, char right) {
        return left + String.valueOf(fill).repeat(W[0]) + mid + String.valueOf(fill).repeat(W[1]) + mid
                + String.valueOf(fill).repeat(W[2]) + right + "\n";
    }

    private static String row(int[] W, char edge, String a, String b, String c) {
        return edge + " " + pad(a, W[0] - 2) + " " + edge + " " + pad(b, W[1] - 2) + " " + edge + " "
                + " ".repeat(Math.max(0, W[2] - 2 - c.length())) + c + " " + edge + "\n";
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s.substring(0, w) : s + " ".repeat(w - s.length());
    }
}
