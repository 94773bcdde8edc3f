package dev.flashvsr.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.weights.FileRegion;
import dev.flashvsr.engine.weights.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The large weights of graphs, kept out of the ONNX models so that neither the models nor the Java
 * heap ever hold them: each becomes a graph input that the runner feeds from a memory-mapped file
 * region ({@link WeightRef}). A weight that already lies in a file as the graph wants it (a float32
 * tensor of a safetensors file) is referred to where it is; any other (converted, or computed
 * from weights) is written once, piece by piece, to {@value #DATA_FILE} in the entry folder, and
 * {@value #INDEX_FILE} there lists them all. Paths are stored relative to named root folders (the
 * entry itself is root {@value #ENTRY_ROOT}), so the entry stays valid when the folders move.
 *
 * <p>A writer builds an entry; a replay reads a written entry's index and hands out the same
 * references for graphs built again, without writing or reading any weight.
 */
public final class ExternalWeights implements AutoCloseable {
    public static final String DATA_FILE = "weights.bin";
    public static final String INDEX_FILE = "weights.json";
    public static final String ENTRY_ROOT = "entry";
    private static final String FORMAT = "flashvsr-weights/1";
    private static final int ALIGNMENT = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Float values of a weight in row-major order, read piece by piece. */
    @FunctionalInterface
    public interface Values {
        void read(long first, float[] out, int count);
    }

    private final Map<String, Path> roots;
    private final long minBytes;
    private final FileChannel data;
    private final boolean replay;
    private final Map<String, WeightRef> refs = new LinkedHashMap<>();
    private final Map<String, Long> checksums = new LinkedHashMap<>();
    private long dataSize;

    private ExternalWeights(Path entry, Map<String, Path> roots, long minBytes, FileChannel data, boolean replay) {
        this.roots = new LinkedHashMap<>(roots);
        this.roots.put(ENTRY_ROOT, entry);
        this.minBytes = minBytes;
        this.data = data;
        this.replay = replay;
    }

    /**
     * Starts writing the weights of a new entry into {@code entry} (an empty folder).
     *
     * @param roots    folders that in-place weights may lie in, by name (e.g. "package")
     * @param minBytes weights smaller than this stay in the models
     */
    public static ExternalWeights writer(Path entry, Map<String, Path> roots, long minBytes) throws IOException {
        FileChannel data = FileChannel.open(entry.resolve(DATA_FILE), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        return new ExternalWeights(entry, roots, minBytes, data, false);
    }

    /** Reads the index of the written entry {@code entry}; see {@link #writer}. */
    public static ExternalWeights replay(Path entry, Map<String, Path> roots, long minBytes) throws IOException {
        ExternalWeights weights = new ExternalWeights(entry, roots, minBytes, null, true);
        for (WeightRef ref : readIndex(entry)) {
            weights.refs.put(ref.name(), ref);
        }
        return weights;
    }

    /** Whether a weight of {@code bytes} bytes goes out of the model. */
    boolean takes(long bytes) {
        return bytes >= minBytes;
    }

    /**
     * A weight that lies in {@code region} exactly as the graph wants it; referred to in place when
     * the region is in one of the roots and aligned for its type, else copied like a stored one.
     */
    WeightRef inPlace(String name, TensorProto.DataType type, long[] shape, FileRegion region, Values values) {
        Path file = region.file().toAbsolutePath().normalize();
        for (Map.Entry<String, Path> root : roots.entrySet()) {
            Path folder = root.getValue().toAbsolutePath().normalize();
            if (!root.getKey().equals(ENTRY_ROOT) && file.startsWith(folder)
                    && region.offset() % WeightRef.elementSize(type) == 0) {
                return add(new WeightRef(name, type, shape, root.getKey(), folder.relativize(file).toString(),
                        region.offset(), region.length()), null);
            }
        }
        return stored(name, type, shape, values);
    }

    /** A weight written to the entry's data file, converted to {@code type} piece by piece. */
    WeightRef stored(String name, TensorProto.DataType type, long[] shape, Values values) {
        long count = FloatTensor.elementCount(shape);
        if (replay) {
            return recorded(name, type, shape);
        }
        CRC32C crc = new CRC32C();
        WeightRef previous = refs.get(name);
        if (previous != null && checksums.containsKey(name) && previous.type() == type
                && Arrays.equals(previous.shape(), shape)) {
            // The same constant again (another graph of the entry): checked, not written twice.
            ValueWriter.checksum(type, count, values, crc);
            if (checksums.get(name) == crc.getValue()) {
                return previous;
            }
        }
        long offset = (dataSize + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        try {
            dataSize = offset + ValueWriter.write(data, offset, type, count, values, crc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write weight '" + name + "' to " + roots.get(ENTRY_ROOT)
                    .resolve(DATA_FILE) + ": " + e.getMessage(), e);
        }
        return add(new WeightRef(name, type, shape, ENTRY_ROOT, DATA_FILE, offset, dataSize - offset), crc.getValue());
    }

    private WeightRef recorded(String name, TensorProto.DataType type, long[] shape) {
        WeightRef ref = refs.get(name);
        if (ref == null || ref.type() != type || !Arrays.equals(ref.shape(), shape)) {
            throw new StaleIndexException(roots.get(ENTRY_ROOT).resolve(INDEX_FILE) + " has no weight '" + name + "' of "
                    + type + " " + Arrays.toString(shape) + (ref == null ? "" : " (it has " + ref.type() + " "
                    + Arrays.toString(ref.shape()) + ")"));
        }
        return ref;
    }

    private WeightRef add(WeightRef ref, Long checksum) {
        if (replay) {
            return recorded(ref.name(), ref.type(), ref.shape());
        }
        WeightRef previous = refs.get(ref.name());
        if (previous != null && !previous.equals(ref)) {
            throw new IllegalStateException("two different weights named '" + ref.name() + "' in one entry");
        }
        refs.put(ref.name(), ref);
        if (checksum != null) {
            checksums.put(ref.name(), checksum);
        }
        return ref;
    }

    /** Every weight so far. */
    public Collection<WeightRef> refs() {
        return List.copyOf(refs.values());
    }

    /** Writes the index and flushes the data file to disk (a writer's last step). */
    @Override
    public void close() throws IOException {
        if (replay) {
            return;
        }
        try (FileChannel channel = data) {
            channel.force(true);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode list = root.putArray("weights");
        for (WeightRef ref : refs.values()) {
            ObjectNode node = list.addObject();
            node.put("name", ref.name());
            node.put("type", ref.type().name());
            ArrayNode shape = node.putArray("shape");
            Arrays.stream(ref.shape()).forEach(shape::add);
            node.put("root", ref.root());
            node.put("file", ref.file());
            node.put("offset", ref.offset());
            node.put("length", ref.length());
        }
        Path index = roots.get(ENTRY_ROOT).resolve(INDEX_FILE);
        Files.write(index, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try (FileChannel channel = FileChannel.open(index, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * The references {@code entry}'s index lists, each checked to be well formed.
     *
     * @throws IOException naming the index and what is wrong with it
     */
    public static List<WeightRef> readIndex(Path entry) throws IOException {
        Path index = entry.resolve(INDEX_FILE);
        JsonNode root = JSON.readTree(ModelFiles.readBounded(ModelFiles.regularFileInside(index, entry), 64L << 20,
                "a weight index"));
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException(index + " is not a weight index (format " + FORMAT + ")");
        }
        List<WeightRef> refs = new ArrayList<>();
        for (JsonNode node : root.path("weights")) {
            try {
                long[] shape = new long[node.path("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = node.path("shape").get(i).asLong(-1);
                }
                refs.add(new WeightRef(text(node, "name"), TensorProto.DataType.valueOf(text(node, "type")), shape,
                        text(node, "root"), text(node, "file"), node.path("offset").asLong(-1),
                        node.path("length").asLong(-1)));
            } catch (IllegalArgumentException e) {
                throw new IOException(index + ": bad weight entry " + node + ": " + e.getMessage(), e);
            }
        }
        return refs;
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.asText();
    }

    /** A replayed build asked for a weight its entry's index does not hold as asked: the entry is stale. */
    public static final class StaleIndexException extends IllegalStateException {
        StaleIndexException(String message) {
            super(message);
        }
    }
}
