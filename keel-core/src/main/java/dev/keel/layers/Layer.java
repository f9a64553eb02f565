package dev.keel.layers;

import dev.keel.constraints.Constraint;
import dev.keel.initializers.Initializer;
import dev.keel.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer, with Keras's life cycle:
 * <ol>
 *   <li>the constructor stores configuration only, validated at once;</li>
 *   <li>{@link #build(int[], long)} creates the weights from the per-sample input shape;</li>
 *   <li>{@link #forward} computes {@code y} from {@code x} for a batch, in training or inference mode;</li>
 *   <li>{@link #backward}, right below it in each subclass, writes the parameter gradients and {@code dx};</li>
 *   <li>{@link #config()} returns the constructor's arguments under Keras's keys.</li>
 * </ol>
 * Tensors are flat row-major {@code float[]}: {@code x[batch×inputSize]}, {@code y[batch×outputSize]}.
 * Inference keeps no per-call state in the layer, so one model can serve many threads; what training
 * must remember between forward and backward lives in a {@link Scratch} the caller owns.
 */
public abstract class Layer {
    /** Per-batch working memory a layer keeps from its training forward for its backward. */
    public interface Scratch {}

    private String name;
    private boolean trainable = true;
    private int[] declaredInputShape;
    private int[] inputShape;
    private int[] outputShape;
    private long seed;
    private final List<Weight> weights = new ArrayList<>();

    protected Layer(String name) {
        this.name = name;
    }

    /** Keras's class name, as written in a model config: "Dense", "BatchNormalization", …. */
    public abstract String className();

    /** The snake_case base of auto-generated names: "dense", "batch_normalization". */
    public String defaultNamePrefix() {
        return className().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    public String name() {
        return name;
    }

    /** Sets the name; models give unnamed layers unique Keras-style names ("dense", "dense_1"). */
    public Layer name(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a layer name must not be blank");
        this.name = name;
        return this;
    }

    /**
     * Declares the per-sample input shape, as Keras's {@code input_shape=(784,)} / {@code input_dim=784}
     * on a model's first layer.
     */
    public Layer inputShape(int... shape) {
        for (int d : shape) if (d < 1) throw new IllegalArgumentException("input shape dimensions must be >= 1, got " + Arrays.toString(shape));
        this.declaredInputShape = shape.clone();
        return this;
    }

    /** The declared input shape (before build), or null. */
    public int[] declaredInputShape() {
        return declaredInputShape == null ? null : declaredInputShape.clone();
    }

    public boolean trainable() {
        return trainable;
    }

    /**
     * Freezes or unfreezes the layer's parameters. As in Keras 3, a frozen BatchNormalization also runs
     * in inference mode (it uses and keeps its moving statistics).
     */
    public Layer trainable(boolean trainable) {
        this.trainable = trainable;
        return this;
    }

    public boolean built() {
        return outputShape != null;
    }

    /** Creates the weights for per-sample {@code inputShape}; {@code seed} drives every random initializer. */
    public final int[] build(int[] inputShape, long seed) {
        if (built()) {
            if (!Arrays.equals(inputShape, this.inputShape)) {
                throw new IllegalStateException("layer '" + name + "' was built for input shape " + shape(this.inputShape)
                        + " and cannot take " + shape(inputShape));
            }
            return outputShape.clone();
        }
        this.inputShape = inputShape.clone();
        this.seed = seed;
        int[] out = onBuild(inputShape.clone());
        this.outputShape = out.clone();
        return out;
    }

    /** Subclasses create their weights here and return the per-sample output shape. */
    protected abstract int[] onBuild(int[] inputShape);

    /** The seed the layer was built with; layers that draw random numbers at run time (Dropout) start from it. */
    protected long seed() {
        return seed;
    }

    public int[] inputShape() {
        requireBuilt();
        return inputShape.clone();
    }

    public int[] outputShape() {
        requireBuilt();
        return outputShape.clone();
    }

    /** Values per sample going in. */
    public int inputSize() {
        return product(inputShape());
    }

    /** Values per sample coming out. */
    public int outputSize() {
        return product(outputShape());
    }

    /** Allocates the working memory for a training batch of {@code batch} samples (null when none is needed). */
    public Scratch newScratch(int batch) {
        return null;
    }

    /**
     * Computes {@code y[batch×outputSize]} from {@code x[batch×inputSize]}. In training mode the layer may
     * update its state (moving statistics) and must fill {@code scratch} for {@link #backward}.
     */
    public abstract void forward(float[] x, float[] y, int batch, boolean training, Scratch scratch);

    /**
     * Given {@code dy = dL/dy}, writes every parameter's gradient (overwriting) and, when {@code dx} is not
     * null, {@code dx = dL/dx}. Called after a training-mode {@link #forward} with the same x, y and scratch.
     * May overwrite {@code dy}.
     */
    public abstract void backward(float[] x, float[] y, float[] dy, float[] dx, int batch, Scratch scratch);

    /** A new, unbuilt layer with the same configuration (and name and trainable flag), for copying models. */
    public final Layer copyConfiguration() {
        Layer l = newInstance();
        if (name != null) l.name(name);
        l.trainable(trainable);
        if (declaredInputShape != null) l.inputShape(declaredInputShape);
        return l;
    }

    /** A new, unbuilt instance with this layer's constructor arguments. */
    protected abstract Layer newInstance();

    /** The layer's own configuration under Keras's keys (name and trainable are added by {@link #config()}). */
    protected abstract Map<String, Object> layerConfig();

    /** Keras's {@code get_config()}: name, trainable and the constructor's arguments. */
    public final Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("trainable", trainable);
        if (declaredInputShape != null) c.put("batch_input_shape", batchShape(declaredInputShape));
        c.putAll(layerConfig());
        return c;
    }

    /** All weights in Keras's save order (e.g. gamma, beta, moving_mean, moving_variance). */
    public List<Weight> weights() {
        return Collections.unmodifiableList(weights);
    }

    /** Parameters that an optimizer updates: none when the layer is frozen. */
    public List<Parameter> trainableParameters() {
        if (!trainable) return List.of();
        List<Parameter> out = new ArrayList<>();
        for (Weight w : weights) if (w instanceof Parameter p) out.add(p);
        return out;
    }

    /** Counted as Keras counts: frozen layers' parameters are non-trainable. */
    public long countTrainable() {
        long n = 0;
        for (Parameter p : trainableParameters()) n += p.size();
        return n;
    }

    public long countAll() {
        long n = 0;
        for (Weight w : weights) n += w.size();
        return n;
    }

    public Weight weight(String weightName) {
        for (Weight w : weights) if (w.name().equals(weightName)) return w;
        throw new IllegalArgumentException("layer '" + name + "' has no weight '" + weightName + "'");
    }

    protected final Parameter addParameter(String weightName, int[] shape, Initializer init, Regularizer reg, Constraint c) {
        Parameter p = new Parameter(weightName, shape, reg, c);
        init.initialize(p.value(), shape, seed + 7919L * (weights.size() + 1));
        weights.add(p);
        return p;
    }

    protected final Buffer addBuffer(String weightName, int[] shape, Initializer init) {
        Buffer b = new Buffer(weightName, shape);
        init.initialize(b.value(), shape, seed + 7919L * (weights.size() + 1));
        weights.add(b);
        return b;
    }

    protected final void requireBuilt() {
        if (!built()) throw new IllegalStateException("layer '" + name + "' is not built yet: add it to a model with an input shape, or call build()");
    }

    public static int product(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return Math.toIntExact(n);
    }

    /** Keras's shape notation: (None, 128). */
    public static String shape(int[] sampleShape) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : sampleShape) sb.append(", ").append(d);
        return sb.append(')').toString();
    }

    static List<Object> batchShape(int[] sampleShape) {
        List<Object> l = new ArrayList<>();
        l.add(null);
        for (int d : sampleShape) l.add(d);
        return l;
    }

    @Override
    public String toString() {
        return className() + "(" + name + ")";
    }
}
