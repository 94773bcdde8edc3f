package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The five graphs of a FlashVSR stream as ONNX files with their weights inside (the DiT's as
 * external data beside it, {@code <file>.data}), for runtimes that build their own engines from
 * ONNX (TensorRT). Their interfaces are those of the CPU graphs: per-call inputs, state inputs
 * {@code X} and outputs {@code X_out}.
 */
public enum ExportedGraph {
    LQ_PROJECTOR("lq_projector.onnx", "LQ projector"),
    DIT_FIRST("dit_chunk0.onnx", "DiT (chunk 0)"),
    DIT_LATER("dit_later.onnx", "DiT (later chunks)"),
    DECODER_FIRST("decoder_chunk0.onnx", "decoder (chunk 0)"),
    DECODER_LATER("decoder_later.onnx", "decoder (later chunks)");

    private final String file;
    private final String what;

    ExportedGraph(String file, String what) {
        this.file = file;
        this.what = what;
    }

    public String file() {
        return file;
    }

    /** Names the graph in messages. */
    public String what() {
        return what;
    }

    /** The DiT or the decoder of chunk 0 or of later chunks. */
    public static ExportedGraph dit(boolean firstChunk) {
        return firstChunk ? DIT_FIRST : DIT_LATER;
    }

    public static ExportedGraph decoder(boolean firstChunk) {
        return firstChunk ? DECODER_FIRST : DECODER_LATER;
    }

    /**
     * Names what the graphs of {@code pkg} for model frames of {@code width x height} in
     * {@code precision} are built from (package content, attention, size, precision with int8
     * scales, builder version): equal names, equal files.
     */
    public static String contentKey(FlashVsrPackage pkg, int width, int height, Precision precision) {
        return FlashVsrGraphs.cacheKey(pkg, width, height, pkg.attention(), GraphPrecision.of(precision, pkg));
    }

    /** Writes the five graphs into {@code folder} (see {@link FlashVsrImport#exportGraphs}). */
    public static void writeAll(FlashVsrPackage pkg, int width, int height, Precision precision, Path folder)
            throws EngineException, IOException {
        FlashVsrGraphs.export(pkg, width, height, pkg.attention(), GraphPrecision.of(precision, pkg), folder);
    }
}
