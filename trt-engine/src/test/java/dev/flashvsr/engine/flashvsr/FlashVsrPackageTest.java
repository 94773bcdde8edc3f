package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.files.SpecialFiles;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import options and package manifests with values the graphs cannot take, and package files that are not files. */
class FlashVsrPackageTest {
    @TempDir
    static Path dir;
    static Path imported;

    @BeforeAll
    static void importGolden() throws Exception {
        imported = dir.resolve("golden-pkg");
        FlashVsrImport.run(GoldenPipeline.release(GoldenData.root()), imported, new FlashVsrImport.Settings("tiny", false, null, null, null),
                line -> { });
    }

    /** A copy of the imported package with its manifest's attention object replaced. */
    private static Path withAttention(String name, String attention) throws Exception {
        Path pkg = Files.createDirectories(dir.resolve(name));
        try (var files = Files.list(imported)) {
            for (Path f : files.toList()) {
                Files.copy(f, pkg.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES); // as recorded
            }
        }
        String manifest = Files.readString(pkg.resolve(FlashVsrPackage.MANIFEST));
        int start = manifest.indexOf("\"attention\"");
        int end = manifest.indexOf('}', start) + 1;
        Files.writeString(pkg.resolve(FlashVsrPackage.MANIFEST),
                manifest.substring(0, start) + "\"attention\" : " + attention + manifest.substring(end));
        return pkg;
    }

    @Test
    void importRefusesNonFiniteAndOutOfRangeOptionsBeforeWritingAnything() {
        Object[][] cases = {
            {new FlashVsrImport.Settings("x", false, null, null, Double.NaN), "--topk-ratio"},
            {new FlashVsrImport.Settings("x", false, null, null, Double.POSITIVE_INFINITY), "--topk-ratio"},
            {new FlashVsrImport.Settings("x", false, null, Double.POSITIVE_INFINITY, null), "--sparse-ratio"},
            {new FlashVsrImport.Settings("x", false, null, -2.0, null), "--sparse-ratio"},
            {new FlashVsrImport.Settings("x", false, -1, null, null), "--local-range"},
            {new FlashVsrImport.Settings("x", false, 0, null, null), "--local-range"},
            {new FlashVsrImport.Settings("x", false, 5000, null, null), "--local-range"},
        };
        for (Object[] c : cases) {
            Path out = dir.resolve("refused");
            EngineException e = assertThrows(EngineException.class, () -> FlashVsrImport.run(GoldenPipeline.release(GoldenData.root()),
                    out, (FlashVsrImport.Settings) c[0], line -> { }));
            assertTrue(e.getMessage().startsWith((String) c[1]), e.getMessage());
            assertFalse(Files.exists(out), "nothing written for " + c[1]);
        }
    }

    @Test
    void manifestAttentionValuesAreCheckedWhenThePackageOpens() throws Exception {
        Object[][] cases = {
            {"{\"mode\": \"lcsa\", \"localRange\": 11, \"sparseRatio\": 1e400}", "attention.sparseRatio"},
            {"{\"mode\": \"lcsa\", \"localRange\": 2147483648, \"sparseRatio\": 2.0}", "attention.localRange"},
            {"{\"mode\": \"lcsa\", \"localRange\": 1.5, \"sparseRatio\": 2.0}", "attention.localRange must be an integer"},
            {"{\"mode\": \"lcsa\", \"localRange\": 11, \"sparseRatio\": 2.0, \"topkRatio\": 0}", "attention.topkRatio"},
            {"{\"mode\": \"lcsa\", \"localRange\": \"11\"}", "attention.localRange must be a number"},
            {"{\"mode\": \"sparse\"}", "attention.mode must be lcsa or dense"},
        };
        int n = 0;
        for (Object[] c : cases) {
            Path pkg = withAttention("attention" + n++, (String) c[0]);
            EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
            assertTrue(e.getMessage().contains((String) c[1]) && e.getMessage().contains(pkg.toString()),
                    e.getMessage());
        }
        Models.resolve(withAttention("dense", "{\"mode\": \"dense\"}").toString()).close();
    }

    @Test
    void packageFilesThatAreFifosOrLinksOutOfThePackageAreRefused() throws Exception {
        Path fifoManifest = withAttention("fifo", "{\"mode\": \"dense\"}");
        SpecialFiles.fifo(fifoManifest.resolve(FlashVsrPackage.MANIFEST));
        EngineException fifo = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(EngineException.class, () -> Models.resolve(fifoManifest.toString())));
        assertTrue(fifo.getMessage().contains("FIFO"), fifo.getMessage());

        Path linked = withAttention("linked", "{\"mode\": \"dense\"}");
        Files.delete(linked.resolve(FlashVsrRelease.TC_DECODER_FILE));
        Files.createSymbolicLink(linked.resolve(FlashVsrRelease.TC_DECODER_FILE),
                GoldenPipeline.release(GoldenData.root()).resolve(FlashVsrRelease.TC_DECODER_FILE));
        EngineException outside = assertThrows(EngineException.class, () -> Models.resolve(linked.toString()));
        assertTrue(outside.getMessage().contains("outside the package folder"), outside.getMessage());
    }
}
