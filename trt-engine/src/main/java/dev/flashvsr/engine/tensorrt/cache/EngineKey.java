package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import dev.flashvsr.engine.Precision;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything a built TensorRT engine depends on: an engine is reused only when all of it matches.
 *
 * @param name            readable name of the graph, the start of the file name ({@code vsr-small-x2})
 * @param graphSha256     SHA-256 of the ONNX graph and its external data ({@link GraphDigest})
 * @param tensorRtVersion the TensorRT version that builds and runs the engine ({@code 10.15.1})
 * @param gpuName         the GPU's name as the driver reports it
 * @param computeCapability major.minor ({@code 8.9})
 * @param precision       the graph variant's precision (never {@code AUTO})
 * @param inputShapes     the optimization profile: a shape range per input name
 * @param workspaceBytes  the builder's workspace limit; 0 for TensorRT's default
 * @param builderOptions  any other builder setting that changes the engine, by name
 */
public record EngineKey(String name, String graphSha256, String tensorRtVersion, String gpuName,
        String computeCapability, Precision precision, SortedMap<String, ShapeRange> inputShapes, long workspaceBytes,
        SortedMap<String, String> builderOptions) {
    private static final String FORMAT = "flashvsr-trt-engine-key/1";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COMPUTE = Pattern.compile("[0-9]+\\.[0-9]+");
    private static final int PREFIX_CHARS = 48;
    /** 128 bits name a key safely; the file's header holds the whole key text, checked on load. */
    private static final int HASH_CHARS = 32;

    public EngineKey {
        requireText(name, "name");
        requireText(tensorRtVersion, "tensorRtVersion");
        requireText(gpuName, "gpuName");
        if (graphSha256 == null || !SHA256.matcher(graphSha256).matches()) {
            throw new IllegalArgumentException("engine key: graphSha256 '" + graphSha256
                    + "' is not 64 lowercase hex digits (use GraphDigest.sha256)");
        }
        if (computeCapability == null || !COMPUTE.matcher(computeCapability).matches()) {
            throw new IllegalArgumentException("engine key: computeCapability '" + computeCapability
                    + "' is not MAJOR.MINOR, e.g. 8.9");
        }
        if (precision == null || !precision.isConcrete()) {
            throw new IllegalArgumentException("engine key: precision " + precision
                    + " is not a concrete precision (resolve auto before building)");
        }
        if (inputShapes == null || inputShapes.isEmpty()) {
            throw new IllegalArgumentException("engine key: no input shapes (give a shape range per input)");
        }
        if (workspaceBytes < 0) {
            throw new IllegalArgumentException("engine key: workspaceBytes " + workspaceBytes + " is negative");
        }
        inputShapes.forEach((input, range) -> {
            requireText(input, "an input name");
            if (range == null) {
                throw new IllegalArgumentException("engine key: input " + input + " has no shape range");
            }
        });
        if (builderOptions != null) {
            builderOptions.forEach((option, value) -> {
                requireText(option, "a builder option name");
                if (value == null) {
                    throw new IllegalArgumentException("engine key: builder option " + option + " has no value");
                }
            });
        }
        inputShapes = Collections.unmodifiableSortedMap(new TreeMap<>(inputShapes));
        builderOptions = Collections.unmodifiableSortedMap(new TreeMap<>(builderOptions == null ? Map.of() : builderOptions));
    }

    /**
     * Every field, one per line, escaped so that no two keys share a text; stored in the engine
     * file's header and hashed into {@link #fileName()}.
     */
    public String canonicalText() {
        StringBuilder text = new StringBuilder(FORMAT).append('\n');
        line(text, "name", name);
        line(text, "graph-sha256", graphSha256);
        line(text, "tensorrt", tensorRtVersion);
        line(text, "gpu", gpuName);
        line(text, "compute-capability", computeCapability);
        line(text, "precision", precision.nick());
        line(text, "workspace-bytes", Long.toString(workspaceBytes));
        inputShapes.forEach((input, range) -> line(text, "input " + escape(input), range.minOptMax()));
        builderOptions.forEach((option, value) -> line(text, "option " + escape(option), value));
        return text.toString();
    }

    /** {@code vsr-small-x2-fp16-sm89-<hash>.engine}: readable start, then a hash of the whole key. */
    public String fileName() {
        String prefix = (name + "-" + precision.nick() + "-sm" + computeCapability.replace(".", ""))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+", "");
        if (prefix.length() > PREFIX_CHARS) {
            prefix = prefix.substring(0, PREFIX_CHARS);
        }
        return prefix + "-" + sha256Hex(canonicalText()).substring(0, HASH_CHARS) + ".engine";
    }

    /** One line for logs. */
    public String describe() {
        String inputs = inputShapes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().text())
                .collect(Collectors.joining(", "));
        String workspace = workspaceBytes == 0 ? "default workspace" : "workspace " + workspaceBytes + " bytes";
        String options = builderOptions.isEmpty() ? "" : ", options " + builderOptions;
        return name + " " + precision.nick() + " for " + gpuName + " (compute " + computeCapability + "), TensorRT "
                + tensorRtVersion + ", inputs " + inputs + ", " + workspace + options + ", graph "
                + graphSha256.substring(0, 12);
    }

    private static void line(StringBuilder text, String field, String value) {
        text.append(field).append('=').append(escape(value)).append('\n');
    }

    /** Percent-escapes '%', '=' and control characters, so field names and values cannot run together. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '%' || c == '=' || c < 0x20 || c == 0x7f) {
                out.append('%').append(String.format("%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("engine key: " + field + " is empty");
        }
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(GraphDigest.sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
