package dev.keel.io.models;

import dev.keel.io.DataFormatException;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a model file of any supported format, detected from its content rather than its name. */
public final class ModelFiles {
    private ModelFiles() {}

    public static Sequential load(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("model.json"))) return TfjsFormat.load(path);
            throw new DataFormatException(path + " is a directory without a model.json");
        }
        if (!Files.isRegularFile(path)) throw new DataFormatException("no model file at " + path);
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + path + ": " + e.getMessage(), e);
        }
        String start = new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).stripLeading();
        if (start.startsWith("{")) return TfjsFormat.load(path);
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            throw new DataFormatException(path + " is a zip (a Keras .keras file?); Keel does not read .keras yet. Convert it with "
                    + "tensorflowjs_converter --input_format keras ... to the TF.js layers format, which Keel reads");
        }
        if (n >= 4 && (head[0] & 0xFF) == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') {
            throw new DataFormatException(path + " is HDF5 (a Keras .h5 file?); Keel does not read HDF5 yet. Convert it with "
                    + "tensorflowjs_converter to the TF.js layers format, which Keel reads");
        }
        throw new DataFormatException(path + " is not a model file Keel recognises (expected a TF.js model.json or its directory)");
    }
}
