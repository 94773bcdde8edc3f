package dev.flashvsr.tools.eval;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
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

    /**
     * A model at a precision, as evaluated; {@code AUTO} is the model's default and keeps the
     * model's plain name as its label.
     */
    public record Subject(String model, Precision precision) {
        public String label() {
            return precision == Precision.AUTO ? model : model + " " + precision.nick();
        }
    }

    /** Receives every model's output frames as they are scored (for the HTML report). */
    @FunctionalInterface
    public interface OutputListener {
        /**
         * @param input  the clip as the model saw it (its low-resolution frames after the degradation)
         * @param output the model's frames, one per ground-truth frame
         */
        void accept(Degradation degradation, Subject subject, TestSequence input, List<RgbImage> output);
    }

    private Evaluator() {
    }

    /** {@link #evaluateSubjects} with every model at the precision of {@code options}. */
    public static List<ModelResult> evaluate(List<String> modelNames, SessionOptions options, int scale,
            List<TestSequence> clips, List<Degradation> degradations, Consumer<String> progress)
            throws EngineException {
        return evaluateSubjects(modelNames.stream().map(m -> new Subject(m, options.precision())).toList(), options,
                scale, clips, degradations, progress, (d, s, in, out) -> { });
    }

    /**
     * Evaluates each model at its precision on each clip under each degradation; results are
     * ordered by degradation, then subject, in the order given.
     *
     * @param options   backend and other settings; each subject's precision replaces its precision
     * @param progress receives a short line before each step (may ignore it)
     * @param outputs  receives each model's frames on each clip, in the order of the results
     * @throws EngineException also when a model lacks the scale or the precision (the message names
     *     those it has)
     */
    public static List<ModelResult> evaluateSubjects(List<Subject> subjects, SessionOptions options, int scale,
            List<TestSequence> clips, List<Degradation> degradations, Consumer<String> progress,
            OutputListener outputs) throws EngineException {
        Map<Subject, Model> models = new LinkedHashMap<>();
        try {
            for (Subject subject : subjects) {
                if (models.containsKey(subject)) {
                    continue;
                }
                Model model = Models.resolve(subject.model(), options.withPrecision(subject.precision()));
                models.put(subject, model);
                if (!model.scales().contains(scale)) {
                    throw new EvalException("model " + subject.model() + " does not support x" + scale
                            + " (it supports " + model.scales() + ")");
                }
                model.resolveBackend(options.backend());
                model.resolvePrecision(subject.precision(), scale);
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
                for (Map.Entry<Subject, Model> entry : models.entrySet()) {
                    List<Scores> rows = new ArrayList<>();
                    long nanos = 0;
                    int frames = 0;
                    String label = entry.getKey().label();
                    SessionOptions at = options.withPrecision(entry.getKey().precision());
                    for (TestSequence clip : inputs) {
                        progress.accept(degradation.label() + ": " + label + " on " + clip.name());
                        StreamRunner.Output out = StreamRunner.run(entry.getValue(), at, scale, clip.lowRes());
                        nanos += out.nanos();
                        frames += out.frames().size();
                        rows.add(Scores.of(clip, out.frames(), scale));
                        outputs.accept(degradation, entry.getKey(), clip, out.frames());
                    }
                    results.add(new ModelResult(label, degradation, rows, Scores.mean(rows), nanos, frames));
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
