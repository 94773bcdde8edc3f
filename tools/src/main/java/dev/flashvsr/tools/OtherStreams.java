package dev.flashvsr.tools;

import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.event.CapsEvent;

/**
 * The input's streams besides the upscaled video, as parsebin exposes them: each kept one goes
 * through its own queue into the muxer, copied or re-encoded as its {@link StreamPlan} says; the
 * others are consumed by a fakesink. The queue lets the demuxer run ahead of the video, which
 * flashvsrfilter and the encoder hold back by many frames, without the muxer starving: it is
 * bounded by bytes only (compressed audio is a few KiB a second). Subtitles into MP4 and QuickTime
 * come from memory instead ({@link SubtitleReadAhead}): those muxers wait for each next subtitle.
 */
final class OtherStreams {
    /** Enough for minutes of uncompressed audio, far beyond the video path's latency. */
    static final long QUEUE_BYTES = 256L * 1024 * 1024;

    private final Pipeline pipeline;
    private final Element mux;
    private final String muxer;
    private final StreamSelection selection;
    private final PipelineRun run;
    private final BooleanSupplier inputEnded;
    private final SubtitleReadAhead readAhead;
    private final Map<StreamKind, Integer> perKind = new EnumMap<>(StreamKind.class);
    /** Notes and warnings held back until the input is known to have video (else only its error is shown). */
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private int streams;

    /**
     * @param inputEnded true after Ctrl-C: from then on these streams are cut like the video
     * @param readAhead  the subtitles, for a muxer that waits for them
     */
    OtherStreams(Pipeline pipeline, Element mux, String muxer, StreamSelection selection, PipelineRun run,
            BooleanSupplier inputEnded, SubtitleReadAhead readAhead) {
        this.pipeline = pipeline;
        this.mux = mux;
        this.muxer = muxer;
        this.selection = selection;
        this.run = run;
        this.inputEnded = inputEnded;
        this.readAhead = readAhead;
    }

    /** Numbers a newly exposed pad: in file order, among all streams and among those of its kind. */
    synchronized SourceStream identify(Pad pad, Caps caps) {
        StreamKind kind = StreamKind.of(caps);
        int kindIndex = perKind.merge(kind, 1, Integer::sum) - 1;
        return SourceStream.of(streams++, kind, kindIndex, pad, caps);
    }

    /** Shows the notes and warnings about the streams attached so far; call once the video is found. */
    void announce() {
        for (Runnable r = pending.poll(); r != null; r = pending.poll()) {
            r.run();
        }
    }

    /**
     * Copies, re-encodes or drops a stream that is not the upscaled video. Runs on a streaming
     * thread, where an exception would be lost: a failure ends the run instead.
     */
    void attach(Pad pad, Caps caps, SourceStream stream) {
        try {
            plan(pad, caps, stream);
        } catch (RuntimeException e) {
            run.fail(new GstSupport.MessageText("cannot keep " + stream.describe() + ": " + e.getMessage(), null,
                    null));
        }
    }

    private void plan(Pad pad, Caps caps, SourceStream stream) {
        if (stream.kind() == StreamKind.VIDEO) {
            drop(pad, stream, "only the first video stream is upscaled");
            return;
        }
        if (stream.kind() == StreamKind.DATA) {
            drop(pad, stream, "only video, audio and subtitle streams are kept");
            return;
        }
        if (!selection.keeps(stream.kind(), stream.kindIndex())) {
            discard(pipeline, pad);
            return;
        }
        StreamPlan plan = StreamPlan.decide(caps, stream.kind(), muxer, StreamPlan.AUDIO_ENCODERS);
        switch (plan.action()) {
            case DROP -> drop(pad, stream, plan.reason());
            case COPY -> {
                if (stream.kind() == StreamKind.SUBTITLE && readAhead.applies()) {
                    replay(pad, stream, plan);
                } else {
                    copy(pad, stream, plan);
                }
            }
            case ENCODE -> {
                String note = stream.describe() + " is re-encoded with " + plan.encoder() + ": " + plan.reason();
                pending.add(() -> run.note(note));
                encode(pad, stream, plan);
            }
        }
    }

    private void drop(Pad pad, SourceStream stream, String reason) {
        String warning = stream.describe() + " is dropped: " + reason;
        pending.add(() -> run.warn(warning));
        discard(pipeline, pad);
    }

    /** Consumes a stream nobody writes, so that the demuxer does not stop on an unlinked pad. */
    static void discard(Pipeline pipeline, Pad pad) {
        Element sink = GstSupport.make("fakesink", null);
        sink.set("sync", false);
        sink.set("async", false);
        pipeline.add(sink);
        sink.syncStateWithParent();
        try {
            pad.link(sink.getStaticPad("sink"));
        } catch (PadLinkException e) {
            // Nothing is lost: the stream was not to be written.
        }
    }

    private void copy(Pad pad, SourceStream stream, StreamPlan plan) {
        Element queue = toMuxer(stream, plan, queue(QUEUE_BYTES));
        if (queue == null) {
            return;
        }
        if (plan.relabel() != null) {
            relabel(pad, Caps.fromString(plan.relabel()));
        }
        feed(pad, queue, stream, plan.relabel() != null);
    }

    /**
     * A subtitle stream the muxer would wait for: played from memory by an appsrc that holds all of
     * it (see {@link SubtitleReadAhead}), the demuxer's copy consumed. Reads the subtitles the first time.
     */
    private void replay(Pad pad, SourceStream stream, StreamPlan plan) {
        String note = readAhead.readOnce();
        if (note != null) {
            pending.add(() -> run.note(note));
        }
        HeldSubtitles held = readAhead.stream(stream.kindIndex());
        if (held == null) {
            throw new IllegalStateException("the subtitles read ahead of the video have no stream "
                    + stream.kindIndex() + "; write .mkv, or leave the subtitles out with --streams audio");
        }
        discard(pipeline, pad);
        AppSrc src = held.source(plan.relabel());
        if (toMuxer(stream, plan, src) == null) {
            return;
        }
        cutAfterInterrupt(src.getStaticPad("src"));
        held.play(src);
    }

    /**
     * Gives the stream other caps for the same bytes, on the demuxer's pad itself so that nothing
     * downstream ever sees the old ones (capssetter cannot: it asks upstream to accept the new caps).
     */
    private static void relabel(Pad pad, Caps caps) {
        ThreadLocal<Boolean> replacing = ThreadLocal.withInitial(() -> false);
        pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, (p, info) -> {
            Structure event = info.getEvent().getStructure();
            if (replacing.get() || event == null || !event.hasName("GstEventCaps")) {
                return PadProbeReturn.OK;
            }
            replacing.set(true);
            try {
                p.pushEvent(new CapsEvent(caps));
            } finally {
                replacing.set(false);
            }
            return PadProbeReturn.DROP;
        });
    }

    /** pad -> queue -> decodebin, whose raw audio goes audioconvert -> audioresample -> encoder -> muxer. */
    private void encode(Pad pad, SourceStream stream, StreamPlan plan) {
        Element convert = toMuxer(stream, plan, GstSupport.make("audioconvert", null),
                GstSupport.make("audioresample", null), GstSupport.make(plan.encoder(), null));
        if (convert == null) {
            return;
        }
        Element queue = queue(QUEUE_BYTES);
        Element decode = GstSupport.make("decodebin", null);
        pipeline.addMany(queue, decode);
        queue.link(decode);
        decode.connect((Element.PAD_ADDED) (element, decoded) -> link(decoded, convert.getStaticPad("sink"), stream));
        decode.syncStateWithParent();
        queue.syncStateWithParent();
        feed(pad, queue, stream, false);
    }

    /**
     * Adds the elements, links them in order and the last to a new pad of the muxer, and starts
     * them; returns the first, or null after failing the run.
     */
    private Element toMuxer(SourceStream stream, StreamPlan plan, Element... elements) {
        pipeline.addMany(elements);
        if (elements.length > 1 && !Element.linkMany(elements)) {
            run.fail(new GstSupport.MessageText("cannot build the branch of " + stream.describe(), null, null));
            return null;
        }
        // Requested now, before data flows: mp4mux takes no new pads once it has started.
        Pad muxPad = mux.getRequestPad(plan.template());
        if (muxPad == null) {
            run.fail(new GstSupport.MessageText(muxer + " gave no pad " + plan.template() + " for "
                    + stream.describe(), null, null));
            return null;
        }
        if (!link(elements[elements.length - 1].getStaticPad("src"), muxPad, stream)) {
            return null;
        }
        for (int i = elements.length - 1; i >= 0; i--) {
            elements[i].syncStateWithParent();
        }
        return elements[0];
    }

    /**
     * Links the demuxer's pad to the branch, cut like the video after Ctrl-C.
     *
     * @param relabelled whether the pad's caps are replaced on their way: then they are not compared
     */
    private void feed(Pad pad, Element first, SourceStream stream, boolean relabelled) {
        Pad sink = first.getStaticPad("sink");
        cutAfterInterrupt(sink);
        if (!relabelled) {
            link(pad, sink, stream);
        } else if (StreamNative.GST.gst_pad_link_full(pad, sink, StreamNative.LINK_CHECK_NOTHING) != 0) {
            run.fail(new GstSupport.MessageText("cannot link " + stream.describe() + " towards " + muxer, null, null));
        }
    }

    /** After Ctrl-C the demuxer still drains; what it sends then would outlast the video. */
    private void cutAfterInterrupt(Pad pad) {
        pad.addProbe(PadProbeType.BUFFER, (p, info) -> inputEnded.getAsBoolean() ? PadProbeReturn.DROP
                : PadProbeReturn.OK);
    }

    /**
     * A queue after the demuxer, bounded by bytes only, so that the demuxer can run ahead of the
     * slowest branch to the next buffer of a sparse stream (subtitles) that the muxer waits for.
     */
    static Element queue(long bytes) {
        Element queue = GstSupport.make("queue", null);
        queue.set("max-size-buffers", 0);
        queue.set("max-size-time", 0L);
        queue.set("max-size-bytes", (int) bytes);
        return queue;
    }

    /** Links two pads; a failure fails the run when it concerns a kept stream. */
    private boolean link(Pad from, Pad to, SourceStream stream) {
        try {
            from.link(to);
            return true;
        } catch (PadLinkException e) {
            if (stream != null) {
                run.fail(new GstSupport.MessageText("cannot link " + stream.describe() + " towards " + muxer + ": "
                        + e.getLinkResult(), null, null));
            }
            return false;
        }
    }
}
