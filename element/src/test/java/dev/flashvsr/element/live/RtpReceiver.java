package dev.flashvsr.element.live;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSink;

/**
 * The receiving pipeline of a live RTP/H.264 stream on 127.0.0.1, optionally through
 * flashvsrfilter (named {@value LivePipeline#FILTER}), into a synchronising app sink that drops
 * and counts frames that come late. A queue before the sink keeps the element from waiting for
 * the sink's clock, as a live pipeline should: when the element's latency estimate falls (its
 * start-up left the window), frames it already processed are then on time for the new latency,
 * instead of waiting upstream and becoming late. For each shown frame it records the number it carries and the
 * time from its sending to its showing (end-to-end latency).
 */
final class RtpReceiver implements AutoCloseable {
    final LivePipeline run;
    private final Map<Integer, Long> sentAt;
    private final List<Integer> shown = new ArrayList<>();
    private final List<Long> latencies = new ArrayList<>();
    private final List<String> sizes = new ArrayList<>();
    private int unreadable;
    private long lateBefore;

    /**
     * @param filter       the element with its properties, or null for the plain pipeline
     * @param dropPackets  share of RTP packets dropped before the jitter buffer (0 for none)
     */
    RtpReceiver(int port, String filter, double dropPackets, Map<Integer, Long> sentAt) {
        this.sentAt = sentAt;
        run = new LivePipeline("udpsrc port=" + port
                + " caps=\"application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96\" "
                + (dropPackets > 0 ? "! identity drop-probability=" + dropPackets + " " : "")
                + "! rtpjitterbuffer latency=100 ! rtph264depay ! avdec_h264 ! videoconvert "
                + "! video/x-raw,format=I420 ! " + (filter == null ? "" : filter + " ! ")
                + "queue ! appsink name=out sync=true max-lateness=0 qos=true emit-signals=true");
        AppSink sink = (AppSink) run.element("out");
        sink.connect((AppSink.NEW_SAMPLE) appsink -> {
            long now = System.nanoTime();
            Sample sample = appsink.pullSample();
            record(sample, now);
            sample.dispose();
            return FlowReturn.OK;
        });
        // Not waiting for PLAYING: a live sink completes it with the first frame, which comes from a
        // sender started after this.
        run.pipeline.play();
    }

    private void record(Sample sample, long now) {
        Structure caps = sample.getCaps().getStructure(0);
        int width = caps.getInteger("width");
        int height = caps.getInteger("height");
        Buffer buffer = sample.getBuffer();
        ByteBuffer bytes = buffer.map(false);
        int stride = (width + 3) & ~3;
        int scale = width / baseWidth(width);
        byte[] luma = new byte[stride * CodedFrames.BLOCK_ROWS * 2 * scale];
        bytes.get(luma, 0, Math.min(luma.length, bytes.remaining()));
        buffer.unmap();
        int number = CodedFrames.read(luma, stride, width, scale);
        synchronized (this) {
            sizes.add(width + "x" + height);
            Long sent = number < 0 ? null : sentAt.get(number);
            if (sent == null) {
                unreadable++;
            } else {
                shown.add(number);
                latencies.add(now - sent);
            }
        }
    }

    /** The sent width for a shown size: the senders use 16:9 sizes of at most 320x180. */
    private static int baseWidth(int width) {
        int scale = 1;
        while (width / scale > 320) {
            scale *= 2;
        }
        return width / scale;
    }

    /** Starts the record afresh (the sink's late count is kept apart and subtracted). */
    synchronized void forget() {
        shown.clear();
        latencies.clear();
        sizes.clear();
        unreadable = 0;
        lateBefore = run.sinkStats("out").late();
    }

    synchronized List<Integer> shown() {
        return List.copyOf(shown);
    }

    synchronized List<String> sizes() {
        return List.copyOf(sizes);
    }

    synchronized int unreadable() {
        return unreadable;
    }

    /** End-to-end latency summary of the frames shown so far. */
    synchronized Summary summary() {
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(null);
        LivePipeline.SinkStats stats = run.sinkStats("out");
        double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
        return new Summary(sorted.size(), mean, percentile(sorted, 0.5), percentile(sorted, 0.95),
                percentile(sorted, 1.0), stats.late() - lateBefore, run.pipelineLatency() / 1e6, run.sinkLatency("out") / 1e6);
    }

    private static double percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1)))) / 1e6;
    }

    record Summary(int shown, double meanMs, double medianMs, double p95Ms, double maxMs, long late,
            double reportedMs, double sinkWaitsMs) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d frames shown, end-to-end latency mean %.1f ms, median %.1f, "
                    + "95%% %.1f, max %.1f; pipeline reports %.1f ms, the sink applies %.1f ms; %d late at the sink",
                    shown, meanMs, medianMs, p95Ms, maxMs, reportedMs, sinkWaitsMs, late);
        }
    }

    @Override
    public void close() {
        run.close();
    }
}
