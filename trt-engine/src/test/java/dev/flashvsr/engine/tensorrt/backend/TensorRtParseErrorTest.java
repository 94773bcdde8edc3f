package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.BuildSettings;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graph TensorRT's parser rejects fails the stream's start with the parser's and the static check's words. */
class TensorRtParseErrorTest {
    @TempDir
    Path cacheFolder;

    /** A TensorRT whose parser rejects every graph. */
    private static final class RejectingRuntime implements TrtRuntime {
        @Override
        public String version() {
            return "10.15.1";
        }

        @Override
        public void buildEngine(Path onnxGraph, BuildSettings settings, WritableByteChannel plan, TrtLog log)
                throws TrtException {
            throw new TrtException(TrtException.Kind.PARSE, "TensorRT's ONNX parser rejects "
                    + onnxGraph.getFileName() + ": In node 3 (importConv): UNSUPPORTED_NODE", "Report a bug");
        }

        @Override
        public TrtEngine deserialize(EnginePlan plan, TrtLog log) {
            throw new AssertionError("nothing was built");
        }
    }

    @Test
    void theStartFailsWithTheParsersMessageAndTheCheckOfTheGraph() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        TensorRtProvider provider = new TensorRtProvider(cuda::availability,
                () -> new TrtRuntimes.Availability(new RejectingRuntime(), null), () -> new EngineCache(cacheFolder),
                TrtLog.NONE);
        try (Model model = provider.load(Models.definition(Models.VSR_SMALL), Precision.FP32, 0)) {
            TrtException e = assertThrows(TrtException.class, () -> model.open(
                    new StreamSpec(PixelFormat.NV12, 32, 16, 2), new SessionOptions(Backend.TENSORRT, 0, 0, 0)));
            assertEquals(TrtException.Kind.PARSE, e.kind());
            assertTrue(e.getMessage().contains("UNSUPPORTED_NODE")
                    && e.getMessage().contains("flashvsr trt-check finds no error in x2.onnx"), e.getMessage());
        }
        try (Stream<Path> files = Files.list(cacheFolder)) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".engine")).count(), "a failed build leaves no engine");
        }
        assertEquals("", cuda.live(), "nothing left on the GPU");
    }
}
