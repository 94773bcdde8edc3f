package dev.flashvsr.element.gst;

import com.sun.jna.Pointer;
import dev.flashvsr.element.BackendListing;
import dev.flashvsr.element.FilterSettings;
import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import java.util.Arrays;
import java.util.List;

/**
 * The element's GObject properties: their specs (names, nicks, blurbs, ranges, defaults, as
 * gst-inspect shows them) and how each maps onto {@link FilterSettings} or live counters.
 */
enum ElementProperties {
    SCALE("scale", "Scale", "Upscaling factor of width and height"),
    MODEL("model", "Model", "Built-in model name (" + String.join(", ", Models.builtInNames())
            + ") or path to a model package; empty selects the default, " + Models.DEFAULT),
    BACKEND("backend", "Backend", BackendListing.blurb(BackendListing.present())),
    PRECISION("precision", "Precision", "Arithmetic the model runs in (auto: the best the backend runs well among"
            + " the model's variants); a variant the model lacks fails at start, naming those it has"),
    DEVICE_ID("device-id", "Device ID", "GPU index for GPU backends"),
    TILE_SIZE("tile-size", "Tile size", "Process frames in tiles of this many input pixels square (0 = whole frame,"
            + " or tiles chosen to fit max-memory)"),
    TILE_OVERLAP("tile-overlap", "Tile overlap", "Input pixels shared by neighbouring tiles (automatic tiles share at"
            + " least the model's receptive field)"),
    MAX_MEMORY("max-memory", "Memory budget (MiB)", "Working memory a session may take, in MiB (0 = automatic:"
            + " a quarter of the machine's or cgroup's memory, at most half of what is available); a session that"
            + " would need more is tiled automatically to fit, and when even small tiles do not fit the stream fails"),
    COLOR_FIX("color-fix", "Colour fix", "Diffusion models: how output colours are matched to the input"),
    UPSTREAM_REFERENCE("upstream-reference", "Upstream reference mode",
            "Diffusion models: reproduce upstream FlashVSR's pre/post-processing exactly (PIL bicubic, centre crop"
                    + " to multiples of 128, truncation to 8 bits) for verification"),
    SEED("seed", "Noise seed", "Diffusion models: seed of the latent noise"),
    NOISE_FILE("noise-file", "Noise file",
            "Diffusion models: safetensors file whose 'noise' tensor replaces the generated noise (empty = generate)"),
    ENGINE_CACHE("engine-cache", "Engine cache folder",
            "Where the tensorrt backend keeps the engines it builds (empty = $XDG_CACHE_HOME/flashvsr/engines,"
                    + " else ~/.cache/flashvsr/engines); an unwritable folder means building in memory each start"),
    ENGINE_SIZES("engine-sizes", "Engine input sizes",
            "tensorrt backend: the input frame sizes each engine accepts, MINWxMINH-MAXWxMAXH (e.g."
                    + " 640x360-1920x1080), so caps renegotiated to a size inside need no new engine; empty = an engine"
                    + " for each stream's exact size"),
    CUDA_GRAPHS("cuda-graphs", "CUDA graphs",
            "tensorrt backend: capture each frame's GPU work into CUDA graphs and replay them (less CPU per frame);"
                    + " where capture fails it runs without them and logs a warning"),
    QOS("qos", "QoS", "Skip frames that would reach a synchronised sink too late and post QoS messages"
            + " (applies at once, also while PLAYING)"),
    LATENCY_FRAMES("latency-frames", "Latency in frames", "Input frames the model holds before its first output"),
    PROCESSING_LATENCY("processing-latency", "Processing latency",
            "Processing part of the latency this element reports, in ns: its slowest recent frame plus 25%"),
    FRAMES_PROCESSED("frames-processed", "Frames processed", "Output frames produced since the element last started (READY to PAUSED)"),
    FRAMES_DROPPED("frames-dropped", "Frames dropped",
            "Input frames skipped for QoS (too late for the sink) since the element last started");

    private static final GObjectApi GOBJECT = GObjectApi.LIB;
    private static final int WRITABLE = NativeLayout.PARAM_READWRITE | NativeLayout.PARAM_MUTABLE_READY;

    private final String propertyName;
    private final String nick;
    private final String blurb;

    ElementProperties(String propertyName, String nick, String blurb) {
        this.propertyName = propertyName;
        this.nick = nick;
        this.blurb = blurb;
    }

    /** GObject property ids start at 1. */
    int id() {
        return ordinal() + 1;
    }

    static ElementProperties byId(int id) {
        return values()[id - 1];
    }

    static void installAll(Pointer objectClass) {
        long scaleType = GEnumType.register("GstFlashVsrScale", List.of(
                new GEnumType.Value(2, "2x: twice the width and height", "2"),
                new GEnumType.Value(4, "4x: four times the width and height", "4")));
        long backendType = GEnumType.register("GstFlashVsrBackend", List.of(
                new GEnumType.Value(Backend.AUTO.ordinal(), "Fastest available backend for the model", "auto"),
                new GEnumType.Value(Backend.CPU.ordinal(), "CPU", "cpu"),
                new GEnumType.Value(Backend.TENSORRT.ordinal(), "NVIDIA TensorRT", "tensorrt"),
                new GEnumType.Value(Backend.CUDA.ordinal(), "CUDA kernels on an NVIDIA GPU (bicubic)", "cuda")));
        long precisionType = GEnumType.register("GstFlashVsrPrecision", Arrays.stream(Precision.values())
                .map(p -> new GEnumType.Value(p.ordinal(), describe(p), p.nick())).toList());
        long colorFixType = GEnumType.register("GstFlashVsrColorFix", List.of(
                new GEnumType.Value(DiffusionOptions.ColorFix.ADAIN.ordinal(),
                        "Match each channel's mean and standard deviation (AdaIN)", "adain"),
                new GEnumType.Value(DiffusionOptions.ColorFix.WAVELET.ordinal(),
                        "Take low frequencies from the input (wavelet)", "wavelet"),
                new GEnumType.Value(DiffusionOptions.ColorFix.NONE.ordinal(), "No colour fix", "none")));
        for (ElementProperties property : values()) {
            GOBJECT.g_object_class_install_property(objectClass, property.id(),
                    property.paramSpec(scaleType, backendType, precisionType, colorFixType));
        }
    }

    private static String describe(Precision precision) {
        return switch (precision) {
            case AUTO -> "Best the backend runs well among the model's variants";
            case FP32 -> "32-bit floating point";
            case FP16 -> "16-bit floating point (half)";
            case BF16 -> "bfloat16 (16-bit, float32's range)";
            case INT8 -> "8-bit integers (quantized)";
        };
    }

    private Pointer paramSpec(long scaleType, long backendType, long precisionType, long colorFixType) {
        return switch (this) {
            case SCALE -> GOBJECT.g_param_spec_enum(propertyName, nick, blurb, scaleType,
                    FilterSettings.DEFAULT_SCALE, WRITABLE);
            case MODEL -> GOBJECT.g_param_spec_string(propertyName, nick, blurb, Models.DEFAULT, WRITABLE);
            case BACKEND -> GOBJECT.g_param_spec_enum(propertyName, nick, blurb, backendType,
                    Backend.AUTO.ordinal(), WRITABLE);
            case PRECISION -> GOBJECT.g_param_spec_enum(propertyName, nick, blurb, precisionType,
                    Precision.AUTO.ordinal(), WRITABLE);
            case DEVICE_ID -> GOBJECT.g_param_spec_int(propertyName, nick, blurb, 0, FilterSettings.MAX_DEVICE_ID,
                    0, WRITABLE);
            case TILE_SIZE -> GOBJECT.g_param_spec_int(propertyName, nick, blurb, 0, FilterSettings.MAX_TILE_SIZE,
                    0, WRITABLE);
            case TILE_OVERLAP -> GOBJECT.g_param_spec_int(propertyName, nick, blurb, 0,
                    FilterSettings.MAX_TILE_OVERLAP, 0, WRITABLE);
            case MAX_MEMORY -> GOBJECT.g_param_spec_uint64(propertyName, nick, blurb, 0, FilterSettings.MAX_MEMORY_MIB,
                    0, WRITABLE);
            case COLOR_FIX -> GOBJECT.g_param_spec_enum(propertyName, nick, blurb, colorFixType,
                    DiffusionOptions.DEFAULT.colorFix().ordinal(), WRITABLE);
            case UPSTREAM_REFERENCE -> GOBJECT.g_param_spec_boolean(propertyName, nick, blurb, 0, WRITABLE);
            case CUDA_GRAPHS -> GOBJECT.g_param_spec_boolean(propertyName, nick, blurb, 1, WRITABLE);
            case SEED -> GOBJECT.g_param_spec_uint64(propertyName, nick, blurb, 0, Long.MAX_VALUE, 0, WRITABLE);
            case NOISE_FILE, ENGINE_CACHE, ENGINE_SIZES -> GOBJECT.g_param_spec_string(propertyName, nick, blurb, "", WRITABLE);
            case QOS -> GOBJECT.g_param_spec_boolean(propertyName, nick, blurb, 1,
                    NativeLayout.PARAM_READWRITE | NativeLayout.PARAM_MUTABLE_PLAYING);
            case LATENCY_FRAMES -> GOBJECT.g_param_spec_int(propertyName, nick, blurb, 0, Integer.MAX_VALUE, 0,
                    NativeLayout.PARAM_READABLE);
            case PROCESSING_LATENCY, FRAMES_PROCESSED, FRAMES_DROPPED -> GOBJECT.g_param_spec_uint64(propertyName, nick, blurb, 0,
                    Long.MAX_VALUE, 0, NativeLayout.PARAM_READABLE);
        };
    }

    void set(FlashVsrFilter filter, Pointer value) {
        FilterSettings settings = filter.settings();
        switch (this) {
            case SCALE -> settings.setScale(GOBJECT.g_value_get_enum(value));
            case MODEL -> settings.setModel(GOBJECT.g_value_get_string(value));
            case BACKEND -> settings.setBackend(Backend.values()[GOBJECT.g_value_get_enum(value)]);
            case PRECISION -> settings.setPrecision(Precision.values()[GOBJECT.g_value_get_enum(value)]);
            case DEVICE_ID -> settings.setDeviceId(GOBJECT.g_value_get_int(value));
            case TILE_SIZE -> settings.setTileSize(GOBJECT.g_value_get_int(value));
            case TILE_OVERLAP -> settings.setTileOverlap(GOBJECT.g_value_get_int(value));
            case MAX_MEMORY -> settings.setMaxMemoryMib(GOBJECT.g_value_get_uint64(value));
            case COLOR_FIX -> settings.setColorFix(DiffusionOptions.ColorFix.values()[GOBJECT.g_value_get_enum(value)]);
            case UPSTREAM_REFERENCE -> settings.setUpstreamReference(GOBJECT.g_value_get_boolean(value) != 0);
            case SEED -> settings.setSeed(GOBJECT.g_value_get_uint64(value));
            case NOISE_FILE -> settings.setNoiseFile(GOBJECT.g_value_get_string(value));
            case ENGINE_CACHE -> settings.setEngineCache(GOBJECT.g_value_get_string(value));
            case ENGINE_SIZES -> settings.setEngineSizes(GOBJECT.g_value_get_string(value));
            case CUDA_GRAPHS -> settings.setCudaGraphs(GOBJECT.g_value_get_boolean(value) != 0);
            case QOS -> settings.setQos(GOBJECT.g_value_get_boolean(value) != 0);
            default -> throw new IllegalArgumentException("property '" + propertyName + "' is read-only");
        }
        if (this != QOS) {
            // the others only apply at the next start (their specs say MUTABLE_READY)
            filter.warnIfRunning(propertyName);
        }
    }

    void get(FlashVsrFilter filter, Pointer value) {
        FilterSettings settings = filter.settings();
        switch (this) {
            case SCALE -> GOBJECT.g_value_set_enum(value, settings.scale());
            case MODEL -> GOBJECT.g_value_set_string(value, settings.model());
            case BACKEND -> GOBJECT.g_value_set_enum(value, settings.backend().ordinal());
            case PRECISION -> GOBJECT.g_value_set_enum(value, settings.precision().ordinal());
            case DEVICE_ID -> GOBJECT.g_value_set_int(value, settings.deviceId());
            case TILE_SIZE -> GOBJECT.g_value_set_int(value, settings.tileSize());
            case TILE_OVERLAP -> GOBJECT.g_value_set_int(value, settings.tileOverlap());
            case MAX_MEMORY -> GOBJECT.g_value_set_uint64(value, settings.maxMemoryMib());
            case COLOR_FIX -> GOBJECT.g_value_set_enum(value, settings.colorFix().ordinal());
            case UPSTREAM_REFERENCE -> GOBJECT.g_value_set_boolean(value, settings.upstreamReference() ? 1 : 0);
            case SEED -> GOBJECT.g_value_set_uint64(value, settings.seed());
            case NOISE_FILE -> GOBJECT.g_value_set_string(value, settings.noiseFile());
            case ENGINE_CACHE -> GOBJECT.g_value_set_string(value, settings.engineCache());
            case ENGINE_SIZES -> GOBJECT.g_value_set_string(value, settings.engineSizes());
            case CUDA_GRAPHS -> GOBJECT.g_value_set_boolean(value, settings.cudaGraphs() ? 1 : 0);
            case QOS -> GOBJECT.g_value_set_boolean(value, settings.qos() ? 1 : 0);
            case LATENCY_FRAMES -> GOBJECT.g_value_set_int(value, filter.latencyFrames());
            case PROCESSING_LATENCY -> GOBJECT.g_value_set_uint64(value, filter.processingLatencyNanos());
            case FRAMES_PROCESSED -> GOBJECT.g_value_set_uint64(value, filter.framesProcessed());
            case FRAMES_DROPPED -> GOBJECT.g_value_set_uint64(value, filter.framesDropped());
        }
    }

    String propertyName() {
        return propertyName;
    }
}
