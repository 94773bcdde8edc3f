package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendListingTest {
    private static final BackendListing.Entry CPU = new BackendListing.Entry("cpu", "ONNX Runtime on the CPU", true,
            "", List.of(Precision.FP32, Precision.INT8));
    private static final BackendListing.Entry GPU = new BackendListing.Entry("tensorrt", "NVIDIA TensorRT", false,
            "no NVIDIA driver", List.of(Precision.FP16));

    @Test
    void theBlurbListsEachBackendAndWhyOneCannotRun() {
        String blurb = BackendListing.blurb(List.of(CPU, GPU));
        assertTrue(blurb.startsWith("Where the model runs"), blurb);
        assertTrue(blurb.endsWith("Present: cpu = ONNX Runtime on the CPU; tensorrt = NVIDIA TensorRT"
                + " (not usable: no NVIDIA driver)"), blurb);
    }

    @Test
    void noBackendSaysNone() {
        assertTrue(BackendListing.blurb(List.of()).endsWith("Present: none"));
    }

    @Test
    void precisionsAreListedAsNicks() {
        assertEquals("fp32, int8", CPU.precisionNicks());
    }

    @Test
    void aReasonIsGivenExactlyWhenABackendIsNotUsable() {
        assertThrows(IllegalArgumentException.class,
                () -> new BackendListing.Entry("cpu", "CPU", true, "broken", List.of(Precision.FP32)));
        assertThrows(IllegalArgumentException.class,
                () -> new BackendListing.Entry("cpu", "CPU", false, "", List.of(Precision.FP32)));
    }

    @Test
    void theBuildsBackendsAreTheEngineBackendsButAuto() {
        List<BackendListing.Entry> present = BackendListing.present();
        assertEquals(List.of("tensorrt", "cuda", "cpu"), present.stream().map(BackendListing.Entry::nick).toList(),
                "providers best-ranked first");
        assertTrue(present.get(2).usable(), "the CPU backend runs everywhere");
    }
}
