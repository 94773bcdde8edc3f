package dev.flashvsr.element.gst;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.flashvsr.element.Downstream;
import dev.flashvsr.element.FailedOpen;
import dev.flashvsr.element.FilterSettings;
import dev.flashvsr.element.FrameTiming;
import dev.flashvsr.element.LatencyEstimator;
import dev.flashvsr.element.QosTracker;
import dev.flashvsr.element.RunningState;
import dev.flashvsr.element.StartUpProgress;
import dev.flashvsr.element.StreamProcessor;
import dev.flashvsr.element.gst.DebugLog.GstLevel;
import dev.flashvsr.element.gst.ElementMessages.Domain;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink.FrameRenderer;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.memory.MemoryBudget;
import dev.flashvsr.engine.memory.MemoryPlanner;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * One flashvsrfilter instance: the GStreamer side of the element. It translates pad callbacks,
 * events, queries and state changes into calls on a {@link StreamProcessor} and moves buffers
 * between GStreamer memory and the engine. Streaming callbacks run under the sink pad's stream
 * lock; queries and property access may come from any thread.
 */
final class FlashVsrFilter implements Downstream<Pointer> {
    private static final GstApi GST = GstApi.LIB;
    /** Quality field of QoS messages: we never lower quality, we only skip frames. */
    private static final int QOS_QUALITY_FULL = 1_000_000;

    private final Pointer element;
    private final Pointer sinkPad;
    private final Pointer srcPad;
    private final FilterSettings settings = new FilterSettings();
    private final StreamProcessor<Pointer> processor = new StreamProcessor<>(this);
    /** Reused for every buffer: chain and pushFrame run one at a time under the stream lock. */
    private final MappedVideoFrame inputMapping = new MappedVideoFrame();
    private final MappedVideoFrame outputMapping = new MappedVideoFrame();
    private final QosTracker qos = new QosTracker();
    /** The last session that failed to open, so identical caps do not open it again. */
    private final FailedOpen failedOpen = new FailedOpen();
    /** The input segment (copied from the last SEGMENT event): running times for QoS. */
    private final Memory segment = new Memory(NativeLayout.SEGMENT_SIZE);
    private boolean timeSegment;
    /** A skipped frame carried DISCONT: the next processed one takes it over. */
    private boolean discontSkipped;
    /** Whether upstream said it is live, at the last latency query we answered or made. */
    private volatile boolean live;
    /** Upstream's minimum latency when a session last opened on a live stream. */
    private long upstreamLatency;

    /** Built when the element starts, dropped when it stops; null while stopped. */
    private volatile RunningState running;
    private Pointer inputCaps;
    private VideoInfo inputInfo;
    private VideoInfo outputInfo;
    private Pointer outputCaps;
    private OutputBufferPool pool;
    private int lastFlow = NativeLayout.FLOW_OK;
    private volatile long lastInputDuration = -1;

    FlashVsrFilter(Pointer element, Pointer sinkPad, Pointer srcPad) {
        this.element = element;
        this.sinkPad = sinkPad;
        this.srcPad = srcPad;
    }

    FilterSettings settings() {
        return settings;
    }

    boolean isStarted() {
        return running != null;
    }

    long framesProcessed() {
        return processor.framesProcessed();
    }

    long processingLatencyNanos() {
        return latency().processingNanos();
    }

    /** The latency estimator, with a session opening now counted up to this moment. */
    private LatencyEstimator latency() {
        LatencyEstimator latency = processor.latency();
        latency.openingUntil(System.nanoTime());
        return latency;
    }

    long framesDropped() {
        return qos.dropped();
    }

    int latencyFrames() {
        RunningState current = running;
        return processor.isConfigured() ? processor.latencyFrames()
                : current == null ? 0 : current.model().latencyFrames();
    }

    /** The scale in use: fixed while running, the property's value while stopped. */
    private int scale() {
        RunningState current = running;
        return current != null ? current.scale() : settings.scale();
    }

    // ---- State changes ----

    int changeState(int transition, Function parentChangeState) {
        if (transition == NativeLayout.STATE_CHANGE_READY_TO_PAUSED && !start()) {
            return NativeLayout.STATE_CHANGE_FAILURE;
        }
        int result = parentChangeState.invokeInt(new Object[] {element, transition});
        if (transition == NativeLayout.STATE_CHANGE_PAUSED_TO_READY) {
            stop();
        }
        return result;
    }

    private boolean start() {
        try {
            RunningState started = RunningState.start(settings.snapshot());
            processor.resetFramesProcessed();
            qos.restart();
            running = started;
            DebugLog.log(GstLevel.INFO, element, () -> started.describe() + ", Java heap at most "
                    + MemoryEstimate.format(Runtime.getRuntime().maxMemory()));
            return true;
        } catch (EngineException e) {
            ElementMessages.error(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_NOT_FOUND,
                    "flashvsrfilter cannot start: " + e.getMessage(), e.describe());
        } catch (IllegalArgumentException e) {
            ElementMessages.error(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS,
                    "flashvsrfilter cannot start: " + e.getMessage(), "Fix the element's properties");
        }
        return false;
    }

    /** Releases everything a start acquired; also called when the instance is finalized. */
    void stop() {
        processor.stop();
        closePool();
        replaceCaps(null, null);
        inputInfo = null;
        outputInfo = null;
        timeSegment = false;
        discontSkipped = false;
        qos.reset();
        failedOpen.forget();
        RunningState stopped = running;
        running = null;
        if (stopped != null) {
            stopped.close();
        }
        lastInputDuration = -1;
    }

    // ---- Data flow ----

    int chain(Pointer buffer) {
        try {
            if (!processor.isConfigured()) {
                ElementMessages.error(element, Domain.CORE, NativeLayout.CORE_ERROR_NEGOTIATION,
                        "flashvsrfilter received a buffer before caps were negotiated", null);
                return NativeLayout.FLOW_NOT_NEGOTIATED;
            }
            if (StreamingCalls.gst_pad_check_reconfigure(srcPad) && !negotiatePool()) {
                return NativeLayout.FLOW_NOT_NEGOTIATED;
            }
            FrameTiming timing = readTiming(buffer);
            if (timing.duration() >= 0) {
                lastInputDuration = timing.duration();
            }
            if (skippedForQos(timing)) {
                return NativeLayout.FLOW_OK;
            }
            if (discontSkipped) {
                timing = timing.withDiscont();
                discontSkipped = false;
            }
            if (processor.latency().awaitsFirstFrame()) {
                measureStartUpWait(timing);
            }
            boolean accepted;
            VideoFrame input = inputMapping.map(inputInfo, buffer, false);
            if (input == null) {
                ElementMessages.error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FORMAT,
                        "flashvsrfilter: an input buffer is smaller than its caps describe", null);
                return NativeLayout.FLOW_ERROR;
            }
            try {
                lastFlow = NativeLayout.FLOW_OK;
                accepted = processor.push(input, timing);
            } finally {
                inputMapping.unmap();
            }
            long pts = timing.pts();
            DebugLog.log(GstLevel.DEBUG, element, () -> String.format(java.util.Locale.ROOT,
                    "frame pts %d: %.2f ms in the element (conversion and model), %.2f ms pushing downstream",
                    pts, processor.lastProcessingNanos() / 1e6, processor.lastDownstreamNanos() / 1e6));
            postLatencyIfChanged();
            return accepted ? NativeLayout.FLOW_OK : refusedFlow();
        } catch (EngineException e) {
            ElementMessages.error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FAILED,
                    "flashvsrfilter: " + e.getMessage(), e.describe());
            return NativeLayout.FLOW_ERROR;
        } catch (Throwable t) {
            ElementMessages.error(element, "processing a frame failed", t);
            return NativeLayout.FLOW_ERROR;
        } finally {
            StreamingCalls.gst_mini_object_unref(buffer);
        }
    }

    /**
     * With QoS on, skips a frame that downstream would show too late (the buffer is released by
     * the caller) and posts a QoS message saying so.
     */
    private boolean skippedForQos(FrameTiming timing) {
        if (!settings.qos() || !timeSegment || timing.pts() < 0) {
            return false;
        }
        long runningTime = StreamingCalls.gst_segment_to_running_time(segment, NativeLayout.FORMAT_TIME, timing.pts());
        if (!qos.isLate(runningTime)) {
            return false;
        }
        long dropped = qos.recordDrop();
        long lateness = qos.lateness(runningTime);
        discontSkipped |= timing.discont();
        Pointer message = GST.gst_message_new_qos(element, live, runningTime,
                GST.gst_segment_to_stream_time(segment, NativeLayout.FORMAT_TIME, timing.pts()), timing.pts(),
                timing.duration());
        GST.gst_message_set_qos_values(message, lateness, qos.proportion(), QOS_QUALITY_FULL);
        GST.gst_message_set_qos_stats(message, NativeLayout.FORMAT_BUFFERS, processor.framesProcessed(), dropped);
        GST.gst_element_post_message(element, message);
        DebugLog.log(GstLevel.DEBUG, element, () -> "QoS: skipped frame pts " + timing.pts() + ", "
                + lateness / 1000 + " us too late (" + dropped + " skipped so far)");
        return true;
    }

    /** The flow return to give upstream when an output was not accepted. */
    private int refusedFlow() {
        return lastFlow == NativeLayout.FLOW_OK ? NativeLayout.FLOW_FLUSHING : lastFlow;
    }

    @Override
    public boolean pushFrame(FrameRenderer renderer, FrameTiming timing) {
        lastFlow = pool.acquire();
        if (lastFlow != NativeLayout.FLOW_OK) {
            return false;
        }
        Pointer output = pool.lastAcquired();
        try {
            VideoFrame frame = outputMapping.map(outputInfo, output, true);
            if (frame == null) {
                throw new IllegalStateException("cannot map an output buffer from the negotiated pool");
            }
            try {
                renderer.renderInto(frame);
            } finally {
                outputMapping.unmap();
            }
        } catch (RuntimeException | Error e) {
            StreamingCalls.gst_mini_object_unref(output);
            throw e;
        }
        writeTiming(output, timing);
        lastFlow = StreamingCalls.gst_pad_push(srcPad, output);
        return lastFlow == NativeLayout.FLOW_OK;
    }

    private static FrameTiming readTiming(Pointer buffer) {
        int flags = buffer.getInt(NativeLayout.MINI_OBJECT_FLAGS);
        return new FrameTiming(buffer.getLong(NativeLayout.BUFFER_PTS), buffer.getLong(NativeLayout.BUFFER_DTS),
                buffer.getLong(NativeLayout.BUFFER_DURATION), buffer.getLong(NativeLayout.BUFFER_OFFSET),
                buffer.getLong(NativeLayout.BUFFER_OFFSET_END), (flags & NativeLayout.BUFFER_FLAG_DISCONT) != 0);
    }

    private static void writeTiming(Pointer buffer, FrameTiming timing) {
        buffer.setLong(NativeLayout.BUFFER_PTS, timing.pts());
        buffer.setLong(NativeLayout.BUFFER_DTS, timing.dts());
        buffer.setLong(NativeLayout.BUFFER_DURATION, timing.duration());
        buffer.setLong(NativeLayout.BUFFER_OFFSET, timing.offset());
        buffer.setLong(NativeLayout.BUFFER_OFFSET_END, timing.offsetEnd());
        int flags = buffer.getInt(NativeLayout.MINI_OBJECT_FLAGS) & ~NativeLayout.BUFFER_FLAG_DISCONT;
        buffer.setInt(NativeLayout.MINI_OBJECT_FLAGS, timing.discont() ? flags | NativeLayout.BUFFER_FLAG_DISCONT : flags);
    }

    // ---- Events ----

    boolean sinkEvent(Pointer pad, Pointer parent, Pointer event) {
        try {
            int type = event.getInt(NativeLayout.EVENT_TYPE);
            switch (type) {
                case NativeLayout.EVENT_CAPS:
                    PointerByReference caps = new PointerByReference();
                    GST.gst_event_parse_caps(event, caps);
                    boolean configured = setCaps(caps.getValue());
                    StreamingCalls.gst_mini_object_unref(event);
                    return configured;
                case NativeLayout.EVENT_EOS:
                    if (!drainOrReport("draining at end of stream")) {
                        StreamingCalls.gst_mini_object_unref(event);
                        return false;
                    }
                    return GST.gst_pad_push_event(srcPad, event);
                case NativeLayout.EVENT_FLUSH_START:
                    processor.flushStart();
                    return GST.gst_pad_push_event(srcPad, event);
                case NativeLayout.EVENT_FLUSH_STOP:
                    processor.flushStop();
                    qos.reset();
                    discontSkipped = false;
                    return GST.gst_pad_push_event(srcPad, event);
                case NativeLayout.EVENT_SEGMENT:
                    GST.gst_event_copy_segment(event, segment);
                    timeSegment = segment.getInt(NativeLayout.SEGMENT_FORMAT) == NativeLayout.FORMAT_TIME;
                    qos.reset();
                    processor.serializedEvent(event);
                    return true;
                default:
                    if ((type & NativeLayout.EVENT_TYPE_SERIALIZED) != 0) {
                        processor.serializedEvent(event);
                        return true;
                    }
                    return GST.gst_pad_event_default(pad, parent, event);
            }
        } catch (Throwable t) {
            ElementMessages.error(element, "handling an event failed", t);
            return false;
        }
    }

    /** Source pad events (from downstream): QoS updates our view of lateness, all go upstream. */
    boolean srcEvent(Pointer pad, Pointer parent, Pointer event) {
        try {
            if (event.getInt(NativeLayout.EVENT_TYPE) == NativeLayout.EVENT_QOS) {
                DoubleByReference proportion = new DoubleByReference();
                LongByReference jitter = new LongByReference();
                LongByReference timestamp = new LongByReference();
                GST.gst_event_parse_qos(event, new IntByReference(), proportion, jitter, timestamp);
                qos.observe(proportion.getValue(), jitter.getValue(), timestamp.getValue(), frameDurationNanos());
            }
            return GST.gst_pad_event_default(pad, parent, event);
        } catch (Throwable t) {
            ElementMessages.error(element, "handling an upstream event failed", t);
            return false;
        }
    }

    @Override
    public void pushEvent(Pointer event) {
        GST.gst_pad_push_event(srcPad, event);
    }

    @Override
    public void discardEvent(Pointer event) {
        StreamingCalls.gst_mini_object_unref(event);
    }

    @Override
    public void warning(String message) {
        ElementMessages.warning(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FAILED, "flashvsrfilter: " + message,
                null);
    }

    private boolean drainOrReport(String context) {
        try {
            processor.drain();
            return true;
        } catch (EngineException e) {
            ElementMessages.error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FAILED,
                    "flashvsrfilter: " + context + " failed: " + e.getMessage(), e.describe());
            return false;
        }
    }

    /** New input caps: drain the old stream, open a session for the new one, negotiate output. */
    private boolean setCaps(Pointer caps) throws EngineException {
        if (inputCaps != null && GST.gst_caps_is_equal(caps, inputCaps)) {
            return true;
        }
        RunningState current = running;
        if (current == null) {
            return false;
        }
        VideoInfo info = VideoInfo.fromCaps(caps);
        if (info == null) {
            ElementMessages.error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FORMAT,
                    "flashvsrfilter cannot process caps " + capsToString(caps), null);
            return false;
        }
        if (!drainOrReport("draining before a caps change")) {
            return false;
        }
        int previousLatency = processor.latencyFrames();
        StreamSpec spec = new StreamSpec(info.format, info.width(), info.height(), current.scale(), info.colorimetry());
        long opening = System.nanoTime();
        boolean liveStream = upstreamIsLive();
        if (liveStream) {
            // Latency queries answered while it opens count the time it has taken so far.
            processor.latency().openingSince(opening);
        }
        StreamingSession session = openSession(current, spec);
        if (session == null) {
            processor.latency().openFailed();
            return false;
        }
        processor.replaceSession(session);
        DebugLog.log(GstLevel.INFO, element, () -> "input " + capsToString(caps) + ": session " + spec);
        if (liveStream) {
            // Measured now, the first frames are not shown late for want of a processing estimate.
            processor.warmUp(opening, info.frameDurationNanos());
        }
        Pointer sourceCaps = CapsScaler.toSource(caps, current.scale());
        VideoInfo sourceInfo = VideoInfo.fromCaps(sourceCaps);
        replaceCaps(GST.gst_caps_copy(caps), sourceCaps);
        inputInfo = info;
        outputInfo = sourceInfo;
        if (!GST.gst_pad_push_event(srcPad, GST.gst_event_new_caps(sourceCaps))) {
            ElementMessages.warning(element, Domain.CORE, NativeLayout.CORE_ERROR_NEGOTIATION,
                    "flashvsrfilter: downstream refused " + capsToString(sourceCaps),
                    "The output is always the input scaled by " + current.scale() + " in both directions");
            return false;
        }
        if (!negotiatePool()) {
            return false;
        }
        DebugLog.log(GstLevel.INFO, element, () -> "output " + capsToString(sourceCaps));
        if (processor.latencyFrames() != previousLatency) {
            GST.gst_element_post_message(element, GST.gst_message_new_latency(element));
        } else {
            postLatencyIfChanged();
        }
        return true;
    }

    /**
     * Opens the model's session for a stream within the memory budget ({@link MemoryPlanner}): the
     * estimate is logged at DEBUG, tiles chosen to fit at INFO and on the bus, a tile-size over the
     * automatic budget as a warning, the steps of a long opening as {@link StartUpMessages}. A
     * session that cannot fit or that fails to open is an element error; returns null then. A
     * failure is remembered: the same stream again with the same model and options gets the same
     * error at once.
     */
    private StreamingSession openSession(RunningState current, StreamSpec spec) {
        Model model = current.model();
        SessionOptions options = current.options();
        Optional<FailedOpen.Failure> known = failedOpen.recall(model, spec, options);
        if (known.isPresent()) {
            DebugLog.log(GstLevel.INFO, element, () -> "not opening " + spec + " again: it failed with the same"
                    + " model and settings");
            postOpenFailure(known.get());
            return null;
        }
        FailedOpen.Failure failure;
        try {
            long mebibytes = current.settings().maxMemoryMib();
            MemoryPlanner.Plan plan = MemoryPlanner.plan(model, spec, options,
                    () -> MemoryBudget.forSetting(mebibytes));
            String text = "flashvsrfilter: " + plan.message();
            switch (plan.outcome()) {
                case TILED_TO_FIT -> {
                    DebugLog.log(GstLevel.INFO, element, () -> text);
                    // gst-launch-1.0 prints only the debug text of INFO messages
                    ElementMessages.info(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS, text, text);
                }
                case OVER_BUDGET -> {
                    DebugLog.log(GstLevel.WARNING, element, () -> text);
                    ElementMessages.warning(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS, text,
                            null);
                }
                case FITS, NO_ESTIMATE -> DebugLog.log(GstLevel.DEBUG, element, () -> text);
            }
            StartUpProgress progress = new StartUpProgress(model.name(), spec.width(), spec.height(),
                    System::nanoTime, this::announceStartUp, this::warnWhileOpening);
            StreamingSession session = model.open(spec, plan.options(), progress);
            progress.finish();
            return session;
        } catch (EngineException e) {
            failure = new FailedOpen.Failure(cannotProcess(spec) + e.getMessage(), e.describe());
        } catch (RuntimeException | OutOfMemoryError e) {
            // Remembered too: an opening that ran out of memory would run out again.
            failure = new FailedOpen.Failure(cannotProcess(spec) + "opening the session failed: " + e,
                    ElementMessages.stackText(e));
        }
        failedOpen.remember(model, spec, options, failure);
        postOpenFailure(failure);
        return null;
    }

    private static String cannotProcess(StreamSpec spec) {
        return "flashvsrfilter cannot process " + spec.width() + "x" + spec.height() + " frames: ";
    }

    private void postOpenFailure(FailedOpen.Failure failure) {
        ElementMessages.error(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS, failure.text(),
                failure.debug());
    }

    /** A step of a long opening: on the bus and in the log, and in a live stream's latency. */
    private void announceStartUp(StartUpProgress.Update update) {
        StartUpMessages.post(element, update);
        if (!update.done()) {
            postLatencyIfChanged();
        }
    }

    /** What the model says while opening that users should know (a damaged cache rebuilt): a bus warning. */
    private void warnWhileOpening(String message) {
        String text = "flashvsrfilter: " + message;
        DebugLog.log(GstLevel.WARNING, element, () -> text);
        ElementMessages.warning(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS, text, null);
    }

    private boolean negotiatePool() {
        closePool();
        pool = OutputBufferPool.negotiate(srcPad, outputCaps, outputInfo);
        if (pool == null) {
            ElementMessages.error(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS,
                    "flashvsrfilter could not set up an output buffer pool for " + capsToString(outputCaps), null);
            return false;
        }
        return true;
    }

    private void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    private void replaceCaps(Pointer input, Pointer output) {
        if (inputCaps != null) {
            GST.gst_caps_unref(inputCaps);
        }
        if (outputCaps != null) {
            GST.gst_caps_unref(outputCaps);
        }
        inputCaps = input;
        outputCaps = output;
    }

    static String capsToString(Pointer caps) {
        Pointer text = GST.gst_caps_to_string(caps);
        try {
            return text.getString(0);
        } finally {
            GObjectApi.LIB.g_free(text);
        }
    }

    // ---- Queries ----

    boolean sinkQuery(Pointer pad, Pointer parent, Pointer query) {
        try {
            switch (query.getInt(NativeLayout.QUERY_TYPE)) {
                case NativeLayout.QUERY_CAPS:
                    return answerCaps(query, sinkPad, srcPad, CapsScaler::toSink);
                case NativeLayout.QUERY_ALLOCATION:
                    // Our input may be padded or have offset planes: we read GstVideoMeta.
                    GST.gst_query_add_allocation_meta(query, GstVideoApi.LIB.gst_video_meta_api_get_type(), null);
                    return true;
                default:
                    return GST.gst_pad_query_default(pad, parent, query);
            }
        } catch (Throwable t) {
            ElementMessages.error(element, "answering a query failed", t);
            return false;
        }
    }

    boolean srcQuery(Pointer pad, Pointer parent, Pointer query) {
        try {
            switch (query.getInt(NativeLayout.QUERY_TYPE)) {
                case NativeLayout.QUERY_CAPS:
                    return answerCaps(query, srcPad, sinkPad, CapsScaler::toSource);
                case NativeLayout.QUERY_LATENCY:
                    return answerLatency(query);
                default:
                    return GST.gst_pad_query_default(pad, parent, query);
            }
        } catch (Throwable t) {
            ElementMessages.error(element, "answering a query failed", t);
            return false;
        }
    }

    /** Caps this pad can take: the other side's peer caps mapped across, within our template. */
    private boolean answerCaps(Pointer query, Pointer pad, Pointer otherPad,
            BiFunction<Pointer, Integer, Pointer> mapAcross) {
        PointerByReference filterRef = new PointerByReference();
        GST.gst_query_parse_caps(query, filterRef);
        Pointer filter = filterRef.getValue();
        Pointer peer = GST.gst_pad_peer_query_caps(otherPad, null);
        Pointer mapped = mapAcross.apply(peer, scale());
        GST.gst_caps_unref(peer);
        Pointer template = GST.gst_pad_get_pad_template_caps(pad);
        Pointer result = GST.gst_caps_intersect_full(mapped, template, NativeLayout.CAPS_INTERSECT_FIRST);
        GST.gst_caps_unref(mapped);
        GST.gst_caps_unref(template);
        if (filter != null) {
            Pointer filtered = GST.gst_caps_intersect_full(filter, result, NativeLayout.CAPS_INTERSECT_FIRST);
            GST.gst_caps_unref(result);
            result = filtered;
        }
        GST.gst_query_set_caps_result(query, result);
        GST.gst_caps_unref(result);
        return true;
    }

    private boolean answerLatency(Pointer query) {
        if (!GST.gst_pad_peer_query(sinkPad, query)) {
            return false;
        }
        IntByReference live = new IntByReference();
        LongByReference min = new LongByReference();
        LongByReference max = new LongByReference();
        GST.gst_query_parse_latency(query, live, min, max);
        this.live = live.getValue() != 0;
        long ours = processor.latency().answer(currentLatencyNanos());
        long newMax = max.getValue() == NativeLayout.CLOCK_TIME_NONE ? max.getValue() : max.getValue() + ours;
        GST.gst_query_set_latency(query, this.live, min.getValue() + ours, newMax);
        DebugLog.log(GstLevel.DEBUG, element, () -> "latency query: upstream " + min.getValue() + " ns, ours " + ours
                + " ns (" + latencyFrames() + " frames held + " + processor.latency().processingNanos()
                + " ns processing), live " + this.live);
        return true;
    }

    /** Asks upstream whether it is live (a camera, a network stream) rather than waiting for a latency query. */
    private boolean upstreamIsLive() {
        Pointer query = GST.gst_query_new_latency();
        try {
            if (!GST.gst_pad_peer_query(sinkPad, query)) {
                return live;
            }
            IntByReference isLive = new IntByReference();
            LongByReference min = new LongByReference();
            GST.gst_query_parse_latency(query, isLive, min, new LongByReference());
            live = isLive.getValue() != 0;
            upstreamLatency = min.getValue();
            return live;
        } finally {
            StreamingCalls.gst_mini_object_unref(query);
        }
    }

    /**
     * How long the first frame after a live session's opening waited for it: how late it arrived
     * against the clock, beyond upstream's own latency. Without a clock or a time segment the
     * whole opening counts.
     */
    private void measureStartUpWait(FrameTiming timing) {
        long now = runningTimeNow();
        long runningTime = timeSegment && timing.pts() >= 0
                ? StreamingCalls.gst_segment_to_running_time(segment, NativeLayout.FORMAT_TIME, timing.pts())
                : NativeLayout.CLOCK_TIME_NONE;
        if (now == NativeLayout.CLOCK_TIME_NONE || runningTime == NativeLayout.CLOCK_TIME_NONE) {
            return;
        }
        long waited = now - runningTime - upstreamLatency;
        processor.latency().firstFrameWaited(waited);
        DebugLog.log(GstLevel.DEBUG, element, () -> "first frame after the session opened: arrived "
                + (now - runningTime) + " ns after its running time, " + waited + " ns beyond upstream's latency");
    }

    /** The pipeline's running time now; CLOCK_TIME_NONE without a clock. */
    private long runningTimeNow() {
        Pointer clock = GST.gst_element_get_clock(element);
        if (clock == null) {
            return NativeLayout.CLOCK_TIME_NONE;
        }
        try {
            return GST.gst_clock_get_time(clock) - GST.gst_element_get_base_time(element);
        } finally {
            GST.gst_object_unref(clock);
        }
    }

    private long frameDurationNanos() {
        VideoInfo info = inputInfo;
        long frameDuration = info == null ? -1 : info.frameDurationNanos();
        return frameDuration < 0 ? lastInputDuration : frameDuration;
    }

    private long currentLatencyNanos() {
        return latency().latencyNanos(latencyFrames(), frameDurationNanos());
    }

    private void postLatencyIfChanged() {
        long current = currentLatencyNanos();
        if (processor.latency().advance(current, frameDurationNanos(), System.nanoTime())) {
            DebugLog.log(GstLevel.DEBUG, element, () -> "latency changed from " + processor.latency().reportedNanos()
                    + " ns towards " + current + " ns: posting LATENCY");
            GST.gst_element_post_message(element, GST.gst_message_new_latency(element));
        }
    }

    /** Property changes that only apply at the next start get a warning while running. */
    void warnIfRunning(String property) {
        if (isStarted()) {
            ElementMessages.warning(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_SETTINGS,
                    "flashvsrfilter: '" + property + "' changes take effect after the element returns to READY",
                    null);
        }
    }
}
