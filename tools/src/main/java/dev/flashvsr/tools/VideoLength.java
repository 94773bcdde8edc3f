package dev.flashvsr.tools;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Fraction;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;

/**
 * The video stream of a file as its container declares it, read by prerolling
 * {@code filesrc ! decodebin ! fakesink} (only the first frame is decoded): the cheap check of
 * whether an output already there is complete.
 *
 * @param durationNanos the stream's duration
 * @param frameNanos    one frame's duration at the declared rate, or 0 when the rate is unknown or variable
 */
record VideoLength(long durationNanos, long frameNanos) {
    /** A probe that has not prerolled by then is taken as a file that does not read. */
    private static final long PREROLL_LIMIT_MS = 20_000;

    /** The file's video length, or null when it does not parse, has no video stream or declares no duration. */
    static VideoLength of(Path file) throws InterruptedException {
        GstSupport.init();
        Pipeline pipeline = new Pipeline("flashvsr-probe");
        PipelineRun run = new PipelineRun(pipeline);
        try {
            Element src = GstSupport.make("filesrc", null);
            src.set("location", file.toString());
            Element decode = GstSupport.make("decodebin", null);
            Element video = GstSupport.make("fakesink", null);
            pipeline.addMany(src, decode, video);
            src.link(decode);
            AtomicBoolean videoLinked = new AtomicBoolean();
            decode.connect((Element.PAD_ADDED) (element, pad) -> linkPad(pipeline, pad, video, videoLinked));
            decode.connect((Element.NO_MORE_PADS) element -> {
                if (!videoLinked.get()) {
                    run.fail(new GstSupport.MessageText("no video stream", null, null));
                }
            });
            if (!preroll(run)) {
                return null;
            }
            long duration = pipeline.queryDuration(Format.TIME);
            return duration > 0 ? new VideoLength(duration, frameNanos(video.getStaticPad("sink").getCurrentCaps()))
                    : null;
        } finally {
            run.close();
        }
    }

    /** Whether {@code other} lasts as long as this, give or take one frame of this one (or 40 ms without a rate). */
    boolean matches(VideoLength other) {
        long tolerance = frameNanos > 0 ? frameNanos : TimeUnit.MILLISECONDS.toNanos(40);
        return Math.abs(durationNanos - other.durationNanos) <= tolerance;
    }

    private static boolean preroll(PipelineRun run) throws InterruptedException {
        run.pipeline().setState(State.PAUSED);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PREROLL_LIMIT_MS);
        while (System.nanoTime() < deadline) {
            if (run.failure() != null) {
                return false;
            }
            if (run.pipeline().getState(100, TimeUnit.MILLISECONDS) == State.PAUSED) {
                return run.failure() == null;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return false;
    }

    /** The first video pad goes to the probe's sink; the others to a sink of their own, so they preroll too. */
    private static void linkPad(Pipeline pipeline, Pad pad, Element video, AtomicBoolean videoLinked) {
        Caps caps = pad.getCurrentCaps() != null ? pad.getCurrentCaps() : pad.queryCaps(null);
        boolean isVideo = caps != null && caps.size() > 0 && caps.getStructure(0).getName().startsWith("video/");
        Element sink = video;
        if (!isVideo || !videoLinked.compareAndSet(false, true)) {
            sink = GstSupport.make("fakesink", null);
            pipeline.add(sink);
            sink.syncStateWithParent();
        }
        try {
            pad.link(sink.getStaticPad("sink"));
        } catch (PadLinkException e) {
            // Left unlinked, that stream makes the preroll fail: the file then counts as unreadable.
        }
    }

    private static long frameNanos(Caps caps) {
        if (caps == null || caps.size() == 0) {
            return 0;
        }
        Structure s = caps.getStructure(0);
        if (!s.hasField("framerate")) {
            return 0;
        }
        Fraction rate = s.getFraction("framerate");
        return rate.getNumerator() <= 0 ? 0 : 1_000_000_000L * rate.getDenominator() / rate.getNumerator();
    }
}
