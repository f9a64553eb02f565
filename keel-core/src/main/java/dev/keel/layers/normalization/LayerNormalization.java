package dev.keel.layers.normalization;

import dev.keel.initializers.Initializer;
import dev.keel.kernels.Norm;
import dev.keel.layers.Layer;
import dev.keel.layers.LayerConfigs;
import dev.keel.layers.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Layer normalization (Ba et al., 2016): each sample is normalised over its own features, so the result
 * does not depend on the batch (unlike {@link BatchNormalization}) and training and inference agree.
 * <pre>
 * y = γ·(x − μ_r)/√(σ²_r + ε) + β,   μ_r, σ²_r over the last axis of each row r
 * </pre>
 * Defaults as Keras: {@code axis=-1, epsilon=1e-3, center=true, scale=true}, γ=1, β=0.
 */
public final class LayerNormalization extends Layer {
    private final double epsilon;
    private final boolean center;
    private final boolean scale;
    private Parameter gamma;
    private Parameter beta;
    private int features;

    public LayerNormalization() {
        this(1e-3, true, true);
    }

    public LayerNormalization(double epsilon, boolean center, boolean scale) {
        super(null);
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) throw new IllegalArgumentException("LayerNormalization epsilon must be > 0 and finite, got " + epsilon);
        this.epsilon = epsilon;
        this.center = center;
        this.scale = scale;
    }

    @Override
    public String className() {
        return "LayerNormalization";
    }

    @Override
    protected Layer newInstance() {
        return new LayerNormalization(epsilon, center, scale);
    }

    @Override
    protected int[] onBuild(int[] inputShape) {
        if (inputShape.length == 0) throw new IllegalArgumentException("LayerNormalization needs inputs with a feature axis");
        features = inputShape[inputShape.length - 1];
        if (scale) gamma = addParameter("gamma", new int[] {features}, new Initializer.Ones(), null, null);
        if (center) beta = addParameter("beta", new int[] {features}, new Initializer.Zeros(), null, null);
        return inputShape;
    }

    private record LnScratch(float[] mean, float[] invStd, float[] dgamma, float[] dbeta) implements Scratch {}

    @Override
    public Scratch newScratch(int batch) {
        int rows = batch * (inputSize() / features);
        return new LnScratch(new float[rows], new float[rows], new float[features], new float[features]);
    }

    @Override
    public void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch) {
        int rows = batch * (inputSize() / features);
        float[] mean, inv;
        if (scratch instanceof LnScratch s) { mean = s.mean; inv = s.invStd; }
        else { mean = new float[rows]; inv = new float[rows]; }
        Norm.layerNormForward(x, y, rows, features, scale ? gamma.value() : null, center ? beta.value() : null,
                (float) epsilon, mean, inv);
    }

    @Override
    public void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch) {
        LnScratch s = (LnScratch) scratch;
        int rows = batch * (inputSize() / features);
        Norm.layerNormBackward(x, dy, dx, rows, features, scale ? gamma.value() : null, s.mean, s.invStd,
                scale ? gamma.grad() : s.dgamma, center ? beta.grad() : s.dbeta);
    }

    @Override
    protected Map<String, Object> layerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("axis", -1);
        c.put("epsilon", epsilon);
        c.put("center", center);
        c.put("scale", scale);
        c.put("beta_initializer", LayerConfigs.of(new Initializer.Zeros()));
        c.put("gamma_initializer", LayerConfigs.of(new Initializer.Ones()));
        return c;
    }
}
