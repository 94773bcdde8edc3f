package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void upscalesTestSource() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=64,height=48 "
                + "! flashvsrfilter ! appsink name=out", 30);
        assertNull(run.error(), run.error());
        assertEquals(5, run.frames().size());
        assertEquals(256, run.frames().get(0).width());
    }
}
