package dev.flashvsr.engine.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file rules: regular files only, links followed with loops named, sizes checked before reading. */
class ModelFilesTest {
    @TempDir
    Path dir;

    private static IOException refused(Path file, String... fragments) {
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(IOException.class, () -> ModelFiles.regularFile(file)));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message lacks '" + fragment + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void regularFilesAndLinksToThemAreAccepted() throws IOException {
        Path file = Files.writeString(dir.resolve("a.json"), "{}");
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), file.getFileName());
        Path linkToLink = Files.createSymbolicLink(dir.resolve("link2.json"), link);
        assertEquals(file.toRealPath(), ModelFiles.regularFile(file));
        assertEquals(file.toRealPath(), ModelFiles.regularFile(linkToLink));
        assertArrayEquals("{}".getBytes(), ModelFiles.readBounded(ModelFiles.regularFile(link), 10, "a test file"));
    }

    @Test
    void fifosDevicesDirectoriesAndSocketsAreRefusedWithoutBlocking() throws Exception {
        refused(SpecialFiles.fifo(dir.resolve("manifest.json")), "manifest.json", "is a FIFO (named pipe), not a regular file");
        Path zero = Files.createSymbolicLink(dir.resolve("config.json"), Path.of("/dev/zero"));
        refused(zero, "config.json", "/dev/zero", "a character device");
        refused(Files.createDirectory(dir.resolve("graph.onnx")), "graph.onnx", "is a directory");
    }

    @Test
    void symbolicLinkLoopsAreReportedAsLoops() throws IOException {
        Path self = Files.createSymbolicLink(dir.resolve("self.ckpt"), Path.of("self.ckpt"));
        refused(self, "self.ckpt is a symbolic link loop");
        Files.createSymbolicLink(dir.resolve("a.ckpt"), Path.of("b.ckpt"));
        Files.createSymbolicLink(dir.resolve("b.ckpt"), Path.of("a.ckpt"));
        refused(dir.resolve("a.ckpt"), "is a symbolic link loop", "a.ckpt -> ", "b.ckpt");
        Files.createSymbolicLink(dir.resolve("loopdir"), Path.of("loopdir"));
        refused(dir.resolve("loopdir").resolve("x.onnx"), "symbolic link loop");
    }

    @Test
    void missingFilesAndDanglingLinksAreMissing() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> ModelFiles.regularFile(dir.resolve("none.onnx")));
        assertTrue(missing.getMessage().contains("none.onnx does not exist"), missing.getMessage());
        Files.createSymbolicLink(dir.resolve("dangling.onnx"), Path.of("gone.onnx"));
        NoSuchFileException dangling = assertThrows(NoSuchFileException.class,
                () -> ModelFiles.regularFile(dir.resolve("dangling.onnx")));
        assertTrue(dangling.getMessage().contains("is a link to") && dangling.getMessage().contains("gone.onnx"),
                dangling.getMessage());
    }

    @Test
    void packageFilesMustResolveInsideThePackage() throws IOException {
        Path pkg = Files.createDirectory(dir.resolve("pkg"));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "x");
        Path inner = Files.writeString(pkg.resolve("x2.onnx"), "graph");
        Files.createSymbolicLink(pkg.resolve("alias.onnx"), inner.getFileName());
        assertEquals(inner.toRealPath(), ModelFiles.regularFileInside(pkg.resolve("alias.onnx"), pkg));
        Files.createSymbolicLink(pkg.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(pkg.resolve("up.onnx"), Path.of("../secret.txt"));
        for (String name : new String[] {"passwd", "up.onnx"}) {
            IOException e = assertThrows(IOException.class, () -> ModelFiles.regularFileInside(pkg.resolve(name), pkg));
            assertTrue(e.getMessage().contains("outside the package folder"), e.getMessage());
        }
        // a package reached through a link to its folder is still one folder
        Path linkedPackage = Files.createSymbolicLink(dir.resolve("current"), pkg.getFileName());
        assertEquals(inner.toRealPath(), ModelFiles.regularFileInside(linkedPackage.resolve("x2.onnx"), linkedPackage));
        assertTrue(Files.exists(outside));
    }

    @Test
    void filesLargerThanTheirLimitAreRefusedBeforeReading() throws IOException {
        Path big = Files.write(dir.resolve("manifest.json"), new byte[2000]);
        IOException e = assertThrows(IOException.class, () -> ModelFiles.readBounded(big, 1000, "a manifest"));
        assertTrue(e.getMessage().contains("manifest.json is 2000 bytes, too large for a manifest (at most 1000"),
                e.getMessage());
        assertEquals(2000, ModelFiles.readBounded(big, 2000, "a manifest").length);
    }
}
