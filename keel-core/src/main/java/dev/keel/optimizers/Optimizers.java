package dev.keel.optimizers;

import java.util.Locale;

/** Looks up optimizers by Keras name, with Keras's defaults. */
public final class Optimizers {
    private Optimizers() {}

    public static Optimizer of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adam" -> new Adam();
            case "adamw" -> new AdamW();
            case "sgd" -> new SGD();
            case "rmsprop" -> new RMSprop();
            case "adagrad" -> new Adagrad();
            default -> throw new IllegalArgumentException("Unknown optimizer '" + name + "'. Valid: adam, adamw, sgd, rmsprop, adagrad");
        };
    }
}
