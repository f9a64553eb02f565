package dev.keel.io;

import dev.keel.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Numeric CSV with a header row: features and one label column (by name or 0-based index).
 * Fields may be quoted. Empty, "NA" or "NaN" fields are refused with their line number, as are rows of the
 * wrong width: a model trained on silently imputed data is worse than an error.
 */
public final class Csv {
    /** Features {@code x[n×f]}, labels {@code y[n]}, and the feature names in order. */
    public record Data(Tensor x, Tensor y, List<String> featureNames) {}

    private Csv() {}

    public static Data read(Path file, String labelColumn) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null) throw new DataFormatException(file + " is empty; expected a header row");
            List<String> header = split(headerLine.replace("\uFEFF", ""), file, 1);
            int label = labelIndex(header, labelColumn, file);
            int width = header.size();
            List<String> names = new ArrayList<>(header);
            names.remove(label);
            float[] x = new float[1024 * (width - 1)], y = new float[1024];
            int n = 0, lineNo = 1;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                List<String> f = split(line, file, lineNo);
                if (f.size() != width) {
                    throw new DataFormatException(file + " line " + lineNo + ": " + f.size() + " fields, the header has " + width);
                }
                if ((n + 1) * (width - 1) > x.length) x = Arrays.copyOf(x, Math.max(x.length * 2, (n + 1) * (width - 1)));
                if (n + 1 > y.length) y = Arrays.copyOf(y, y.length * 2);
                int c = 0;
                for (int i = 0; i < width; i++) {
                    float v = number(f.get(i), file, lineNo, header.get(i));
                    if (i == label) y[n] = v;
                    else x[n * (width - 1) + c++] = v;
                }
                n++;
            }
            if (n == 0) throw new DataFormatException(file + " has a header but no data rows");
            return new Data(new Tensor(Arrays.copyOf(x, n * (width - 1)), new int[] {n, width - 1}),
                    new Tensor(Arrays.copyOf(y, n), new int[] {n}), names);
        } catch (NoSuchFileException e) {
            throw new DataFormatException("no such file: " + file, e);
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static int labelIndex(List<String> header, String column, Path file) {
        int i = header.indexOf(column);
        if (i >= 0) return i;
        try {
            int idx = Integer.parseInt(column);
            if (idx >= 0 && idx < header.size()) return idx;
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw new DataFormatException(file + " has no column '" + column + "'; columns: " + header);
    }

    private static float number(String field, Path file, int line, String column) {
        String s = field.strip();
        if (s.isEmpty() || s.equalsIgnoreCase("na") || s.equalsIgnoreCase("nan") || s.equalsIgnoreCase("null")) {
            throw new DataFormatException(file + " line " + line + ": missing value in column '" + column + "'; fill or drop it first");
        }
        try {
            float v = Float.parseFloat(s);
            if (!Float.isFinite(v)) throw new DataFormatException(file + " line " + line + ": non-finite value '" + s + "' in column '" + column + "'");
            return v;
        } catch (NumberFormatException e) {
            throw new DataFormatException(file + " line " + line + ": '" + s + "' in column '" + column + "' is not a number");
        }
    }

    /** Splits one line on commas, honouring double quotes ("" inside quotes is a quote). */
    static List<String> split(String line, Path file, int lineNo) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (c == '"') quoted = false;
                else cur.append(c);
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new DataFormatException(file + " line " + lineNo + ": unterminated quote");
        out.add(cur.toString());
        return out;
    }
}
