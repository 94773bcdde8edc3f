package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

class TrtRuntimesTest {
    @Test
    void withoutTensorRtTheReasonNamesLibnvinferAndHowToInstallIt() {
        TrtRuntimes.Availability availability = TrtRuntimes.probe();
        assumeFalse(availability.usable(), "TensorRT is installed here: " + availability);
        assertTrue(availability.reason().contains("libnvinfer.so.10"), availability.reason());
        assertTrue(availability.reason().contains("libnvinfer10 libnvonnxparsers10"), availability.reason());
        assertTrue(availability.reason().contains("JetPack 7"), availability.reason());
        assertSame(availability, TrtRuntimes.probe(), "probed once");
    }

    @Test
    void aMissingParserIsNamed() {
        TrtRuntimes.Availability availability = TrtRuntimes.probe(() -> {
            throw new UnsatisfiedLinkError("libnvonnxparser.so.10: cannot open shared object file");
        });
        assertFalse(availability.usable());
        assertTrue(availability.reason().startsWith("TensorRT's ONNX parser libnvonnxparser.so.10 is not installed"),
                availability.reason());
    }

    @Test
    void aLoadedRuntimeIsUsable() {
        TrtRuntime runtime = new OrtTrtRuntime();
        TrtRuntimes.Availability availability = TrtRuntimes.probe(() -> runtime);
        assertTrue(availability.usable());
        assertSame(runtime, availability.runtime());
    }

    @Test
    void versionsDecodeTensorRt10Numbers() {
        assertEquals("10.15.1", JavaCppTrtRuntime.versionString(101501));
        assertEquals("10.3.0", JavaCppTrtRuntime.versionString(100300));
    }

    @Test
    void aProbeWithNoRuntimeOrBothIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrtRuntimes.Availability(null, null));
    }
}
