package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.onnx.WeightRef;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime tensors over memory-mapped weight files ({@link WeightRef}s): the runtime reads
 * the weights where the page cache holds them, without a copy in the Java heap or the native
 * heap, and every graph that refers to the same bytes (the DiT of the first and of later chunks)
 * gets the same tensor, so the weights are resident once. Fed as graph inputs, they are never
 * pre-packed either (a pre-packed copy per session would double them).
 */
public final class MappedWeights implements AutoCloseable {
    /** The bytes a tensor is made of, whatever its name in a graph. */
    private record Region(String root, String file, long offset, long length, String type, List<Long> shape) {
    }

    private final Map<String, Path> roots;
    private final Map<Region, OnnxTensor> tensors = new HashMap<>();
    private long mappedBytes;

    /** @param roots the folders that {@link WeightRef#root()} names */
    public MappedWeights(Map<String, Path> roots) {
        this.roots = Map.copyOf(roots);
    }

    /**
     * The tensor of {@code ref}, mapped on first use.
     *
     * @throws IOException naming the file when it is missing, leaves its root, or is too short
     */
    public synchronized OnnxTensor tensor(WeightRef ref) throws IOException {
        Region region = new Region(ref.root(), ref.file(), ref.offset(), ref.length(), ref.type().name(),
                Arrays.stream(ref.shape()).boxed().toList());
        OnnxTensor existing = tensors.get(region);
        if (existing != null) {
            return existing;
        }
        Path root = roots.get(ref.root());
        if (root == null) {
            throw new IOException("weight '" + ref.name() + "' refers to an unknown folder '" + ref.root() + "'");
        }
        Path file = ModelFiles.regularFileInside(root.resolve(ref.file()), root);
        if (ref.length() > Integer.MAX_VALUE) {
            throw new IOException(file + ": weight '" + ref.name() + "' is " + ref.length()
                    + " bytes, more than one mapping holds");
        }
        MappedByteBuffer bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ref.offset() + ref.length() > channel.size()) {
                throw new IOException(file + " is " + channel.size() + " bytes, too short for weight '" + ref.name()
                        + "' at " + ref.offset() + "+" + ref.length() + "; it changed since the graphs were built");
            }
            bytes = channel.map(FileChannel.MapMode.READ_ONLY, ref.offset(), ref.length());
        }
        bytes.order(ByteOrder.LITTLE_ENDIAN);
        try {
            OnnxTensor tensor = switch (ref.type()) {
                case FLOAT -> OnnxTensor.createTensor(OrtRuntime.ENV, bytes.asFloatBuffer(), ref.shape());
                case FLOAT16 -> OnnxTensor.createTensor(OrtRuntime.ENV, bytes, ref.shape(), OnnxJavaType.FLOAT16);
                case INT8 -> OnnxTensor.createTensor(OrtRuntime.ENV, bytes, ref.shape(), OnnxJavaType.INT8);
                default -> OnnxTensor.createTensor(OrtRuntime.ENV, bytes, ref.shape(), OnnxJavaType.BFLOAT16);
            };
            tensors.put(region, tensor);
            mappedBytes += ref.length();
            return tensor;
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime refuses weight '" + ref.name() + "' of " + file + ": " + e.getMessage(),
                    e);
        }
    }

    /** Bytes mapped so far (each region once). */
    public synchronized long mappedBytes() {
        return mappedBytes;
    }

    /** Releases the tensors; the mappings go with them when collected. */
    @Override
    public synchronized void close() {
        tensors.values().forEach(OnnxTensor::close);
        tensors.clear();
    }
}
