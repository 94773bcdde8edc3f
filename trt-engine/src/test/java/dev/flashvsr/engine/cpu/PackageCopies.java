package dev.flashvsr.engine.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Copies of the shipped model packages with one thing changed, for tests of the checks at load. */
public final class PackageCopies {
    /** The shipped default model package, relative to a module's directory. */
    public static final Path VSR_SMALL = Path.of("..", "models", "vsr-small");

    private PackageCopies() {
    }

    /**
     * Copies vsr-small to {@code target} with the x2 graph's first state ("hidden", 4 channels in
     * the graph) declared with {@code channels} in manifest.json; the graphs and their checksums stay
     * valid.
     */
    public static Path vsrSmallWithHiddenChannels(Path target, int channels) throws IOException {
        Files.createDirectories(target);
        for (String file : new String[] {"manifest.json", "x2.onnx", "x4.onnx"}) {
            Files.copy(VSR_SMALL.resolve(file), target.resolve(file));
        }
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
