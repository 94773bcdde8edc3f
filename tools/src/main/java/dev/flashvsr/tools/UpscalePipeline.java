package dev.flashvsr.tools;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Fraction;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.event.EOSEvent;

/**
 * The pipeline of {@code flashvsr upscale}: filesrc ! parsebin, whose first video stream goes
 * queue ! decodebin ! videoconvert ! flashvsrfilter ! [videoflip, for Matroska: see {@link OutputMetadata}]
 * videoconvert ! the encoding's elements (raw format ! encoder ! parser) ! mux ! filesink and whose other streams {@link OtherStreams} copies
 * into the same muxer; built element by element so paths need no quoting, with counters of the
 * frames decoded and of the frames that reached the muxer.
 */
final class UpscalePipeline implements AutoCloseable {
    /** The video queue's bound; tests shrink it to fill the queue as a long input with a slow model would. */
    static volatile long videoQueueBytes = OtherStreams.QUEUE_BYTES;

    private final Pipeline pipeline = new Pipeline("flashvsr-upscale");
    private final PipelineRun run = new PipelineRun(pipeline);
    private final Object lifecycle = new Object();
    private boolean closed;
    private Element convertIn;
    private Element vsr;
    private Element convertOut;
    private final AtomicLong framesDecoded = new AtomicLong();
    private volatile boolean inputEnded;
    private AtomicLong framesWritten;
    private OutputMetadata metadata;

    /**
     * @param filter    the configured flashvsrfilter
     * @param inputName the input as the user named it, for messages
     */
    UpscalePipeline(Path in, String inputName, Element filter, VideoEncoding encoding, String muxer, Path out,
            StreamSelection streams) {
        try {
            build(in, inputName, filter, encoding, muxer, out, streams);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(Path in, String inputName, Element filter, VideoEncoding encoding, String muxer, Path out,
            StreamSelection streams) {
        Element src = GstSupport.make("filesrc", "src");
        src.set("location", in.toString());
        // parsebin, not decodebin: the other streams are copied as they are in the file.
        Element demux = GstSupport.make("parsebin", "demux");
        convertIn = GstSupport.make("videoconvert", "convert-in");
        vsr = filter;
        convertOut = GstSupport.make("videoconvert", "convert-out");
        List<Element> encode = encoding.elements();
        Element mux = GstSupport.make(muxer, "mux");
        Element sink = GstSupport.make("filesink", "sink");
        sink.set("location", out.toString());

        metadata = new OutputMetadata(mux, OutputContainer.ofMuxer(muxer), out, run);
        metadata.readInput(in);
        List<Element> chain = new ArrayList<>(List.of(convertIn, vsr));
        Element upright = metadata.uprightPixels();
        if (upright != null) {
            chain.add(upright);
        }
        chain.add(convertOut);
        chain.addAll(encode);
        chain.addAll(List.of(mux, sink));
        pipeline.addMany(src, demux);
        pipeline.addMany(chain.toArray(Element[]::new));
        if (!src.link(demux)) {
            throw CliException.failure("cannot link filesrc to parsebin");
        }
        if (!Element.linkMany(chain.toArray(Element[]::new))) {
            throw CliException.failure("cannot link the upscaling pipeline (flashvsrfilter, "
                    + encoding.choice().encoder().factory() + ", " + muxer + ")");
        }
        // After Ctrl-C, frames the decoder still drains are dropped: with B-frames, a stream cut at the
        // source comes out of the decoder with a gap before its last frames, which the MP4's edit list
        // would then leave out. Cutting after the decoder keeps the frames upscaled a gapless prefix.
        convertIn.getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
            if (inputEnded) {
                return PadProbeReturn.DROP;
            }
            framesDecoded.incrementAndGet();
            return PadProbeReturn.OK;
        });
        // The muxer's own pad: a buffer it accepted before EOS is in the file, one pushed after is refused.
        framesWritten = GstSupport.countBuffers(encode.get(encode.size() - 1).getStaticPad("src").getPeer());

        OtherStreams others = new OtherStreams(pipeline, mux, muxer, streams, run, () -> inputEnded,
                new SubtitleReadAhead(in, muxer, streams, () -> inputEnded, SubtitleReadAhead.LIMIT_BYTES));
        AtomicBoolean videoLinked = new AtomicBoolean();
        demux.connect((Element.PAD_ADDED) (element, pad) -> {
            Caps caps = pad.getCurrentCaps();
            if (caps == null) {
                caps = pad.queryCaps(null);
            }
            SourceStream stream = others.identify(pad, caps);
            boolean upscaled = stream.kind() == StreamKind.VIDEO && videoLinked.compareAndSet(false, true);
            if (upscaled) {
                decodeVideo(pad, caps);
            } else {
                others.attach(pad, caps, stream);
            }
            metadata.watch(pad, upscaled);
            // parsebin exposes every stream before data flows on any, and may not signal no-more-pads.
            pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
                checkVideo(videoLinked.get(), others, inputName);
                return PadProbeReturn.REMOVE;
            });
        });
        demux.connect((Element.NO_MORE_PADS) element -> checkVideo(videoLinked.get(), others, inputName));
    }

    /** Once every stream is known: the error of an input without video, else what happens to the others. */
    private void checkVideo(boolean hasVideo, OtherStreams others, String inputName) {
        if (hasVideo) {
            others.announce();
        } else {
            run.fail(new GstSupport.MessageText("input file '" + inputName + "' has no video stream", null, null));
        }
    }

    /**
     * The video stream goes through a queue (as the other streams do: see {@link OtherStreams#queue(long)})
     * and its own decodebin, whose raw video feeds the upscaling.
     */
    private void decodeVideo(Pad pad, Caps caps) {
        Element queue = OtherStreams.queue(videoQueueBytes);
        Element decode = GstSupport.make("decodebin", "decode");
        pipeline.addMany(queue, decode);
        queue.link(decode);
        Pad convertSink = convertIn.getStaticPad("sink");
        decode.connect((Element.PAD_ADDED) (element, decoded) -> {
            try {
                decoded.link(convertSink);
            } catch (PadLinkException e) {
                run.fail(new GstSupport.MessageText("cannot link the decoded video (" + describeCaps(caps)
                        + ") to videoconvert: " + e.getLinkResult(), null, null));
            }
        });
        decode.syncStateWithParent();
        queue.syncStateWithParent();
        try {
            pad.link(queue.getStaticPad("sink"));
        } catch (PadLinkException e) {
            run.fail(new GstSupport.MessageText("cannot link the video stream (" + describeCaps(caps)
                    + ") to decodebin: " + e.getLinkResult(), null, null));
        }
    }

    /**
     * Writes into a finished MP4 or QuickTime file the input's metadata its muxer could not write
     * ({@link OutputMetadata#finishFile()}); call after EOS, once closed. Returns a warning, or null.
     */
    String finishFile() {
        return metadata.finishFile();
    }

    PipelineRun run() {
        return run;
    }

    /**
     * Ends the input early (Ctrl-C): no more decoded frames are taken, and EOS from the sources lets
     * the muxer finish a playable file with the frames so far. Does nothing once the pipeline is closed.
     */
    void endInput() {
        inputEnded = true;
        synchronized (lifecycle) {
            if (!closed) {
                pipeline.sendEvent(new EOSEvent());
            }
        }
    }

    /** The element's count of frames it output, or null when it has none (older element builds). */
    Long framesProcessed() {
        try {
            Object value = vsr.get("frames-processed");
            return value instanceof Number n ? n.longValue() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Frames the decoder delivered (before Ctrl-C). */
    long framesDecoded() {
        return framesDecoded.get();
    }

    /** Frames the muxer accepted: after EOS, exactly those in the file. */
    long framesWritten() {
        return framesWritten.get();
    }

    /**
     * Stream time reached by the upscaled video, in nanoseconds, or -1 when unknown. Asked of the
     * videoconvert after flashvsrfilter: as a base transform it answers from the last frame it
     * passed on, where the pipeline's own query would stop at the muxer (which thinks in bytes).
     */
    long position() {
        long pos = convertOut.queryPosition(Format.TIME);
        return pos > 0 ? pos : pipeline.queryPosition(Format.TIME);
    }

    /** Stream duration in nanoseconds, asked upstream of flashvsrfilter (the demuxer knows it). */
    long duration() {
        long dur = convertIn.queryDuration(Format.TIME);
        return dur > 0 ? dur : pipeline.queryDuration(Format.TIME);
    }

    /** The input's duration and frame rate as the demuxer and decoder declare them; ask while not closed. */
    DeclaredLength declaredLength() {
        Caps caps = convertIn.getStaticPad("sink").getCurrentCaps();
        Fraction rate = caps == null || caps.size() == 0 || !caps.getStructure(0).hasField("framerate") ? null
                : caps.getStructure(0).getFraction("framerate");
        return rate == null ? new DeclaredLength(duration(), 0, 1)
                : new DeclaredLength(duration(), rate.getNumerator(), rate.getDenominator());
    }

    private static String describeCaps(Caps caps) {
        if (caps == null || caps.size() == 0) {
            return "unknown format";
        }
        Structure s = caps.getStructure(0);
        return s.toString();
    }

    /** Stops the pipeline and releases it; afterwards {@link #endInput()} does nothing. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
        }
        run.close();
    }
}
