package dev.flashvsr.tools.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what the HTML report needs while the evaluation runs: a {@link ClipPanel} per clip and
 * degradation, in the order they are first seen. Only crops and per-frame scores are kept, not
 * the models' frames.
 */
final class ReportCollector implements Evaluator.OutputListener {

    private final int scale;
    private final List<ClipPanel> panels = new ArrayList<>();

    ReportCollector(int scale) {
        this.scale = scale;
    }

    @Override
    public void accept(Degradation degradation, Evaluator.Subject subject, TestSequence input,
            List<RgbImage> output) {
        ClipPanel panel = panels.stream().filter(p -> p.isFor(degradation, input)).findFirst().orElse(null);
        if (panel == null) {
            panel = new ClipPanel(degradation, input, scale);
            panels.add(panel);
        }
        panel.add(subject.label(), output, scale);
    }

    List<ClipPanel> panels() {
        return List.copyOf(panels);
    }
}
