package dev.flashvsr.engine;

import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.cpu.OnnxModel;
import dev.flashvsr.engine.flashvsr.FlashVsrModel;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Resolves the {@code model} setting: a registered model name or a path to a model package.
 * Applications may register their own in-process models by name.
 */
public final class Models {

    /** The trained default network, shipped as a package on the class path. */
    public static final String VSR_SMALL = "vsr-small";

    /** The same network without its temporal smoothing: faster, more flicker on compressed input. */
    public static final String VSR_SMALL_FAST = "vsr-small-fast";

    /** The best model built into this build; used when none is named. */
    public static final String DEFAULT = VSR_SMALL;

    /** Creates a model; may fail with an error the user can act on. */
    @FunctionalInterface
    public interface Factory {
        Model create() throws EngineException;
    }

    private static final Map<String, Factory> REGISTERED = new ConcurrentSkipListMap<>();

    static {
        REGISTERED.put(BicubicModel.NAME, BicubicModel::new);
        for (String bundled : new String[] {VSR_SMALL, VSR_SMALL_FAST}) {
            REGISTERED.put(bundled, () -> new OnnxModel(ModelPackage.loadResource("/dev/flashvsr/models/" + bundled + "/")));
        }
    }

    private Models() {
    }

    /** Makes a model selectable by name in this process (for example {@code model=my-model}). */
    public static void register(String name, Factory factory) {
        if (name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("a model name must be non-empty and must not look like a path: " + name);
        }
        REGISTERED.put(name, factory);
    }

    public static List<String> builtInNames() {
        return List.copyOf(REGISTERED.keySet());
    }

    /**
     * The model ready to run on {@code backend} (resolved when {@code AUTO}) in {@code precision}.
     *
     * @throws EngineException when the backend cannot run the model, or when {@code precision} is
     *     concrete and the model has no such variant at any scale (the message names those it has)
     */
    public static Model resolve(String nameOrPath, Backend backend, Precision precision) throws EngineException {
        Model model = resolve(nameOrPath);
        try {
            model.resolveBackend(backend);
            if (precision.isConcrete() && model.scales().stream().noneMatch(s -> model.precisions(s).contains(precision))) {
                model.resolvePrecision(precision, model.scales().iterator().next());
            }
            return model;
        } catch (EngineException e) {
            model.close();
            throw e;
        }
    }

    public static Model resolve(String nameOrPath) throws EngineException {
        String requested = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT : nameOrPath.trim();
        Factory registered = REGISTERED.get(requested);
        if (registered != null) {
            return registered.create();
        }
        String choices = "Set model to one of " + builtInNames() + " or to the path of a model package";
        Path path;
        try {
            path = Path.of(requested);
        } catch (InvalidPathException e) {
            throw new EngineException("model '" + requested.replace("\0", "\\0") + "' is not a usable path: "
                    + e.getReason(), choices);
        }
        if (!Files.exists(path)) {
            throw new EngineException("model '" + requested + "' is neither a known model name nor an existing file",
                    choices);
        }
        if (!Files.isReadable(path)) {
            throw new EngineException("model file '" + requested + "' is not readable", "Check its permissions");
        }
        if (Files.isDirectory(path) || path.getFileName().toString().equals(ModelManifest.FILE_NAME)) {
            Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
            if (FlashVsrPackage.isFlashVsrManifest(folder.resolve(FlashVsrPackage.MANIFEST))) {
                return new FlashVsrModel(FlashVsrPackage.open(folder));
            }
            return new OnnxModel(ModelPackage.load(path));
        }
        throw new EngineException("'" + requested + "' is not a model package (a directory with "
                + ModelManifest.FILE_NAME + ")", choices);
    }
}
