package dev.keel.callbacks;

import dev.keel.models.Sequential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keras's ModelCheckpoint: saves the model at the end of every epoch, or with {@code saveBestOnly} only when
 * {@code monitor} improved. {@code {epoch}} in the path is replaced by the 1-based epoch number. How the
 * model is written is the {@link Saver}'s business (keel-io's {@code WeightsFile::save} writes atomically,
 * so a crash mid-save never leaves a corrupt file where the previous one was).
 */
public final class ModelCheckpoint implements Callback {
    /** Writes a model to a path. */
    @FunctionalInterface
    public interface Saver {
        void save(Sequential model, Path path) throws IOException;
    }

    private final String pathPattern;
    private final Saver saver;
    private final Monitor monitor;
    private final boolean saveBestOnly;
    private Sequential model;
    private double best;

    public ModelCheckpoint(Path path, Saver saver) {
        this(path, saver, "val_loss", false, "auto");
    }

    public ModelCheckpoint(Path path, Saver saver, String monitor, boolean saveBestOnly, String mode) {
        this.pathPattern = path.toString();
        this.saver = saver;
        this.monitor = new Monitor(monitor, mode, 0);
        this.saveBestOnly = saveBestOnly;
    }

    @Override
    public void setModel(Sequential model) {
        this.model = model;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        best = monitor.initial();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (saveBestOnly) {
            double v = monitor.value(logs);
            if (!monitor.improved(v, best)) return;
            best = v;
        }
        Path p = Path.of(pathPattern.replace("{epoch}", String.valueOf(epoch + 1)));
        try {
            saver.save(model, p);
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not write " + p + ": " + e.getMessage(), e);
        }
    }
}
