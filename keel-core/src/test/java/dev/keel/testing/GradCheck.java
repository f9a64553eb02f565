package dev.keel.testing;

import dev.keel.layers.Layer;
import dev.keel.layers.Parameter;
import java.util.SplittableRandom;

/**
 * Central finite-difference check of a layer's backward pass. The scalar checked is
 * {@code L(x, θ) = Σ r ⊙ forward(x)} for a fixed random r, accumulated in double; the analytic gradients
 * are the layer's {@code dx} and parameter gradients for {@code dy = r}.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Checks dx and every parameter gradient of a built layer; returns the worst relative error seen. */
    public static double check(Layer layer, float[] x, int batch, boolean training, double tol) {
        int outN = batch * layer.outputSize();
        SplittableRandom r = new SplittableRandom(99);
        float[] weights = new float[outN];
        for (int i = 0; i < outN; i++) weights[i] = (float) (r.nextDouble() * 2 - 1);

        Layer.Scratch s = layer.newScratch(batch);
        float[] y = new float[outN];
        layer.forward(x, y, batch, training, s);
        float[] dy = weights.clone();
        float[] dx = new float[x.length];
        layer.backward(x, y, dy, dx, batch, s);

        double worst = compare("dx", dx, x, () -> loss(layer, x, batch, training, weights), tol);
        for (Parameter p : layer.trainableParameters()) {
            float[] g = p.grad().clone();
            worst = Math.max(worst, compare(p.name(), g, p.value(), () -> loss(layer, x, batch, training, weights), tol));
        }
        return worst;
    }

    private static double loss(Layer layer, float[] x, int batch, boolean training, float[] weights) {
        float[] y = new float[weights.length];
        layer.forward(x, y, batch, training, layer.newScratch(batch));
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) weights[i] * y[i];
        return l;
    }

    /** Perturbs each value of {@code v} (at most 60, spread out) and compares with {@code analytic}. */
    private static double compare(String what, float[] analytic, float[] v, java.util.function.DoubleSupplier f, double tol) {
        double worst = 0;
        int stride = Math.max(1, v.length / 60);
        double scale = 0;
        for (float a : analytic) scale = Math.max(scale, Math.abs(a));
        for (int i = 0; i < v.length; i += stride) {
            float orig = v[i];
            float h = (float) (1e-3 * Math.max(1.0, Math.abs(orig)));
            v[i] = orig + h;
            double up = f.getAsDouble();
            v[i] = orig - h;
            double down = f.getAsDouble();
            v[i] = orig;
            double numeric = (up - down) / ((double) (orig + h) - (double) (orig - h));
            double err = Math.abs(numeric - analytic[i]) / Math.max(Math.abs(numeric) + Math.abs(analytic[i]), 1e-2 * scale + 1e-6);
            worst = Math.max(worst, err);
            if (err > tol) {
                throw new AssertionError("gradient check failed for " + what + "[" + i + "]: analytic " + analytic[i]
                        + ", numeric " + numeric + " (relative error " + err + ")");
            }
        }
        return worst;
    }
}
