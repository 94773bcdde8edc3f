package dev.flashvsr.engine;

import dev.flashvsr.engine.bicubic.BicubicModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resolves the {@code model} setting: a built-in name or a path to a model package. */
public final class Models {

    /** The best model built into this build; used when none is named. */
    public static final String DEFAULT = BicubicModel.NAME;

    private Models() {
    }

    public static List<String> builtInNames() {
        return List.of(BicubicModel.NAME);
    }

    public static Model resolve(String nameOrPath) throws EngineException {
        String requested = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT : nameOrPath.trim();
        if (requested.equals(BicubicModel.NAME)) {
            return new BicubicModel();
        }
        Path path = Path.of(requested);
        String builtIns = "Set model to one of " + builtInNames() + " or to the path of a model package";
        if (!Files.exists(path)) {
            throw new EngineException("model '" + requested + "' is neither a built-in model nor an existing file",
                    builtIns);
        }
        if (!Files.isReadable(path)) {
            throw new EngineException("model file '" + requested + "' is not readable", "Check its permissions");
        }
        throw new EngineException("'" + requested + "' is not a model package this build can load"
                + " (it has no model packages yet, only built-in models)", builtIns);
    }
}
