package dev.flashvsr.engine.flashvsr.load;

/**
 * Which low-res projector the weights belong to. Both have the same tensors, so the variant cannot
 * be read from {@code LQ_proj_in.ckpt}: it comes from {@code config.json} key
 * {@code lq_proj.variant}, {@code "causal"} (the default) or {@code "buffer"}.
 */
public enum LqProjVariant {
    /** FlashVSR v1.1 {@code Causal_LQ4x_Proj}: each group of 4 frames sees the previous group's frames as conv cache. */
    CAUSAL("causal"),
    /** FlashVSR v1 {@code Buffer_LQ4x_Proj}: the cache is overwritten with the current frames before the conv. */
    BUFFER("buffer");

    private final String configName;

    LqProjVariant(String configName) {
        this.configName = configName;
    }

    /** The value of {@code lq_proj.variant} in config.json. */
    public String configName() {
        return configName;
    }

    /** The variant named {@code name} in config.json, or null. */
    static LqProjVariant forConfigName(String name) {
        for (LqProjVariant v : values()) {
            if (v.configName.equals(name)) {
                return v;
            }
        }
        return null;
    }
}
