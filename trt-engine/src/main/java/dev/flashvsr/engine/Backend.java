package dev.flashvsr.engine;

import java.util.Locale;

/** Where a model runs. {@code AUTO} picks the fastest backend available for the model. */
public enum Backend {
    AUTO, CPU, TENSORRT;

    public String nick() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The backend of a model that runs on the CPU only: {@code CPU} for {@code AUTO} and {@code CPU},
     * an error naming {@code model} for {@code TENSORRT}.
     */
    public static Backend cpuOnly(Backend requested, String model) throws EngineException {
        if (requested == TENSORRT) {
            throw new EngineException("model '" + model + "' runs only on the CPU backend in this build, not on"
                    + " tensorrt (there is no TensorRT backend yet)", "Set backend=cpu or backend=auto");
        }
        return CPU;
    }

    public static Backend fromNick(String nick) {
        for (Backend b : values()) {
            if (b.nick().equals(nick)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + nick + "' (expected auto, cpu or tensorrt)");
    }
}
