package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import dev.flashvsr.engine.flashvsr.KeyCacheRebase;
import dev.flashvsr.engine.flashvsr.StateStore;
import dev.flashvsr.engine.gpu.LatentKernels;
import dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FlashVSR's streaming state on the GPU: per state input two device buffers, the value the next
 * run reads and a spare that the run writes ({@code X_out}), swapped by address after the run.
 * Nothing is copied between them and nothing goes to the host, not even on the rare RoPE rebase
 * ({@link #rebaseKeys}), which rotates the keys in place. Buffers are kept across {@link #clear()}
 * for the next stream.
 */
final class DeviceState implements StateStore, AutoCloseable {

    /** One state input: its value and the spare the next run writes. */
    private static final class Slot {
        DeviceBuffer value;
        DeviceBuffer spare;
        DataType type;
        long bytes;
        boolean set;
    }

    private final CudaDevice device;
    private final CudaStream stream;
    private final Staging staging;
    private final LatentKernels kernels;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    /** The rebase's cos/sin table, kept for the next rebase. */
    private DeviceBuffer table;

    DeviceState(CudaDevice device, CudaStream stream, Staging staging) {
        this.device = device;
        this.stream = stream;
        this.staging = staging;
        this.kernels = new LatentKernels(device);
    }

    /** The device address of state input {@code input} for a run that reads {@code bytes} of {@code type}. */
    long input(String input, DataType type, long bytes, String graph) throws EngineException {
        Slot slot = slots.get(input);
        if (slot == null || !slot.set) {
            throw new EngineException("the FlashVSR " + graph + " needs state '" + input
                    + "' that no earlier step produced", "Report a bug");
        }
        if (slot.type != type || slot.bytes != bytes) {
            throw new EngineException("the FlashVSR " + graph + " reads state '" + input + "' as " + bytes
                    + " bytes of " + type + " but it holds " + slot.bytes + " bytes of " + slot.type,
                    "Export the graphs again (delete the engine cache's flashvsr-graphs folder) and report a bug if "
                    + "it persists");
        }
        return slot.value.address();
    }

    /** The address a run writes the next value of {@code input} to ({@link #commit} makes it the value). */
    long output(String input, long bytes) throws CudaException {
        Slot slot = slots.computeIfAbsent(input, name -> new Slot());
        slot.spare = fit(slot.spare, bytes);
        return slot.spare.address();
    }

    /** After the run that wrote it: the spare of {@code input} holds its value, swapped by address. */
    void commit(String input, DataType type, long bytes) {
        Slot slot = slots.get(input);
        DeviceBuffer written = slot.spare;
        slot.spare = slot.value;
        slot.value = written;
        slot.type = type;
        slot.bytes = bytes;
        slot.set = true;
    }

    @Override
    public void put(String input, float[] data, long[] shape) {
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != data.length) {
            throw new IllegalArgumentException("state " + input + ": " + data.length + " values for shape "
                    + Arrays.toString(shape));
        }
        long bytes = (long) Float.BYTES * data.length;
        try {
            Slot slot = slots.computeIfAbsent(input, name -> new Slot());
            slot.value = fit(slot.value, bytes);
            PinnedBuffer pinned = staging.buffer("state " + input, bytes);
            pinned.buffer().asFloatBuffer().put(data);
            stream.upload(pinned, slot.value, bytes);
            slot.type = DataType.FLOAT;
            slot.bytes = bytes;
            slot.set = true;
        } catch (CudaException e) {
            throw new IllegalStateException("cannot upload FlashVSR state " + input + " to the GPU: " + e.getMessage(),
                    e);
        }
    }

    /**
     * Rotates the keys where they are ({@link LatentKernels#rebaseKeys}) with the rotation's small
     * cos/sin table uploaded: nothing goes to the host.
     */
    @Override
    public void rebaseKeys(String prefix, KeyCacheRebase rebase) {
        try {
            double[] rotation = rebase.table();
            long tableBytes = (long) Double.BYTES * rotation.length;
            table = fit(table, Math.max(1, tableBytes)); // CUDA allocates no 0 bytes
            PinnedBuffer pinned = staging.buffer("rebase table", tableBytes);
            pinned.buffer().asDoubleBuffer().put(rotation);
            stream.upload(pinned, table, tableBytes);
            for (Map.Entry<String, Slot> entry : slots.entrySet()) {
                Slot slot = entry.getValue();
                if (!entry.getKey().startsWith(prefix) || !slot.set) {
                    continue;
                }
                if (slot.type != DataType.FLOAT && slot.type != DataType.HALF) {
                    throw new IllegalStateException("state " + entry.getKey() + " is " + slot.type
                            + "; a rebase rotates FLOAT or HALF keys");
                }
                long values = slot.bytes / slot.type.bytes();
                if (values % rebase.headDim() != 0) {
                    throw new IllegalStateException("state " + entry.getKey() + " holds " + values + " values, not "
                            + "whole key vectors of " + rebase.headDim() + "; export the graphs again");
                }
                kernels.rebaseKeys(stream, slot.value.address(), slot.type == DataType.HALF,
                        Math.toIntExact(values / rebase.headDim()), rebase.headDim(), rebase.pairs(), table.address());
            }
        } catch (CudaException e) {
            throw new IllegalStateException("cannot rebase the FlashVSR key cache on the GPU: " + e.getMessage(), e);
        }
    }

    /** No value is set any more (the buffers stay for the next stream). */
    void clear() {
        slots.values().forEach(slot -> slot.set = false);
    }

    /** A buffer of at least {@code bytes}: {@code buffer} when it is large enough, else a new one. */
    private DeviceBuffer fit(DeviceBuffer buffer, long bytes) throws CudaException {
        if (buffer != null && buffer.bytes() >= bytes) {
            return buffer;
        }
        if (buffer != null) {
            staging.synchronize(); // the pool reuses a closed block at once: no queued work may use it
            buffer.close();
        }
        return device.allocate(bytes);
    }

    @Override
    public void close() {
        for (Slot slot : slots.values()) {
            for (DeviceBuffer buffer : new DeviceBuffer[] {slot.value, slot.spare}) {
                if (buffer != null) {
                    buffer.close();
                }
            }
        }
        slots.clear();
        if (table != null) {
            table.close();
            table = null;
        }
    }
}
