package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The backends of this build, found with {@link ServiceLoader} and ranked for {@code backend=auto},
 * and the choice of one of them for a model.
 */
public final class Backends {
    private final List<BackendProvider> ranked;

    private Backends(List<BackendProvider> providers) {
        List<BackendProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(BackendProvider::rank).reversed());
        this.ranked = List.copyOf(sorted);
    }

    /** Found once per process: providers come from the jars on the class path, which do not change. */
    private static final class Discovered {
        static final Backends INSTANCE = new Backends(ServiceLoader.load(BackendProvider.class,
                BackendProvider.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList());
    }

    /** The providers on the class path. */
    public static Backends discovered() {
        return Discovered.INSTANCE;
    }

    /** These providers only (for tests, and applications that bring their own). */
    public static Backends of(List<BackendProvider> providers) {
        return new Backends(providers);
    }

    /** Every backend of this build, best-ranked first, usable or not, for listings. */
    public static List<BackendStatus> available() {
        return discovered().statuses();
    }

    public List<BackendStatus> statuses() {
        return ranked.stream().map(BackendStatus::of).toList();
    }

    /** Best-ranked first. */
    public List<BackendProvider> providers() {
        return ranked;
    }

    /**
     * The provider that runs {@code definition} at {@code precision}: for {@code AUTO} the
     * best-ranked one that is usable, can run the model and runs the precision; else the
     * requested backend, which must be all of that.
     *
     * @throws EngineException naming the backends present, or why the requested one cannot
     */
    public BackendProvider choose(Backend requested, ModelDefinition definition, Precision precision)
            throws EngineException {
        if (requested == Backend.AUTO) {
            for (BackendProvider provider : ranked) {
                if (whyNot(provider, definition, precision).isEmpty()) {
                    return provider;
                }
            }
            String reasons = ranked.stream().map(p -> p.backend().nick() + ": " + whyNot(p, definition, precision))
                    .collect(Collectors.joining("; "));
            throw new EngineException("no backend of this build can run model '" + definition.name() + "'"
                    + (precision.isConcrete() ? " in " + precision.nick() : "")
                    + (ranked.isEmpty() ? " (none is present)" : " (" + reasons + ")"),
                    precision.isConcrete() ? "Set precision=auto" : "Install a backend that runs it");
        }
        List<BackendProvider> candidates = ranked.stream().filter(p -> p.backend() == requested).toList();
        if (candidates.isEmpty()) {
            throw new EngineException("backend " + requested.nick() + " is not part of this build; present: "
                    + describePresent(), "Set backend=auto or one of: " + nicks());
        }
        String reason = "";
        for (BackendProvider provider : candidates) {
            reason = whyNot(provider, definition, precision);
            if (reason.isEmpty()) {
                return provider;
            }
        }
        throw new EngineException("backend " + requested.nick() + " cannot run model '" + definition.name() + "'"
                + (precision.isConcrete() ? " in " + precision.nick() : "") + ": " + reason,
                "Set backend=auto or one of: " + nicks() + (precision.isConcrete() ? ", or precision=auto" : ""));
    }

    /**
     * The model ready to run: the provider {@link #choose} picks loads the graphs of
     * {@code precision} only.
     *
     * @throws EngineException when no backend fits, or when {@code precision} is concrete and the
     *     model has no such variant (the message names those it has)
     */
    public Model load(ModelDefinition definition, Backend backend, Precision precision, int deviceId)
            throws EngineException {
        if (precision.isConcrete() && !definition.precisions().contains(precision)) {
            String names = nicks(definition.precisions());
            throw new EngineException("model '" + definition.name() + "' has no " + precision.nick() + " variant; it has "
                    + names, "Set precision to auto or to one of: " + names);
        }
        return choose(backend, definition, precision).load(definition, precision, deviceId);
    }

    /**
     * Why {@code backend=auto} did not put the model on each backend ranked above {@code chosen}
     * that runs this kind of model ("cuda: not usable here: no NVIDIA driver ..."), best-ranked
     * first; empty when none was passed over. Backends that never run such models are not listed:
     * they were not a choice.
     */
    public List<String> passedOver(Backend chosen, ModelDefinition definition, Precision precision) {
        List<String> reasons = new ArrayList<>();
        for (BackendProvider provider : ranked) {
            if (provider.backend() == chosen) {
                break;
            }
            if (!provider.canRun(definition)) {
                continue;
            }
            String why = whyNot(provider, definition, precision);
            if (!why.isEmpty()) {
                reasons.add(provider.backend().nick() + ": " + why);
            }
        }
        return reasons;
    }

    /** Empty when {@code provider} can run the model in this precision, else why not. */
    private static String whyNot(BackendProvider provider, ModelDefinition definition, Precision precision) {
        String unusable = provider.unusableReason().orElse("");
        if (!unusable.isEmpty()) {
            return "not usable here: " + unusable;
        }
        if (!provider.canRun(definition)) {
            return "it does not run this kind of model";
        }
        if (!provider.capabilities().runs(precision)) {
            return "it does not run " + precision.nick() + ", only " + nicks(provider.capabilities().precisions());
        }
        return "";
    }

    private String describePresent() {
        return ranked.isEmpty() ? "none" : statuses().stream()
                .map(s -> s.nick() + (s.usable() ? "" : " (not usable: " + s.reason() + ")"))
                .collect(Collectors.joining(", "));
    }

    private String nicks() {
        return ranked.stream().map(p -> p.backend().nick()).distinct().collect(Collectors.joining(", "));
    }

    private static String nicks(Collection<Precision> precisions) {
        return precisions.stream().map(Precision::nick).collect(Collectors.joining(", "));
    }
}
