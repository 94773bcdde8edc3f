package dev.flashvsr.tools;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Fraction;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSink;

/**
 * Decodes the video stream of a file (any video or still image GStreamer reads) into RGB images,
 * one at a time and in order:
 * {@code filesrc ! decodebin ! videoconvert ! video/x-raw,format=BGRx ! appsink}. A few decoded
 * frames wait in a small queue; the decoder waits while it is full, so a long video never sits
 * in memory whole.
 */
final class FrameReader implements AutoCloseable {

    /** Frames decoded ahead of the reader. */
    private static final int AHEAD = 4;
    private static final long POLL_MS = 100;

    /** A decoded frame, or the end of the stream. */
    private record Item(BufferedImage image, Fraction rate) {
    }

    private static final Item END = new Item(null, null);

    private final String name;
    private final PipelineRun run;
    private final BlockingQueue<Item> frames = new ArrayBlockingQueue<>(AHEAD + 1);
    private volatile boolean closed;
    private boolean ended;
    private Fraction rate;

    /**
     * Starts decoding {@code file}.
     *
     * @param name how messages call the input, e.g. "A (a.mp4)"
     */
    FrameReader(Path file, String name) {
        this.name = name;
        GstSupport.init();
        Pipeline pipeline = new Pipeline("flashvsr-compare-read");
        Element src = GstSupport.make("filesrc", null);
        src.set("location", file.toString());
        Element decode = GstSupport.make("decodebin", null);
        Element convert = GstSupport.make("videoconvert", null);
        AppSink sink = (AppSink) GstSupport.make("appsink", null);
        sink.set("sync", false);
        sink.set("emit-signals", true);
        sink.setCaps(Caps.fromString("video/x-raw,format=BGRx"));
        pipeline.addMany(src, decode, convert, sink);
        src.link(decode);
        convert.link(sink);
        run = new PipelineRun(pipeline);
        decode.connect((Element.PAD_ADDED) (element, pad) -> {
            Caps caps = pad.getCurrentCaps();
            boolean video = caps != null && caps.size() > 0 && caps.getStructure(0).getName().startsWith("video/");
            if (video && !convert.getStaticPad("sink").isLinked()) {
                pad.link(convert.getStaticPad("sink"));
            }
        });
        decode.connect((Element.NO_MORE_PADS) element -> {
            if (!convert.getStaticPad("sink").isLinked()) {
                run.fail(new GstSupport.MessageText("it has no video stream", null, null));
            }
        });
        sink.connect((AppSink.NEW_SAMPLE) appSink -> {
            Sample sample = appSink.pullSample();
            try {
                return offer(toItem(sample)) ? FlowReturn.OK : FlowReturn.FLUSHING;
            } finally {
                sample.dispose();
            }
        });
        sink.connect((AppSink.EOS) appSink -> offer(END));
        run.setState(State.PLAYING);
    }

    /** Waits for room in the queue, giving up once the reader is closed (so the pipeline can stop). */
    private boolean offer(Item item) {
        try {
            while (!closed) {
                if (frames.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * The next frame, or null after the last one.
     *
     * @throws CliException when the file cannot be decoded
     */
    BufferedImage next() throws InterruptedException {
        if (ended) {
            return null;
        }
        while (true) {
            Item item = frames.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (item == END) {
                ended = true;
                return null;
            }
            if (item != null) {
                rate = item.rate();
                return item.image();
            }
            GstSupport.MessageText failure = run.failure();
            if (failure != null) {
                throw CliException.failure("cannot read " + name + " as a video or image: " + failure.message());
            }
        }
    }

    /** How messages call this input. */
    String name() {
        return name;
    }

    /** The frame rate the stream declares (0/1 for a still image); null before the first frame. */
    Fraction rate() {
        return rate;
    }

    private static Item toItem(Sample sample) {
        Structure s = sample.getCaps().getStructure(0);
        int width = s.getInteger("width");
        int height = s.getInteger("height");
        Fraction rate = s.hasField("framerate") ? s.getFraction("framerate") : new Fraction(0, 1);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        Buffer buffer = sample.getBuffer();
        ByteBuffer bytes = buffer.map(false);
        try {
            // BGRx in memory is 0xxxRRGGBB read little-endian: TYPE_INT_RGB ignores the top byte.
            bytes.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(pixels, 0, Math.min(pixels.length,
                    bytes.remaining() / 4));
        } finally {
            buffer.unmap();
        }
        return new Item(image, rate);
    }

    @Override
    public void close() {
        closed = true;
        run.close();
    }
}
