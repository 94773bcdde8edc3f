package dev.flashvsr.tools.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds reduced-precision graphs to a package folder: {@code x<scale>-<precision>.onnx} files and
 * manifest entries that copy their fp32 graph's entry with their own file, checksum, size and
 * precision. An earlier entry for the same (scale, precision) is replaced; each variant entry
 * follows its fp32 entry, so the manifest is the same whatever it held before. Every file is
 * written to a temporary name first and renamed only when all are written, the manifest last.
 */
final class PackageVariants {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TEMPORARY_SUFFIX = ".calibrate.tmp";

    /** A graph to add: the fp32 graph it was made from, its precision and its bytes. */
    record Variant(ModelManifest.Graph fp32, Precision precision, byte[] onnx) {
        String file() {
            return "x" + fp32.scale() + "-" + precision.nick() + ".onnx";
        }
    }

    private PackageVariants() {
    }

    /** Writes {@code variants} and the updated manifest into {@code folder}. */
    static void write(Path folder, List<Variant> variants) throws IOException {
        Path manifestFile = folder.resolve(ModelManifest.FILE_NAME);
        byte[] manifest = updatedManifest(Files.readAllBytes(manifestFile), variants);
        Map<Path, Path> moves = new LinkedHashMap<>();
        try {
            for (Variant v : variants) {
                moves.put(writeTemporary(folder.resolve(v.file()), v.onnx()), folder.resolve(v.file()));
            }
            moves.put(writeTemporary(manifestFile, manifest), manifestFile);
        } catch (IOException e) {
            for (Path temporary : moves.keySet()) {
                Files.deleteIfExists(temporary);
            }
            throw e;
        }
        for (Map.Entry<Path, Path> move : moves.entrySet()) {
            Files.move(move.getKey(), move.getValue(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static Path writeTemporary(Path destination, byte[] bytes) throws IOException {
        Path temporary = destination.resolveSibling("." + destination.getFileName() + TEMPORARY_SUFFIX);
        Files.write(temporary, bytes);
        return temporary;
    }

    static byte[] updatedManifest(byte[] manifest, List<Variant> variants) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(manifest);
        ArrayNode graphs = (ArrayNode) root.get("graphs");
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode graph : graphs) {
            if (variants.stream().noneMatch(v -> describes(graph, v))) {
                kept.add(graph);
            }
        }
        graphs.removeAll();
        for (JsonNode graph : kept) {
            graphs.add(graph);
            if (precisionOf(graph) != Precision.FP32) {
                continue;
            }
            for (Variant v : variants) {
                if (v.fp32().file().equals(graph.get("file").asText())) {
                    ObjectNode entry = ((ObjectNode) graph).deepCopy();
                    entry.put("precision", v.precision().nick());
                    entry.put("file", v.file());
                    entry.put("sha256", ModelPackage.sha256(v.onnx()));
                    entry.put("bytes", v.onnx().length);
                    graphs.add(reordered(entry));
                }
            }
        }
        return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean describes(JsonNode graph, Variant v) {
        return graph.path("scale").asInt() == v.fp32().scale() && precisionOf(graph) == v.precision();
    }

    private static Precision precisionOf(JsonNode graph) {
        JsonNode precision = graph.get("precision");
        return precision == null ? Precision.FP32 : Precision.fromNick(precision.asText());
    }

    /** Puts "precision" right after "scale", where a reader looks for it. */
    private static ObjectNode reordered(ObjectNode entry) {
        ObjectNode out = JSON.createObjectNode();
        entry.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("precision")) {
                out.set(field.getKey(), field.getValue());
            }
            if (field.getKey().equals("scale")) {
                out.set("precision", entry.get("precision"));
            }
        });
        return out;
    }
}
