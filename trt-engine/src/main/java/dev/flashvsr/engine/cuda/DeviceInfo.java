package dev.flashvsr.engine.cuda;

/**
 * One NVIDIA GPU as the driver lists it.
 *
 * @param ordinal the device id (0-based, as nvidia-smi numbers them unless CUDA_VISIBLE_DEVICES reorders)
 * @param name the product name, such as {@code NVIDIA GeForce RTX 4090}
 * @param major the compute capability's major number
 * @param minor the compute capability's minor number
 * @param totalMemoryBytes the device memory
 */
public record DeviceInfo(int ordinal, String name, int major, int minor, long totalMemoryBytes) {
    /** The compute capability as nvidia-smi writes it, such as {@code 8.9}. */
    public String computeCapability() {
        return major + "." + minor;
    }
}
