package dev.keel.layers;

import dev.keel.constraints.Constraint;
import dev.keel.initializers.Initializer;
import dev.keel.regularizers.Regularizer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Keras's serialized form of initializers, regularizers and constraints inside a layer config. */
public final class LayerConfigs {
    private LayerConfigs() {}

    public static Map<String, Object> of(Initializer init) {
        return object(init.kerasClassName(), init.config());
    }

    /** Keras writes {@code null} for an absent regularizer. */
    public static Map<String, Object> of(Regularizer r) {
        if (r == null) return null;
        return object("L1L2", Map.of("l1", r.l1(), "l2", r.l2()));
    }

    public static Map<String, Object> of(Constraint c) {
        if (c == null) return null;
        Map<String, Object> cfg = c instanceof Constraint.MaxNorm m ? Map.of("max_value", m.maxValue(), "axis", 0) : Map.of();
        return object(c.kerasClassName(), cfg);
    }

    private static Map<String, Object> object(String className, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class_name", className);
        m.put("config", new LinkedHashMap<>(config));
        return m;
    }
}
