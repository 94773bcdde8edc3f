package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.flashvsr.FlashVsrModel;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a model is, apart from where it runs: its files, checked and read, with no runtime session
 * built. A {@link BackendProvider} turns it into a runnable {@link dev.flashvsr.engine.Model}.
 */
public sealed interface ModelDefinition {

    /** The name users select it by, or its path. */
    String name();

    /** Every precision it has a variant in at some scale, fp32 first; never empty. */
    Set<Precision> precisions();

    /** A recurrent model package (manifest.json and its ONNX graphs, one per scale and precision). */
    record Recurrent(ModelPackage modelPackage) implements ModelDefinition {
        @Override
        public String name() {
            return modelPackage.manifest().name();
        }

        @Override
        public Set<Precision> precisions() {
            Set<Precision> all = new LinkedHashSet<>(Set.of(Precision.FP32));
            modelPackage.manifest().graphs().forEach(graph -> all.add(graph.precision()));
            return all;
        }

        public ModelManifest manifest() {
            return modelPackage.manifest();
        }

        /**
         * At each scale the graph a backend with {@code capabilities} runs for {@code precision}: that
         * variant, or for {@code AUTO} the first of the backend's precisions the package has.
         */
        public List<ModelManifest.Graph> graphsFor(Capabilities capabilities, Precision precision) {
            List<ModelManifest.Graph> graphs = new ArrayList<>();
            manifest().graphs().stream().map(ModelManifest.Graph::scale).distinct().forEach(scale ->
                    capabilities.choose(precision, manifest().precisions(scale))
                            .flatMap(chosen -> manifest().graphFor(scale, chosen)).ifPresent(graphs::add));
            return graphs;
        }
    }

    /**
     * A FlashVSR package written by {@code flashvsr import}; its graphs are built per frame size.
     * Only its manifest's format has been read: opening the package checks its files and holds
     * the weights open until the model is closed, so the provider opens it in {@code load}, once
     * per model, and a definition never loaded holds nothing.
     */
    record FlashVsr(Path folder) implements ModelDefinition {
        @Override
        public String name() {
            return folder.toString();
        }

        /** Opens the package for one model, which closes it. */
        public FlashVsrPackage open() throws EngineException {
            return FlashVsrPackage.open(folder);
        }

        /** fp32 and fp16, and int8 once the package is calibrated. */
        @Override
        public Set<Precision> precisions() {
            return FlashVsrModel.precisionsOffered(FlashVsrPackage.declaresInt8Scales(folder));
        }
    }

    /** The classical bicubic baseline: no files, plain arithmetic. */
    record Bicubic() implements ModelDefinition {
        @Override
        public String name() {
            return BicubicModel.NAME;
        }

        @Override
        public Set<Precision> precisions() {
            return Set.of(Precision.FP32);
        }
    }
}
