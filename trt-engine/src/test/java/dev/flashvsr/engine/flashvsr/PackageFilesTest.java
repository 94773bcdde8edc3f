package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.link.FilePlacement;
import dev.flashvsr.engine.flashvsr.link.FileRecord;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import --link} on a private copy of the golden release (the shared one must never be
 * linked and then changed), and the manifest's file records checked at open: changed files are
 * refused by name, touched ones accepted, old packages open, malformed records are manifest
 * errors; the content key.
 */
class PackageFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FlashVsrImport.Settings SETTINGS = new FlashVsrImport.Settings("tiny", false, null, null,
            null);

    @TempDir
    static Path dir;
    /** A package copied from the golden release, the template of the manifest tests. */
    static Path copied;

    @BeforeAll
    static void importGolden() throws Exception {
        copied = dir.resolve("copied");
        FlashVsrImport.run(GoldenPipeline.release(GoldenData.root()), copied, SETTINGS, line -> { });
    }

    /** A writable copy of the golden release (whose files are read-only), for linking and then changing. */
    private static Path releaseCopy(String name) throws IOException {
        Path release = copyFolder(GoldenPipeline.release(GoldenData.root()), dir.resolve(name));
        for (String file : PackageFiles.NAMES) {
            Files.setPosixFilePermissions(release.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        return release;
    }

    /** Copies keep their times, so the records of a copied package match without hashing. */
    private static Path copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return to;
    }

    private static Path linkImport(Path release, String name, List<String> progress) throws EngineException {
        Path pkg = dir.resolve(name);
        FlashVsrImport.run(release, pkg, SETTINGS, FilePlacement.linkOrCopy(), progress::add);
        return pkg;
    }

    private static String contentKey(Path pkg) throws EngineException {
        try (FlashVsrPackage opened = FlashVsrPackage.open(pkg)) {
            return opened.contentKey();
        }
    }

    private static ObjectNode manifest(Path pkg) throws IOException {
        return (ObjectNode) JSON.readTree(pkg.resolve(FlashVsrPackage.MANIFEST).toFile());
    }

    private static void writeManifest(Path pkg, ObjectNode manifest) throws IOException {
        JSON.writeValue(pkg.resolve(FlashVsrPackage.MANIFEST).toFile(), manifest);
    }

    /** Flips the lowest bit of the DiT's first stored value (a mantissa bit: still finite), same size. */
    private static void changeDitValue(Path folder) throws IOException {
        try (FileChannel file = FileChannel.open(folder.resolve(FlashVsrRelease.DIT_FILE), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            file.read(header, 0);
            long dataStart = 8 + header.getLong(0);
            ByteBuffer value = ByteBuffer.allocate(1);
            file.read(value, dataStart);
            file.write(ByteBuffer.wrap(new byte[] {(byte) (value.get(0) ^ 1)}), dataStart);
        }
    }

    /** A modification time after the recorded one, whatever the filesystem's clock resolution. */
    private static void touchLater(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(5)));
    }

    @Test
    void linkImportHardLinksEveryReleaseFileAndRecordsIt() throws Exception {
        Path release = releaseCopy("release-linked");
        List<String> progress = new ArrayList<>();
        Path pkg = linkImport(release, "linked", progress);
        ObjectNode files = (ObjectNode) manifest(pkg).get("files");
        assertEquals(PackageFiles.NAMES.size(), files.size(), files::toString);
        for (String name : PackageFiles.NAMES) {
            Path original = release.resolve(name);
            assertEquals(Files.getAttribute(original, "unix:ino"), Files.getAttribute(pkg.resolve(name), "unix:ino"),
                    name + " is the release's file");
            assertTrue(progress.contains(String.format("  hard-linked %s (%,d bytes)", name, Files.size(original))),
                    () -> name + " not reported: " + progress);
            assertEquals(Files.size(original), files.get(name).get("size").longValue(), name);
            assertEquals(Sha256.of(original, line -> { }), files.get(name).get("sha256").textValue(), name);
            assertEquals(Files.getLastModifiedTime(original).toInstant().toString(),
                    files.get(name).get("modified").textValue(), name);
        }
        assertEquals(contentKey(copied), contentKey(pkg), "the same content and settings, however placed");
    }

    /** Placing by hard link fails (as across filesystems): the next way copies, and the lines say so. */
    @Test
    void whenLinkingIsNotPossibleTheFileIsCopied() throws Exception {
        FilePlacement noLink = new FilePlacement() {
            @Override
            public Way way() {
                return Way.HARD_LINK;
            }

            @Override
            public FileRecord place(Path from, Path to, Consumer<String> progress) throws Unavailable {
                throw new Unavailable("Invalid cross-device link");
            }
        };
        Path release = releaseCopy("release-unlinkable");
        Path pkg = dir.resolve("unlinkable");
        List<String> progress = new ArrayList<>();
        List<FilePlacement> placements = new ArrayList<>(List.of(noLink));
        placements.addAll(FilePlacement.copy());
        FlashVsrImport.run(release, pkg, SETTINGS, placements, progress::add);
        for (String name : PackageFiles.NAMES) {
            assertNotEquals(Files.getAttribute(release.resolve(name), "unix:ino"),
                    Files.getAttribute(pkg.resolve(name), "unix:ino"), name);
            int refused = progress.indexOf("  " + name + ": no hard link (Invalid cross-device link)");
            int copiedLine = progress.indexOf(String.format("  copied %s (%,d bytes)", name,
                    Files.size(release.resolve(name))));
            assertTrue(refused >= 0 && copiedLine > refused, () -> name + ": " + progress);
        }
        assertEquals(contentKey(copied), contentKey(pkg));
    }

    @Test
    void aReleaseFileChangedInPlaceAfterALinkImportIsRefusedByName() throws Exception {
        Path release = releaseCopy("release-changed");
        Path pkg = linkImport(release, "changed", new ArrayList<>());
        changeDitValue(release);
        touchLater(release.resolve(FlashVsrRelease.DIT_FILE));
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrPackage.open(pkg));
        assertTrue(e.getMessage().startsWith(pkg.resolve(FlashVsrRelease.DIT_FILE) + " changed after import: same"
                + " size, but modified at "), e.getMessage());
        assertTrue(e.getMessage().contains("the package recorded " + manifest(pkg).get("files")
                .get(FlashVsrRelease.DIT_FILE).get("sha256").textValue()), e.getMessage());
        assertTrue(e.describe().contains("Re-import"), e.describe());
    }

    @Test
    void aTruncatedReleaseFileIsRefusedWithBothSizes() throws Exception {
        Path release = releaseCopy("release-truncated");
        Path pkg = linkImport(release, "truncated", new ArrayList<>());
        Path file = release.resolve(FlashVsrRelease.TC_DECODER_FILE);
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 100);
        }
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrPackage.open(pkg));
        assertEquals(pkg.resolve(FlashVsrRelease.TC_DECODER_FILE) + " changed after import: " + (size - 100)
                + " bytes, the package recorded " + size, e.getMessage());
    }

    @Test
    void aTouchedButUnchangedFileIsAcceptedAfterHashing() throws Exception {
        Path release = releaseCopy("release-touched");
        Path pkg = linkImport(release, "touched", new ArrayList<>());
        String before = contentKey(pkg);
        for (String name : PackageFiles.NAMES) {
            touchLater(release.resolve(name));
        }
        assertEquals(before, contentKey(pkg), "opens, and its content is the same");
    }

    @Test
    void aPackageFromBeforeRecordsOpensUnchecked() throws Exception {
        Path pkg = copyFolder(copied, dir.resolve("old"));
        ObjectNode manifest = manifest(pkg);
        manifest.remove("files");
        writeManifest(pkg, manifest);
        changeDitValue(pkg); // not detectable without records
        String key = contentKey(pkg);
        assertTrue(Sha256.isDigest(key), key);
        assertEquals(key, contentKey(pkg), "stable across opens");
        assertNotEquals(contentKey(copied), key);
        touchLater(pkg.resolve(FlashVsrRelease.LQ_PROJ_FILE));
        assertNotEquals(key, contentKey(pkg), "without digests, a file's time is its identity");
    }

    @Test
    void contentKeyIsStableAndFollowsSettingsAndWeights() throws Exception {
        String key = contentKey(copied);
        assertTrue(Sha256.isDigest(key), key);
        assertEquals(key, contentKey(copied), "stable across opens");

        Path renamed = copyFolder(copied, dir.resolve("renamed"));
        ObjectNode manifest = manifest(renamed);
        manifest.put("name", "other").put("description", "other");
        writeManifest(renamed, manifest);
        assertEquals(key, contentKey(renamed), "name, description and folder do not count");

        Path window = copyFolder(copied, dir.resolve("window"));
        manifest = manifest(window);
        ((ObjectNode) manifest.get("attention")).put("localRange", 3);
        writeManifest(window, manifest);
        assertNotEquals(key, contentKey(window), "attention settings count");

        Path dense = copyFolder(copied, dir.resolve("dense"));
        manifest = manifest(dense);
        manifest.putObject("attention").put("mode", "dense");
        writeManifest(dense, manifest);
        assertNotEquals(key, contentKey(dense), "dense attention counts");

        Path release = releaseCopy("release-other-weights");
        changeDitValue(release);
        Path otherWeights = dir.resolve("other-weights");
        FlashVsrImport.run(release, otherWeights, SETTINGS, line -> { });
        assertNotEquals(key, contentKey(otherWeights), "one weight's bit counts");
    }

    /** Each broken record is an error naming the manifest and the field; nothing is opened. */
    @Test
    void malformedRecordsAreManifestErrors() throws Exception {
        String lq = FlashVsrRelease.LQ_PROJ_FILE;
        String where = "files[\"" + lq + "\"]";
        Object[][] cases = {
            {"[]", null, "files must be an object"},
            {"5", lq, where + " must be an object"},
            {"{\"size\": \"918509\"}", lq, where + ".size must be a whole number"},
            {"{\"size\": -1}", lq, where + ".size must be a whole number"},
            {"{\"size\": 1.5}", lq, where + ".size must be a whole number"},
            {"{\"size\": 99999999999999999999}", lq, where + ".size must be a whole number"},
            {"{\"sha256\": \"xyz\"}", lq, where + ".sha256 must be 64 lowercase hex digits"},
            {"{\"sha256\": null}", lq, where + ".sha256 must be 64 lowercase hex digits"},
            {"{\"modified\": \"yesterday\"}", lq, where + ".modified must be a time"},
            {"{\"modified\": 12345}", lq, where + ".modified must be a time"},
            {"{}", "../manifest.json", "files names '../manifest.json', which is not a file of a FlashVSR package"},
        };
        int n = 0;
        for (Object[] c : cases) {
            Path pkg = copyFolder(copied, dir.resolve("malformed" + n++));
            ObjectNode manifest = manifest(pkg);
            var value = JSON.readTree((String) c[0]);
            if (c[1] == null) {
                manifest.set("files", value);
            } else if (value.isObject() && manifest.get("files").has((String) c[1])) {
                ((ObjectNode) manifest.get("files").get((String) c[1])).setAll((ObjectNode) value);
            } else {
                ((ObjectNode) manifest.get("files")).set((String) c[1], value);
            }
            writeManifest(pkg, manifest);
            assertManifestError(pkg, (String) c[2]);
        }

        Path lacking = copyFolder(copied, dir.resolve("lacking"));
        Files.delete(lacking.resolve(FlashVsrRelease.CONFIG_FILE));
        assertManifestError(lacking, "files records config.json, which the package lacks");

        Path unrecorded = copyFolder(copied, dir.resolve("unrecorded"));
        ObjectNode manifest = manifest(unrecorded);
        ((ObjectNode) manifest.get("files")).remove(lq);
        writeManifest(unrecorded, manifest);
        assertManifestError(unrecorded, "the package holds " + lq + " but files has no record of it");
    }

    private static void assertManifestError(Path pkg, String expected) {
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrPackage.open(pkg), expected);
        assertTrue(e.getMessage().startsWith(pkg.resolve(FlashVsrPackage.MANIFEST) + ": ")
                && e.getMessage().contains(expected), () -> expected + " / " + e.getMessage());
        assertEquals("Fix the manifest or re-import", e.remedy());
    }
}
