package dev.flashvsr.engine.tensorrt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.flashvsr.load.ReferenceRuns;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every graph the project ships or builds passes the TensorRT check without errors: the built-in
 * recurrent models' graphs at every precision, and FlashVSR's five exported graphs (tiny golden model, imported from
 * the release layout) for the golden run's size and for 768x1408.
 */
class ShippedGraphsTrtTest {
    @TempDir
    static Path dir;

    private static List<TrtProblem> errors(TrtCompatibility.GraphReport report) {
        return report.problems().stream().filter(p -> p.severity() == TrtProblem.Severity.ERROR).toList();
    }

    @Test
    void builtInRecurrentModelsHaveNoErrors() throws Exception {
        for (String name : List.of(Models.VSR_SMALL, Models.VSR_SMALL_FAST)) {
            ModelPackage pkg = ModelPackage.loadResource("/dev/flashvsr/models/" + name + "/");
            // every shipped scale has its fp16 and int8 variant, so the loop below checks those too
            for (int scale : List.of(2, 4)) {
                assertEquals(Set.of(Precision.FP32, Precision.FP16, Precision.INT8), pkg.manifest().precisions(scale),
                        name + " x" + scale);
            }
            for (ModelManifest.Graph graph : pkg.manifest().graphs()) {
                TrtCompatibility.GraphReport report = TrtCompatibility.check(name + "/" + graph.file(),
                        pkg.graph(graph), pkg.externalDataFolder(graph).orElse(null));
                assertEquals(List.of(), errors(report), name + "/" + graph.file());
                assertTrue(report.nodes() > 10, name + "/" + graph.file());
            }
        }
    }

    @Test
    void flashVsrExportedGraphsHaveNoErrors() throws Exception {
        Path release = GoldenData.root().resolve("release-layout");
        ReferenceRuns.PipelineRun run;
        try (FlashVsrRelease r = FlashVsrRelease.open(release)) {
            run = r.referenceRuns().pipeline().orElseThrow();
        }
        Path pkg = dir.resolve("tiny-flashvsr");
        FlashVsrImport.run(release, pkg, new FlashVsrImport.Settings("tiny", run.fullBlock(), run.localRange(), null,
                run.topkRatio()), line -> { });
        for (int[] size : new int[][] {{run.hrWidth(), run.hrHeight()}, {768, 1408}}) {
            Path folder = FlashVsrImport.exportGraphs(pkg, size[0], size[1], line -> { });
            List<Path> graphs;
            try (Stream<Path> files = Files.list(folder)) {
                graphs = files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
            }
            assertEquals(5, graphs.size(), graphs.toString());
            List<TrtProblem> errors = new ArrayList<>();
            for (Path graph : graphs) {
                errors.addAll(errors(TrtCompatibility.check(folder.getFileName() + "/" + graph.getFileName(),
                        Files.readAllBytes(graph), folder)));
            }
            assertEquals(List.of(), errors, "graphs for " + size[0] + "x" + size[1]);
        }
    }
}
