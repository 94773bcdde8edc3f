package dev.flashvsr.engine.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.weights.PickleBuilder.TensorSpec;
import dev.flashvsr.engine.weights.TorchZipWriter.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Writes weight files of any size in the official formats (safetensors as the {@code safetensors}
 * library saves it; {@code torch.save} zip checkpoints) with values computed while writing: the
 * heap holds one chunk of {@value #CHUNK_ELEMENTS} values, never a whole tensor, so multi-GB
 * files need no large heap. For tests and synthetic releases.
 */
public final class StreamedWeightFiles {
    static final int CHUNK_ELEMENTS = 1 << 20;

    /** The values of one tensor, in row-major order: each call fills the next {@code count} of them. */
    public interface Values {
        void next(float[] chunk, int count);
    }

    /** The values of each tensor, by name and shape. */
    public interface ValuesFactory {
        Values of(String name, long[] shape);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final float[] chunk = new float[CHUNK_ELEMENTS];
    private final ByteBuffer bytes = ByteBuffer.allocateDirect(4 * CHUNK_ELEMENTS).order(ByteOrder.LITTLE_ENDIAN);
    private final ValuesFactory values;

    private StreamedWeightFiles(ValuesFactory values) {
        this.values = values;
    }

    /**
     * The header of an F32 safetensors file of these tensors as the {@code safetensors} library
     * writes it: tensors in name order, packed, compact JSON without metadata, padded with spaces to
     * a multiple of 8 bytes (the official FlashVSR DiT file has exactly this layout).
     */
    public static byte[] safeTensorsHeader(Map<String, long[]> shapes) {
        ObjectNode root = JSON.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, long[]> e : new TreeMap<>(shapes).entrySet()) {
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", DType.F32.name());
            Arrays.stream(e.getValue()).forEach(entry.putArray("shape")::add);
            long end = offset + DType.F32.size() * FloatTensor.elementCount(e.getValue());
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        byte[] header = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(header, json.length, header.length, (byte) ' ');
        return header;
    }

    /** Writes an F32 safetensors file with {@link #safeTensorsHeader(Map)}'s layout. */
    public static void writeSafeTensors(Path file, Map<String, long[]> shapes, ValuesFactory values)
            throws IOException {
        StreamedWeightFiles writer = new StreamedWeightFiles(values);
        byte[] header = safeTensorsHeader(shapes);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            TorchZipWriter.writeFully(out, prefix, 0);
            long position = prefix.capacity();
            for (Map.Entry<String, long[]> e : new TreeMap<>(shapes).entrySet()) {
                writer.writeTensor(out, position, DType.F32, e.getKey(), e.getValue());
                position += DType.F32.size() * FloatTensor.elementCount(e.getValue());
            }
        }
    }

    /**
     * Writes {@code torch.save(state_dict)} of these tensors (in this order, one storage each, keys
     * "0", "1", ...) under the archive folder named after the file, as torch does.
     */
    public static void writeTorchStateDict(Path file, DType dtype, Map<String, long[]> shapes, ValuesFactory values)
            throws IOException {
        StreamedWeightFiles writer = new StreamedWeightFiles(values);
        Map<String, TensorSpec> specs = new LinkedHashMap<>();
        Record[] storages = new Record[shapes.size()];
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            String key = String.valueOf(specs.size());
            specs.put(e.getKey(), TensorSpec.contiguous(key, storageClass(dtype), e.getValue()));
            storages[specs.size() - 1] = writer.storage(key, dtype, e.getKey(), e.getValue());
        }
        byte[] pickle = new PickleBuilder().proto(2).stateDict(specs).stop().bytes();
        TorchZipWriter.checkpoint(archiveName(file), pickle, storages).write(file);
    }

    /** Writes {@code torch.save(tensor)}: one tensor, not a state dict; {@code name} only picks its values. */
    public static void writeTorchTensor(Path file, DType dtype, String name, long[] shape, ValuesFactory values)
            throws IOException {
        StreamedWeightFiles writer = new StreamedWeightFiles(values);
        byte[] pickle = new PickleBuilder().proto(2).tensor(TensorSpec.contiguous("0", storageClass(dtype), shape))
                .stop().bytes();
        TorchZipWriter.checkpoint(archiveName(file), pickle, writer.storage("0", dtype, name, shape)).write(file);
    }

    private Record storage(String key, DType dtype, String name, long[] shape) {
        long size = dtype.size() * FloatTensor.elementCount(shape);
        return new Record(key, size, (out, position) -> writeTensor(out, position, dtype, name, shape), 0);
    }

    /** Streams one tensor's values in {@code dtype} (F32 or BF16) to {@code out}; returns their CRC-32. */
    private long writeTensor(FileChannel out, long position, DType dtype, String name, long[] shape)
            throws IOException {
        Values source = values.of(name, shape);
        CRC32 crc = new CRC32();
        long left = FloatTensor.elementCount(shape);
        long at = position;
        while (left > 0) {
            int n = (int) Math.min(CHUNK_ELEMENTS, left);
            source.next(chunk, n);
            bytes.clear();
            switch (dtype) {
                case F32 -> bytes.asFloatBuffer().put(chunk, 0, n);
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        bytes.putShort(2 * i, bfloat16(chunk[i]));
                    }
                }
                default -> throw new IllegalArgumentException("cannot write " + dtype + " tensors");
            }
            bytes.limit(n * dtype.size());
            crc.update(bytes);
            bytes.flip();
            TorchZipWriter.writeFully(out, bytes, at);
            at += (long) n * dtype.size();
            left -= n;
        }
        return crc.getValue();
    }

    /** Rounds a finite float to the nearest BF16, ties to even, as torch's conversion does. */
    private static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static String storageClass(DType dtype) {
        return switch (dtype) {
            case F32 -> "FloatStorage";
            case BF16 -> "BFloat16Storage";
            default -> throw new IllegalArgumentException("cannot write " + dtype + " checkpoints");
        };
    }

    /** torch.save names the archive's top folder after the file, without its extension. */
    private static String archiveName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
