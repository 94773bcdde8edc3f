package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/** Runs the golden call schedule through the DiT graphs, feeding each call's cache outputs to the next. */
final class DitStreamRun {
    private DitStreamRun() {
    }

    /**
     * @param masksForCall the mask builder of each call (a graph is built per call when they differ)
     * @return the outputs of every call
     */
    static List<Map<String, DitOrtValues.Value>> run(DitGolden g, DitConstants constants, ComputeType precision,
            IntFunction<BlockMaskBuilder> masksForCall, boolean maskOutputs) throws OrtException {
        return run(g, constants, precision, masksForCall, maskOutputs, UnaryOperator.identity());
    }

    /** As above, running {@code rewrite(model)} instead of each model. */
    static List<Map<String, DitOrtValues.Value>> run(DitGolden g, DitConstants constants, ComputeType precision,
            IntFunction<BlockMaskBuilder> masksForCall, boolean maskOutputs, UnaryOperator<ModelProto> rewrite)
            throws OrtException {
        List<Map<String, DitOrtValues.Value>> outputs = new ArrayList<>();
        Map<String, DitOrtValues.Value> caches = new HashMap<>();
        for (int call = 0; call < g.framesPerCall.length; call++) {
            DitGraphSpec spec = g.spec(call, precision, masksForCall.apply(call));
            if (maskOutputs) {
                spec = spec.withBlockMaskOutputs();
            }
            byte[] model = rewrite.apply(DitGraph.build(g.weights, constants, g.dims, spec).build()).toByteArray();
            Map<String, DitOrtValues.Value> in = new HashMap<>(caches);
            FloatTensor x = g.inputs.readTensor("call" + call + ".x");
            FloatTensor lq = g.inputs.readTensor("call" + call + ".lq_tokens");
            in.put("x", DitOrtValues.Value.floats(x.data(), x.shape()));
            in.put("lq_tokens", DitOrtValues.Value.floats(lq.data(), lq.shape()));
            long[] positions = g.positions(call);
            in.put("t_positions", DitOrtValues.Value.longs(positions, positions.length));
            Map<String, DitOrtValues.Value> out;
            try (OrtSession session = DitOrtValues.session(model)) {
                out = DitOrtValues.run(session, in);
            }
            caches.clear();
            for (int l = 0; l < g.dims.layers(); l++) {
                caches.put("k_cache_" + l, out.get("k_cache_" + l + "_out"));
                caches.put("v_cache_" + l, out.get("v_cache_" + l + "_out"));
            }
            outputs.add(out);
        }
        return outputs;
    }
}
