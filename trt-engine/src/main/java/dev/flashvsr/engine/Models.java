package dev.flashvsr.engine;

import dev.flashvsr.engine.backend.Backends;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Resolves the {@code model} setting: a built-in or registered model name, or a path to a model
 * package. A name or path is first read as a {@link ModelDefinition} (files checked, no runtime
 * built), then the backend chosen by {@link Backends} loads what the chosen precision needs.
 * Applications may register their own in-process models by name; those are created by their
 * factory and run where their code runs.
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

    /** Reads a built-in model's definition; may fail with an error the user can act on. */
    @FunctionalInterface
    private interface BuiltIn {
        ModelDefinition define() throws EngineException;
    }

    private static final Map<String, BuiltIn> BUILT_IN = Map.of(
            BicubicModel.NAME, ModelDefinition.Bicubic::new,
            VSR_SMALL, () -> bundled(VSR_SMALL),
            VSR_SMALL_FAST, () -> bundled(VSR_SMALL_FAST));

    /** Applications' models; a name here hides a built-in one. */
    private static final Map<String, Factory> REGISTERED = new ConcurrentSkipListMap<>();

    private static ModelDefinition bundled(String name) throws EngineException {
        return new ModelDefinition.Recurrent(ModelPackage.loadResource("/dev/flashvsr/models/" + name + "/"));
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

    /** Every name {@code model} accepts besides paths: built-in and registered ones, sorted. */
    public static List<String> builtInNames() {
        TreeSet<String> names = new TreeSet<>(BUILT_IN.keySet());
        names.addAll(REGISTERED.keySet());
        return List.copyOf(names);
    }

    /**
     * The model ready to run on {@code backend} (resolved when {@code AUTO}) in {@code precision},
     * on device 0.
     *
     * @throws EngineException when no such backend can run the model, or when {@code precision} is
     *     concrete and the model has no such variant at any scale (the message names those it has)
     */
    public static Model resolve(String nameOrPath, Backend backend, Precision precision) throws EngineException {
        return resolve(nameOrPath, backend, precision, 0);
    }

    /** As {@link #resolve(String, Backend, Precision)} with the backend, precision and device of {@code options}. */
    public static Model resolve(String nameOrPath, SessionOptions options) throws EngineException {
        return resolve(nameOrPath, options.backend(), options.precision(), options.deviceId());
    }

    /**
     * The model on the best backend for it, in the precision that backend prefers, on device 0:
     * for callers with no settings (tests, applications that take the defaults).
     */
    public static Model resolve(String nameOrPath) throws EngineException {
        return resolve(nameOrPath, Backend.AUTO, Precision.AUTO);
    }

    /**
     * As {@link #resolve(String, Backend, Precision)} on device {@code deviceId} of the backend
     * (the cpu backend has device 0 only and refuses others). Models registered in process run
     * where their own code runs and take no device id.
     */
    public static Model resolve(String nameOrPath, Backend backend, Precision precision, int deviceId)
            throws EngineException {
        String requested = requestedName(nameOrPath);
        Factory registered = REGISTERED.get(requested);
        if (registered == null) {
            return Backends.discovered().load(definition(requested), backend, precision, deviceId);
        }
        Model model = registered.create();
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

    /**
     * Why {@code backend=auto} passed over the backends ranked above {@code chosen} for this model
     * ({@link Backends#passedOver}); empty for models registered in process, which choose no backend.
     */
    public static List<String> backendsPassedOver(String nameOrPath, Backend chosen, Precision precision)
            throws EngineException {
        if (REGISTERED.containsKey(requestedName(nameOrPath))) {
            return List.of();
        }
        return Backends.discovered().passedOver(chosen, definition(nameOrPath), precision);
    }

    /**
     * What {@code model} names, read and checked without building anything to run it: a built-in
     * model or a package folder (or its manifest.json). A FlashVSR package's files are checked when
     * a backend opens it ({@link ModelDefinition.FlashVsr}). Names registered in process have no
     * definition: their factory makes the runnable model directly.
     *
     * @throws EngineException when it is neither, naming the choices
     */
    public static ModelDefinition definition(String nameOrPath) throws EngineException {
        String requested = requestedName(nameOrPath);
        BuiltIn builtIn = BUILT_IN.get(requested);
        if (builtIn != null) {
            return builtIn.define();
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
                return new ModelDefinition.FlashVsr(folder);
            }
            return new ModelDefinition.Recurrent(ModelPackage.load(path));
        }
        throw new EngineException("'" + requested + "' is not a model package (a directory with "
                + ModelManifest.FILE_NAME + ")", choices);
    }

    private static String requestedName(String nameOrPath) {
        return nameOrPath == null || nameOrPath.isBlank() ? DEFAULT : nameOrPath.trim();
    }
}
