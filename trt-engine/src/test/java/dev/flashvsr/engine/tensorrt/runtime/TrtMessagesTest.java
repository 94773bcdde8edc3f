package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.tensorrt.runtime.TrtLog.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrtMessagesTest {
    private final List<String> forwarded = new ArrayList<>();
    private final TrtMessages messages =
            new TrtMessages((severity, message) -> forwarded.add(severity + " " + message));

    @Test
    void everyMessageIsForwardedAndErrorsAreKeptForTheException() {
        messages.log(Severity.INFO, "Loaded engine size: 3 MiB");
        messages.log(Severity.ERROR, "IBuilder::buildSerializedNetwork: Error Code 4: Internal Error");
        messages.error("ONNX parser: No importer registered for op: Foo");
        assertEquals(List.of("INFO Loaded engine size: 3 MiB",
                "ERROR IBuilder::buildSerializedNetwork: Error Code 4: Internal Error",
                "ERROR ONNX parser: No importer registered for op: Foo"), forwarded);
        assertEquals("build failed: IBuilder::buildSerializedNetwork: Error Code 4: Internal Error; ONNX parser: No"
                + " importer registered for op: Foo", messages.describe("build failed"));
        messages.clear();
        assertEquals("build failed (TensorRT logged no error)", messages.describe("build failed"));
    }

    @Test
    void outOfMemoryIsRecognisedInTensorRtsWords() {
        messages.log(Severity.WARNING, "out of memory is only a warning here");
        assertFalse(messages.outOfMemory(), "warnings do not count");
        messages.log(Severity.ERROR, "Requested amount of GPU memory (4294967296 bytes) could not be allocated."
                + " There may not be enough free memory for allocation to succeed. (cudaErrorMemoryAllocation)");
        assertTrue(messages.outOfMemory());
    }
}
