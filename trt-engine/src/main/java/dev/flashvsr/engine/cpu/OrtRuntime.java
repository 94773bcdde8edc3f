package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** The process-wide ONNX Runtime environment and the session settings of the CPU backend. */
public final class OrtRuntime {
    public static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtRuntime() {
    }

    /**
     * Usually one intra-op thread per core (the streaming thread waits while a frame runs, so it
     * does not compete), one for sessions run from several threads at once; no spinning between
     * runs, so idle sessions (the other scale, other elements) and the rest of the pipeline
     * (decoders, encoders) keep the cores; sequential execution, since these graphs are chains of
     * layers; full graph optimisation.
     */
    public static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
