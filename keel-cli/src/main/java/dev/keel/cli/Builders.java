package dev.keel.cli;

import dev.keel.activations.Activation;
import dev.keel.layers.Layer;
import dev.keel.layers.activations.ActivationLayer;
import dev.keel.layers.core.Dense;
import dev.keel.layers.normalization.BatchNormalization;
import dev.keel.layers.normalization.LayerNormalization;
import dev.keel.layers.preprocessing.Rescaling;
import dev.keel.layers.regularization.Dropout;
import dev.keel.layers.reshaping.Flatten;
import dev.keel.optimizers.Adagrad;
import dev.keel.optimizers.Adam;
import dev.keel.optimizers.AdamW;
import dev.keel.optimizers.Optimizer;
import dev.keel.optimizers.RMSprop;
import dev.keel.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns CLI specs into layers and optimizers, with Keras's argument names and defaults. */
final class Builders {
    private static final List<String> COMMON = List.of("learning_rate", "clipnorm", "clipvalue", "global_clipnorm");

    private Builders() {}

    static List<Layer> layers(String text) {
        List<Layer> out = new ArrayList<>();
        for (Spec s : Spec.parseList(text)) out.add(layer(s));
        if (out.isEmpty()) throw new IllegalArgumentException("--layers is empty");
        return out;
    }

    static Layer layer(Spec s) {
        return switch (s.name()) {
            case "dense" -> {
                Map<String, String> a = s.bind(List.of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer"));
                if (!a.containsKey("units")) throw new IllegalArgumentException("dense needs units, e.g. dense(128, relu)");
                Dense.Builder b = Dense.builder(Spec.integer(a, "units", 0)).activation(a.getOrDefault("activation", "linear"))
                        .useBias(Spec.bool(a, "use_bias", true));
                if (a.containsKey("kernel_initializer")) b.kernelInitializer(a.get("kernel_initializer"));
                if (a.containsKey("bias_initializer")) b.biasInitializer(a.get("bias_initializer"));
                yield b.build();
            }
            case "batchnorm", "batch_normalization", "batchnormalization" -> {
                Map<String, String> a = s.bind(List.of("momentum", "epsilon", "center", "scale"));
                yield BatchNormalization.builder().momentum(Spec.number(a, "momentum", 0.99)).epsilon(Spec.number(a, "epsilon", 1e-3))
                        .center(Spec.bool(a, "center", true)).scale(Spec.bool(a, "scale", true)).build();
            }
            case "layernorm", "layer_normalization", "layernormalization" -> {
                Map<String, String> a = s.bind(List.of("epsilon", "center", "scale"));
                yield new LayerNormalization(Spec.number(a, "epsilon", 1e-3), Spec.bool(a, "center", true), Spec.bool(a, "scale", true));
            }
            case "dropout" -> {
                Map<String, String> a = s.bind(List.of("rate", "seed"));
                if (!a.containsKey("rate")) throw new IllegalArgumentException("dropout needs a rate, e.g. dropout(0.2)");
                yield new Dropout(Spec.number(a, "rate", 0), a.containsKey("seed") ? (long) Spec.integer(a, "seed", 0) : null);
            }
            case "activation" -> {
                Map<String, String> a = s.bind(List.of("activation"));
                yield new ActivationLayer(a.getOrDefault("activation", "linear"));
            }
            case "flatten" -> { s.bind(List.of()); yield new Flatten(); }
            case "rescaling" -> {
                Map<String, String> a = s.bind(List.of("scale", "offset"));
                yield new Rescaling(Spec.number(a, "scale", 1), Spec.number(a, "offset", 0));
            }
            default -> {
                for (Activation act : Activation.values()) {
                    if (act.kerasName().equals(s.name())) { s.bind(List.of()); yield new ActivationLayer(act); }
                }
                throw new IllegalArgumentException("unknown layer '" + s.name() + "'; valid: dense, batchnorm, layernorm, dropout, "
                        + "activation, flatten, rescaling, or an activation name such as relu");
            }
        };
    }

    static Optimizer optimizer(String text, Double learningRate) {
        Spec s = Spec.parse(text);
        List<String> keys = new ArrayList<>(COMMON);
        switch (s.name()) {
            case "adam", "adamw" -> keys.addAll(List.of("beta_1", "beta_2", "epsilon", "amsgrad", "weight_decay"));
            case "sgd" -> keys.addAll(List.of("momentum", "nesterov"));
            case "rmsprop" -> keys.addAll(List.of("rho", "momentum", "epsilon", "centered"));
            case "adagrad" -> keys.addAll(List.of("initial_accumulator_value", "epsilon"));
            default -> throw new IllegalArgumentException("unknown optimizer '" + s.name() + "'; valid: adam, adamw, sgd, rmsprop, adagrad");
        }
        Map<String, String> a = s.bind(keys);
        double defaultLr = switch (s.name()) { case "sgd" -> 0.01; default -> 1e-3; };
        double lr = learningRate != null ? learningRate : Spec.number(a, "learning_rate", defaultLr);
        Optimizer.Common c = new Optimizer.Common(lr);
        if (a.containsKey("clipnorm")) c.clipnorm(Spec.number(a, "clipnorm", 0));
        if (a.containsKey("clipvalue")) c.clipvalue(Spec.number(a, "clipvalue", 0));
        if (a.containsKey("global_clipnorm")) c.globalClipnorm(Spec.number(a, "global_clipnorm", 0));
        return switch (s.name()) {
            case "adam" -> new Adam(c.weightDecay(Spec.number(a, "weight_decay", 0)), Spec.number(a, "beta_1", 0.9),
                    Spec.number(a, "beta_2", 0.999), Spec.number(a, "epsilon", 1e-7), Spec.bool(a, "amsgrad", false));
            case "adamw" -> new AdamW(c.weightDecay(Spec.number(a, "weight_decay", 0.004)), Spec.number(a, "beta_1", 0.9),
                    Spec.number(a, "beta_2", 0.999), Spec.number(a, "epsilon", 1e-7), Spec.bool(a, "amsgrad", false));
            case "sgd" -> new SGD(c, Spec.number(a, "momentum", 0), Spec.bool(a, "nesterov", false));
            case "rmsprop" -> new RMSprop(c, Spec.number(a, "rho", 0.9), Spec.number(a, "momentum", 0),
                    Spec.number(a, "epsilon", 1e-7), Spec.bool(a, "centered", false));
            default -> new Adagrad(c, Spec.number(a, "initial_accumulator_value", 0.1), Spec.number(a, "epsilon", 1e-7));
        };
    }
}
