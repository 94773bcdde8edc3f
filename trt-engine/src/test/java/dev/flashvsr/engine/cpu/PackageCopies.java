package dev.flashvsr.engine.cpu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of the shipped model packages with one thing changed, for tests of the checks at load. */
public final class PackageCopies {
    /** The shipped default model package, relative to a module's directory. */
    public static final Path VSR_SMALL = Path.of("..", "models", "vsr-small");

    private PackageCopies() {
    }

    /** Copies a package folder's manifest.json and every graph (*.onnx, all precisions) into {@code target}. */
    public static Path copyGraphsAndManifest(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.equals("manifest.json") || name.endsWith(".onnx")) {
                    Files.copy(file, target.resolve(name));
                }
            }
        }
        return target;
    }

    /**
     * Copies vsr-small to {@code target} with the x2 graph's first state ("hidden", 4 channels in
     * the graph) declared with {@code channels} in manifest.json; the graphs and their checksums stay
     * valid.
     */
    public static Path vsrSmallWithHiddenChannels(Path target, int channels) throws IOException {
        copyGraphsAndManifest(VSR_SMALL, target);
        String manifest = Files.readString(target.resolve("manifest.json"));
        String declared = "\"channels\" : 4,";
        if (!manifest.contains(declared)) {
            throw new IllegalStateException("vsr-small's manifest no longer declares " + declared);
        }
        Files.writeString(target.resolve("manifest.json"),
                manifest.replaceFirst(declared, "\"channels\" : " + channels + ","));
        return target;
    }

    /**
     * Writes to {@code target} vsr-small's x2 graph alone (no x4) in fp32 and, as its fp16 variant,
     * {@code fp16Graph} in x2-fp16.onnx with a valid checksum: a package with a precision variant
     * and a scale it lacks, for tests of choosing graphs by precision.
     */
    public static Path vsrSmallX2WithFp16(Path target, byte[] fp16Graph) throws IOException {
        Files.createDirectories(target);
        Files.copy(VSR_SMALL.resolve("x2.onnx"), target.resolve("x2.onnx"));
        Files.write(target.resolve("x2-fp16.onnx"), fp16Graph);
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(VSR_SMALL.resolve("manifest.json").toFile());
        ArrayNode graphs = (ArrayNode) manifest.get("graphs");
        ObjectNode x2 = (ObjectNode) graphs.get(0);
        if (x2.get("scale").asInt() != 2) {
            throw new IllegalStateException("vsr-small's first graph is no longer its x2 graph");
        }
        ObjectNode fp16 = x2.deepCopy();
        fp16.put("precision", "fp16").put("file", "x2-fp16.onnx").put("sha256", ModelPackage.sha256(fp16Graph))
                .put("bytes", fp16Graph.length);
        graphs.removeAll();
        graphs.add(x2).add(fp16);
        manifest.put("name", "vsr-small-x2-with-fp16");
        json.writerWithDefaultPrettyPrinter().writeValue(target.resolve("manifest.json").toFile(), manifest);
        return target;
    }
}
