package dev.keel.callbacks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code fit} returns, as Keras's {@code History}: for each logged quantity ("loss", "accuracy",
 * "val_loss", …) its value at the end of every epoch, and the epoch indices.
 */
public final class History implements Callback {
    private final Map<String, List<Double>> history = new LinkedHashMap<>();
    private final List<Integer> epochs = new ArrayList<>();

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        epochs.add(epoch);
        logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    /** Keras's {@code history.history}: name → per-epoch values. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return Collections.unmodifiableMap(copy);
    }

    /** The values of one quantity, e.g. {@code get("val_accuracy")}; empty when it was not logged. */
    public List<Double> get(String name) {
        return Collections.unmodifiableList(history.getOrDefault(name, List.of()));
    }

    /** The last epoch's value of a quantity. */
    public double last(String name) {
        List<Double> v = history.get(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("no '" + name + "' in history; logged: " + history.keySet());
        return v.get(v.size() - 1);
    }

    public List<Integer> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    @Override
    public String toString() {
        return "History" + history;
    }
}
