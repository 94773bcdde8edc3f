package dev.flashvsr.element.pipeline;

import dev.flashvsr.element.FlashVsrPlugin;
import dev.flashvsr.element.gst.NativeLayout;
import dev.flashvsr.element.testmodels.DelayModel;
import dev.flashvsr.element.testmodels.ReportingModel;
import dev.flashvsr.engine.Models;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.message.MessageType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.elements.AppSink;

/**
 * Runs real GStreamer pipelines with flashvsrfilter registered in this JVM (plus test models:
 * {@code test-delay-3} holds three frames, {@code test-fail-5} throws on the fifth,
 * {@code test-slow-60ms} and {@code test-slow-300ms} take that long per frame, {@code test-slows-down}
 * takes 60 ms from its 20th frame on, {@code test-slow-open-200ms} takes that long to open a session,
 * {@code test-reports-opening} and {@code test-fails-opening} report the steps of their opening, which
 * the second one then fails: {@link ReportingModel}, controlled through {@link #REPORTING} and
 * {@link #FAILING}) and collects what reaches app sinks and the bus.
 */
public final class GstTestSupport {
    public static final ReportingModel.Control REPORTING = new ReportingModel.Control();
    public static final ReportingModel.Control FAILING = new ReportingModel.Control();
    private static boolean initialised;

    private GstTestSupport() {
    }

    public static synchronized void init() {
        if (!initialised) {
            FlashVsrPlugin.prepareJavaHost();
            Gst.init(Version.of(1, 16), "flashvsr-tests");
            FlashVsrPlugin.registerInProcess();
            Models.register("test-delay-3", () -> new DelayModel(3, 0));
            Models.register("test-fail-5", () -> new DelayModel(0, 5));
            Models.register("test-slow-60ms", () -> new DelayModel(0, 0, 60, 0));
            Models.register("test-slow-300ms", () -> new DelayModel(0, 0, 300, 0));
            Models.register("test-slows-down", () -> new DelayModel(0, 0, 60, 20));
            Models.register("test-slow-open-200ms", () -> new DelayModel(0, 0, 0, 0, 200));
            Models.register("test-reports-opening", () -> new ReportingModel(REPORTING, false));
            Models.register("test-fails-opening", () -> new ReportingModel(FAILING, true));
            initialised = true;
        }
    }

    /** One buffer that reached an app sink, or the {@link #FLUSH_STOP} marker. */
    public record Frame(String format, int width, int height, long pts, long duration, byte[] data) {
    }

    /** Recorded in a sink's list where a FLUSH_STOP event reached it. */
    public static final Frame FLUSH_STOP = new Frame("FLUSH-STOP", 0, 0, -1, -1, new byte[0]);

    /** What a pipeline run produced: frames per app sink, the first error, latency messages. */
    public record Run(Map<String, List<Frame>> sinks, String error, String errorSource, List<String> warnings,
            int latencyMessages) {
        public List<Frame> frames() {
            return sinks.getOrDefault("out", List.of());
        }

        public boolean failed() {
            return error != null;
        }
    }

    /** Called once the pipeline is built and before it plays; may start threads that drive it. */
    public interface Setup {
        void accept(Pipeline pipeline, Map<String, List<Frame>> liveSinks) throws Exception;
    }

    public static Run run(String description) {
        return run(description, (pipeline, sinks) -> { });
    }

    /**
     * Runs until EOS or error (60 s at most). Every appsink in the description is collected by
     * name; "out" is the main one.
     */
    public static Run run(String description, Setup setup) {
        init();
        Pipeline pipeline = (Pipeline) Gst.parseLaunch(description);
        Map<String, List<Frame>> sinks = new HashMap<>();
        CompletableFuture<String[]> done = new CompletableFuture<>();
        AtomicInteger latencyMessages = new AtomicInteger();
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (Element element : pipeline.getElementsRecursive()) {
            if (element instanceof AppSink sink) {
                List<Frame> frames = new ArrayList<>();
                sinks.put(sink.getName(), frames);
                sink.set("emit-signals", true);
                sink.set("sync", false);
                sink.getStaticPad("sink").addEventProbe((pad, event) -> {
                    // Read the type from native memory: gst1-java-core may hand back a cached proxy
                    // of another event that lived at the same address earlier.
                    if (Natives.getRawPointer(event).getInt(NativeLayout.EVENT_TYPE) == NativeLayout.EVENT_FLUSH_STOP) {
                        synchronized (frames) {
                            frames.add(FLUSH_STOP);
                        }
                    }
                    return PadProbeReturn.OK;
                });
                sink.connect((AppSink.NEW_SAMPLE) appsink -> {
                    Sample sample = appsink.pullSample();
                    synchronized (frames) {
                        frames.add(toFrame(sample));
                    }
                    sample.dispose();
                    return FlowReturn.OK;
                });
            }
        }
        Bus bus = pipeline.getBus();
        bus.connect((Bus.EOS) source -> done.complete(new String[0]));
        bus.connect((Bus.ERROR) (source, code, message) -> done.complete(new String[] {message, source.getName()}));
        bus.connect((Bus.WARNING) (source, code, message) -> warnings.add(message));
        bus.connect((Bus.MESSAGE) (b, message) -> {
            if (message.getType() == MessageType.LATENCY) {
                latencyMessages.incrementAndGet();
            }
        });
        try {
            setup.accept(pipeline, sinks);
            pipeline.play();
            String[] result = done.get(60, TimeUnit.SECONDS);
            Map<String, List<Frame>> copy = new HashMap<>();
            sinks.forEach((name, frames) -> {
                synchronized (frames) {
                    copy.put(name, List.copyOf(frames));
                }
            });
            return new Run(copy, result.length == 0 ? null : result[0], result.length == 0 ? null : result[1],
                    List.copyOf(warnings), latencyMessages.get());
        } catch (TimeoutException e) {
            throw new AssertionError("pipeline did not finish within 60 s: " + description);
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
}
