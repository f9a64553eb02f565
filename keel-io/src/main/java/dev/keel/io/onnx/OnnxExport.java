package dev.keel.io.onnx;

import dev.keel.activations.Activation;
import dev.keel.io.AtomicFiles;
import dev.keel.layers.Layer;
import dev.keel.layers.Weight;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.regularization.Dropout;
import dev.keel.layers.reshaping.Flatten;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Exports a Sequential for inference as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}),
 * after {@link Sequential#fuseForInference()} has folded every BatchNormalization it can into a Dense:
 * Dense → Gemm (+ its activation), a remaining BatchNormalization → BatchNormalization (inference form),
 * LayerNormalization → LayerNormalization, Activation → its operator(s), Softmax over the last axis,
 * Flatten → Flatten, Rescaling/Normalization → Mul and Add with per-feature constants, Dropout removed.
 * The input is {@code "input"} of shape {@code [batch, …]} with a symbolic batch dimension; the output is
 * {@code "output"}. Checked against ONNX Runtime in the tests.
 */
public final class OnnxExport {
    static final int OPSET = 17;
    static final int IR_VERSION = 8;
    private static final int FLOAT = 1;

    private final ProtoWriter graph = new ProtoWriter();
    private int counter;
    private String current = "input";

    private OnnxExport() {}

    /** Writes {@code model} (built) to {@code file} atomically; BN is folded first unless {@code fold} is false. */
    public static void write(Sequential model, Path file, boolean fold) throws IOException {
        byte[] bytes = toBytes(model, fold);
        AtomicFiles.writeAtomically(file, out -> out.write(bytes));
    }

    public static byte[] toBytes(Sequential model, boolean fold) {
        if (!model.built()) throw new IllegalArgumentException("build or fit the model before exporting it");
        Sequential m = fold ? model.fuseForInference() : model;
        OnnxExport e = new OnnxExport();
        e.graph.string(2, m.name() == null ? "keel" : m.name());
        for (Layer l : m.layers()) e.layer(l);
        e.node("Identity", List.of(e.current), "output", List.of());
        e.graph.message(11, valueInfo("input", m.inputShape()));
        e.graph.message(12, valueInfo("output", m.outputShape()));
        ProtoWriter proto = new ProtoWriter()
                .int64(1, IR_VERSION)
                .string(2, "Keel")
                .string(3, "0.1.0")
                .message(7, e.graph)
                .message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        return proto.toByteArray();
    }

    private void layer(Layer l) {
        switch (l) {
            case Dense d -> {
                List<Weight> w = d.weights();
                String kernel = constant(d.name() + "/kernel", w.get(0).shape(), w.get(0).value());
                List<String> in = new ArrayList<>(List.of(current, kernel));
                if (w.size() > 1) in.add(constant(d.name() + "/bias", w.get(1).shape(), w.get(1).value()));
                current = node("Gemm", in, fresh(d.name()), List.of());
                activation(d.activation(), d.name());
            }
            case BatchNormalization bn -> {
                int n = bn.weights().get(bn.weights().size() - 1).size();
                float[] gamma = valueOr(bn, "gamma", n, 1f), beta = valueOr(bn, "beta", n, 0f);
                float[] mean = bn.weight("moving_mean").value(), var = bn.weight("moving_variance").value();
                String name = bn.name();
                if (bn.outputShape().length != 1) throw unsupported(l, "BatchNormalization over inputs of rank > 2");
                current = node("BatchNormalization", List.of(current, constant(name + "/gamma", new int[] {n}, gamma),
                        constant(name + "/beta", new int[] {n}, beta), constant(name + "/moving_mean", new int[] {n}, mean),
                        constant(name + "/moving_variance", new int[] {n}, var)), fresh(name),
                        List.of(floatAttr("epsilon", (float) bn.epsilon())));
            }
            case LayerNormalization ln -> {
                Map<String, Object> c = ln.config();
                int n = ln.outputShape()[ln.outputShape().length - 1];
                float[] gamma = valueOr(ln, "gamma", n, 1f), beta = valueOr(ln, "beta", n, 0f);
                current = node("LayerNormalization", List.of(current, constant(ln.name() + "/gamma", new int[] {n}, gamma),
                        constant(ln.name() + "/beta", new int[] {n}, beta)), fresh(ln.name()),
                        List.of(floatAttr("epsilon", ((Number) c.get("epsilon")).floatValue()), intAttr("axis", -1)));
            }
            case ActivationLayer a -> activation(Activation.of((String) a.config().get("activation")), a.name());
            case Dropout d -> { }
            case Flatten f -> current = node("Flatten", List.of(current), fresh(f.name()), List.of(intAttr("axis", 1)));
            case Rescaling r -> {
                Map<String, Object> c = r.config();
                affine(r.name(), new float[] {((Number) c.get("scale")).floatValue()}, new float[] {((Number) c.get("offset")).floatValue()}, new int[] {1});
            }
            case Normalization z -> {
                float[] mean = z.weight("mean").value(), var = z.weight("variance").value();
                int n = mean.length;
                float[] sd = new float[n];
                for (int f = 0; f < n; f++) sd[f] = (float) Math.max(Math.sqrt(var[f]), 1e-7);
                String name = z.name();
                if (Boolean.TRUE.equals(z.config().get("invert"))) {
                    affine(name, sd, mean, new int[] {n});   // mean + x·sd
                } else {   // (x − mean)/sd exactly as Keel computes it: Sub then Div
                    String sub = node("Sub", List.of(current, constant(name + "/mean", new int[] {n}, mean)), fresh(name), List.of());
                    current = node("Div", List.of(sub, constant(name + "/std", new int[] {n}, sd)), fresh(name), List.of());
                }
            }
            default -> throw unsupported(l, l.className());
        }
    }

    private static IllegalArgumentException unsupported(Layer l, String what) {
        return new IllegalArgumentException("ONNX export does not support " + what + " (layer " + l.name() + ")");
    }

    private static float[] valueOr(Layer l, String weight, int n, float fill) {
        for (Weight w : l.weights()) if (w.name().equals(weight)) return w.value();
        float[] v = new float[n];
        java.util.Arrays.fill(v, fill);
        return v;
    }

    private void affine(String name, float[] scale, float[] offset, int[] shape) {
        String mul = node("Mul", List.of(current, constant(name + "/scale", shape, scale)), fresh(name), List.of());
        current = node("Add", List.of(mul, constant(name + "/offset", shape, offset)), fresh(name), List.of());
    }

    private void activation(Activation a, String name) {
        switch (a) {
            case LINEAR -> { }
            case RELU -> current = node("Relu", List.of(current), fresh(name), List.of());
            case SIGMOID -> current = node("Sigmoid", List.of(current), fresh(name), List.of());
            case TANH -> current = node("Tanh", List.of(current), fresh(name), List.of());
            case SOFTMAX -> current = node("Softmax", List.of(current), fresh(name), List.of(intAttr("axis", -1)));
            case ELU -> current = node("Elu", List.of(current), fresh(name), List.of(floatAttr("alpha", 1f)));
            case SELU -> current = node("Selu", List.of(current), fresh(name),
                    List.of(floatAttr("alpha", 1.6732632423543772f), floatAttr("gamma", 1.0507009873554805f)));
            case LEAKY_RELU -> current = node("LeakyRelu", List.of(current), fresh(name), List.of(floatAttr("alpha", 0.2f)));
            case HARD_SIGMOID -> current = node("HardSigmoid", List.of(current), fresh(name),
                    List.of(floatAttr("alpha", 1f / 6), floatAttr("beta", 0.5f)));
            case SOFTPLUS -> current = node("Softplus", List.of(current), fresh(name), List.of());
            case SOFTSIGN -> current = node("Softsign", List.of(current), fresh(name), List.of());
            case SWISH -> {
                String s = node("Sigmoid", List.of(current), fresh(name), List.of());
                current = node("Mul", List.of(current, s), fresh(name), List.of());
            }
            case GELU -> {   // x·½(1 + erf(x/√2))
                String scaled = node("Mul", List.of(current, constant(fresh(name), new int[0], new float[] {(float) (1 / Math.sqrt(2))})), fresh(name), List.of());
                String erf = node("Erf", List.of(scaled), fresh(name), List.of());
                String plus = node("Add", List.of(erf, constant(fresh(name), new int[0], new float[] {1f})), fresh(name), List.of());
                String half = node("Mul", List.of(current, constant(fresh(name), new int[0], new float[] {0.5f})), fresh(name), List.of());
                current = node("Mul", List.of(half, plus), fresh(name), List.of());
            }
        }
    }

    private String fresh(String base) {
        return base + "/" + (counter++);
    }

    /** Adds a NodeProto; returns its output name. */
    private String node(String op, List<String> inputs, String output, List<ProtoWriter> attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        n.string(2, output);
        n.string(3, output);
        n.string(4, op);
        for (ProtoWriter a : attributes) n.message(5, a);
        graph.message(1, n);
        return output;
    }

    /** Adds an initializer (TensorProto, float32, raw little-endian data); returns its name. */
    private String constant(String name, int[] shape, float[] values) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) dims[i] = shape[i];
        byte[] raw = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            int bits = Float.floatToRawIntBits(values[i]);
            for (int k = 0; k < 4; k++) raw[4 * i + k] = (byte) (bits >>> (8 * k));
        }
        ProtoWriter t = new ProtoWriter();
        if (dims.length > 0) t.packedInt64(1, dims);
        t.int64(2, FLOAT).string(8, name).bytes(9, raw);
        graph.message(5, t);
        return name;
    }

    private static ProtoWriter floatAttr(String name, float v) {
        return new ProtoWriter().string(1, name).float32(2, v).int64(20, 1);
    }

    private static ProtoWriter intAttr(String name, long v) {
        return new ProtoWriter().string(1, name).int64(3, v).int64(20, 2);
    }

    private static ProtoWriter valueInfo(String name, int[] featureShape) {
        ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "batch"));
        for (int d : featureShape) shape.message(1, new ProtoWriter().int64(1, d));
        ProtoWriter tensor = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }
}
