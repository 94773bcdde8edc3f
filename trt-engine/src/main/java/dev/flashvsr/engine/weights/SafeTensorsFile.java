package dev.flashvsr.engine.weights;

import dev.flashvsr.engine.files.HeapCheck;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open, validated safetensors file. Tensor data is read by position when a tensor is asked
 * for (see {@link FileReads}), so files larger than 2 GB work and nothing is read into the heap
 * until then. Instances are safe for concurrent reads; close it to drop the file handle.
 */
public final class SafeTensorsFile implements WeightSource {
    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataSize;
    private final FileReads data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private volatile boolean closed;

    SafeTensorsFile(Path path, FileChannel channel, long dataStart, long dataSize, int maxRead,
            Map<String, TensorInfo> tensors, Map<String, String> metadata) throws IOException {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataSize = dataSize;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.data = new FileReads(channel, dataStart, dataSize, maxRead);
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    @Override
    public String origin() {
        return path.toString();
    }

    /** Tensor names in header order. */
    @Override
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of tensor {@code name}; IllegalArgumentException naming the file if absent. */
    @Override
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (has " + tensors.size()
                    + " tensors: " + abbreviatedNames() + ")");
        }
        return info;
    }

    /** The {@code __metadata__} entries (empty when the file has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Size in bytes of the data buffer after the header. */
    public long dataSize() {
        return dataSize;
    }

    /**
     * Reads tensor {@code name} as floats (F32 as is; F16, BF16 and F64 converted), row-major.
     *
     * @throws IllegalArgumentException if there is no such tensor, its type is not a float type,
     *     or it has more elements than a Java array can hold
     */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        checkOpen();
        if (!info.dtype().readableAsFloat()) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has dtype " + info.dtype()
                    + ", which cannot be read as float (supported: F32, F16, BF16, F64)");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + count
                    + " elements, too many for one float[]");
        }
        HeapCheck.require(4 * count, path + ": tensor '" + name + "' " + Arrays.toString(info.shape()));
        float[] out = new float[(int) count];
        data.readFloats(info.dataBegin(), info.dtype(), out, 0, out.length);
        return out;
    }

    /**
     * Reads {@code count} elements of tensor {@code name} from element {@code first} (row-major) as
     * floats into {@code out[offset ..]}, without reading the rest of the tensor.
     */
    @Override
    public void readFloats(String name, long first, float[] out, int offset, int count) {
        TensorInfo info = info(name);
        checkOpen();
        if (first < 0 || count < 0 || first > info.elementCount() - count) {
            throw new IndexOutOfBoundsException(path + ": elements [" + first + ", " + (first + count)
                    + ") of tensor '" + name + "', which has " + info.elementCount());
        }
        data.readFloats(info.dataBegin() + first * info.dtype().size(), info.dtype(), out, offset, count);
    }

    @Override
    public Optional<FileRegion> region(String name) {
        TensorInfo info = info(name);
        return Optional.of(new FileRegion(path, dataStart + info.dataBegin(), info.byteSize()));
    }

    @Override
    public long firstNonFinite(String name) {
        TensorInfo info = info(name);
        checkOpen();
        return info.dtype().readableAsFloat() ? data.firstNonFinite(info.dataBegin(), info.dtype(), info.elementCount())
                : -1;
    }

    /** Reads tensor {@code name} with its shape; see {@link #readFloats(String)}. */
    @Override
    public FloatTensor readTensor(String name) {
        return new FloatTensor(info(name).shape(), readFloats(name));
    }

    /** Reads every tensor, in header order, as float32 (all must have float dtypes). */
    public Map<String, FloatTensor> readAll() {
        Map<String, FloatTensor> all = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            all.put(name, readTensor(name));
        }
        return all;
    }

    /** Copies the raw bytes of tensor {@code name} (little-endian, as stored). */
    public byte[] readBytes(String name) {
        TensorInfo info = info(name);
        checkOpen();
        if (info.byteSize() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' is " + info.byteSize()
                    + " bytes, too many for one byte[]");
        }
        HeapCheck.require(info.byteSize(), path + ": tensor '" + name + "'");
        byte[] out = new byte[(int) info.byteSize()];
        data.copyBytes(info.dataBegin(), out, 0, out.length);
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(path + ": file is closed");
        }
    }

    private String abbreviatedNames() {
        List<String> names = names();
        if (names.size() <= 8) {
            return names.toString();
        }
        return names.subList(0, 8) + " ...";
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + tensors.size() + " tensors, " + dataSize + " data bytes, starting at "
                + dataStart + "]";
    }
}
