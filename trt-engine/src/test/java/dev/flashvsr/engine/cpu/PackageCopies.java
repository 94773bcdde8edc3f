package dev.flashvsr.engine.cpu;

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
}
