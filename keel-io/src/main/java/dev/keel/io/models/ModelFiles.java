package dev.keel.io.models;

import dev.keel.io.DataFormatException;
import dev.keel.models.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a model file of any supported format, detected from its content rather than its name: a zip is a
 * Keras 3 {@code .keras} file, HDF5 a Keras 2 {@code .h5} file, JSON (or a directory holding model.json)
 * the TF.js layers format. {@link #save} picks the format from the target's name.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /** Saves as {@code .keras} when the name ends so; as TF.js layers format for a directory or a {@code .json} name. */
    public static void save(Sequential model, Path path) throws IOException {
        String name = path.getFileName().toString();
        if (name.endsWith(".keras")) KerasFormat.save(model, path);
        else if (name.endsWith(".json")) TfjsFormat.save(model, path.toAbsolutePath().getParent());
        else if (Files.isDirectory(path) || !name.contains(".")) TfjsFormat.save(model, path);
        else throw new IllegalArgumentException("cannot tell the format from '" + name + "': use a .keras file name, or a directory or model.json for TF.js");
    }

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
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return KerasFormat.load(path);
        if (n >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') return LegacyH5Format.load(path);
        throw new DataFormatException(path + " is not a model file Keel recognises (expected a Keras .keras zip, a Keras 2 .h5, "
                + "or a TF.js model.json or its directory)");
    }
}
