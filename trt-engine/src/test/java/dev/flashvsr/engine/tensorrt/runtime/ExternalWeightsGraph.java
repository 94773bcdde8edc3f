package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A graph rewritten with its raw initializers in an external data file beside it, as FlashVSR's graphs keep theirs. */
final class ExternalWeightsGraph {
    private static final int MIN_BYTES = 1024;

    private ExternalWeightsGraph() {
    }

    /** Writes {@code source} to {@code target} with its weights in {@code target}'s folder, file {@code dataFile}. */
    static int write(Path source, Path target, String dataFile) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(source));
        GraphProto.Builder graph = model.getGraph().toBuilder();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int moved = 0;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto weight = graph.getInitializer(i);
            // only weights: shape-like constants (pads, shapes) must stay inline for ORT's shape inference
            if (weight.getDataType() != TensorProto.DataType.FLOAT_VALUE || weight.getRawData().size() < MIN_BYTES) {
                continue;
            }
            int offset = data.size();
            weight.getRawData().writeTo(data);
            graph.setInitializer(i, weight.toBuilder().clearRawData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", dataFile))
                    .addExternalData(entry("offset", Integer.toString(offset)))
                    .addExternalData(entry("length", Integer.toString(weight.getRawData().size()))));
            moved++;
        }
        Files.write(target.resolveSibling(dataFile), data.toByteArray());
        Files.write(target, model.toBuilder().setGraph(graph).build().toByteArray());
        return moved;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
