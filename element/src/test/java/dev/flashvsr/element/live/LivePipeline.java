package dev.flashvsr.element.live;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.element.pipeline.GstTestSupport;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.message.MessageType;
import org.freedesktop.gstreamer.query.LatencyQuery;

/**
 * A live pipeline run the way a GStreamer application must run one: LATENCY messages make the
 * pipeline recompute its latency (gst-launch does the same), errors and QoS messages are
 * recorded (those of the element named {@value #FILTER} counted apart). {@link #queryingOnly}
 * runs it like an application that never recomputes and only queries the latency now and then.
 * Closing it stops and disposes the pipeline.
 */
final class LivePipeline implements AutoCloseable {
    /** The name the flashvsrfilter under test has in the description. */
    static final String FILTER = "f";

    /** Functions gst1-java-core does not wrap. */
    interface BinCalls extends Library {
        BinCalls LIB = Native.load("libgstreamer-1.0.so.0", BinCalls.class);

        boolean gst_bin_recalculate_latency(Pointer bin);
    }

    /** Likewise, from libgstbase. */
    interface BaseSink extends Library {
        BaseSink LIB = Native.load("libgstbase-1.0.so.0", BaseSink.class);

        long gst_base_sink_get_latency(Pointer sink);
    }

    final Pipeline pipeline;
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger latencyMessagesFromFilter = new AtomicInteger();
    final AtomicInteger qosMessagesFromFilter = new AtomicInteger();
    final AtomicInteger eos = new AtomicInteger();
    /** Whether LATENCY messages make the pipeline recompute its latency (else only queries read it). */
    final boolean recalculatesLatency;

    LivePipeline(String description) {
        this(description, true);
    }

    static LivePipeline queryingOnly(String description) {
        return new LivePipeline(description, false);
    }

    private LivePipeline(String description, boolean recalculatesLatency) {
        this.recalculatesLatency = recalculatesLatency;
        GstTestSupport.init();
        pipeline = (Pipeline) Gst.parseLaunch(description);
        Bus bus = pipeline.getBus();
        bus.connect((Bus.ERROR) (source, code, message) -> errors.add(source.getName() + ": " + message));
        bus.connect((Bus.EOS) source -> eos.incrementAndGet());
        bus.connect((Bus.MESSAGE) (b, message) -> {
            boolean fromFilter = message.getSource() != null && FILTER.equals(message.getSource().getName());
            if (message.getType() == MessageType.LATENCY) {
                if (fromFilter) {
                    latencyMessagesFromFilter.incrementAndGet();
                }
                if (recalculatesLatency) {
                    BinCalls.LIB.gst_bin_recalculate_latency(Natives.getRawPointer(pipeline));
                }
            } else if (message.getType() == MessageType.QOS && fromFilter) {
                qosMessagesFromFilter.incrementAndGet();
            }
        });
    }

    LivePipeline play() {
        pipeline.play();
        State state = pipeline.getState(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
        if (state != State.PLAYING) {
            throw new AssertionError("pipeline did not reach PLAYING: " + state + " " + errors);
        }
        return this;
    }

    Element element(String name) {
        return pipeline.getElementByName(name);
    }

    long longProperty(String element, String property) {
        return ((Number) element(element).get(property)).longValue();
    }

    /** The pipeline's minimum latency, as a LATENCY query over it answers now. */
    long pipelineLatency() {
        LatencyQuery query = new LatencyQuery();
        if (!pipeline.query(query)) {
            throw new AssertionError("the pipeline did not answer a latency query");
        }
        return query.getMinimumLatency();
    }

    /** The latency a sink waits for now (what the last recalculation gave it). */
    long sinkLatency(String sink) {
        return BaseSink.LIB.gst_base_sink_get_latency(Natives.getRawPointer(element(sink)));
    }

    /** Frames a base sink dropped as too late ({@code max-lateness=0}: any lateness) and rendered. */
    SinkStats sinkStats(String sink) {
        Structure stats = (Structure) element(sink).get("stats");
        return new SinkStats(((Number) stats.getValue("rendered")).longValue(),
                ((Number) stats.getValue("dropped")).longValue());
    }

    record SinkStats(long rendered, long late) {
    }

    @Override
    public void close() {
        pipeline.stop();
        pipeline.dispose();
    }
}
