package dev.flashvsr.engine;

import java.nio.ByteBuffer;

/**
 * Where the planes of a {@link VideoFrame} live, in its type: host memory that Java reads, or a
 * GPU's memory that only a GPU session can use. Neither owns its memory: whoever made the frame
 * keeps it alive for the call the frame is passed to, and frees it after.
 */
public sealed interface FrameMemory {

    int planeCount();

    /** Bytes that can be read from the first byte of {@code plane}. */
    long capacity(int plane);

    /** Planes in host memory (heap, direct or mapped GStreamer buffers), one buffer per plane. */
    record Host(ByteBuffer[] planes) implements FrameMemory {
        public Host {
            planes = planes.clone();
        }

        @Override
        public int planeCount() {
            return planes.length;
        }

        @Override
        public long capacity(int plane) {
            return planes[plane].capacity();
        }
    }

    /**
     * Planes in the memory of CUDA device {@code deviceId}: one device address per plane (a
     * driver-API {@code CUdeviceptr}) and how many bytes are readable from it.
     */
    record Device(int deviceId, long[] addresses, long[] capacities) implements FrameMemory {
        public Device {
            if (addresses.length != capacities.length) {
                throw new IllegalArgumentException(addresses.length + " device planes but " + capacities.length
                        + " capacities");
            }
            for (int p = 0; p < addresses.length; p++) {
                if (addresses[p] == 0) {
                    throw new IllegalArgumentException("device plane " + p + " has a null address");
                }
            }
            addresses = addresses.clone();
            capacities = capacities.clone();
        }

        @Override
        public int planeCount() {
            return addresses.length;
        }

        @Override
        public long capacity(int plane) {
            return capacities[plane];
        }

        public long address(int plane) {
            return addresses[plane];
        }
    }
}
