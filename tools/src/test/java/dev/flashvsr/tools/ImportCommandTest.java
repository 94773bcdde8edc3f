package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.flashvsr.load.ReferenceRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code flashvsr import} on the golden tiny release and on broken ones. */
class ImportCommandTest {
    private static final List<String> RELEASE_FILES = List.of(FlashVsrRelease.DIT_FILE, FlashVsrRelease.LQ_PROJ_FILE,
            FlashVsrRelease.TC_DECODER_FILE, FlashVsrRelease.PROMPT_FILE, FlashVsrRelease.CONFIG_FILE);

    static ReferenceRuns.PipelineRun run;

    @TempDir
    Path dir;

    @BeforeAll
    static void readRunParameters() throws Exception {
        run = GoldenPipeline.load(GoldenData.root()).run();
    }

    @Test
    void importsTheReleaseReportingEachStep() throws IOException {
        Path out = dir.resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                "--topk-ratio", Double.toString(run.topkRatio()), "--local-range", Integer.toString(run.localRange()));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("validating " + GoldenPipeline.release(GoldenData.root())), r::toString);
        for (String file : RELEASE_FILES) {
            assertTrue(r.out().contains("copied " + file), () -> file + " not reported: " + r);
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
        }
        assertTrue(r.out().contains("checking the written package"), r::toString);
        assertTrue(r.out().strip().endsWith("wrote " + out), r::toString);

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("flashvsr-streaming/1", manifest.path("format").asText());
        assertEquals("tiny", manifest.path("name").asText());
        assertEquals("lcsa", manifest.path("attention").path("mode").asText());
        assertEquals(run.localRange(), manifest.path("attention").path("localRange").asInt());
        assertEquals(run.topkRatio(), manifest.path("attention").path("topkRatio").asDouble());
        for (String file : RELEASE_FILES) {
            JsonNode record = manifest.path("files").path(file);
            assertEquals(Files.size(out.resolve(file)), record.path("size").asLong(), file);
            assertEquals(Sha256.of(GoldenPipeline.release(GoldenData.root()).resolve(file), line -> { }),
                    record.path("sha256").asText(), file);
        }
        assertEquals(List.of("tiny"), StagedOutputTest.entries(dir), "the temporary folder is gone");
    }

    /** On one filesystem every file is hard-linked: the package holds no second copy. */
    @Test
    void linkImportHardLinksTheReleaseFiles() throws IOException {
        Path release = Files.createDirectories(dir.resolve("release"));
        for (String file : RELEASE_FILES) {
            Files.copy(GoldenPipeline.release(GoldenData.root()).resolve(file), release.resolve(file));
            // The golden files are read-only; Linux lets non-owners link only files they may write.
            Files.setPosixFilePermissions(release.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
        }
        Path out = dir.resolve("linked");
        CliTestSupport.Result r = CliTestSupport.run("import", release.toString(), out.toString(), "--link");
        assertEquals(0, r.code(), r::toString);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        for (String file : RELEASE_FILES) {
            assertTrue(r.out().contains("hard-linked " + file), () -> file + " not reported: " + r);
            assertEquals(Files.getAttribute(release.resolve(file), "unix:ino"),
                    Files.getAttribute(out.resolve(file), "unix:ino"), file);
            assertEquals(Files.size(release.resolve(file)), manifest.path("files").path(file).path("size").asLong());
        }
        assertTrue(r.out().strip().endsWith("wrote " + out), r::toString);
        assertEquals(List.of("linked", "release"), StagedOutputTest.entries(dir), "the temporary folder is gone");
    }

    @Test
    void prepareBuildsTheGraphCacheOfEachSizeAheadOfTime() throws IOException {
        Path out = dir.resolve("prepared");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                "--prepare", "100x60,200x100");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("prepared 128x128 model frames") && r.out().contains("prepared 256x128 model frames"),
                r::toString);
        assertTrue(r.out().contains("building the FlashVSR graphs for 256x128"), r::toString);
        try (var entries = Files.list(out.resolve("cache").resolve("onnx-cpu"))) {
            assertEquals(2, entries.filter(p -> Files.isRegularFile(p.resolve("entry.json"))).count(),
                    "one cache entry per size");
        }
        CliTestSupport.Result bad = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(),
                dir.resolve("bad").toString(), "--prepare", "100x0");
        assertEquals(FlashVsrCli.EXIT_USAGE, bad.code(), bad::toString);
        assertTrue(bad.err().contains("--prepare size '100x0'"), bad::toString);
        assertFalse(Files.exists(dir.resolve("bad")));
    }

    @Test
    void missingReleaseFolderIsAUsageError() {
        Path missing = dir.resolve("no-such-release");
        CliTestSupport.Result r = CliTestSupport.run("import", missing.toString(), dir.resolve("out").toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("release folder not found: " + missing), r::toString);
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void existingOutputFolderIsRefused() throws IOException {
        Path out = Files.createDirectories(dir.resolve("taken"));
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("OUT '" + out + "' already exists"), r::toString);
        try (Stream<Path> left = Files.list(out)) {
            assertEquals(0, left.count(), "nothing written into the existing folder");
        }
        assertEquals(List.of("taken"), StagedOutputTest.entries(dir));
    }

    @Test
    void missingParentFolderIsAUsageError() {
        Path out = dir.resolve("no-such-folder").resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString());
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("no-such-folder"), r::toString);
        assertFalse(Files.exists(out.getParent()));
    }

    /** Each option is checked before anything is read or written, and the message names it. */
    @ParameterizedTest
    @CsvSource({"--topk-ratio, NaN", "--topk-ratio, Infinity", "--topk-ratio, -1", "--topk-ratio, 0",
            "--sparse-ratio, NaN", "--sparse-ratio, Infinity", "--sparse-ratio, -1", "--sparse-ratio, 0",
            "--local-range, 0", "--local-range, -1", "--local-range, 256"})
    void outOfRangeOptionsAreUsageErrors(String option, String value) throws IOException {
        Path out = dir.resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                option, value);
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: " + option + " must be"), r::toString);
        assertEquals("", r.out(), "nothing was started");
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x0", "100x100", "1x128", "-128x128", "99999999x128", "128x9216", "128", "128x128x128"})
    void badExportSizesAreUsageErrorsBeforeAnythingIsWritten(String size) throws IOException {
        Path out = dir.resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                "--export-onnx=" + size);
        assertEquals(FlashVsrCli.EXIT_USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("--export-onnx size '" + size + "'"), r::toString);
        assertEquals("", r.out(), "nothing was started");
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    /** A top-k ratio so small that the LCSA graphs select no block: the export fails after the copy. */
    @Test
    void aFailedExportLeavesNoPackage() throws IOException {
        Path out = dir.resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                "--topk-ratio", "1e-9", "--export-onnx", "128x128");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
        assertFalse(r.out().contains("wrote " + out), r::toString);
        assertEquals(List.of(), StagedOutputTest.entries(dir), "no package and no temporary folder");
    }

    @Test
    void exportsGraphsIntoThePackage() throws IOException {
        Path out = dir.resolve("tiny");
        CliTestSupport.Result r = CliTestSupport.run("import", GoldenPipeline.release(GoldenData.root()).toString(), out.toString(),
                "--export-onnx", "128x128,128x128");
        assertEquals(0, r.code(), r::toString);
        assertTrue(Files.isRegularFile(out.resolve("onnx/128x128/dit_chunk0.onnx")), r::toString);
        assertTrue(r.out().contains("writing fp32 ONNX graphs for 128x128 to " + out.resolve("onnx/128x128")),
                () -> "messages name the package, not its temporary folder: " + r);
        assertEquals(List.of("tiny"), StagedOutputTest.entries(dir));
    }

    @Test
    void releaseMissingAFileFailsNamingIt() throws IOException {
        Path release = Files.createDirectories(dir.resolve("incomplete"));
        for (String file : RELEASE_FILES) {
            if (!file.equals(FlashVsrRelease.LQ_PROJ_FILE)) {
                Files.copy(GoldenPipeline.release(GoldenData.root()).resolve(file), release.resolve(file));
            }
        }
        Path out = dir.resolve("out");
        CliTestSupport.Result r = CliTestSupport.run("import", release.toString(), out.toString());
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: "), r::toString);
        assertTrue(r.err().contains("missing " + FlashVsrRelease.LQ_PROJ_FILE), r::toString);
        assertFalse(Files.exists(out), "no package is written from an invalid release");
        assertEquals(List.of("incomplete"), StagedOutputTest.entries(dir), "no temporary folder is left");
    }
}
