package dev.flashvsr.tools.eval;

import dev.flashvsr.element.FlashVsrPlugin;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstException;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSink;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * Passes a low-resolution clip through a real H.264 encoder and decoder in GStreamer, so a model
 * is graded on compressed input:
 *
 * <pre>
 * appsrc (I420 BT.601, 25 fps) ! x264enc bitrate=KBPS speed-preset=medium tune=zerolatency
 *     ! avdec_h264 ! video/x-raw,format=I420 ! appsink
 * </pre>
 *
 * The clip is one stream: the first frame is an I frame, the rest P frames predicted from it, at
 * x264's constant-bitrate rate control, as a streaming camera would send it. RGB is converted to
 * 4:2:0 and back by {@link Yuv420} (not by videoconvert, whose fast path is off by up to two
 * levels), so the only losses are the codec's and the chroma subsampling's.
 */
public final class H264RoundTrip {

    /** Frame rate declared to the encoder (its rate control turns kbit/s into bits per frame with it). */
    public static final int FPS = 25;
    private static final long FRAME_NS = 1_000_000_000L / FPS;
    private static final long TIMEOUT_S = 120;

    private H264RoundTrip() {
    }

    /** Initialises GStreamer once in this JVM (the same way the other commands do). */
    static synchronized void initGstreamer() {
        if (!Gst.isInitialized()) {
            // Before gst_init: GStreamer's SIGSEGV trap would replace the JVM's own handler.
            FlashVsrPlugin.prepareJavaHost();
            try {
                Gst.init(org.freedesktop.gstreamer.Version.of(1, 16), "flashvsr");
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw new EvalException("cannot initialize GStreamer 1.16 or newer: " + e.getMessage());
            }
        }
    }

    /** Encodes and decodes the frames (all of one size) and returns the decoded frames in order. */
    public static List<RgbImage> roundTrip(List<RgbImage> frames, int kbps) {
        if (frames.isEmpty()) {
            return List.of();
        }
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        if (w % 2 != 0 || h % 2 != 0) {
            throw new IllegalArgumentException("H.264 4:2:0 needs an even frame size, got " + w + "x" + h);
        }
        initGstreamer();
        Pipeline pipeline;
        try {
            pipeline = (Pipeline) Gst.parseLaunch("appsrc name=src format=time ! x264enc name=enc ! avdec_h264 "
                    + "! video/x-raw,format=I420 ! appsink name=sink sync=false emit-signals=true");
        } catch (GstException e) {
            throw new EvalException("cannot build the H.264 pipeline: " + e.getMessage()
                    + " (x264enc comes from gstreamer1.0-plugins-ugly, avdec_h264 from gstreamer1.0-libav)");
        }
        List<RgbImage> decoded = new ArrayList<>(frames.size());
        List<String> errors = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Bus bus = pipeline.getBus();
        Bus.ERROR onError = (source, code, message) -> {
            synchronized (errors) {
                errors.add((source == null ? "" : source.getName() + ": ") + message);
            }
            done.countDown();
        };
        Bus.EOS onEos = source -> done.countDown();
        bus.connect(onError);
        bus.connect(onEos);
        try {
            pipeline.getElementByName("enc").set("bitrate", kbps);
            pipeline.getElementByName("enc").setAsString("speed-preset", "medium");
            pipeline.getElementByName("enc").setAsString("tune", "zerolatency");
            AppSink sink = (AppSink) pipeline.getElementByName("sink");
            sink.connect((AppSink.NEW_SAMPLE) appSink -> {
                Sample sample = appSink.pullSample();
                try {
                    RgbImage frame = toImage(sample);
                    synchronized (decoded) {
                        decoded.add(frame);
                    }
                } catch (RuntimeException e) {
                    synchronized (errors) {
                        errors.add(e.getMessage());
                    }
                    done.countDown();
                    return FlowReturn.ERROR;
                } finally {
                    sample.dispose();
                }
                return FlowReturn.OK;
            });
            AppSrc src = (AppSrc) pipeline.getElementByName("src");
            src.setCaps(Caps.fromString("video/x-raw,format=I420,width=" + w + ",height=" + h + ",framerate=" + FPS
                    + "/1,pixel-aspect-ratio=1/1,colorimetry=bt601,chroma-site=jpeg,interlace-mode=progressive"));
            if (pipeline.setState(State.PLAYING) == StateChangeReturn.FAILURE) {
                throw new EvalException("the H.264 pipeline did not start" + firstError(errors));
            }
            for (int i = 0; i < frames.size(); i++) {
                RgbImage frame = frames.get(i);
                if (frame.width() != w || frame.height() != h) {
                    throw new IllegalArgumentException("frame " + i + " is " + frame + ", not " + w + "x" + h);
                }
                byte[] i420 = Yuv420.toI420(frame);
                Buffer buffer = new Buffer(i420.length);
                ByteBuffer bytes = buffer.map(true);
                bytes.put(0, i420);
                buffer.unmap();
                buffer.setPresentationTimestamp(i * FRAME_NS);
                buffer.setDuration(FRAME_NS);
                FlowReturn ret = src.pushBuffer(buffer);
                if (ret != FlowReturn.OK) {
                    throw new EvalException("the H.264 pipeline refused frame " + i + " (" + ret + ")"
                            + firstError(errors));
                }
            }
            src.endOfStream();
            if (!done.await(TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new EvalException("the H.264 round trip did not finish in " + TIMEOUT_S + " s");
            }
            synchronized (errors) {
                if (!errors.isEmpty()) {
                    throw new EvalException("the H.264 round trip failed" + firstError(errors));
                }
            }
            synchronized (decoded) {
                if (decoded.size() != frames.size()) {
                    throw new EvalException("the H.264 round trip returned " + decoded.size() + " frames for "
                            + frames.size());
                }
                return List.copyOf(decoded);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EvalException("interrupted during the H.264 round trip");
        } finally {
            pipeline.setState(State.NULL);
            bus.disconnect(onError);
            bus.disconnect(onEos);
            pipeline.dispose();
        }
    }

    private static String firstError(List<String> errors) {
        synchronized (errors) {
            return errors.isEmpty() ? "" : ": " + errors.get(0);
        }
    }

    private static RgbImage toImage(Sample sample) {
        Structure s = sample.getCaps().getStructure(0);
        int w = s.getInteger("width");
        int h = s.getInteger("height");
        int size = Yuv420.frameSize(w, h);
        Buffer buffer = sample.getBuffer();
        ByteBuffer bytes = buffer.map(false);
        try {
            if (bytes.remaining() != size) {
                throw new IllegalStateException("decoded " + w + "x" + h + " I420 buffer has " + bytes.remaining()
                        + " bytes, expected " + size + " (default layout)");
            }
            byte[] i420 = new byte[size];
            bytes.get(0, i420);
            return Yuv420.toRgb(i420, w, h);
        } finally {
            buffer.unmap();
        }
    }
}
