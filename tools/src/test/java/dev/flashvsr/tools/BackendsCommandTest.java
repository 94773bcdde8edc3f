package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.BackendListing;
import dev.flashvsr.engine.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsCommandTest {

    @Test
    void listsEachBackendPresentOnOneLine() {
        CliTestSupport.Result r = CliTestSupport.run("backends");
        assertEquals(0, r.code(), r::toString);
        List<BackendListing.Entry> present = BackendListing.present();
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(present.size(), lines.size(), r::toString);
        for (int i = 0; i < lines.size(); i++) {
            BackendListing.Entry backend = present.get(i);
            assertTrue(lines.get(i).startsWith(backend.nick() + " "), r::toString);
            assertEquals(!backend.precisions().isEmpty(), lines.get(i).contains("precisions " + backend.precisionNicks()),
                    r::toString);
        }
        assertTrue(lines.stream().anyMatch(line -> line.matches("cpu\\s+usable; precisions fp32.*")),
                "the CPU backend runs everywhere:\n" + r);
    }

    @Test
    void aLineSaysWhyABackendCannotRun() {
        BackendListing.Entry gpu = new BackendListing.Entry("tensorrt", "NVIDIA TensorRT", false, "no NVIDIA driver",
                List.of(Precision.FP16, Precision.INT8));
        assertEquals("tensorrt  not usable (no NVIDIA driver); precisions fp16, int8; NVIDIA TensorRT",
                BackendsCommand.line(gpu, 8));
        BackendListing.Entry cpu = new BackendListing.Entry("cpu", "ONNX Runtime", true, "", List.of(Precision.FP32));
        assertEquals("cpu       usable; precisions fp32; ONNX Runtime", BackendsCommand.line(cpu, 8));
        BackendListing.Entry absent = new BackendListing.Entry("tensorrt", "no provider in this build", false,
                "not part of this build", List.of());
        assertEquals("tensorrt  not usable (not part of this build); no provider in this build",
                BackendsCommand.line(absent, 8));
    }
}
