package dev.flashvsr.engine;

/** What a session is opened for: the input video's format, size and colorimetry, and the scale. */
public record StreamSpec(PixelFormat format, int width, int height, int scale, Colorimetry colorimetry) {

    public StreamSpec {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("frame size must be positive, got " + width + "x" + height);
        }
        if (scale != 2 && scale != 4) {
            throw new IllegalArgumentException("scale must be 2 or 4, got " + scale);
        }
    }

    public StreamSpec(PixelFormat format, int width, int height, int scale) {
        this(format, width, height, scale, Colorimetry.defaultFor(format, height));
    }

    /**
     * Refuses a frame of another format or size than this stream's (sessions read whole rows of
     * the size they were opened for) or one in device memory (what sessions on the CPU cannot read).
     *
     * @throws IllegalArgumentException naming what differs
     */
    public void requireFrame(VideoFrame frame) {
        requireShape(frame);
        if (frame.memory() instanceof FrameMemory.Device device) {
            throw new IllegalArgumentException("session opened for " + this + " computes on the CPU and got a frame"
                    + " in the memory of CUDA device " + device.deviceId() + "; download it to host memory first");
        }
    }

    /** Checks that {@code frame} has this spec's format and size, wherever its memory is. */
    public void requireShape(VideoFrame frame) {
        if (frame.format() != format || frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException("session opened for " + this + " got a " + frame.width() + "x"
                    + frame.height() + " " + frame.format() + " frame");
        }
    }

    public int outputWidth() {
        return width * scale;
    }

    public int outputHeight() {
        return height * scale;
    }
}
