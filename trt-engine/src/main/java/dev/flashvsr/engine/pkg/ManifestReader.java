package dev.flashvsr.engine.pkg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parses and validates {@code manifest.json}; every problem is reported with the field it concerns. */
public final class ManifestReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestReader() {
    }

    /** Thrown for a manifest that is not valid; the message names the field. */
    public static final class InvalidManifestException extends Exception {
        InvalidManifestException(String message) {
            super(message);
        }
    }

    public static ModelManifest read(InputStream in) throws IOException, InvalidManifestException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidManifestException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("the top level must be a JSON object");
        }
        String format = text(root, "format");
        if (!ModelManifest.FORMAT.equals(format)) {
            throw new InvalidManifestException("'format' is '" + format + "', expected '" + ModelManifest.FORMAT
                    + "' (per-frame models) or 'flashvsr-streaming/1' (FlashVSR packages from flashvsr import)");
        }
        String colorSpace = optionalText(root, "colorSpace").orElse("RGB");
        if (!colorSpace.equals("RGB")) {
            throw new InvalidManifestException("'colorSpace' " + colorSpace + " is not supported (only RGB)");
        }
        float[] range = {0f, 1f};
        if (root.has("valueRange")) {
            JsonNode r = root.get("valueRange");
            if (!r.isArray() || r.size() != 2 || !r.get(0).isNumber() || !r.get(1).isNumber()
                    || r.get(0).floatValue() >= r.get(1).floatValue()) {
                throw new InvalidManifestException("'valueRange' must be [min, max] with min < max");
            }
            range = new float[] {r.get(0).floatValue(), r.get(1).floatValue()};
        }
        JsonNode graphsNode = root.get("graphs");
        if (graphsNode == null || !graphsNode.isArray() || graphsNode.isEmpty()) {
            throw new InvalidManifestException("'graphs' must be a non-empty array");
        }
        List<ModelManifest.Graph> graphs = new ArrayList<>();
        Set<String> variants = new HashSet<>();
        for (int i = 0; i < graphsNode.size(); i++) {
            ModelManifest.Graph graph = graph(graphsNode.get(i), "graphs[" + i + "]");
            if (!variants.add(graph.scale() + "/" + graph.precision())) {
                throw new InvalidManifestException("two graphs for scale " + graph.scale() + " in precision "
                        + graph.precision().nick());
            }
            graphs.add(graph);
        }
        for (ModelManifest.Graph graph : graphs) {
            if (!variants.contains(graph.scale() + "/" + Precision.FP32)) {
                throw new InvalidManifestException("scale " + graph.scale() + " has " + (graph.precision() == Precision.INT8 ? "an " : "a ") + graph.precision().nick()
                        + " graph but no fp32 one (every scale needs its fp32 graph: the reference the others"
                        + " are measured against)");
            }
        }
        return new ModelManifest(text(root, "name"), optionalText(root, "description").orElse(""),
                !root.has("neural") || root.get("neural").asBoolean(), nonNegative(root, "latencyFrames", 0),
                positive(root, "sizeMultiple", 1), colorSpace, range, List.copyOf(graphs));
    }

    private static ModelManifest.Graph graph(JsonNode node, String where) throws InvalidManifestException {
        if (node == null || !node.isObject()) {
            throw new InvalidManifestException(where + " must be an object");
        }
        int scale = positive(node, "scale", -1, where);
        if (scale != 2 && scale != 4) {
            throw new InvalidManifestException(where + ".scale must be 2 or 4, got " + scale);
        }
        Precision precision = Precision.FP32;
        if (node.has("precision")) {
            String nick = text(node, "precision", where);
            try {
                precision = Precision.fromNick(nick);
            } catch (IllegalArgumentException e) {
                precision = Precision.AUTO;
            }
            if (!precision.isConcrete()) {
                throw new InvalidManifestException(where + ".precision must be one of fp32, fp16, bf16, int8, not '"
                        + nick + "'");
            }
        }
        String file = text(node, "file", where);
        String problem = PackagePaths.problemWith(file);
        if (problem != null) {
            throw new InvalidManifestException(where + ".file " + problem);
        }
        String sha256 = text(node, "sha256", where);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new InvalidManifestException(where + ".sha256 must be 64 lower-case hex digits");
        }
        List<ModelManifest.State> state = new ArrayList<>();
        JsonNode stateNode = node.get("state");
        if (stateNode != null) {
            if (!stateNode.isArray()) {
                throw new InvalidManifestException(where + ".state must be an array");
            }
            for (int i = 0; i < stateNode.size(); i++) {
                JsonNode s = stateNode.get(i);
                String w = where + ".state[" + i + "]";
                state.add(new ModelManifest.State(text(s, "input", w), text(s, "output", w),
                        positive(s, "channels", -1, w), s.has("initial") ? (float) s.get("initial").asDouble() : 0f));
            }
        }
        long bytes = 0;
        if (node.has("bytes")) {
            JsonNode b = node.get("bytes");
            if (!b.isIntegralNumber() || !b.canConvertToLong() || b.longValue() < 1) {
                throw new InvalidManifestException(where + ".bytes must be a positive integer, found " + b);
            }
            bytes = b.longValue();
        }
        return new ModelManifest.Graph(scale, precision, file, sha256, bytes, text(node, "frameInput", where),
                optionalText(node, "previousInput"), text(node, "frameOutput", where), List.copyOf(state),
                node.has("receptiveField") ? nonNegative(node, "receptiveField", where) : 0);
    }

    private static String text(JsonNode node, String field) throws InvalidManifestException {
        return text(node, field, "manifest");
    }

    private static String text(JsonNode node, String field, String where) throws InvalidManifestException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InvalidManifestException(where + "." + field + " must be a non-empty string");
        }
        return value.asText();
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static int nonNegative(JsonNode node, String field, int fallback) throws InvalidManifestException {
        int value = integer(node, field, fallback, "manifest");
        if (value < 0) {
            throw new InvalidManifestException("manifest." + field + " must not be negative");
        }
        return value;
    }

    private static int positive(JsonNode node, String field, int fallback) throws InvalidManifestException {
        return positive(node, field, fallback, "manifest");
    }

    private static int positive(JsonNode node, String field, int fallback, String where)
            throws InvalidManifestException {
        int value = integer(node, field, fallback, where);
        if (value < 1) {
            throw new InvalidManifestException(where + "." + field + " must be a positive integer");
        }
        return value;
    }

    private static int nonNegative(JsonNode node, String field, String where) throws InvalidManifestException {
        int value = integer(node, field, -1, where);
        if (value < 0) {
            throw new InvalidManifestException(where + "." + field + " must not be negative");
        }
        return value;
    }

    private static int integer(JsonNode node, String field, int fallback, String where)
            throws InvalidManifestException {
        JsonNode value = node.get(field);
        if (value == null) {
            if (fallback < 0) {
                throw new InvalidManifestException(where + "." + field + " is missing");
            }
            return fallback;
        }
        if (!value.isInt()) {
            throw new InvalidManifestException(where + "." + field + " must be an integer");
        }
        return value.asInt();
    }
}
