package dev.flashvsr.engine.flashvsr.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;

/** The golden DiT files (section 3 of the golden README) and the sizes of config.json. */
final class DitGolden implements AutoCloseable {
    final SafeTensorsFile weights;
    final SafeTensorsFile inputs;
    final SafeTensorsFile dense;
    final SafeTensorsFile lcsa;
    final DitDims dims;
    final JsonNode run;
    final int latentHeight;
    final int latentWidth;
    final int[] framesPerCall;
    final int kvLen;

    private DitGolden(Path root, JsonNode config) throws IOException {
        Path dit = root.resolve(config.get("dit_test").get("folder").asText());
        weights = SafeTensors.open(dit.resolve("weights.safetensors"));
        inputs = SafeTensors.open(dit.resolve("inputs.safetensors"));
        dense = SafeTensors.open(dit.resolve("outputs_dense.safetensors"));
        lcsa = SafeTensors.open(dit.resolve("outputs_lcsa.safetensors"));
        JsonNode d = config.get("dit");
        JsonNode window = d.get("attention_block_window_t_h_w");
        dims = DitDims.fromWeights(weights, d.get("num_heads").asInt(), d.get("eps").asDouble(),
                d.get("rope_theta").asDouble(), d.get("rope_table_positions").asInt(), window.get(0).asInt(),
                window.get(1).asInt(), window.get(2).asInt());
        run = config.get("dit_test");
        latentHeight = run.get("latent_h_w").get(0).asInt();
        latentWidth = run.get("latent_h_w").get(1).asInt();
        framesPerCall = new int[run.get("calls").asInt()];
        for (int i = 0; i < framesPerCall.length; i++) {
            framesPerCall[i] = run.get("latent_frames_per_call").get(i).asInt();
        }
        kvLen = (int) run.get("kv_ratio").asDouble();
    }

    static DitGolden open() throws IOException {
        return new DitGolden(GoldenData.root(), GoldenConfig.config());
    }

    DitConstants constants() {
        return DitConstants.compute(weights, inputs.readTensor("context"), dims, run.get("timestep").asDouble());
    }

    /** Absolute latent-frame indices of call {@code k}: the frames before it, then its own. */
    long[] positions(int call) {
        long start = 0;
        for (int i = 0; i < call; i++) {
            start += framesPerCall[i];
        }
        long[] p = new long[framesPerCall[call]];
        for (int i = 0; i < p.length; i++) {
            p[i] = start + i;
        }
        return p;
    }

    /** Time groups of chunk 0, which later chunks find in their cache. */
    int firstChunkGroups() {
        return framesPerCall[0] / dims.blockFrames();
    }

    DitGraphSpec spec(int call, ComputeType precision, BlockMaskBuilder masks) {
        return call == 0
                ? DitGraphSpec.firstChunk(framesPerCall[0], latentHeight, latentWidth, kvLen, precision, masks)
                : DitGraphSpec.laterChunk(framesPerCall[call], latentHeight, latentWidth, firstChunkGroups(), kvLen,
                        precision, masks);
    }

    @Override
    public void close() throws IOException {
        weights.close();
        inputs.close();
        dense.close();
        lcsa.close();
    }
}
