package dev.flashvsr.tools;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;

/**
 * The kept subtitle streams of an input, read whole before an MP4 or QuickTime output is written.
 * mp4mux and qtmux write in time order and wait for each subtitle stream's next subtitle, which the
 * upscale pipeline's demuxer reaches only as fast as the video queue before the model drains: two
 * subtitles further apart than that queue lasts would stall the run. Read ahead (filesrc ! parsebin,
 * demuxing only, every stream but the kept subtitles into fakesinks), each subtitle stream is played
 * into the muxer from memory, its end included, so the muxer never waits for it.
 */
final class SubtitleReadAhead {
    /** Subtitles take a few KiB an hour; streams of more are not text worth holding in memory. */
    static final long LIMIT_BYTES = 64L * 1024 * 1024;

    private final Path in;
    private final String muxer;
    private final StreamSelection selection;
    private final BooleanSupplier stopped;
    private final long limitBytes;
    /** By position among the input's subtitle streams; null until read. */
    private Map<Integer, HeldSubtitles> held;
    private RuntimeException failure;

    /**
     * @param stopped    true after Ctrl-C: the read stops there, as the video does
     * @param limitBytes how much subtitle text all streams together may hold ({@link #LIMIT_BYTES})
     */
    SubtitleReadAhead(Path in, String muxer, StreamSelection selection, BooleanSupplier stopped, long limitBytes) {
        this.in = in;
        this.muxer = muxer;
        this.selection = selection;
        this.stopped = stopped;
        this.limitBytes = limitBytes;
    }

    /** Whether the muxer waits for subtitles; Matroska's does not, and takes them as they come. */
    boolean applies() {
        return muxer.equals("mp4mux") || muxer.equals("qtmux");
    }

    /**
     * Reads the kept subtitle streams unless done already; returns a note on what the read took,
     * or null when they were read before. A failed read fails again on each call.
     */
    synchronized String readOnce() {
        if (failure != null) {
            throw failure;
        }
        if (held != null) {
            return null;
        }
        long started = System.nanoTime();
        AtomicLong bytes = new AtomicLong();
        try {
            held = read(bytes);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        return String.format(Locale.ROOT, "subtitles read ahead in %.2f s (%d stream%s, %,d bytes): %s waits for"
                + " each subtitle before it writes the video after it", (System.nanoTime() - started) / 1e9,
                held.size(), held.size() == 1 ? "" : "s", bytes.get(), muxer);
    }

    /** The {@code subtitleIndex}-th subtitle stream of the input (from 0) as read, or null when not read. */
    synchronized HeldSubtitles stream(int subtitleIndex) {
        return held == null ? null : held.get(subtitleIndex);
    }

    private Map<Integer, HeldSubtitles> read(AtomicLong bytes) {
        Pipeline pipeline = new Pipeline("flashvsr-subtitles");
        Element demux = demuxer(pipeline, in);
        PipelineRun run = new PipelineRun(pipeline);
        Map<Integer, HeldSubtitles> found = new ConcurrentHashMap<>();
        AtomicInteger subtitles = new AtomicInteger();
        demux.connect((Element.PAD_ADDED) (element, pad) -> {
            Caps caps = pad.getCurrentCaps() != null ? pad.getCurrentCaps() : pad.queryCaps(null);
            if (StreamKind.of(caps) == StreamKind.SUBTITLE) {
                int index = subtitles.getAndIncrement();
                if (keeps(caps, index)) {
                    HeldSubtitles stream = new HeldSubtitles(caps);
                    found.put(index, stream);
                    pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
                        if (bytes.addAndGet(stream.add(p, info.getBuffer())) > limitBytes) {
                            run.fail(new GstSupport.MessageText(tooLarge(), null, null));
                        }
                        return PadProbeReturn.OK;
                    });
                }
            }
            OtherStreams.discard(pipeline, pad);
        });
        try (run) {
            if (run.setState(State.PLAYING)) {
                while (!run.await(50) && !stopped.getAsBoolean()) {
                    // until the end of the input, an error, or Ctrl-C (the video stops there too)
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the subtitles ahead of the video");
        }
        if (run.failure() != null) {
            throw new IllegalStateException("reading the subtitles ahead of the video failed: "
                    + run.failure().message());
        }
        return found;
    }

    /** Adds filesrc ! parsebin reading {@code file} to the pipeline; returns the parsebin, a pad per stream. */
    static Element demuxer(Pipeline pipeline, Path file) {
        Element src = GstSupport.make("filesrc", null);
        src.set("location", file.toString());
        Element demux = GstSupport.make("parsebin", null);
        pipeline.addMany(src, demux);
        src.link(demux);
        return demux;
    }

    /** Whether the upscale keeps the {@code index}-th subtitle stream, and copies it into this muxer. */
    private boolean keeps(Caps caps, int index) {
        return selection.keeps(StreamKind.SUBTITLE, index) && StreamPlan.decide(caps, StreamKind.SUBTITLE, muxer,
                StreamPlan.AUDIO_ENCODERS).action() == StreamPlan.Action.COPY;
    }

    private String tooLarge() {
        String limit = limitBytes % (1024 * 1024) == 0 ? limitBytes / (1024 * 1024) + " MiB" : limitBytes + " bytes";
        return "the input's subtitle streams hold more than " + limit + ", too much to read"
                + " ahead of the video as MP4 and QuickTime need: write .mkv instead, or leave the subtitles out with"
                + " --streams audio";
    }
}
