package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.LoggingTrtLog;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog.Severity;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorRT's logger reaches Java logging under {@code dev.flashvsr} (which the element routes to
 * the {@code flashvsr} GStreamer debug category) at the mapped level, from the provider's builds.
 */
class TrtLogRoutingTest {
    private final Logger logger = Logger.getLogger(LoggingTrtLog.LOGGER);
    private LoggedRecords logged;
    private List<LogRecord> records;
    private Level levelBefore;

    @TempDir
    Path cacheFolder;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.ALL);
        logged = new LoggedRecords(LoggingTrtLog.LOGGER);
        records = logged.records();
    }

    @AfterEach
    void release() {
        logged.close();
        logger.setLevel(levelBefore);
    }

    @Test
    void severitiesMapOntoJavaLevels() {
        LoggingTrtLog log = new LoggingTrtLog();
        log.log(Severity.ERROR, "e");
        log.log(Severity.WARNING, "w");
        log.log(Severity.INFO, "i");
        log.log(Severity.VERBOSE, "v {0} stays as written");
        assertEquals(List.of(Level.SEVERE, Level.WARNING, Level.INFO, Level.FINE),
                records.stream().map(LogRecord::getLevel).toList());
        assertEquals("v {0} stays as written", records.get(3).getMessage());
        assertEquals(LoggingTrtLog.LOGGER, records.get(0).getLoggerName());
    }

    @Test
    void theProvidersEngineBuildLogsThere() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        TensorRtProvider provider = new TensorRtProvider(cuda::availability,
                () -> new TrtRuntimes.Availability(new OrtTrtRuntime(), null), () -> new EngineCache(cacheFolder),
                new LoggingTrtLog());
        try (Model model = provider.load(Models.definition(Models.VSR_SMALL_FAST), Precision.FP32, 0);
                StreamingSession session = model.open(new StreamSpec(PixelFormat.RGB, 24, 16, 2),
                        new SessionOptions(Backend.TENSORRT, 0, 0, 0))) {
            assertEquals(1, session.latencyFrames());
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.INFO
                && r.getMessage().startsWith("built an ORT test engine from")), records.toString());
    }
}
