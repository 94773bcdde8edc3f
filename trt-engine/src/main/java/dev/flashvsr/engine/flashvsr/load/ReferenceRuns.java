package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.EngineException;
import java.util.List;
import java.util.Optional;

/**
 * The run parameters of the golden reference runs, from config.json's {@code dit_test} and
 * {@code pipeline_test} sections (absent in an official release). Tests use them to replay the
 * golden runs; nothing else depends on them.
 */
public record ReferenceRuns(Optional<DitRun> dit, Optional<PipelineRun> pipeline) {

    /** {@code dit_test}: the 4-call streaming DiT run of the golden {@code dit/} folder. */
    public record DitRun(String folder, int localRange, double topkRatio, double kvRatio, double timestep,
            int latentHeight, int latentWidth, int calls, List<Integer> latentFramesPerCall) {
        public DitRun {
            latentFramesPerCall = List.copyOf(latentFramesPerCall);
        }
    }

    /** {@code pipeline_test}: the end-to-end run of the golden {@code pipeline/} folder. */
    public record PipelineRun(String folder, int lrFrames, int lrHeight, int lrWidth, int scale, int hrHeight,
            int hrWidth, int numFrames, int outputFrames, long seed, int numInferenceSteps, double cfgScale,
            int localRange, double topkRatio, double kvRatio, boolean fullBlock, boolean ifBuffer, boolean colorFix,
            String colorFixMethod, double timestep) {
    }

    static ReferenceRuns from(ConfigJson json) throws EngineException {
        Optional<DitRun> dit = Optional.empty();
        if (json.hasSection("dit_test")) {
            String s = "dit_test";
            List<Integer> hw = required(json, s, "latent_h_w", json.integers(s, "latent_h_w", 2));
            dit = Optional.of(new DitRun(required(json, s, "folder", json.text(s, "folder")),
                    required(json, s, "local_range", json.integer(s, "local_range")),
                    required(json, s, "topk_ratio", json.number(s, "topk_ratio")),
                    required(json, s, "kv_ratio", json.number(s, "kv_ratio")),
                    required(json, s, "timestep", json.number(s, "timestep")), hw.get(0), hw.get(1),
                    required(json, s, "calls", json.integer(s, "calls")),
                    required(json, s, "latent_frames_per_call", json.integers(s, "latent_frames_per_call", -1))));
        }
        Optional<PipelineRun> pipeline = Optional.empty();
        if (json.hasSection("pipeline_test")) {
            String s = "pipeline_test";
            List<Integer> lr = required(json, s, "lr_h_w", json.integers(s, "lr_h_w", 2));
            List<Integer> hr = required(json, s, "hr_h_w", json.integers(s, "hr_h_w", 2));
            pipeline = Optional.of(new PipelineRun(required(json, s, "folder", json.text(s, "folder")),
                    required(json, s, "lr_frames", json.integer(s, "lr_frames")), lr.get(0), lr.get(1),
                    required(json, s, "scale", json.integer(s, "scale")), hr.get(0), hr.get(1),
                    required(json, s, "num_frames_F", json.integer(s, "num_frames_F")),
                    required(json, s, "output_frames", json.integer(s, "output_frames")),
                    required(json, s, "seed", json.integer(s, "seed")),
                    required(json, s, "num_inference_steps", json.integer(s, "num_inference_steps")),
                    required(json, s, "cfg_scale", json.number(s, "cfg_scale")),
                    required(json, s, "local_range", json.integer(s, "local_range")),
                    required(json, s, "topk_ratio", json.number(s, "topk_ratio")),
                    required(json, s, "kv_ratio", json.number(s, "kv_ratio")),
                    required(json, s, "is_full_block", json.bool(s, "is_full_block")),
                    required(json, s, "if_buffer", json.bool(s, "if_buffer")),
                    required(json, s, "color_fix", json.bool(s, "color_fix")),
                    required(json, s, "color_fix_method", json.text(s, "color_fix_method")),
                    required(json, s, "timestep", json.number(s, "timestep"))));
        }
        return new ReferenceRuns(dit, pipeline);
    }

    private static <T> T required(ConfigJson json, String section, String key, Optional<T> value)
            throws EngineException {
        if (value.isEmpty()) {
            throw new EngineException(json.path() + ": section \"" + section + "\" lacks \"" + key + "\"",
                    ConfigJson.REMEDY);
        }
        return value.get();
    }
}
