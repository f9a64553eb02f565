package dev.keel.io.models;

import dev.keel.activations.Activation;
import dev.keel.constraints.Constraint;
import dev.keel.io.DataFormatException;
import dev.keel.layers.Layer;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.layers.preprocessing.Normalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.regularization.Dropout;
import dev.keel.layers.reshaping.Flatten;
import dev.keel.regularizers.Regularizer;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras layer configs (the {@code {"class_name": ..., "config": {...}}} objects of Keras and TF.js model JSON)
 * to Keel layers. Every key of a config must be known: an unknown class or argument is an error naming it
 * and the file, never a silent default. Keys that do not change the computation (dtype, names of
 * initializers whose values the saved weights replace) are accepted and ignored.
 */
final class LayerConfigCodec {
    /** Keys any layer may carry. */
    private static final Set<String> COMMON = Set.of("name", "trainable", "dtype", "batch_input_shape", "batch_shape", "input_shape",
            "input_dim", "batch_size", "autocast", "activity_regularizer", "input_dtype");

    private LayerConfigCodec() {}

    static Layer fromConfig(String className, Map<String, Object> c, String where) {
        checkDtype(c.get("dtype"), where);
        Layer layer = switch (className) {
            case "Dense" -> {
                allow(c, where, className, "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                        "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha", "quantization_config");
                if (c.get("lora_rank") != null) throw new DataFormatException(where + ": Dense lora_rank is not supported");
                yield Dense.builder(intValue(c, "units", where)).activation(activation(c, where)).useBias(bool(c, "use_bias", true, where))
                        .kernelRegularizer(regularizer(c.get("kernel_regularizer"), where)).biasRegularizer(regularizer(c.get("bias_regularizer"), where))
                        .kernelConstraint(constraint(c.get("kernel_constraint"), where)).biasConstraint(constraint(c.get("bias_constraint"), where))
                        .build();
            }
            case "BatchNormalization" -> {
                allow(c, where, className, "axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
                        "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer", "beta_constraint",
                        "gamma_constraint", "synchronized", "renorm", "renorm_clipping", "renorm_momentum", "fused", "virtual_batch_size", "adjustment");
                if (Boolean.TRUE.equals(c.get("renorm")) || c.get("virtual_batch_size") != null || c.get("adjustment") != null) {
                    throw new DataFormatException(where + ": BatchNormalization renorm, virtual_batch_size and adjustment are not supported");
                }
                yield BatchNormalization.builder().axis(axis(c.get("axis"), where)).momentum(number(c, "momentum", 0.99, where))
                        .epsilon(number(c, "epsilon", 1e-3, where)).center(bool(c, "center", true, where)).scale(bool(c, "scale", true, where))
                        .betaRegularizer(regularizer(c.get("beta_regularizer"), where)).gammaRegularizer(regularizer(c.get("gamma_regularizer"), where))
                        .betaConstraint(constraint(c.get("beta_constraint"), where)).gammaConstraint(constraint(c.get("gamma_constraint"), where))
                        .build();
            }
            case "LayerNormalization" -> {
                allow(c, where, className, "axis", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer", "beta_regularizer",
                        "gamma_regularizer", "beta_constraint", "gamma_constraint", "rms_scaling");
                if (Boolean.TRUE.equals(c.get("rms_scaling"))) throw new DataFormatException(where + ": LayerNormalization rms_scaling is not supported");
                if (axis(c.get("axis"), where) != -1) throw new DataFormatException(where + ": LayerNormalization must normalise the last axis");
                yield new LayerNormalization(number(c, "epsilon", 1e-3, where), bool(c, "center", true, where), bool(c, "scale", true, where));
            }
            case "Activation" -> {
                allow(c, where, className, "activation");
                yield new ActivationLayer(activation(c, where));
            }
            case "Dropout" -> {
                allow(c, where, className, "rate", "seed", "noise_shape");
                if (c.get("noise_shape") != null) throw new DataFormatException(where + ": Dropout noise_shape is not supported");
                Object seed = c.get("seed");
                yield new Dropout(number(c, "rate", Double.NaN, where), seed == null ? null : ((Number) seed).longValue());
            }
            case "Flatten" -> {
                allow(c, where, className, "data_format");
                yield new Flatten();
            }
            case "Rescaling" -> {
                allow(c, where, className, "scale", "offset");
                yield new Rescaling(number(c, "scale", 1, where), number(c, "offset", 0, where));
            }
            case "Normalization" -> {
                allow(c, where, className, "axis", "invert", "mean", "variance");
                if (c.get("mean") != null || c.get("variance") != null) {
                    throw new DataFormatException(where + ": Normalization with mean/variance in its config is not supported; save adapted statistics as weights");
                }
                yield new Normalization(bool(c, "invert", false, where));
            }
            default -> throw new DataFormatException(where + ": unsupported layer class '" + className
                    + "'; Keel reads Dense, BatchNormalization, LayerNormalization, Activation, Dropout, Flatten, Rescaling, Normalization and InputLayer");
        };
        if (c.get("name") instanceof String n) layer.name(n);
        if (c.containsKey("trainable")) layer.trainable(bool(c, "trainable", true, where));
        if (c.get("activity_regularizer") != null) throw new DataFormatException(where + ": activity_regularizer is not supported");
        return layer;
    }

    /** The per-sample input shape a first layer declares (batch_input_shape / batch_shape / input_shape), or null. */
    static int[] declaredShape(Map<String, Object> c, String where) {
        Object s = c.get("batch_input_shape");
        if (s == null) s = c.get("batch_shape");
        boolean withBatch = s != null;
        if (s == null) s = c.get("input_shape");
        if (s == null) return null;
        if (!(s instanceof List<?> l) || l.size() > 16) throw new DataFormatException(where + ": malformed input shape " + s);
        int from = withBatch ? 1 : 0;
        int[] out = new int[l.size() - from];
        for (int i = from; i < l.size(); i++) {
            if (!(l.get(i) instanceof Number n) || n.intValue() < 1 || n.intValue() > 1 << 24) {
                throw new DataFormatException(where + ": input shape " + s + " must have positive sizes after the batch axis");
            }
            out[i - from] = n.intValue();
        }
        return out;
    }

    /** Keel computes in float32: a layer declaring another dtype (or mixed precision) is refused. */
    private static void checkDtype(Object dtype, String where) {
        Object name = dtype;
        if (dtype instanceof Map<?, ?> policy) name = policy.get("config") instanceof Map<?, ?> cfg ? cfg.get("name") : null;
        if (name != null && !"float32".equals(name)) {
            throw new DataFormatException(where + ": layer dtype " + name + " is not supported; Keel computes in float32");
        }
    }

    private static void allow(Map<String, Object> c, String where, String cls, String... keys) {
        Set<String> ok = Set.of(keys);
        for (String k : c.keySet()) {
            if (!ok.contains(k) && !COMMON.contains(k)) {
                throw new DataFormatException(where + ": " + cls + " has an argument Keel does not know: '" + k + "'");
            }
        }
    }

    private static Activation activation(Map<String, Object> c, String where) {
        Object a = c.get("activation");
        if (a == null) return Activation.LINEAR;
        if (!(a instanceof String s)) throw new DataFormatException(where + ": activation must be a name, got " + a);
        try {
            return Activation.of(s);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(where + ": " + e.getMessage());
        }
    }

    private static int axis(Object a, String where) {
        if (a == null) return -1;
        if (a instanceof List<?> l) {
            if (l.size() != 1) throw new DataFormatException(where + ": axis " + a + " is not supported (one axis only)");
            a = l.get(0);
        }
        if (!(a instanceof Number n)) throw new DataFormatException(where + ": axis must be an integer, got " + a);
        return n.intValue() > 0 ? -1 : n.intValue();   // positive axes are checked against the input rank at build
    }

    private static Regularizer regularizer(Object r, String where) {
        if (r == null) return null;
        if (!(r instanceof Map<?, ?> m) || !(m.get("config") instanceof Map<?, ?> cfg)) throw new DataFormatException(where + ": malformed regularizer " + r);
        Object cls = m.get("class_name");
        double l1 = cfg.get("l1") instanceof Number n ? n.doubleValue() : 0, l2 = cfg.get("l2") instanceof Number n2 ? n2.doubleValue() : 0;
        return switch (String.valueOf(cls)) {
            case "L1L2", "L1", "L2" -> new Regularizer(l1, l2);
            default -> throw new DataFormatException(where + ": unsupported regularizer '" + cls + "'");
        };
    }

    private static Constraint constraint(Object c, String where) {
        if (c == null) return null;
        if (!(c instanceof Map<?, ?> m)) throw new DataFormatException(where + ": malformed constraint " + c);
        Object cls = m.get("class_name");
        Map<?, ?> cfg = m.get("config") instanceof Map<?, ?> x ? x : Map.of();
        return switch (String.valueOf(cls)) {
            case "NonNeg" -> new Constraint.NonNeg();
            case "MaxNorm" -> new Constraint.MaxNorm(cfg.get("max_value") instanceof Number n ? n.doubleValue() : 2.0);
            default -> throw new DataFormatException(where + ": unsupported constraint '" + cls + "'");
        };
    }

    /** A number under {@code key}; {@code fallback} when absent, or an error naming the key when the fallback is NaN. */
    static double number(Map<?, ?> c, String key, double fallback, String where) {
        Object v = c.get(key);
        if (v == null) {
            if (Double.isNaN(fallback)) throw new DataFormatException(where + ": missing '" + key + "'");
            return fallback;
        }
        if (!(v instanceof Number n)) throw new DataFormatException(where + ": '" + key + "' must be a number, got " + v);
        return n.doubleValue();
    }

    private static int intValue(Map<String, Object> c, String key, String where) {
        double d = number(c, key, Double.NaN, where);
        if (d != Math.rint(d) || d < 1 || d > 1 << 24) throw new DataFormatException(where + ": '" + key + "' must be a positive integer, got " + d);
        return (int) d;
    }

    /** A boolean under {@code key}, {@code fallback} when absent. */
    static boolean bool(Map<?, ?> c, String key, boolean fallback, String where) {
        Object v = c.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw new DataFormatException(where + ": '" + key + "' must be true or false, got " + v);
        return b;
    }
}
