package dev.flashvsr.tools.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Trains a {@link RecurrentSrArchitecture} with DJL on the CPU: batches of synthetic clips from
 * {@link ClipSampler} (made on a background thread), back-propagation through each clip's frames
 * (hidden state starts at zero, previous = current for the first frame), Charbonnier loss on
 * the output (bicubic + residual) against the ground truth, Adam with a short warm-up and a cosine
 * decay of the learning rate.
 */
public final class Trainer {

    /** Everything a training run depends on. */
    public record Config(RecurrentSrArchitecture arch, long seed, double minutes, int steps, int threads,
                         int batch, int patch, int frames, int reuse, double learningRate, double temporalWeight,
                         boolean gateOnly, double validateEveryMinutes,
                         List<Path> photos, int poolVersions, Path validationDir, List<String> validationFiles,
                         Path init, Path out, Path report, String commandLine) {
    }

    /** Results of a run. */
    public record Outcome(DjlRecurrentSr.Parameters parameters, int steps, double trainSeconds, double wallSeconds,
                          double finalLoss, List<Validator.Row> validation) {
    }

    private static final float CHARBONNIER_EPS2 = 1e-6f;
    static final double CHROMA_WEIGHT = Double.parseDouble(System.getProperty("flashvsr.train.chroma", "1"));
    /**
     * Factor on the temporal weight for degraded clips ({@code -Dflashvsr.train.degradedTemporal}):
     * above 1, flicker on compressed or noisy input costs more than on clean input, where the
     * temporal gate should rather keep the detail sharp.
     */
    static final double DEGRADED_TEMPORAL_FACTOR = Double.parseDouble(
            System.getProperty("flashvsr.train.degradedTemporal", "1"));
    private static final int WARMUP_STEPS = 100;
    private static final double FINAL_LR_FRACTION = 0.02;

    private final Config cfg;
    private final PrintWriter log;
    private final List<String> history = new ArrayList<>();

    public Trainer(Config cfg, PrintWriter log) {
        this.cfg = cfg;
        this.log = log;
    }

    public Outcome run() throws IOException, InterruptedException {
        long wallStart = System.nanoTime();
        RecurrentSrArchitecture arch = cfg.arch();
        int scale = arch.scale();
        Engine engine = DjlRecurrentSr.engine(cfg.threads());
        log.printf(Locale.ROOT, "engine: %s %s, %d intra-op threads%n", engine.getEngineName(), engine.getVersion(),
                cfg.threads());
        log.printf(Locale.ROOT, "architecture: %s%n", arch);
        log.println("decoding training photos:");
        log.flush();
        List<RgbImage> pool = ClipSampler.loadPool(cfg.photos(), cfg.poolVersions(),
                scale == 4 ? 1100 : 900, scale == 4 ? 2200 : 1800, cfg.seed(), log);
        Validator validator = null;
        if (cfg.validationDir() != null && !cfg.validationFiles().isEmpty()) {
            validator = new Validator(cfg.validationDir(), cfg.validationFiles(), scale);
        }

        selfCheck(arch, cfg.patch(), log);

        Random init = new Random(cfg.seed());
        DjlRecurrentSr.Parameters params = cfg.init() == null ? DjlRecurrentSr.Parameters.initial(arch, init, 1e-3)
                : DjlRecurrentSr.Parameters.startingFrom(arch, SafeTensors.readAll(cfg.init()));
        if (cfg.init() != null) {
            log.println("starting from the weights in " + cfg.init());
        }
        Adam adam = new Adam(params);
        log.printf(Locale.ROOT, "parameters: %d; batch %d clips x %d frames of %dx%d low-res (%dx%d high-res)%n",
                params.count(), cfg.batch(), cfg.frames(), cfg.patch(), cfg.patch(),
                cfg.patch() * scale, cfg.patch() * scale);
        log.flush();

        BlockingQueue<ClipSampler.Batch> queue = new ArrayBlockingQueue<>(3);
        ClipSampler sampler = new ClipSampler(pool, scale, cfg.patch(), cfg.frames(), cfg.seed() + 1);
        Thread producer = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    queue.put(sampler.next(cfg.batch()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "clip-sampler");
        producer.setDaemon(true);
        producer.start();

        double budget = cfg.steps() > 0 ? Double.POSITIVE_INFINITY : cfg.minutes() * 60;
        double trainSeconds = 0;
        double nextValidation = cfg.validateEveryMinutes() * 60;
        int step = 0;
        double windowLoss = 0;
        int windowSteps = 0;
        double windowWait = 0;
        long windowStart = System.nanoTime();
        double lastLoss = Double.NaN;
        ClipSampler.Batch current = null;
        int skipped = 0;
        try {
            while (cfg.steps() > 0 ? step < cfg.steps() : trainSeconds < budget) {
                long t0 = System.nanoTime();
                if (step % cfg.reuse() == 0) {
                    current = queue.take();
                } else {
                    current = current.mirrored();
                }
                ClipSampler.Batch batch = current;
                long t1 = System.nanoTime();
                double progress = cfg.steps() > 0 ? (double) step / cfg.steps() : trainSeconds / budget;
                double lr = learningRate(step, progress);
                float loss = step(engine, arch, params, batch, adam, lr, cfg.temporalWeight(), cfg.gateOnly());
                step++;
                trainSeconds += (System.nanoTime() - t0) / 1e9;
                if (!Float.isFinite(loss)) {
                    skipped++;
                    log.printf(Locale.ROOT,
                            "step %d: non-finite loss or implausible gradient, update skipped (%d so far)%n", step,
                            skipped);
                    if (skipped > 20 && skipped > step / 100) {
                        throw new IllegalStateException(skipped + " of " + step
                                + " steps had non-finite or implausible values: the CPU library computes garbage");
                    }
                    continue;
                }
                long t2 = System.nanoTime();
                windowLoss += loss;
                windowSteps++;
                windowWait += (t1 - t0) / 1e9;
                lastLoss = loss;
                if (windowSteps == 100 || (t2 - windowStart) / 1e9 > 60) {
                    double secs = (t2 - windowStart) / 1e9;
                    String line = String.format(Locale.ROOT,
                            "step %6d  %6.1f min  lr %.2e  loss %.5f  %.0f ms/step (waiting for data %.0f ms)",
                            step, trainSeconds / 60, lr, windowLoss / windowSteps, 1000 * secs / windowSteps,
                            1000 * windowWait / windowSteps);
                    log.println(line);
                    log.flush();
                    history.add(line);
                    windowLoss = 0;
                    windowSteps = 0;
                    windowWait = 0;
                    windowStart = System.nanoTime();
                }
                if (validator != null && trainSeconds >= nextValidation && trainSeconds < budget) {
                    nextValidation += cfg.validateEveryMinutes() * 60;
                    List<Validator.Row> rows = validate(validator, arch, params);
                    double[] m = Validator.means(rows);
                    String line = String.format(Locale.ROOT,
                            "validation at step %d (%.1f min): bicubic %.2f dB, model %.2f dB, gain %+.2f dB",
                            step, trainSeconds / 60, m[0], m[1], m[1] - m[0]);
                    log.println(Validator.table(rows, scale));
                    log.println(line);
                    log.flush();
                    history.add(line);
                    windowStart = System.nanoTime();
                }
            }
        } finally {
            producer.interrupt();
        }
        List<Validator.Row> rows = validator == null ? List.of() : validate(validator, arch, params);
        double wall = (System.nanoTime() - wallStart) / 1e9;
        Outcome outcome = new Outcome(params, step, trainSeconds, wall, lastLoss, rows);
        if (!rows.isEmpty()) {
            double[] m = Validator.means(rows);
            log.printf(Locale.ROOT, "final validation after %d steps (%.1f min of training):%n", step,
                    trainSeconds / 60);
            log.println(Validator.table(rows, scale));
            String line = String.format(Locale.ROOT, "final: bicubic %.2f dB, model %.2f dB, gain %+.2f dB",
                    m[0], m[1], m[1] - m[0]);
            log.println(line);
            history.add(line);
        }
        if (cfg.out() != null) {
            save(outcome);
            log.println("wrote " + cfg.out());
        }
        if (cfg.report() != null) {
            writeReport(outcome);
            log.println("wrote " + cfg.report());
        }
        log.flush();
        return outcome;
    }

    /**
     * Checks the DJL network against {@link JavaReference} on a random patch with random weights,
     * so that a CPU library computing wrong convolutions (see {@link DjlRecurrentSr#capOneDnnIsa})
     * stops the run before it trains on garbage.
     */
    static void selfCheck(RecurrentSrArchitecture arch, int size, PrintWriter log) {
        Random r = new Random(12345);
        DjlRecurrentSr.Parameters p = DjlRecurrentSr.Parameters.initial(arch, r, 0.5);
        for (float[] b : p.bias) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        int plane = size * size;
        float[] cur = new float[3 * plane];
        float[] prev = new float[3 * plane];
        float[] hid = new float[arch.hiddenChannels() * plane];
        float[] res = new float[arch.residualStateChannels() * plane];
        for (int i = 0; i < res.length; i++) {
            res[i] = (float) (r.nextGaussian() * 0.1);
        }
        for (int i = 0; i < cur.length; i++) {
            cur[i] = r.nextFloat();
            prev[i] = r.nextFloat();
        }
        for (int i = 0; i < hid.length; i++) {
            hid[i] = r.nextFloat() * 2 - 1;
        }
        Map<String, dev.flashvsr.engine.weights.FloatTensor> t = p.toTensors();
        double worst = 0;
        for (int rep = 0; rep < 3; rep++) {
            DjlRecurrentSr.Result d = DjlRecurrentSr.forward(arch, t, cur, prev, hid, res, size, size);
            DjlRecurrentSr.Result j = JavaReference.forward(arch, t, cur, prev, hid, res, size, size);
            worst = Math.max(worst, maxAbsDiff(d.output(), j.output()));
            worst = Math.max(worst, maxAbsDiff(d.hiddenOut(), j.hiddenOut()));
            worst = Math.max(worst, maxAbsDiff(d.residualOut(), j.residualOut()));
        }
        if (!(worst < 1e-3)) {
            throw new IllegalStateException("PyTorch's CPU convolutions disagree with the Java reference (max difference "
                    + worst + "); try another oneDNN instruction set, e.g. DNNL_MAX_CPU_ISA=SSE41");
        }
        log.printf(Locale.ROOT, "self-check: DJL network = Java reference to %.1e (%dx%d, random weights)%n",
                worst, size, size);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= m)) {
                m = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return m;
    }

    double learningRate(int step, double progress) {
        double lr0 = cfg.learningRate();
        double p = Math.min(1, Math.max(0, progress));
        double cosine = FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + Math.cos(Math.PI * p));
        double warm = step < WARMUP_STEPS ? 0.1 + 0.9 * step / WARMUP_STEPS : 1;
        return lr0 * cosine * warm;
    }

    /**
     * One optimisation step on {@code batch}; returns the loss before the update. With {@code
     * gateOnly} only the temporal gate's channels of the last convolution learn (the rest get zero
     * gradients, which Adam leaves unchanged), and nothing is back-propagated into the other
     * layers.
     */
    static float step(Engine engine, RecurrentSrArchitecture arch, DjlRecurrentSr.Parameters params,
                      ClipSampler.Batch batch, Adam adam, double lr, double temporalWeight, boolean gateOnly) {
        int layers = arch.layers();
        int last = layers - 1;
        int gateFrom = arch.firstGateChannel();
        float[][] gw = new float[layers][];
        float[][] gb = new float[layers][];
        float loss;
        try (NDManager m = engine.newBaseManager()) {
            NDArray[] w = new NDArray[layers];
            NDArray[] b = new NDArray[layers];
            params.toNDArrays(m, w, b, !gateOnly);
            NDArray gateWeight = null;
            NDArray gateBias = null;
            try (GradientCollector gc = engine.newGradientCollector()) {
                if (gateOnly) { // inside the collector, so that the concatenation is recorded
                    gateWeight = w[last].get(gateFrom + ":").duplicate();
                    gateBias = b[last].get(gateFrom + ":").duplicate();
                    gateWeight.setRequiresGradient(true);
                    gateBias.setRequiresGradient(true);
                    w[last] = w[last].get(":" + gateFrom).concat(gateWeight, 0);
                    b[last] = b[last].get(":" + gateFrom).concat(gateBias, 0);
                }
                NDArray total = clipLoss(m, arch, w, b, batch, temporalWeight);
                gc.backward(total);
                loss = total.getFloat();
                for (int i = 0; i < layers; i++) {
                    gw[i] = gateOnly ? new float[params.weight[i].length] : w[i].getGradient().toFloatArray();
                    gb[i] = gateOnly ? new float[params.bias[i].length] : b[i].getGradient().toFloatArray();
                }
                if (gateOnly) {
                    float[] g = gateWeight.getGradient().toFloatArray();
                    System.arraycopy(g, 0, gw[last], gw[last].length - g.length, g.length);
                    float[] gBias = gateBias.getGradient().toFloatArray();
                    System.arraycopy(gBias, 0, gb[last], gateFrom, gBias.length);
                }
            }
        }
        if (!Float.isFinite(loss) || !plausible(gw) || !plausible(gb)) {
            return Float.NaN; // not applied; the caller counts it
        }
        adam.update(gw, gb, lr);
        return loss;
    }

    private static NDArray charbonnier(NDArray d) {
        return d.square().add(CHARBONNIER_EPS2).sqrt().mean();
    }

    /**
     * {@code temporalWeight} times the Charbonnier distance of the error's change, with degraded
     * clips weighted {@link #DEGRADED_TEMPORAL_FACTOR} times as much (when that is not 1).
     */
    private static NDArray temporalLoss(NDManager m, NDArray change, boolean[] degraded, double temporalWeight) {
        if (DEGRADED_TEMPORAL_FACTOR == 1.0) {
            return charbonnier(change).mul((float) temporalWeight);
        }
        float[] perClip = new float[degraded.length];
        for (int n = 0; n < perClip.length; n++) {
            perClip[n] = (float) (temporalWeight * (degraded[n] ? DEGRADED_TEMPORAL_FACTOR : 1.0) / perClip.length);
        }
        NDArray distance = change.square().add(CHARBONNIER_EPS2).sqrt().reshape(degraded.length, -1)
                .mean(new int[] {1});
        return distance.mul(m.create(perClip)).sum();
    }

    /** BT.601 luma of an [N, 3, H, W] difference, [N, H, W]. */
    private static NDArray luma(NDArray d) {
        return d.get(":, 0").mul(0.299f).add(d.get(":, 1").mul(0.587f)).add(d.get(":, 2").mul(0.114f));
    }

    /**
     * Largest gradient magnitude taken as real. This loss's gradients stay below about 0.1 (the
     * gate's change weights, whose input is in 8-bit levels, below about 10); the CPU
     * convolutions' occasional garbage (see {@link DjlRecurrentSr#capOneDnnIsa}) reached 1e20-1e25
     * in a first backward pass. Applied, one such value overflows Adam's float second moment to
     * infinity, which freezes that weight for the rest of the run.
     */
    static final float MAX_PLAUSIBLE_GRADIENT = 1e3f;

    /** Whether every value is finite and no larger than {@link #MAX_PLAUSIBLE_GRADIENT}. */
    static boolean plausible(float[][] gradients) {
        for (float[] a : gradients) {
            for (float v : a) {
                if (!(Math.abs(v) <= MAX_PLAUSIBLE_GRADIENT)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The loss on {@code batch} without training (no gradients). */
    static float evaluate(Engine engine, RecurrentSrArchitecture arch, DjlRecurrentSr.Parameters params,
                          ClipSampler.Batch batch, double temporalWeight) {
        try (NDManager m = engine.newBaseManager()) {
            NDArray[] w = new NDArray[arch.layers()];
            NDArray[] b = new NDArray[arch.layers()];
            params.toNDArrays(m, w, b, false);
            return clipLoss(m, arch, w, b, batch, temporalWeight).getFloat();
        }
    }

    /**
     * Mean over the clip's frames of the mean Charbonnier distance between output and ground
     * truth (computed as residual against ground truth minus bicubic), plus {@code temporalWeight}
     * times the distance between the output's and the ground truth's change from the previous
     * frame (the flicker that eval's temporal error measures). The hidden and residual states start
     * at zero and the first frame is its own previous frame.
     */
    static NDArray clipLoss(NDManager m, RecurrentSrArchitecture arch, NDArray[] w, NDArray[] b,
                            ClipSampler.Batch batch, double temporalWeight) {
        int n = batch.clips();
        int h = batch.height();
        int wd = batch.width();
        int s = batch.scale();
        NDArray hidden = m.zeros(new Shape(n, arch.hiddenChannels(), h, wd));
        Shape highRes = new Shape(n, 3, h * s, wd * s);
        NDArray previous = null;
        NDArray previousBase = null;
        NDArray detail = null;
        NDArray previousError = null;
        NDArray total = null;
        for (int t = 0; t < batch.frames(); t++) {
            NDArray current = m.create(batch.lowRes()[t], new Shape(n, 3, h, wd));
            DjlRecurrentSr.Heads out = DjlRecurrentSr.heads(arch, w, b, current,
                    previous == null ? current : previous, hidden);
            NDArray base = arch.temporalGate() ? m.create(batch.bicubic()[t], highRes) : null;
            // the first frame is the ungated estimate (the state's flag is 0 at stream start)
            detail = detail == null || !arch.temporalGate() ? out.residual()
                    : out.blend(detail, previousBase.sub(base), null);
            NDArray target = m.create(batch.residualTarget()[t], highRes);
            NDArray d = detail.sub(target);
            NDArray frameLoss;
            if (CHROMA_WEIGHT == 1.0) {
                frameLoss = charbonnier(d);
            } else {
                // luma and colour differences (BT.601 weights), colour weighted less: PSNR-Y is what counts most
                frameLoss = charbonnier(luma(d)).mul((float) (3 * (1 - CHROMA_WEIGHT)))
                        .add(charbonnier(d).mul((float) CHROMA_WEIGHT));
            }
            if (previousError != null && temporalWeight > 0) {
                frameLoss = frameLoss.add(temporalLoss(m, d.sub(previousError), batch.degraded(), temporalWeight));
            }
            previousError = d;
            total = total == null ? frameLoss : total.add(frameLoss);
            if (arch.hiddenChannels() > 0) {
                hidden = out.hidden();
            }
            previous = current;
            previousBase = base;
        }
        return total.div(batch.frames());
    }

    private List<Validator.Row> validate(Validator validator, RecurrentSrArchitecture arch,
                                         DjlRecurrentSr.Parameters params) {
        Map<String, dev.flashvsr.engine.weights.FloatTensor> tensors = params.toTensors();
        return validator.evaluate(lr -> DjlRecurrentSr.forward(arch, tensors, lr.data(), null, null, null,
                lr.height(), lr.width()).output());
    }

    private void save(Outcome o) throws IOException {
        RecurrentSrArchitecture arch = cfg.arch();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("architecture", "RecurrentSrArchitecture");
        meta.put("scale", Integer.toString(arch.scale()));
        meta.put("features", Integer.toString(arch.features()));
        meta.put("layers", Integer.toString(arch.layers()));
        meta.put("hidden_channels", Integer.toString(arch.hiddenChannels()));
        meta.put("temporal_gate", Boolean.toString(arch.temporalGate()));
        meta.put("seed", Long.toString(cfg.seed()));
        meta.put("steps", Integer.toString(o.steps()));
        meta.put("train_seconds", String.format(Locale.ROOT, "%.0f", o.trainSeconds()));
        meta.put("batch", cfg.batch() + " clips x " + cfg.frames() + " frames x " + cfg.patch() + "x" + cfg.patch());
        if (!o.validation().isEmpty()) {
            double[] m = Validator.means(o.validation());
            meta.put("validation", "python3-skimage test images, clean bicubic (antialiased Keys a=-0.5) downscale,"
                    + " PSNR on BT.601 luma, border " + arch.scale());
            meta.put("val_psnr_y", String.format(Locale.ROOT, "%.3f", m[1]));
            meta.put("val_psnr_y_bicubic", String.format(Locale.ROOT, "%.3f", m[0]));
            meta.put("val_gain_db", String.format(Locale.ROOT, "%.3f", m[1] - m[0]));
        }
        meta.put("training_data", "lomiri-wallpapers-16.04 CC0-1.0 and CC-BY-4.0 photos (see TRAINING.md)");
        if (cfg.commandLine() != null) {
            meta.put("command", cfg.commandLine());
        }
        Path parent = cfg.out().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        SafeTensors.write(cfg.out(), o.parameters().toTensors(), meta);
    }

    private void writeReport(Outcome o) throws IOException {
        RecurrentSrArchitecture arch = cfg.arch();
        StringBuilder sb = new StringBuilder();
        sb.append("## x").append(arch.scale()).append(" training run\n\n");
        if (cfg.commandLine() != null) {
            sb.append("```\n").append(cfg.commandLine()).append("\n```\n\n");
        }
        sb.append(String.format(Locale.ROOT,
                "- %s, seed %d, %d parameters%n- %d steps, %.1f min of training, %.1f min wall time%n"
                        + "- batch %d clips x %d frames of %dx%d low-res (each batch used %d times, mirrored),"
                        + " learning rate %.1e (cosine)%n"
                        + "- final training loss (Charbonnier) %.5f%n- machine: %s, %d cores available%n%n",
                arch, cfg.seed(), o.parameters().count(), o.steps(), o.trainSeconds() / 60, o.wallSeconds() / 60,
                cfg.batch(), cfg.frames(), cfg.patch(), cfg.patch(), cfg.reuse(), cfg.learningRate(), o.finalLoss(),
                cpuModel(),
                Runtime.getRuntime().availableProcessors()));
        if (!o.validation().isEmpty()) {
            sb.append(Validator.table(o.validation(), arch.scale())).append('\n');
        }
        sb.append("Log summary:\n\n```\n");
        for (String h : history) {
            sb.append(h).append('\n');
        }
        sb.append("```\n");
        Path parent = cfg.report().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(cfg.report(), sb.toString());
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** Adam (Kingma and Ba) on the Java-side parameter arrays. */
    static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private static final double EPS = 1e-8;
        private final DjlRecurrentSr.Parameters p;
        private final float[][] mw;
        private final float[][] vw;
        private final float[][] mb;
        private final float[][] vb;
        private int t;

        Adam(DjlRecurrentSr.Parameters p) {
            this.p = p;
            int n = p.weight.length;
            mw = new float[n][];
            vw = new float[n][];
            mb = new float[n][];
            vb = new float[n][];
            for (int i = 0; i < n; i++) {
                mw[i] = new float[p.weight[i].length];
                vw[i] = new float[p.weight[i].length];
                mb[i] = new float[p.bias[i].length];
                vb[i] = new float[p.bias[i].length];
            }
        }

        void update(float[][] gw, float[][] gb, double lr) {
            t++;
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            for (int i = 0; i < gw.length; i++) {
                apply(p.weight[i], gw[i], mw[i], vw[i], lr, c1, c2);
                apply(p.bias[i], gb[i], mb[i], vb[i], lr, c1, c2);
            }
        }

        private static void apply(float[] x, float[] g, float[] m, float[] v, double lr, double c1, double c2) {
            for (int k = 0; k < x.length; k++) {
                double gk = g[k];
                m[k] = (float) (BETA1 * m[k] + (1 - BETA1) * gk);
                v[k] = (float) (BETA2 * v[k] + (1 - BETA2) * gk * gk);
                x[k] -= (float) (lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + EPS));
            }
        }
    }
}
