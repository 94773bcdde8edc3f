package dev.flashvsr.tools;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Fraction;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * Encodes RGB images of one size as H.264 (x264enc, constant quantizer 18: close to the source,
 * as a visual comparison needs) in MP4 or Matroska:
 * {@code appsrc (BGRx) ! videoconvert ! I420 ! x264enc ! h264parse ! mp4mux|matroskamux ! filesink}.
 */
final class FrameWriter implements AutoCloseable {

    private final PipelineRun run;
    private final AppSrc src;
    private final int width;
    private final int height;
    private final Fraction rate;
    private long count;

    /**
     * @param rate frames per second as a fraction (the first input's)
     */
    FrameWriter(Path file, int width, int height, Fraction rate) {
        if (width % 2 != 0 || height % 2 != 0) {
            throw CliException.failure("H.264 4:2:0 needs an even frame size, not " + width + "x" + height
                    + "; write a .png still instead");
        }
        this.width = width;
        this.height = height;
        this.rate = rate;
        GstSupport.init();
        boolean mkv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mkv");
        Pipeline pipeline = (Pipeline) Gst.parseLaunch("appsrc name=src format=time ! videoconvert "
                + "! video/x-raw,format=I420 ! x264enc pass=qual quantizer=18 speed-preset=faster ! h264parse ! "
                + (mkv ? "matroskamux" : "mp4mux") + " ! filesink name=sink");
        pipeline.getElementByName("sink").set("location", file.toString());
        src = (AppSrc) pipeline.getElementByName("src");
        src.setCaps(Caps.fromString(String.format(Locale.ROOT, "video/x-raw,format=BGRx,width=%d,height=%d,"
                + "framerate=%d/%d,pixel-aspect-ratio=1/1", width, height, rate.numerator, rate.denominator)));
        src.set("block", true);
        src.setMaxBytes(4L * 4 * width * height);
        run = new PipelineRun(pipeline);
        if (!run.setState(State.PLAYING)) {
            throw failed();
        }
    }

    void write(BufferedImage image) {
        if (image.getWidth() != width || image.getHeight() != height || image.getType() != BufferedImage.TYPE_INT_RGB) {
            throw new IllegalArgumentException("frames must be " + width + "x" + height + " TYPE_INT_RGB");
        }
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Buffer buffer = new Buffer(pixels.length * 4);
        ByteBuffer bytes = buffer.map(true);
        bytes.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(pixels);
        buffer.unmap();
        long pts = timestamp(count);
        buffer.setPresentationTimestamp(pts);
        buffer.setDuration(timestamp(count + 1) - pts);
        count++;
        if (src.pushBuffer(buffer) != FlowReturn.OK) {
            throw failed();
        }
    }

    private long timestamp(long frame) {
        return frame * 1_000_000_000L * rate.denominator / rate.numerator;
    }

    /** Ends the stream and waits until the file is complete. */
    void finish() throws InterruptedException {
        src.endOfStream();
        while (!run.await(1000)) {
            // until EOS or an error
        }
        if (!run.reachedEndOfStream()) {
            throw failed();
        }
    }

    private CliException failed() {
        GstSupport.MessageText f = run.failure();
        return CliException.failure("encoding the comparison failed: " + (f == null ? "the encoder stopped" : f.message()));
    }

    @Override
    public void close() {
        run.close();
    }
}
