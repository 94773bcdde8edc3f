package dev.flashvsr.engine.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cpu.PackageCopies;
import dev.flashvsr.engine.files.SpecialFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading package directories whose files are not what they should be. */
class ModelPackageTest {
    private static final Path SHIPPED = Path.of("..", "models", "vsr-small-fast");

    @TempDir
    Path dir;

    /** A copy of the shipped vsr-small-fast package, to damage. */
    private Path copy() throws IOException {
        return copy("pkg");
    }

    private Path copy(String name) throws IOException {
        return PackageCopies.copyGraphsAndManifest(SHIPPED, dir.resolve(name));
    }

    private static EngineException refused(Path pkg, String... fragments) {
        EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(EngineException.class, () -> ModelPackage.load(pkg)));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message lacks '" + fragment + "': " + e.getMessage());
        }
        return e;
    }

    private static void replaceInManifest(Path pkg, String from, String to) throws IOException {
        Path manifest = pkg.resolve("manifest.json");
        String text = Files.readString(manifest);
        assertTrue(text.contains(from), from);
        Files.writeString(manifest, text.replace(from, to));
    }

    @Test
    void theShippedPackageLoadsFromADirectory() throws Exception {
        ModelPackage pkg = ModelPackage.load(copy());
        assertEquals("vsr-small-fast", pkg.manifest().name());
        assertEquals(Optional.empty(), pkg.externalDataFolder(pkg.manifest().graphFor(4).orElseThrow()));
    }

    @Test
    void fifosInPlaceOfTheManifestOrAGraphFailInsteadOfBlocking() throws Exception {
        Path pkg = copy();
        SpecialFiles.fifo(pkg.resolve("x4.onnx"));
        refused(pkg, "x4.onnx", "FIFO");
        SpecialFiles.fifo(pkg.resolve("manifest.json"));
        refused(pkg, "manifest.json", "FIFO");
    }

    @Test
    void graphsThatAreDevicesLinksOutOfThePackageOrLoopsAreRefused() throws Exception {
        Path pkg = copy();
        Path elsewhere = Files.copy(pkg.resolve("x4.onnx"), dir.resolve("x4-elsewhere.onnx"));
        Files.delete(pkg.resolve("x4.onnx"));
        Files.createSymbolicLink(pkg.resolve("x4.onnx"), elsewhere);
        refused(pkg, "x4.onnx", "outside the package folder");
        Files.delete(pkg.resolve("x4.onnx"));
        Files.createSymbolicLink(pkg.resolve("x4.onnx"), Path.of("/dev/zero"));
        refused(pkg, "x4.onnx", "a character device");
        Files.delete(pkg.resolve("x4.onnx"));
        Files.createSymbolicLink(pkg.resolve("x4.onnx"), Path.of("x4.onnx"));
        refused(pkg, "x4.onnx", "symbolic link loop");
    }

    @Test
    void aGraphLargerThanTheManifestSaysIsRefusedBeforeItIsRead() throws Exception {
        Path pkg = copy();
        long size = Files.size(pkg.resolve("x4.onnx"));
        replaceInManifest(pkg, "\"bytes\" : " + size, "\"bytes\" : " + (size - 1));
        refused(pkg, "x4.onnx is " + size + " bytes, too large for a graph whose manifest entry says " + (size - 1));
        // a 10 GB (sparse) graph without a size in the manifest: refused by the 2 GB limit, unread
        Path big = copy("big");
        replaceInManifest(big, "\"bytes\" : " + size + ",", "");
        try (RandomAccessFile file = new RandomAccessFile(big.resolve("x4.onnx").toFile(), "rw")) {
            file.setLength(10L << 30);
        }
        refused(big, "x4.onnx is 10737418240 bytes, too large for a graph held in memory");
    }

    @Test
    void aManifestSmallerThanTheGraphSaysIsTruncated() throws Exception {
        Path pkg = copy();
        long size = Files.size(pkg.resolve("x4.onnx"));
        replaceInManifest(pkg, "\"bytes\" : " + size, "\"bytes\" : " + (size + 1));
        refused(pkg, "x4.onnx", "is " + size + " bytes, its manifest entry says " + (size + 1));
    }

    @Test
    void externalDataMustLieInsideThePackageAndHoldWhatTheGraphNames() throws Exception {
        Path pkg = copy();
        externalize(pkg, "x4.onnx", "x4.onnx.data");
        ModelPackage loaded = ModelPackage.load(pkg);
        assertEquals(Optional.of(pkg.toRealPath()), loaded.externalDataFolder(loaded.manifest().graphFor(4).orElseThrow()));
        assertEquals(Optional.empty(), loaded.externalDataFolder(loaded.manifest().graphFor(2).orElseThrow()));

        byte[] data = Files.readAllBytes(pkg.resolve("x4.onnx.data"));
        Files.write(pkg.resolve("x4.onnx.data"), java.util.Arrays.copyOf(data, data.length - 1));
        refused(pkg, "x4.onnx", "reaches past the end of its external data file x4.onnx.data");
        Path outside = Files.write(dir.resolve("x4.onnx.data"), data);
        Files.delete(pkg.resolve("x4.onnx.data"));
        Files.createSymbolicLink(pkg.resolve("x4.onnx.data"), outside);
        refused(pkg, "x4.onnx.data", "outside the package folder");
        Files.delete(pkg.resolve("x4.onnx.data"));
        refused(pkg, "external data file x4.onnx.data", "does not exist");
    }

    @Test
    void aGraphWithExternalDataRunsFromItsPackageWhateverTheCurrentDirectory() throws Exception {
        Path pkg = copy();
        externalize(pkg, "x2.onnx", "weights/x2.bin");
        assertTrue(Files.notExists(Path.of("weights/x2.bin")), "the test runs elsewhere than the package");
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, 24, 16, 2);
        VideoFrame input = VideoFrame.allocate(PixelFormat.RGB, 24, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 3 * 24; x++) {
                input.plane(0).put(y * input.stride(0) + x, (byte) (x * 7 + y * 13));
            }
        }
        VideoFrame external = upscale(Models.resolve(pkg.toString()), spec, input);
        VideoFrame inline = upscale(Models.resolve(SHIPPED.toString()), spec, input);
        assertEquals(inline.plane(0), external.plane(0));
    }

    private static VideoFrame upscale(Model model, StreamSpec spec, VideoFrame input) throws EngineException {
        VideoFrame out = VideoFrame.allocate(spec.format(), spec.outputWidth(), spec.outputHeight());
        try (model; StreamingSession session = model.open(spec, SessionOptions.DEFAULT)) {
            session.push(input, renderer -> {
                renderer.renderInto(out);
                return true;
            });
        }
        return out;
    }

    /**
     * Moves every initializer of {@code graph} with at least 1 KiB of raw data into {@code dataFile} (as ONNX writes
     * external data) and updates the manifest's checksum and size.
     */
    static void externalize(Path pkg, String graph, String dataFile) throws IOException {
        byte[] original = Files.readAllBytes(pkg.resolve(graph));
        ModelProto model = ModelProto.parseFrom(original);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        var graphBuilder = model.getGraph().toBuilder().clearInitializer();
        for (TensorProto tensor : model.getGraph().getInitializerList()) {
            if (tensor.getRawData().size() < 1024) { // small ones (shapes, pads) stay inline, as ONNX writes them
                graphBuilder.addInitializer(tensor);
                continue;
            }
            long offset = data.size();
            tensor.getRawData().writeTo(data);
            graphBuilder.addInitializer(tensor.toBuilder().clearRawData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataFile))
                    .addExternalData(entry("offset", Long.toString(offset)))
                    .addExternalData(entry("length", Integer.toString(tensor.getRawData().size()))));
        }
        byte[] rewritten = model.toBuilder().setGraph(graphBuilder).build().toByteArray();
        Files.write(pkg.resolve(graph), rewritten);
        Files.createDirectories(pkg.resolve(dataFile).getParent());
        Files.write(pkg.resolve(dataFile), data.toByteArray());
        replaceInManifest(pkg, ModelPackage.sha256(original), ModelPackage.sha256(rewritten));
        replaceInManifest(pkg, "\"bytes\" : " + original.length, "\"bytes\" : " + rewritten.length);
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
