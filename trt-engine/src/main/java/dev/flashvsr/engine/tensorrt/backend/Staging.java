package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Pinned host buffers for one stream's copies, one per use (a tensor's upload, a download), kept
 * and grown as needed. A buffer handed out again while its last copy may still be queued is
 * handed out only after the stream has finished it.
 */
final class Staging implements AutoCloseable {
    private final CudaDevice device;
    private final CudaStream stream;
    private final Map<String, PinnedBuffer> buffers = new HashMap<>();
    private final Set<String> queued = new HashSet<>();

    Staging(CudaDevice device, CudaStream stream) {
        this.device = device;
        this.stream = stream;
    }

    /** The pinned buffer of {@code use}, at least {@code bytes}, free to be written. */
    PinnedBuffer buffer(String use, long bytes) throws CudaException {
        if (queued.contains(use)) {
            synchronize();
        }
        PinnedBuffer buffer = buffers.get(use);
        if (buffer == null || buffer.bytes() < bytes) {
            if (buffer != null) {
                buffer.close();
            }
            buffer = device.pinned(bytes);
            buffers.put(use, buffer);
        }
        queued.add(use);
        return buffer;
    }

    /** Waits for everything queued on the stream; every buffer is free again. */
    void synchronize() throws CudaException {
        stream.synchronize();
        queued.clear();
    }

    @Override
    public void close() {
        for (PinnedBuffer buffer : buffers.values()) {
            try {
                buffer.close();
            } catch (CudaException e) {
                // the device releases what is left when it closes
            }
        }
        buffers.clear();
    }
}
