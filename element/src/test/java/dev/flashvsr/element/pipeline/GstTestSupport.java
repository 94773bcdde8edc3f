package dev.flashvsr.element.pipeline;

import dev.flashvsr.element.FlashVsrPlugin;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.elements.AppSink;

/** Runs real GStreamer pipelines with flashvsrfilter registered in this JVM and collects output. */
public final class GstTestSupport {
    private static boolean initialised;

    private GstTestSupport() {
    }

    public static synchronized void init() {
        if (!initialised) {
            FlashVsrPlugin.prepareJavaHost();
            Gst.init(Version.of(1, 16), "flashvsr-tests");
            FlashVsrPlugin.registerInProcess();
            initialised = true;
        }
    }

    /** One buffer that reached the app sink. */
    public record Frame(String format, int width, int height, long pts, long duration, byte[] data) {
    }

    /** Everything a pipeline run produced: frames at sink "out", caps seen, and the first error. */
    public record Run(List<Frame> frames, String error, String errorDebug, List<String> warnings) {
        public boolean failed() {
            return error != null;
        }
    }

    /**
     * Runs a pipeline description that ends in an appsink named "out" (or has none) until EOS or
     * error, or the timeout.
     */
    public static Run run(String description, long timeoutSeconds) {
        return run(description, timeoutSeconds, pipeline -> { });
    }

    public interface Setup {
        void accept(Pipeline pipeline) throws Exception;
    }

    public static Run run(String description, long timeoutSeconds, Setup setup) {
        init();
        Pipeline pipeline = (Pipeline) Gst.parseLaunch(description);
        List<Frame> frames = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        CompletableFuture<String[]> done = new CompletableFuture<>();
        AppSink sink = (AppSink) pipeline.getElementByName("out");
        if (sink != null) {
            sink.set("emit-signals", true);
            sink.set("sync", false);
            sink.connect((AppSink.NEW_SAMPLE) appsink -> {
                Sample sample = appsink.pullSample();
                synchronized (frames) {
                    frames.add(toFrame(sample));
                }
                sample.dispose();
                return FlowReturn.OK;
            });
        }
        Bus bus = pipeline.getBus();
        bus.connect((Bus.EOS) source -> done.complete(new String[0]));
        bus.connect((Bus.ERROR) (source, code, message) -> done.complete(new String[] {message, ""}));
        bus.connect((Bus.WARNING) (source, code, message) -> {
            synchronized (warnings) {
                warnings.add(message);
            }
        });
        try {
            setup.accept(pipeline);
            pipeline.play();
            String[] result = done.get(timeoutSeconds, TimeUnit.SECONDS);
            synchronized (frames) {
                return new Run(new ArrayList<>(frames), result.length == 0 ? null : result[0],
                        result.length == 0 ? null : result[1], warnings);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("pipeline did not finish within " + timeoutSeconds + " s: " + description);
        } catch (Exception e) {
            throw new AssertionError("pipeline failed: " + description, e);
        } finally {
            pipeline.stop();
            pipeline.dispose();
        }
    }

    private static Frame toFrame(Sample sample) {
        Structure s = sample.getCaps().getStructure(0);
        Buffer buffer = sample.getBuffer();
        ByteBuffer bytes = buffer.map(false);
        byte[] data = new byte[bytes.remaining()];
        bytes.get(data);
        buffer.unmap();
        return new Frame(s.getString("format"), s.getInteger("width"), s.getInteger("height"),
                buffer.getPresentationTimestamp(), buffer.getDuration(), data);
    }

    public static Caps caps(String text) {
        return Caps.fromString(text);
    }

}
