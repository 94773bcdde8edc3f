package dev.flashvsr.engine.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.files.ModelFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reader and writer of the safetensors format, written from its specification:
 * <pre>
 *   8 bytes   N, unsigned little-endian 64-bit: the header length
 *   N bytes   UTF-8 JSON object: {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 *             optionally "__metadata__": {"key": "value", ...}}, possibly padded with trailing spaces
 *   rest      the byte buffer; offsets are relative to its start; values little-endian, row-major
 * </pre>
 * Reading memory-maps the buffer ({@link #open(Path)}); every structural problem is an
 * {@link IOException} naming the file (and the tensor, where one is at fault).
 */
public final class SafeTensors {
    /** Largest single read of tensor data (reads of larger tensors are split). */
    public static final int DEFAULT_MAX_READ = 1 << 30;
    /** Headers larger than this are rejected as corrupt (the reference implementation's limit). */
    public static final long MAX_HEADER_SIZE = 100L << 20;
    public static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {
    }

    /** Opens and validates {@code path}; tensor data is read when asked for. */
    public static SafeTensorsFile open(Path path) throws IOException {
        return open(path, DEFAULT_MAX_READ);
    }

    /** As {@link #open(Path)}, reading at most {@code maxRead} bytes at a time (for tests). */
    static SafeTensorsFile open(Path path, int maxRead) throws IOException {
        if (maxRead < 1) {
            throw new IllegalArgumentException("read size must be positive");
        }
        FileChannel channel = ModelFiles.openRead(ModelFiles.regularFile(path));
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new IOException(path + ": truncated safetensors file: " + fileSize
                        + " bytes, less than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, path);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 0 || headerLength > fileSize - 8) {
                throw new IOException(path + ": header length " + Long.toUnsignedString(headerLength)
                        + " runs past the end of the file (" + fileSize + " bytes): truncated or not a safetensors file");
            }
            if (headerLength > MAX_HEADER_SIZE) {
                throw new IOException(path + ": header length " + headerLength + " exceeds the limit of "
                        + MAX_HEADER_SIZE + " bytes");
            }
            if (headerLength < 2) {
                throw new IOException(path + ": header of " + headerLength + " bytes cannot hold a JSON object");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8, path);
            long dataStart = 8 + headerLength;
            long dataSize = fileSize - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, header.array(), dataSize, metadata);
            return new SafeTensorsFile(path, channel, dataStart, dataSize, maxRead, tensors, metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path path) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException(path + ": unexpected end of file while reading the header");
            }
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, byte[] header, long dataSize,
            Map<String, String> metadata) throws IOException {
        if (header[0] != '{') {
            throw new IOException(path + ": malformed header: it must start with '{', found byte 0x"
                    + Integer.toHexString(header[0] & 0xff));
        }
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(path + ": malformed header JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(path + ": malformed header: not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            JsonNode entry = field.getValue();
            if (name.equals(METADATA_KEY)) {
                parseMetadata(path, entry, metadata);
                continue;
            }
            tensors.put(name, parseTensor(path, name, entry, dataSize));
        }
        checkOverlaps(path, tensors);
        return tensors;
    }

    private static void parseMetadata(Path path, JsonNode entry, Map<String, String> metadata) throws IOException {
        if (!entry.isObject()) {
            throw new IOException(path + ": malformed header: " + METADATA_KEY + " must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> field : entry.properties()) {
            if (!field.getValue().isTextual()) {
                throw new IOException(path + ": malformed header: " + METADATA_KEY + " value of '" + field.getKey()
                        + "' is not a string");
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode entry, long dataSize) throws IOException {
        String where = path + ": tensor '" + name + "': ";
        if (!entry.isObject()) {
            throw new IOException(where + "header entry is not a JSON object");
        }
        JsonNode dtypeNode = entry.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new IOException(where + "missing or non-string \"dtype\"");
        }
        DType dtype = DType.forName(dtypeNode.textValue());
        if (dtype == null) {
            throw new IOException(where + "unknown dtype \"" + dtypeNode.textValue() + "\" (known: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longArray(entry.get("shape"), where, "shape", -1);
        long[] offsets = longArray(entry.get("data_offsets"), where, "data_offsets", 2);
        long count;
        long bytes;
        try {
            count = FloatTensor.elementCount(shape);
            bytes = Math.multiplyExact(count, (long) dtype.size());
        } catch (ArithmeticException e) {
            throw new IOException(where + "shape " + Arrays.toString(shape) + " is too large");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new IOException(where + "data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataSize) {
            throw new IOException(where + "data_offsets [" + begin + ", " + end
                    + "] run past the end of the data buffer (" + dataSize + " bytes): file truncated or corrupt");
        }
        if (end - begin != bytes) {
            throw new IOException(where + "shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] longArray(JsonNode node, String where, String key, int requiredLength) throws IOException {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new IOException(where + "\"" + key + "\" must be an array"
                    + (requiredLength >= 0 ? " of " + requiredLength + " integers" : " of integers"));
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new IOException(where + "\"" + key + "\" holds " + v + ", not a non-negative integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors) throws IOException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.removeIf(t -> t.byteSize() == 0);
        sorted.sort(Comparator.comparingLong(TensorInfo::dataBegin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo previous = sorted.get(i - 1);
            TensorInfo current = sorted.get(i);
            if (current.dataBegin() < previous.dataEnd()) {
                throw new IOException(path + ": tensors '" + previous.name() + "' [" + previous.dataBegin() + ", "
                        + previous.dataEnd() + ") and '" + current.name() + "' [" + current.dataBegin() + ", "
                        + current.dataEnd() + ") overlap in the data buffer");
            }
        }
    }

    /**
     * Writes {@code tensors} as F32 to {@code path}: tensors in sorted name order, packed
     * contiguously, the header padded with spaces so the data buffer starts 8-byte aligned.
     * Output is deterministic for equal input. The file is written to a temporary sibling and
     * moved into place.
     *
     * @param metadata written as {@code __metadata__}; null or empty for none
     */
    public static void write(Path path, Map<String, FloatTensor> tensors, Map<String, String> metadata)
            throws IOException {
        Map<String, FloatTensor> sorted = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name '" + e.getKey() + "'");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is null");
            }
            sorted.put(e.getKey(), e.getValue());
        }
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            new TreeMap<>(metadata).forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null");
                }
                meta.put(k, v);
            });
        }
        long offset = 0;
        for (Map.Entry<String, FloatTensor> e : sorted.entrySet()) {
            FloatTensor t = e.getValue();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put("dtype", DType.F32.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 4L * t.data().length;
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');

        Path absolute = path.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(padded).put(header).flip();
                writeFully(out, prefix);
                ByteBuffer block = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (FloatTensor t : sorted.values()) {
                    float[] data = t.data();
                    int done = 0;
                    while (done < data.length) {
                        int n = Math.min(block.capacity() / 4, data.length - done);
                        block.clear();
                        block.asFloatBuffer().put(data, done, n);
                        block.limit(4 * n);
                        writeFully(out, block);
                        done += n;
                    }
                }
                out.force(false);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Reads every tensor of {@code path} as float32 (convenience: open, read all, close). */
    public static Map<String, FloatTensor> readAll(Path path) throws IOException {
        try (SafeTensorsFile file = open(path)) {
            return file.readAll();
        }
    }
}
