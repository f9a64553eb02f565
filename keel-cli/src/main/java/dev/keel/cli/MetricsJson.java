package dev.keel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.keel.callbacks.History;
import dev.keel.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --metrics-out}: Keras's History layout plus final figures,
 * {@code {"history": {"loss": [..], "accuracy": [..], "val_loss": [..], ...}, "test": {"loss": x, "accuracy": y}, "seconds": t}}.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsJson() {}

    public static void write(Path file, History history, Map<String, Double> test, double seconds, Map<String, Object> extra) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        if (history != null) root.put("history", history.history());
        if (test != null) root.put("test", test);
        root.put("seconds", seconds);
        if (extra != null) root.putAll(extra);
        AtomicFiles.writeAtomically(file, out -> JSON.writeValue(out, root));
    }
}
