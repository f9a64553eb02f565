package dev.keel.io.models;

import dev.keel.io.DataFormatException;
import dev.keel.layers.Layer;
import dev.keel.losses.Losses;
import dev.keel.models.Sequential;
import dev.keel.optimizers.Adagrad;
import dev.keel.optimizers.Adam;
import dev.keel.optimizers.AdamW;
import dev.keel.optimizers.Optimizer;
import dev.keel.optimizers.RMSprop;
import dev.keel.optimizers.SGD;
import dev.keel.optimizers.schedules.CosineDecay;
import dev.keel.optimizers.schedules.ExponentialDecay;
import dev.keel.optimizers.schedules.LearningRateSchedule;
import dev.keel.optimizers.schedules.PiecewiseConstantDecay;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras 3's serialized form of a Sequential model ({@code serialize_keras_object}): every object is
 * {@code {"module", "class_name", "config", "registered_name"}}, layers carry a {@code build_config}, the
 * input is an explicit InputLayer with {@code batch_shape}, dtypes are DTypePolicy objects, and the model
 * carries its {@code compile_config} (optimizer, loss, metrics).
 */
final class KerasConfig {
    private KerasConfig() {}

    static Map<String, Object> of(Sequential model) {
        List<Object> batchShape = new ArrayList<>();
        batchShape.add(null);
        for (int d : model.inputShape()) batchShape.add(d);
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_shape", batchShape);
        input.put("dtype", "float32");
        input.put("sparse", false);
        input.put("name", "input_layer");
        layers.add(object("keras.layers", "InputLayer", input, null));
        List<Object> shape = batchShape;
        for (Layer l : model.layers()) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (var e : l.config().entrySet()) {
                if (e.getKey().equals("batch_input_shape")) continue;
                c.put(e.getKey(), keras3(e.getKey(), e.getValue()));
                if (e.getKey().equals("trainable")) c.put("dtype", policy());
            }
            Map<String, Object> entry = object("keras.layers", l.className(), c, null);
            entry.put("build_config", Map.of("input_shape", shape));
            layers.add(entry);
            shape = new ArrayList<>();
            shape.add(null);
            for (int d : l.outputShape()) shape.add(d);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("name", model.name());
        cfg.put("trainable", true);
        cfg.put("dtype", policy());
        cfg.put("layers", layers);
        Map<String, Object> root = object("keras", "Sequential", cfg, null);
        root.put("build_config", Map.of("input_shape", batchShape));
        root.put("compile_config", compileConfig(model));
        return root;
    }

    private static Map<String, Object> compileConfig(Sequential model) {
        Optimizer opt = model.optimizer();
        if (opt == null) return null;
        String cls = switch (opt.name()) {
            case "adam" -> "Adam";
            case "adamw" -> "AdamW";
            case "sgd" -> "SGD";
            case "rmsprop" -> "RMSprop";
            case "adagrad" -> "Adagrad";
            default -> throw new IllegalStateException("no Keras class for optimizer " + opt.name());
        };
        Map<String, Object> c = new LinkedHashMap<>();
        Map<String, Object> oc = new LinkedHashMap<>(opt.config());
        if (oc.get("learning_rate") instanceof LearningRateSchedule schedule) oc.put("learning_rate", schedule(schedule));
        c.put("optimizer", object("keras.optimizers", cls, oc, null));
        c.put("loss", model.loss().name());
        c.put("loss_weights", null);
        c.put("metrics", model.metricNames().isEmpty() ? null : model.metricNames());
        c.put("weighted_metrics", null);
        c.put("run_eagerly", false);
        c.put("steps_per_execution", 1);
        c.put("jit_compile", false);
        return c;
    }

    /** Keras 3's serialized learning-rate schedules (keras.optimizers.schedules). */
    private static Map<String, Object> schedule(LearningRateSchedule s) {
        Map<String, Object> c = new LinkedHashMap<>();
        String cls;
        switch (s) {
            case ExponentialDecay e -> {
                cls = "ExponentialDecay";
                c.put("initial_learning_rate", e.initialLearningRate());
                c.put("decay_steps", e.decaySteps());
                c.put("decay_rate", e.decayRate());
                c.put("staircase", e.staircase());
                c.put("name", "ExponentialDecay");
            }
            case CosineDecay e -> {
                cls = "CosineDecay";
                c.put("initial_learning_rate", e.initialLearningRate());
                c.put("decay_steps", e.decaySteps());
                c.put("alpha", e.alpha());
                c.put("name", "CosineDecay");
                c.put("warmup_target", null);
                c.put("warmup_steps", 0);
            }
            case PiecewiseConstantDecay e -> {
                cls = "PiecewiseConstantDecay";
                c.put("boundaries", e.boundaries());
                c.put("values", e.values());
                c.put("name", "PiecewiseConstant");
            }
            default -> throw new IllegalArgumentException("the learning-rate schedule " + s.getClass().getSimpleName()
                    + " has no Keras form; use ExponentialDecay, CosineDecay or PiecewiseConstantDecay to save the model compiled");
        }
        return object("keras.optimizers.schedules", cls, c, null);
    }

    private static LearningRateSchedule schedule(Map<?, ?> m, String where) {
        if (!(m.get("class_name") instanceof String cls) || !(m.get("config") instanceof Map<?, ?> c)) {
            throw new DataFormatException(where + ": malformed learning-rate schedule " + m);
        }
        try {
            return switch (cls) {
                case "ExponentialDecay" -> new ExponentialDecay(LayerConfigCodec.number(c, "initial_learning_rate", Double.NaN, where), (long) LayerConfigCodec.number(c, "decay_steps", Double.NaN, where),
                        LayerConfigCodec.number(c, "decay_rate", Double.NaN, where), LayerConfigCodec.bool(c, "staircase", false, where));
                case "CosineDecay" -> {
                    if (c.get("warmup_target") != null || LayerConfigCodec.number(c, "warmup_steps", 0, where) != 0) {
                        throw new DataFormatException(where + ": CosineDecay with warmup is not supported");
                    }
                    yield new CosineDecay(LayerConfigCodec.number(c, "initial_learning_rate", Double.NaN, where), (long) LayerConfigCodec.number(c, "decay_steps", Double.NaN, where),
                            LayerConfigCodec.number(c, "alpha", 0, where));
                }
                case "PiecewiseConstantDecay" -> {
                    if (!(c.get("boundaries") instanceof List<?> b) || !(c.get("values") instanceof List<?> v)) {
                        throw new DataFormatException(where + ": PiecewiseConstantDecay needs boundaries and values lists");
                    }
                    long[] bs = new long[b.size()];
                    double[] vs = new double[v.size()];
                    for (int i = 0; i < bs.length; i++) bs[i] = b.get(i) instanceof Number n ? n.longValue() : -1;
                    for (int i = 0; i < vs.length; i++) vs[i] = v.get(i) instanceof Number n ? n.doubleValue() : Double.NaN;
                    yield new PiecewiseConstantDecay(bs, vs);
                }
                default -> throw new DataFormatException(where + ": unsupported learning-rate schedule '" + cls + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(where + ": " + e.getMessage(), e);
        }
    }

    /** Nested serialized objects (initializers, regularizers, constraints) gain Keras 3's module and registered_name. */
    @SuppressWarnings("unchecked")
    private static Object keras3(String key, Object value) {
        if (!(value instanceof Map<?, ?> m) || !m.containsKey("class_name")) return value;
        String module = key.endsWith("_initializer") ? "keras.initializers" : key.endsWith("_regularizer") ? "keras.regularizers"
                : key.endsWith("_constraint") ? "keras.constraints" : "keras";
        return object(module, (String) m.get("class_name"), (Map<String, Object>) m.get("config"), null);
    }

    private static Map<String, Object> policy() {
        return object("keras", "DTypePolicy", Map.of("name", "float32"), null);
    }

    private static Map<String, Object> object(String module, String className, Map<String, Object> config, String registeredName) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("module", module);
        o.put("class_name", className);
        o.put("config", config);
        o.put("registered_name", registeredName);
        return o;
    }

    // ---- compile_config → compile ----

    private static final Set<String> COMPILE_KEYS = Set.of("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
            "steps_per_execution", "jit_compile", "auto_scale_loss");

    static void compile(Sequential model, Map<?, ?> cc, String where) {
        for (Object k : cc.keySet()) {
            if (!COMPILE_KEYS.contains(String.valueOf(k))) throw new DataFormatException(where + ": compile_config has an argument Keel does not know: '" + k + "'");
        }
        if (cc.get("loss_weights") != null || cc.get("weighted_metrics") != null) {
            throw new DataFormatException(where + ": loss_weights and weighted_metrics are not supported");
        }
        Object loss = cc.get("loss");
        String lossName = loss instanceof String s ? s : loss instanceof Map<?, ?> lm && lm.get("config") instanceof Map<?, ?> lc
                && lc.get("name") instanceof String n ? n : null;
        if (lossName == null) throw new DataFormatException(where + ": compile_config loss must be a Keras loss name, got " + loss);
        List<String> metrics = new ArrayList<>();
        Object ms = cc.get("metrics");
        if (ms instanceof List<?> list) {
            for (Object m : list) {
                if (!(m instanceof String s)) throw new DataFormatException(where + ": metric " + m + " is not supported (only metric names)");
                metrics.add(s);
            }
        } else if (ms != null) {
            throw new DataFormatException(where + ": compile_config metrics must be a list of names");
        }
        try {
            model.compile(optimizer(cc.get("optimizer"), where), Losses.of(lossName), metrics.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static final Set<String> COMMON_OPTIMIZER_KEYS = Set.of("name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
            "use_ema", "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "is_legacy_optimizer", "jit_compile");

    static Optimizer optimizer(Object o, String where) {
        if (o instanceof String name) {
            try {
                return dev.keel.optimizers.Optimizers.of(name);
            } catch (IllegalArgumentException e) {
                throw new DataFormatException(where + ": " + e.getMessage(), e);
            }
        }
        if (!(o instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls) || !(m.get("config") instanceof Map<?, ?> c)) {
            throw new DataFormatException(where + ": malformed optimizer " + o);
        }
        String at = where + " (optimizer " + cls + ")";
        Set<String> own = switch (cls) {
            case "Adam", "AdamW" -> Set.of("beta_1", "beta_2", "epsilon", "amsgrad");
            case "SGD" -> Set.of("momentum", "nesterov");
            case "RMSprop" -> Set.of("rho", "momentum", "epsilon", "centered");
            case "Adagrad" -> Set.of("initial_accumulator_value", "epsilon");
            default -> throw new DataFormatException(at + ": unsupported optimizer; Keel has Adam, AdamW, SGD, RMSprop and Adagrad");
        };
        for (Object k : c.keySet()) {
            if (!own.contains(String.valueOf(k)) && !COMMON_OPTIMIZER_KEYS.contains(String.valueOf(k))) {
                throw new DataFormatException(at + ": argument Keel does not know: '" + k + "'");
            }
        }
        if (Boolean.TRUE.equals(c.get("use_ema")) || c.get("loss_scale_factor") != null || c.get("gradient_accumulation_steps") != null) {
            throw new DataFormatException(at + ": use_ema, loss_scale_factor and gradient_accumulation_steps are not supported");
        }
        Object lr = c.get("learning_rate");
        if (!(lr instanceof Number) && !(lr instanceof Map<?, ?>)) throw new DataFormatException(at + ": learning_rate must be a number or a schedule");
        try {
            Optimizer.Common common;
            if (lr instanceof Map<?, ?> sm) {
                LearningRateSchedule s = schedule(sm, at);
                common = new Optimizer.Common(s.at(0)).schedule(s);
            } else {
                common = new Optimizer.Common(LayerConfigCodec.number(c, "learning_rate", 0, at));
            }
            if (c.get("clipnorm") != null) common.clipnorm(LayerConfigCodec.number(c, "clipnorm", 0, at));
            if (c.get("global_clipnorm") != null) common.globalClipnorm(LayerConfigCodec.number(c, "global_clipnorm", 0, at));
            if (c.get("clipvalue") != null) common.clipvalue(LayerConfigCodec.number(c, "clipvalue", 0, at));
            double wd = LayerConfigCodec.number(c, "weight_decay", cls.equals("AdamW") ? 0.004 : 0, at);
            common.weightDecay(wd);
            return switch (cls) {
                case "Adam" -> new Adam(common, LayerConfigCodec.number(c, "beta_1", 0.9, at), LayerConfigCodec.number(c, "beta_2", 0.999, at), LayerConfigCodec.number(c, "epsilon", 1e-7, at), LayerConfigCodec.bool(c, "amsgrad", false, at));
                case "AdamW" -> new AdamW(common, LayerConfigCodec.number(c, "beta_1", 0.9, at), LayerConfigCodec.number(c, "beta_2", 0.999, at), LayerConfigCodec.number(c, "epsilon", 1e-7, at), LayerConfigCodec.bool(c, "amsgrad", false, at));
                case "SGD" -> new SGD(common, LayerConfigCodec.number(c, "momentum", 0, at), LayerConfigCodec.bool(c, "nesterov", false, at));
                case "RMSprop" -> new RMSprop(common, LayerConfigCodec.number(c, "rho", 0.9, at), LayerConfigCodec.number(c, "momentum", 0, at), LayerConfigCodec.number(c, "epsilon", 1e-7, at), LayerConfigCodec.bool(c, "centered", false, at));
                default -> new Adagrad(common, LayerConfigCodec.number(c, "initial_accumulator_value", 0.1, at), LayerConfigCodec.number(c, "epsilon", 1e-7, at));
            };
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(at + ": " + e.getMessage(), e);
        }
    }
}
