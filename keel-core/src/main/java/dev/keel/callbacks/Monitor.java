package dev.keel.callbacks;

import java.util.Map;

/**
 * The "monitor a logged quantity" logic Keras's EarlyStopping, ReduceLROnPlateau and ModelCheckpoint share:
 * mode auto/min/max (auto picks max for names containing "acc" or "auc"), and improvement by more than
 * min_delta.
 */
final class Monitor {
    final String name;
    final boolean maximize;
    final double minDelta;

    Monitor(String name, String mode, double minDelta) {
        this.name = name;
        this.maximize = switch (mode) {
            case "max" -> true;
            case "min" -> false;
            case "auto" -> name.contains("acc") || name.contains("auc");
            default -> throw new IllegalArgumentException("mode must be auto, min or max, got " + mode);
        };
        this.minDelta = Math.abs(minDelta);
    }

    double initial() {
        return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** The monitored value, or null with a warning-free skip when it is not in the logs. */
    Double value(Map<String, Double> logs) {
        Double v = logs.get(name);
        if (v == null) {
            throw new IllegalArgumentException("callback monitors '" + name + "' but the logs have only " + logs.keySet()
                    + " (validation quantities need validation data)");
        }
        return v;
    }

    boolean improved(double current, double best) {
        return maximize ? current - minDelta > best : current + minDelta < best;
    }
}
