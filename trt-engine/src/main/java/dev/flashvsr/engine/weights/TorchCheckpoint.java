package dev.flashvsr.engine.weights;

import dev.flashvsr.engine.files.HeapCheck;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.weights.RestrictedUnpickler.PickledStorage;
import dev.flashvsr.engine.weights.RestrictedUnpickler.PickledTensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PyTorch checkpoint in the zip format of {@code torch.save} (PyTorch 1.6 and later), read
 * without Python and without executing anything.
 *
 * <p>Layout: a ZIP archive of STORED entries {@code <prefix>/data.pkl} (the pickled object),
 * {@code <prefix>/data/<key>} (one raw little-endian record per storage) and others that are
 * ignored ({@code version}, {@code .data/serialization_id}, ...) except {@code byteorder}, which
 * must say {@code little} when present. The prefix is whatever directory holds the entry ending in
 * {@code /data.pkl}. {@code data.pkl} (at most {@link #MAX_PICKLE_BYTES}) is read by
 * {@link RestrictedUnpickler}, which accepts only tensors rebuilt from F32, BF16 and F16 storages
 * and (ordered) dicts; storage records stay on disk, read by position when asked for, so files larger than
 * 2 GB work and no tensor data enters the heap before {@link #readTensor(String)}.
 *
 * <p>Accepted top-level objects:
 * <ul>
 *   <li>a state dict: a dict or OrderedDict of str name to tensor, in file order;</li>
 *   <li>a dict with a single entry whose value is such a state dict (e.g. {@code {"state_dict": {...}}}):
 *       the inner dict's names are used, without the outer key;</li>
 *   <li>a single tensor ({@code torch.save(tensor)}): exposed under the file's name without its last
 *       extension ({@code posi_prompt.pth} → {@code posi_prompt}), see {@link #isSingleTensor()}.</li>
 * </ul>
 * Several tensors may share one storage; storage offsets and arbitrary (non-negative) strides are
 * honoured, non-contiguous tensors being gathered into row-major order on read. Every structural
 * problem is an {@link IOException} naming the file, found when opening.
 */
public final class TorchCheckpoint implements WeightSource {
    /** Largest {@code data.pkl} accepted (a 1,000-tensor state dict pickles to about 100 KB). */
    public static final int MAX_PICKLE_BYTES = 64 << 20;

    private static final String PICKLE_NAME = "data.pkl";
    private static final int BYTEORDER_LIMIT = 16;

    /** Where one tensor's elements are: the file offset of its storage record, and its view of it. */
    private record Layout(TensorInfo info, long storageStart, long storageOffset, long[] stride) {
    }

    private final Path path;
    private final FileChannel channel;
    private final FileReads file;
    private final Map<String, Layout> tensors;
    private final boolean singleTensor;
    private volatile boolean closed;

    private TorchCheckpoint(Path path, FileChannel channel, FileReads file, Map<String, Layout> tensors,
            boolean singleTensor) {
        this.path = path;
        this.channel = channel;
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.singleTensor = singleTensor;
    }

    /** Opens and validates {@code path}; see the class comment for what is accepted. */
    public static TorchCheckpoint open(Path path) throws IOException {
        return open(path, SafeTensors.DEFAULT_MAX_READ);
    }

    /** As {@link #open(Path)}, reading at most {@code maxRead} bytes at a time (for tests). */
    static TorchCheckpoint open(Path path, int maxRead) throws IOException {
        FileChannel channel = ModelFiles.openRead(ModelFiles.regularFile(path));
        try {
            StoredZip zip = StoredZip.read(path, channel);
            StoredZip.Entry pickle = findPickle(path, zip);
            String prefix = pickle.name().substring(0, pickle.name().length() - PICKLE_NAME.length());
            checkByteOrder(path, zip, prefix);
            String origin = path + " (" + pickle.name() + ")";
            Object root = RestrictedUnpickler.load(zip.readEntry(pickle, MAX_PICKLE_BYTES), origin);
            boolean single = root instanceof PickledTensor;
            Map<String, PickledTensor> pickled = single
                    ? Map.of(singleTensorName(path), (PickledTensor) root)
                    : stateDict(origin, root);
            Map<String, Long> storageStarts = new LinkedHashMap<>();
            Map<String, Layout> layouts = new LinkedHashMap<>();
            for (Map.Entry<String, PickledTensor> e : pickled.entrySet()) {
                PickledTensor t = e.getValue();
                long start = storageStart(path, zip, prefix, t.storage(), e.getKey(), storageStarts);
                layouts.put(e.getKey(), layout(e.getKey(), t, start));
            }
            FileReads reads = new FileReads(channel, 0, channel.size(), maxRead);
            return new TorchCheckpoint(path, channel, reads, layouts, single);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static StoredZip.Entry findPickle(Path path, StoredZip zip) throws IOException {
        List<StoredZip.Entry> found = new ArrayList<>();
        for (StoredZip.Entry entry : zip.entries()) {
            if (entry.name().equals(PICKLE_NAME) || entry.name().endsWith("/" + PICKLE_NAME)) {
                found.add(entry);
            }
        }
        if (found.size() != 1) {
            List<String> names = found.stream().map(StoredZip.Entry::name).toList();
            throw new IOException(path + ": not a torch.save checkpoint: expected exactly one ZIP entry '<prefix>/"
                    + PICKLE_NAME + "', found " + (found.isEmpty() ? "none" : names));
        }
        return found.get(0);
    }

    private static void checkByteOrder(Path path, StoredZip zip, String prefix) throws IOException {
        StoredZip.Entry entry = zip.entry(prefix + "byteorder");
        if (entry != null) {
            String order = new String(zip.readEntry(entry, BYTEORDER_LIMIT), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new IOException(path + ": storages are stored '" + order + "'-endian; only little-endian "
                        + "checkpoints are supported");
            }
        }
    }

    private static String singleTensorName(Path path) {
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static Map<String, PickledTensor> stateDict(String origin, Object root) throws IOException {
        if (!(root instanceof Map<?, ?> map)) {
            throw new IOException(origin + ": the pickled object is of type " + RestrictedUnpickler.typeName(root)
                    + ", expected a state dict (dict of name -> tensor) or a single tensor");
        }
        if (map.size() == 1) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            if (only.getValue() instanceof Map<?, ?> inner) {
                return tensorsOf(origin + " entry '" + only.getKey() + "'", inner);
            }
        }
        return tensorsOf(origin, map);
    }

    private static Map<String, PickledTensor> tensorsOf(String where, Map<?, ?> map) throws IOException {
        Map<String, PickledTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name)) {
                throw new IOException(where + ": state dict key " + e.getKey() + " is not a string");
            }
            if (!(e.getValue() instanceof PickledTensor tensor)) {
                throw new IOException(where + ": state dict entry '" + name + "' is of type "
                        + RestrictedUnpickler.typeName(e.getValue()) + ", not a tensor");
            }
            out.put(name, tensor);
        }
        return out;
    }

    /** File offset of {@code storage}'s record, checked to hold all its elements (cached per key). */
    private static long storageStart(Path path, StoredZip zip, String prefix, PickledStorage storage, String tensor,
            Map<String, Long> starts) throws IOException {
        Long known = starts.get(storage.key());
        if (known != null) {
            return known;
        }
        String recordName = prefix + "data/" + storage.key();
        StoredZip.Entry record = zip.entry(recordName);
        if (record == null) {
            throw new IOException(path + ": tensor '" + tensor + "': storage record '" + recordName
                    + "' is missing from the archive");
        }
        long needed = storage.numel() * storage.dtype().size();
        if (record.size() < needed) {
            throw new IOException(path + ": tensor '" + tensor + "': storage record '" + recordName + "' holds "
                    + record.size() + " bytes but its " + storage.numel() + " " + storage.dtype()
                    + " elements need " + needed);
        }
        long start = zip.dataOffset(record);
        starts.put(storage.key(), start);
        return start;
    }

    private static Layout layout(String name, PickledTensor t, long storageStart) {
        long[] shape = t.shape();
        long[] stride = t.stride();
        int size = t.storage().dtype().size();
        long begin = storageStart + t.storageOffset() * size;
        long last = t.storageOffset();
        boolean empty = false;
        for (int i = 0; i < shape.length; i++) {
            empty |= shape[i] == 0;
            last += shape[i] > 0 ? (shape[i] - 1) * stride[i] : 0;
        }
        long end = empty ? begin : storageStart + (last + 1) * size;
        TensorInfo info = new TensorInfo(name, t.storage().dtype(), shape, begin, end);
        return new Layout(info, storageStart, t.storageOffset(), stride);
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    @Override
    public String origin() {
        return path.toString();
    }

    /** Whether the file holds one bare tensor rather than a state dict (its name: see the class comment). */
    public boolean isSingleTensor() {
        return singleTensor;
    }

    /** Tensor names in file order. */
    @Override
    public List<String> names() {
        return new ArrayList<>(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * Dtype (F32, BF16 or F16) and shape of tensor {@code name}, without reading data. The byte
     * range {@code [dataBegin, dataEnd)} is in file offsets: the span from the tensor's first to
     * just past its last element in its storage record (for a non-contiguous tensor it is larger
     * than its element count times the element size).
     *
     * @throws IllegalArgumentException naming the file if there is no such tensor
     */
    @Override
    public TensorInfo info(String name) {
        return layoutOf(name).info();
    }

    private Layout layoutOf(String name) {
        Layout layout = tensors.get(name);
        if (layout == null) {
            List<String> names = names();
            throw new IllegalArgumentException(path + ": no tensor named '" + name + "' (has " + names.size()
                    + " tensors: " + (names.size() <= 8 ? names : names.subList(0, 8) + " ...") + ")");
        }
        return layout;
    }

    /**
     * Reads tensor {@code name} as float32 in row-major order (BF16 and F16 converted exactly).
     *
     * @throws IllegalArgumentException if there is no such tensor or it has more elements than a
     *     Java array can hold
     */
    @Override
    public FloatTensor readTensor(String name) {
        Layout layout = layoutOf(name);
        if (closed) {
            throw new IllegalStateException(path + ": file is closed");
        }
        TensorInfo info = layout.info();
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(path + ": tensor '" + name + "' has " + count
                    + " elements, too many for one float[]");
        }
        HeapCheck.require(4 * count, path + ": tensor '" + name + "' " + Arrays.toString(info.shape()));
        float[] out = new float[(int) count];
        if (count > 0) {
            gather(layout, out);
        }
        return new FloatTensor(info.shape(), out);
    }

    /** Contiguous tensors lie in their storage record as they are (stored zip entries are not compressed). */
    @Override
    public Optional<FileRegion> region(String name) {
        Layout layout = layoutOf(name);
        TensorInfo info = layout.info();
        return isContiguous(info.shape(), layout.stride())
                ? Optional.of(new FileRegion(path, info.dataBegin(), info.elementCount() * info.dtype().size()))
                : Optional.empty();
    }

    @Override
    public void readFloats(String name, long first, float[] out, int offset, int count) {
        Layout layout = layoutOf(name);
        TensorInfo info = layout.info();
        if (!isContiguous(info.shape(), layout.stride())) {
            WeightSource.super.readFloats(name, first, out, offset, count);
            return;
        }
        if (first < 0 || count < 0 || first > info.elementCount() - count) {
            throw new IndexOutOfBoundsException(path + ": elements [" + first + ", " + (first + count)
                    + ") of tensor '" + name + "', which has " + info.elementCount());
        }
        if (closed) {
            throw new IllegalStateException(path + ": file is closed");
        }
        file.readFloats(info.dataBegin() + first * info.dtype().size(), info.dtype(), out, offset, count);
    }

    @Override
    public long firstNonFinite(String name) {
        Layout layout = layoutOf(name);
        TensorInfo info = layout.info();
        if (closed) {
            throw new IllegalStateException(path + ": file is closed");
        }
        return isContiguous(info.shape(), layout.stride())
                ? file.firstNonFinite(info.dataBegin(), info.dtype(), info.elementCount())
                : WeightSource.super.firstNonFinite(name);
    }

    /**
     * Copies the elements in row-major order: whole innermost rows when they are contiguous in the
     * storage (always, for tensors saved from contiguous parameters), element by element otherwise.
     */
    private void gather(Layout layout, float[] out) {
        DType dtype = layout.info().dtype();
        long[] shape = layout.info().shape();
        long[] stride = layout.stride();
        if (isContiguous(shape, stride)) {
            file.readFloats(layout.info().dataBegin(), dtype, out, 0, out.length);
            return;
        }
        int rank = shape.length;
        int rowLength = (int) shape[rank - 1];
        long rowStride = stride[rank - 1];
        long[] index = new long[rank - 1];
        for (int done = 0; done < out.length; done += rowLength) {
            long element = layout.storageOffset();
            for (int d = 0; d < rank - 1; d++) {
                element += index[d] * stride[d];
            }
            long position = layout.storageStart() + element * dtype.size();
            if (rowStride == 1) {
                file.readFloats(position, dtype, out, done, rowLength);
            } else {
                for (int i = 0; i < rowLength; i++) {
                    file.readFloats(position + i * rowStride * dtype.size(), dtype, out, done + i, 1);
                }
            }
            for (int d = rank - 2; d >= 0 && ++index[d] == shape[d]; d--) {
                index[d] = 0;
            }
        }
    }

    /** Row-major contiguity; dimensions of size 1 may have any stride (PyTorch does not normalise them). */
    private static boolean isContiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    @Override
    public String toString() {
        return "TorchCheckpoint[" + path + ", " + tensors.size() + " tensors" + (singleTensor ? ", single" : "")
                + "]";
    }
}
