package dev.keel.kernels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** What benchmark tables were measured on: figures from an AVX-512 and an AVX2 machine differ by 2x or more. */
public final class Machine {
    private Machine() {}

    /**
     * The CPU (with family and model on Linux), processors, JDK and GEMM micro-kernel, e.g. "AMD EPYC (family 25,
     * model 1), 2 processors, JDK 25, GEMM micro-kernel 5x16 (256-bit vectors)".
     */
    public static String describe() {
        String cpu = System.getProperty("os.arch");
        try {
            Map<String, String> info = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) break;   // the first processor is enough
                int colon = line.indexOf(':');
                if (colon > 0) info.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
            if (info.containsKey("model name")) {
                cpu = info.get("model name") + " (family " + info.get("cpu family") + ", model " + info.get("model") + ")";
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the architecture alone
        }
        return String.format(Locale.ROOT, "%s, %d processors, JDK %s, GEMM micro-kernel %s", cpu,
                Runtime.getRuntime().availableProcessors(), Runtime.version().feature(), Gemm.microKernel());
    }
}
