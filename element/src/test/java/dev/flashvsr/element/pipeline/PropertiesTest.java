package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvsr.engine.Models;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.junit.jupiter.api.Test;

class PropertiesTest {

    @Test
    void defaultsAndRoundTrips() {
        GstTestSupport.init();
        Element filter = ElementFactory.make("flashvsrfilter", "f");
        try {
            assertEquals(4, ((Number) filter.get("scale")).intValue());
            assertEquals(Models.DEFAULT, filter.get("model"));
            assertEquals(0, filter.get("device-id"));
            assertEquals(0, filter.get("tile-size"));
            assertEquals(0L, ((Number) filter.get("max-memory")).longValue(), "automatic");
            assertEquals(0, filter.get("latency-frames"));
            assertEquals(0L, ((Number) filter.get("frames-processed")).longValue());
            filter.set("scale", 2);
            filter.set("model", "test-delay-3");
            filter.set("tile-size", 256);
            filter.set("tile-overlap", 16);
            filter.set("max-memory", 2048L);
            assertEquals(2, ((Number) filter.get("scale")).intValue());
            assertEquals("test-delay-3", filter.get("model"));
            assertEquals(256, filter.get("tile-size"));
            assertEquals(16, filter.get("tile-overlap"));
            assertEquals(2048L, ((Number) filter.get("max-memory")).longValue());
            filter.set("model", "");
            assertEquals(Models.DEFAULT, filter.get("model"), "empty selects the default");
        } finally {
            filter.dispose();
        }
    }
}
