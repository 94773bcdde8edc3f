package dev.flashvsr.engine.cuda;

/**
 * The current device's memory as cuMemGetInfo reports it.
 *
 * @param freeBytes what is free now, for this and every other process
 * @param totalBytes the device's memory
 */
public record MemoryInfo(long freeBytes, long totalBytes) {
}
