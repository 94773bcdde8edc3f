package dev.flashvsr.engine;

import dev.flashvsr.engine.bicubic.BicubicModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * Resolves the {@code model} setting: a registered model name or a path to a model package.
 * Applications may register their own in-process models by name.
 */
public final class Models {

    /** The best model built into this build; used when none is named. */
    public static final String DEFAULT = BicubicModel.NAME;

    private static final Map<String, Supplier<Model>> REGISTERED = new ConcurrentSkipListMap<>();

    static {
        REGISTERED.put(BicubicModel.NAME, BicubicModel::new);
    }

    private Models() {
    }

    /** Makes a model selectable by name in this process (for example {@code model=my-model}). */
    public static void register(String name, Supplier<Model> factory) {
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("a model name must be non-empty and must not look like a path: " + name);
        }
        REGISTERED.put(name, factory);
    }

    public static List<String> builtInNames() {
        return List.copyOf(REGISTERED.keySet());
    }

    public static Model resolve(String nameOrPath) throws EngineException {
        String requested = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT : nameOrPath.trim();
        Supplier<Model> registered = REGISTERED.get(requested);
        if (registered != null) {
            return registered.get();
        }
        Path path = Path.of(requested);
        String choices = "Set model to one of " + builtInNames() + " or to the path of a model package";
        if (!Files.exists(path)) {
            throw new EngineException("model '" + requested + "' is neither a known model name nor an existing file",
                    choices);
        }
        if (!Files.isReadable(path)) {
            throw new EngineException("model file '" + requested + "' is not readable", "Check its permissions");
        }
        throw new EngineException("'" + requested + "' is not a model package this build can load"
                + " (this build has no model package format yet, only built-in models)", choices);
    }
}
