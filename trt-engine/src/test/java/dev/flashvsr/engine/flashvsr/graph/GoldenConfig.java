package dev.flashvsr.engine.flashvsr.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.flashvsr.GoldenData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The parameter records read from the golden model's release-layout/config.json. */
final class GoldenConfig {
    private GoldenConfig() {
    }

    static JsonNode config() throws IOException {
        return new ObjectMapper().readTree(GoldenData.root().resolve("release-layout/config.json").toFile());
    }

    static LqProjectorParams lqProjector() throws IOException {
        JsonNode lq = config().get("lq_proj");
        if (!"replicate".equals(lq.get("pad_mode").asText())) {
            throw new IllegalStateException("the LQ projector graph pads by replication, config says "
                    + lq.get("pad_mode"));
        }
        return new LqProjectorParams(lq.get("in_dim").asInt(), ints(lq.get("pixel_shuffle_f_h_w")),
                ints(lq.get("conv_kernel")), ints(lq.get("conv_stride")), ints(lq.get("conv_padding")));
    }

    static TcDecoderParams tcDecoder() throws IOException {
        JsonNode tc = config().get("tcdecoder");
        return new TcDecoderParams(ints(tc.get("cond_pixel_shuffle_f_h_w")), flags(tc.get("time_upscale")),
                flags(tc.get("space_upscale")), tc.get("frames_to_trim").asInt());
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    private static List<Boolean> flags(JsonNode array) {
        List<Boolean> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asBoolean()));
        return values;
    }
}
