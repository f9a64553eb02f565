package dev.keel.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A call in Keras-like syntax, as the CLI takes layers and optimizers:
 * {@code dense(128, relu)}, {@code batchnorm(momentum=0.9, epsilon=1e-5)}, {@code sgd(learning_rate=0.05, nesterov=true)}.
 * Positional arguments come first; values are numbers, booleans or bare words.
 */
record Spec(String name, List<String> positional, Map<String, String> named) {
    /** Parses a comma-separated list of calls: {@code "dense(128,relu), batchnorm, dense(10,softmax)"}. */
    static List<Spec> parseList(String text) {
        List<Spec> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (c == '(') depth++;
            else if (c == ')') depth--;
            if (depth < 0) throw new IllegalArgumentException("unbalanced ')' at position " + i + " in '" + text + "'");
            if (c == ',' && depth == 0) {
                String part = text.substring(start, i).strip();
                if (part.isEmpty()) throw new IllegalArgumentException("empty item at position " + start + " in '" + text + "'");
                out.add(parse(part));
                start = i + 1;
            }
        }
        if (depth != 0) throw new IllegalArgumentException("unbalanced '(' in '" + text + "'");
        return out;
    }

    /** Parses one call: {@code name} or {@code name(arg, key=value, ...)}. */
    static Spec parse(String text) {
        String t = text.strip();
        int open = t.indexOf('(');
        if (open < 0) return new Spec(check(t.toLowerCase(Locale.ROOT), text), List.of(), Map.of());
        if (!t.endsWith(")")) throw new IllegalArgumentException("'" + text + "' must end with ')'");
        String name = check(t.substring(0, open).strip().toLowerCase(Locale.ROOT), text);
        String inner = t.substring(open + 1, t.length() - 1).strip();
        List<String> pos = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        if (!inner.isEmpty()) {
            for (String arg : inner.split(",")) {
                String a = arg.strip();
                int eq = a.indexOf('=');
                if (eq < 0) {
                    if (!named.isEmpty()) throw new IllegalArgumentException("in '" + text + "': positional argument '" + a + "' after a named one");
                    pos.add(a);
                } else {
                    String key = a.substring(0, eq).strip().toLowerCase(Locale.ROOT), value = a.substring(eq + 1).strip();
                    if (key.isEmpty() || value.isEmpty()) throw new IllegalArgumentException("in '" + text + "': malformed argument '" + a + "'");
                    if (named.put(key, value) != null) throw new IllegalArgumentException("in '" + text + "': '" + key + "' given twice");
                }
            }
        }
        return new Spec(name, pos, named);
    }

    private static String check(String name, String text) {
        if (!name.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("'" + text + "' does not start with a name");
        return name;
    }

    /** Binds positional arguments to {@code order} and checks every key is one of them. */
    Map<String, String> bind(List<String> order) {
        if (positional.size() > order.size()) {
            throw new IllegalArgumentException(name + " takes at most " + order.size() + " positional arguments (" + String.join(", ", order) + "), got " + positional.size());
        }
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < positional.size(); i++) all.put(order.get(i), positional.get(i));
        for (var e : named.entrySet()) {
            if (!Set.copyOf(order).contains(e.getKey())) {
                throw new IllegalArgumentException(name + " has no argument '" + e.getKey() + "'; valid: " + String.join(", ", order));
            }
            if (all.put(e.getKey(), e.getValue()) != null) throw new IllegalArgumentException(name + ": '" + e.getKey() + "' given twice");
        }
        return all;
    }

    static double number(Map<String, String> args, String key, double fallback) {
        String v = args.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a number, got '" + v + "'");
        }
    }

    static int integer(Map<String, String> args, String key, int fallback) {
        double d = number(args, key, fallback);
        if (d != Math.rint(d)) throw new IllegalArgumentException("'" + key + "' must be a whole number, got " + args.get(key));
        return (int) d;
    }

    static boolean bool(Map<String, String> args, String key, boolean fallback) {
        String v = args.get(key);
        if (v == null) return fallback;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("'" + key + "' must be true or false, got '" + v + "'");
        };
    }
}
