package dev.keel.io.hdf5;

import dev.keel.io.DataFormatException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads the parts of an HDF5 file a Keras model needs, through jhdf, treating the file as hostile: every
 * failure inside the parser becomes a {@link DataFormatException} naming the file, and a dataset's declared
 * size is checked against the file's real size before its data is read (Keras never compresses weights).
 */
public final class Hdf5File implements AutoCloseable {
    private final HdfFile file;
    private final long bytes;
    private final String where;

    private Hdf5File(HdfFile file, long bytes, String where) {
        this.file = file;
        this.bytes = bytes;
        this.where = where;
    }

    public static Hdf5File open(byte[] content, String where) {
        return new Hdf5File(guard(where, () -> HdfFile.fromBytes(content)), content.length, where);
    }

    public static Hdf5File open(Path path) {
        String where = path.toString();
        long size;
        try {
            size = Files.size(path);
        } catch (java.io.IOException e) {
            throw new DataFormatException("cannot read " + where + ": " + e.getMessage(), e);
        }
        return new Hdf5File(guard(where, () -> new HdfFile(path)), size, where);
    }

    public String where() {
        return where;
    }

    /** Whether {@code path} names a group or dataset. */
    public boolean exists(String path) {
        return node(path) != null;
    }

    /** Names of the children of the group at {@code path}, in the file's order. */
    public List<String> children(String path) {
        Node n = node(path);
        if (!(n instanceof Group g)) throw new DataFormatException(where + ": '" + path + "' is not a group");
        return guard(where, () -> new ArrayList<>(g.getChildren().keySet()));
    }

    /** The shape of the dataset at {@code path}. */
    public int[] shape(String path) {
        Dataset d = dataset(path);
        return guard(where, d::getDimensions);
    }

    /** A float32 dataset's values, flat in C order. */
    public float[] float32(String path) {
        Dataset d = dataset(path);
        return guard(where, () -> {
            Class<?> type = d.getJavaType();
            if ((type != float.class && type != Float.class) || d.getDataType().getSize() != 4) {
                throw new DataFormatException(where + ": dataset '" + path + "' is " + type.getSimpleName() + " of " + d.getDataType().getSize()
                        + " bytes; Keel reads float32 weights only");
            }
            checkSize(d, path);
            Object flat = d.isScalar() ? new float[] {(Float) d.getData()} : d.getDataFlat();
            return (float[]) flat;
        });
    }

    /** An integer scalar dataset (Keras's optimizer iteration count). */
    public long integerScalar(String path) {
        Dataset d = dataset(path);
        return guard(where, () -> {
            if (!d.isScalar() || !(d.getData() instanceof Number n) || n instanceof Float || n instanceof Double) {
                throw new DataFormatException(where + ": dataset '" + path + "' is not an integer scalar");
            }
            return n.longValue();
        });
    }

    /** A string-array attribute (Keras 2's layer_names and weight_names); null if absent. */
    public List<String> stringListAttribute(String path, String name) {
        Object v = attribute(path, name);
        if (v == null) return null;
        if (v instanceof String[] arr) return List.of(arr);
        if (v instanceof String s) return List.of(s);
        throw new DataFormatException(where + ": attribute '" + name + "' of '" + path + "' is not a list of strings");
    }

    private Object attribute(String path, String name) {
        Node n = node(path);
        if (n == null) throw new DataFormatException(where + ": no object '" + path + "'");
        return guard(where, () -> {
            Attribute a = n.getAttribute(name);
            if (a == null) return null;
            if (a.getSize() > bytes) throw new DataFormatException(where + ": attribute '" + name + "' declares more elements than the file holds");
            return a.getData();
        });
    }

    private void checkSize(Dataset d, String path) {
        long n = d.getSize(), b = d.getSizeInBytes();
        if (n < 0 || b < 0 || b > bytes) {
            throw new DataFormatException(where + ": dataset '" + path + "' declares " + b + " bytes but the file holds " + bytes
                    + " (truncated or hostile file)");
        }
    }

    private Dataset dataset(String path) {
        Node n = node(path);
        if (n == null) throw new DataFormatException(where + ": no dataset '" + path + "'");
        if (!(n instanceof Dataset d)) throw new DataFormatException(where + ": '" + path + "' is not a dataset");
        return d;
    }

    private Node node(String path) {
        return guard(where, () -> {
            try {
                return path.isEmpty() || path.equals("/") ? file : file.getByPath(path);
            } catch (io.jhdf.exceptions.HdfInvalidPathException e) {
                return null;
            }
        });
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (RuntimeException ignored) {
            // nothing more to release
        }
    }

    /** Runs a jhdf call; anything it throws on a malformed file becomes a DataFormatException. */
    private static <T> T guard(String where, Supplier<T> call) {
        try {
            return call.get();
        } catch (DataFormatException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | NoClassDefFoundError e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new DataFormatException(where + " is not a readable HDF5 file: " + msg, e);
        }
    }
}
