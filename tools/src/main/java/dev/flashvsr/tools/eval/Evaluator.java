package dev.flashvsr.tools.eval;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.SessionOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs models over test clips under each degradation and scores them against the ground truth.
 * Every model sees exactly the same degraded input (each H.264 round trip is made once per clip
 * and shared by all models).
 */
public final class Evaluator {

    /** Scores of one model under one degradation: a row per clip, their mean, and its speed. */
    public record ModelResult(String model, Degradation degradation, List<Scores> rows, Scores mean, long nanos,
            int frames) {
        public ModelResult {
            rows = List.copyOf(rows);
        }

        /** Milliseconds per frame spent in the session (push and drain), all clips together. */
        public double msPerFrame() {
            return frames == 0 ? Double.NaN : nanos / 1e6 / frames;
        }
    }

    private Evaluator() {
    }

    /**
     * Evaluates each model on each clip under each degradation; results are ordered by degradation,
     * then model, in the order given.
     *
     * @param progress receives a short line before each step (may ignore it)
     */
    public static List<ModelResult> evaluate(List<String> modelNames, SessionOptions options, int scale,
            List<TestSequence> clips, List<Degradation> degradations, Consumer<String> progress)
            throws EngineException {
        Map<String, Model> models = new LinkedHashMap<>();
        try {
            for (String name : modelNames) {
                if (models.containsKey(name)) {
                    continue;
                }
                Model model = Models.resolve(name, options);
                models.put(name, model);
                if (!model.scales().contains(scale)) {
                    throw new EvalException("model " + name + " does not support x" + scale + " (it supports "
                            + model.scales() + ")");
                }
                model.resolveBackend(options.backend());
            }
            List<ModelResult> results = new ArrayList<>();
            for (Degradation degradation : degradations) {
                List<TestSequence> inputs = new ArrayList<>(clips.size());
                for (TestSequence clip : clips) {
                    if (!degradation.isClean()) {
                        progress.accept(degradation.label() + ": encoding " + clip.name());
                    }
                    inputs.add(clip.withLowRes(degradation.apply(clip.lowRes())));
                }
                for (Map.Entry<String, Model> entry : models.entrySet()) {
                    List<Scores> rows = new ArrayList<>();
                    long nanos = 0;
                    int frames = 0;
                    for (TestSequence clip : inputs) {
                        progress.accept(degradation.label() + ": " + entry.getKey() + " on " + clip.name());
                        StreamRunner.Output out = StreamRunner.run(entry.getValue(), options, scale, clip.lowRes());
                        nanos += out.nanos();
                        frames += out.frames().size();
                        rows.add(Scores.of(clip, out.frames(), scale));
                    }
                    results.add(new ModelResult(entry.getKey(), degradation, rows, Scores.mean(rows), nanos, frames));
                }
            }
            return results;
        } finally {
            for (Model model : models.values()) {
                model.close();
            }
        }
    }
}
