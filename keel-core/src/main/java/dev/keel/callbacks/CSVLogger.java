package dev.keel.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Keras's CSVLogger: one row per epoch, {@code epoch,<logged names...>}; appends when {@code append}. */
public final class CSVLogger implements Callback {
    private final Path file;
    private final boolean append;
    private List<String> keys;

    public CSVLogger(Path file) {
        this(file, false);
    }

    public CSVLogger(Path file, boolean append) {
        this.file = file;
        this.append = append;
    }

    @Override
    public void onTrainBegin(Map<String, Double> logs) {
        keys = null;
        if (!append) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("CSVLogger cannot replace " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        if (keys == null) {
            keys = new ArrayList<>(logs.keySet());
            if (!Files.exists(file)) sb.append("epoch,").append(String.join(",", keys)).append('\n');
        }
        sb.append(epoch);
        for (String k : keys) {
            Double v = logs.get(k);
            sb.append(',').append(v == null ? "" : String.format(Locale.ROOT, "%.8g", v));
        }
        sb.append('\n');
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("CSVLogger cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
