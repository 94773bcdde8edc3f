package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog.Severity;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;

/**
 * {@link TrtRuntime} on TensorRT itself through the JavaCPP presets. Loading the class loads
 * libnvinfer.so.10 and libnvonnxparser.so.10; use {@link TrtRuntimes#probe()} to get it with a
 * clear reason when they are missing.
 */
public final class JavaCppTrtRuntime implements TrtRuntime {
    static final String GRAPH_REMEDY = "run `flashvsr trt-check` on the package to see which operators TensorRT"
            + " cannot take, or use backend=cpu";
    static final String BUILD_REMEDY = "see TensorRT's messages above; a smaller size, shape range or workspace may"
            + " help, or use backend=cpu";
    static final String MEMORY_REMEDY = "free GPU memory (other pipelines, other processes in nvidia-smi) or use a"
            + " smaller size or shape range";
    static final String REBUILD_REMEDY = "delete the engine from the engine cache so it is rebuilt for this TensorRT"
            + " and GPU";

    private final String version;

    private JavaCppTrtRuntime(String version) {
        this.version = version;
    }

    /** Loads TensorRT's libraries; a missing library surfaces as a {@link LinkageError}. */
    static JavaCppTrtRuntime load() {
        // TensorRT's own libraries first: the presets load CUDA's before TensorRT's, so on a machine without
        // either the error would name only CUDA
        Loader.loadGlobal("libnvinfer.so.10");
        Loader.loadGlobal("libnvonnxparser.so.10");
        Loader.load(nvinfer.class);
        Loader.load(nvonnxparser.class);
        return new JavaCppTrtRuntime(versionString(nvinfer.getInferLibVersion()));
    }

    /** TensorRT 10 encodes its version as major * 10000 + minor * 100 + patch. */
    static String versionString(int encoded) {
        return encoded / 10000 + "." + encoded / 100 % 100 + "." + encoded % 100;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void buildEngine(Path onnxGraph, BuildSettings settings, WritableByteChannel plan, TrtLog log)
            throws TrtException, IOException {
        TrtMessages messages = new TrtMessages(log);
        ForwardingLogger logger = new ForwardingLogger(messages);
        // this build's TensorRT objects, newest first: freed in that order whatever happens
        Deque<Pointer> made = new ArrayDeque<>();
        try {
            IHostMemory built = build(onnxGraph, settings, log, messages, logger, made);
            EnginePlan.write(built.size(), windows(built.data(), built.size()), plan);
        } finally {
            made.forEach(TrtObjects::delete);
            // TensorRT calls the logger until the builder is deleted; JavaCPP frees it once unreachable
            Reference.reachabilityFence(logger);
        }
    }

    private static IHostMemory build(Path onnxGraph, BuildSettings settings, TrtLog log, TrtMessages messages,
            ForwardingLogger logger, Deque<Pointer> made) throws TrtException {
        IBuilder builder = own(made, nvinfer.createInferBuilder(logger));
        if (builder == null || builder.isNull()) {
            throw new TrtException(Kind.BUILD, messages.describe("TensorRT could not create a builder"),
                    "check that the NVIDIA driver and GPU work (nvidia-smi)");
        }
        // strongly typed: every layer's precision comes from the graph (the fp16/int8 variants)
        INetworkDefinition network = own(made,
                builder.createNetworkV2(1 << nvinfer.NetworkDefinitionCreationFlag.kSTRONGLY_TYPED.value));
        // not freed: IParser is no INoCopy, so TrtObjects cannot find its destructor (one per build)
        IParser parser = nvonnxparser.createParser(network, logger);
        if (!parser.parseFromFile(onnxGraph.toString(), ILogger.Severity.kWARNING.value)) {
            for (int i = 0; i < parser.getNbErrors(); i++) {
                messages.error(parserError(parser.getError(i)));
            }
            throw new TrtException(Kind.PARSE,
                    messages.describe("TensorRT cannot parse the graph " + onnxGraph.getFileName()), GRAPH_REMEDY);
        }
        IBuilderConfig config = own(made, builder.createBuilderConfig());
        config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, settings.workspaceBytes());
        config.addOptimizationProfile(profile(builder, settings, messages));
        if (settings.weightStreaming()) {
            // allowed because the network is strongly typed; the budget is chosen after loading
            config.setFlag(nvinfer.BuilderFlag.kWEIGHT_STREAMING);
        }
        ITimingCache timingCache = own(made, loadTimingCache(config, settings, log));
        IHostMemory plan = own(made, builder.buildSerializedNetwork(network, config));
        if (plan == null || plan.isNull()) {
            String what = "TensorRT could not build an engine from " + onnxGraph.getFileName();
            if (messages.outOfMemory()) {
                throw new TrtException(Kind.OUT_OF_MEMORY, messages.describe(what), MEMORY_REMEDY);
            }
            throw new TrtException(Kind.BUILD, messages.describe(what), BUILD_REMEDY);
        }
        settings.timingCache().ifPresent(file -> saveTimingCache(timingCache, file, log));
        return plan;
    }

    /** Records {@code object} (when TensorRT made one) for freeing at the end of the build. */
    private static <P extends Pointer> P own(Deque<Pointer> made, P object) {
        if (object != null && !object.isNull()) {
            made.push(object);
        }
        return object;
    }

    private static IOptimizationProfile profile(IBuilder builder, BuildSettings settings, TrtMessages messages)
            throws TrtException {
        IOptimizationProfile profile = builder.createOptimizationProfile();
        for (Map.Entry<String, ShapeRange> input : settings.shapes().entrySet()) {
            String name = input.getKey();
            ShapeRange range = input.getValue();
            boolean set = profile.setDimensions(name, nvinfer.OptProfileSelector.kMIN, Shapes.dims(range.min()))
                    && profile.setDimensions(name, nvinfer.OptProfileSelector.kOPT, Shapes.dims(range.opt()))
                    && profile.setDimensions(name, nvinfer.OptProfileSelector.kMAX, Shapes.dims(range.max()));
            if (!set) {
                throw new TrtException(Kind.BUILD, messages.describe("TensorRT refused the shape range of input "
                        + input.getKey() + " (" + range + ")"), "give min <= opt <= max with the input's rank");
            }
        }
        return profile;
    }

    /** The timing cache from the settings' file when it exists and is readable, otherwise an empty one. */
    private static ITimingCache loadTimingCache(IBuilderConfig config, BuildSettings settings, TrtLog log) {
        byte[] saved = new byte[0];
        Path file = settings.timingCache().orElse(null);
        if (file != null && Files.isReadable(file)) {
            try {
                saved = Files.readAllBytes(file);
            } catch (IOException e) {
                log.log(Severity.WARNING, "cannot read the timing cache " + file + " (" + e.getMessage()
                        + "); timing from scratch");
            }
        }
        if (saved.length > 0) {
            ITimingCache cache;
            try (BytePointer bytes = new BytePointer(saved)) {
                cache = config.createTimingCache(bytes, saved.length);
            }
            if (cache != null && !cache.isNull() && config.setTimingCache(cache, false)) {
                return cache;
            }
            TrtObjects.delete(cache);
            // from another TensorRT version or GPU, or corrupt: time from scratch; the save replaces it
            log.log(Severity.WARNING, "the timing cache " + file + " does not fit this TensorRT and GPU; timing"
                    + " from scratch");
        }
        ITimingCache empty = config.createTimingCache(new BytePointer(0), 0);
        config.setTimingCache(empty, false);
        return empty;
    }

    /** Writes the timing cache atomically (temporary file, then rename), so a concurrent build never reads half. */
    private static void saveTimingCache(ITimingCache cache, Path file, TrtLog log) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
            Files.write(temporary, bytes(cache.serialize()));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the engine is built; a lost timing cache only makes the next build slower
            log.log(Severity.WARNING, "cannot write the timing cache " + file + ": " + e.getMessage());
            deleteQuietly(temporary);
        }
    }

    private static void deleteQuietly(Path temporary) {
        try {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            // a stray temporary file in the cache folder is harmless
        }
    }

    private static String parserError(IParserError error) {
        String node = error.nodeName() == null || error.nodeName().isEmpty() ? "" : " at node " + error.nodeName()
                + " (" + error.nodeOperator() + ")";
        return "ONNX parser: " + error.desc() + node;
    }

    /** The timing cache is small (kilobytes to a few megabytes), so one array holds it. */
    private static byte[] bytes(IHostMemory memory) {
        byte[] bytes = new byte[Math.toIntExact(memory.size())];
        new BytePointer(memory.data()).capacity(memory.size()).get(bytes);
        return bytes;
    }

    /** Windows onto the {@code size} bytes of native memory at {@code data}, without copying them. */
    private static EnginePlan.Windows windows(Pointer data, long size) {
        BytePointer bytes = new BytePointer(data).capacity(size);
        return (position, count) -> bytes.position(position).limit(position + count).asByteBuffer();
    }

    @Override
    public TrtEngine deserialize(EnginePlan plan, TrtLog log) throws TrtException, IOException {
        TrtMessages messages = new TrtMessages(log);
        ForwardingLogger logger = new ForwardingLogger(messages);
        IRuntime runtime = nvinfer.createInferRuntime(logger);
        if (runtime == null || runtime.isNull()) {
            throw new TrtException(Kind.RUNTIME, messages.describe("TensorRT could not create a runtime"),
                    "check that the NVIDIA driver and GPU work (nvidia-smi)");
        }
        // plain malloc, not new BytePointer(size): JavaCPP caps its own allocations near the Java heap's maximum,
        // which a FlashVSR DiT plan (2.6 GB) may pass
        Pointer bytes = Pointer.malloc(plan.length());
        if (bytes == null || bytes.isNull()) {
            TrtObjects.delete(runtime);
            throw new TrtException(Kind.OUT_OF_MEMORY, "cannot allocate " + plan.length() + " bytes of host memory to"
                    + " load the " + plan, "free host memory (other pipelines, other processes)");
        }
        ICudaEngine engine;
        try {
            plan.readInto(windows(bytes, plan.length()));
            engine = runtime.deserializeCudaEngine(bytes, plan.length());
        } catch (IOException | RuntimeException | Error e) {
            TrtObjects.delete(runtime);
            throw e;
        } finally {
            // TensorRT copies what it needs: the plan's native copy can go at once
            Pointer.free(bytes);
        }
        if (engine == null || engine.isNull()) {
            TrtObjects.delete(runtime);
            String what = "TensorRT " + version + " cannot load this engine (built by another TensorRT version or for"
                    + " another GPU, or corrupt)";
            if (messages.outOfMemory()) {
                throw new TrtException(Kind.OUT_OF_MEMORY, messages.describe(what), MEMORY_REMEDY);
            }
            throw new TrtException(Kind.INCOMPATIBLE, messages.describe(what), REBUILD_REMEDY);
        }
        return new JavaCppTrtEngine(runtime, engine, logger, messages);
    }

    /** Sends TensorRT's logger calls to a {@link TrtMessages}; INTERNAL_ERROR counts as an error. */
    static final class ForwardingLogger extends ILogger {
        private final TrtMessages messages;

        ForwardingLogger(TrtMessages messages) {
            this.messages = messages;
        }

        @Override
        public void log(ILogger.Severity severity, String message) {
            messages.log(severity(severity), message);
        }

        // TrtLog.Severity spelled out: inside an ILogger subclass, Severity means ILogger.Severity
        private static TrtLog.Severity severity(ILogger.Severity severity) {
            return switch (severity) {
                case kINTERNAL_ERROR, kERROR -> TrtLog.Severity.ERROR;
                case kWARNING -> TrtLog.Severity.WARNING;
                case kINFO -> TrtLog.Severity.INFO;
                default -> TrtLog.Severity.VERBOSE;
            };
        }
    }
}
