package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The "engine" of {@link OrtTrtRuntime}: a header (magic, the TensorRT version that "built" it,
 * the build settings, the graph's folder and file name) followed by the ONNX graph's bytes. Unlike a
 * TensorRT plan it does not embed external weights: they are read from the graph's folder.
 */
record OrtPlan(String version, BuildSettings settings, String graphFolder, String graphName, byte[] graph) {
    static final String MAGIC = "flashvsr-ort-plan/2";

    byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeUTF(version);
            out.writeUTF(graphFolder);
            out.writeUTF(graphName);
            out.writeLong(settings.workspaceBytes());
            out.writeBoolean(settings.weightStreaming());
            out.writeInt(settings.shapes().size());
            for (Map.Entry<String, ShapeRange> input : settings.shapes().entrySet()) {
                out.writeUTF(input.getKey());
                ShapeRange range = input.getValue();
                out.writeInt(range.rank());
                for (long[] dims : new long[][] {range.min(), range.opt(), range.max()}) {
                    for (long dim : dims) {
                        out.writeLong(dim);
                    }
                }
            }
            out.writeInt(graph.length);
            out.write(graph);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a plan written by a runtime of version {@code expectedVersion}; like TensorRT, anything
     * else (another version, not a plan at all) is {@link Kind#INCOMPATIBLE}.
     */
    static OrtPlan parse(byte[] plan, String expectedVersion, TrtLog log) throws TrtException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plan))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw incompatible("the engine plan is not a serialized engine (bad magic tag)", log);
            }
            String version = in.readUTF();
            if (!version.equals(expectedVersion)) {
                throw incompatible("the engine plan is not compatible with this version of TensorRT: it was built by "
                        + version + ", this is " + expectedVersion, log);
            }
            String graphFolder = in.readUTF();
            String graphName = in.readUTF();
            long workspace = in.readLong();
            boolean weightStreaming = in.readBoolean();
            Map<String, ShapeRange> shapes = new LinkedHashMap<>();
            int inputs = in.readInt();
            for (int i = 0; i < inputs; i++) {
                String name = in.readUTF();
                int rank = in.readInt();
                long[][] dims = new long[3][rank];
                for (long[] row : dims) {
                    for (int d = 0; d < rank; d++) {
                        row[d] = in.readLong();
                    }
                }
                shapes.put(name, new ShapeRange(dims[0], dims[1], dims[2]));
            }
            byte[] graph = new byte[in.readInt()];
            in.readFully(graph);
            return new OrtPlan(version, new BuildSettings(shapes, workspace, Optional.empty(), weightStreaming),
                    graphFolder, graphName, graph);
        } catch (IOException | RuntimeException e) {
            throw incompatible("the engine plan is truncated or corrupt (" + e + ")", log);
        }
    }

    private static TrtException incompatible(String message, TrtLog log) {
        log.log(TrtLog.Severity.ERROR, message);
        return new TrtException(Kind.INCOMPATIBLE, "cannot load the engine: " + message,
                JavaCppTrtRuntime.REBUILD_REMEDY);
    }
}
