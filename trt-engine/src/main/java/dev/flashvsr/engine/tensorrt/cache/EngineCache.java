package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A folder of built TensorRT engines, one file per {@link EngineKey}, so that an engine is built
 * once per GPU, TensorRT version, graph and shape range:
 * <ul>
 *   <li>a load checks the key's file (header and the engine's SHA-256) and hands out a plan that
 *       reads the engine from that file; a missing, damaged or mismatching file is built under the
 *       key's file lock (so two pipelines or processes build it once), written to a temporary file
 *       as the builder produces it, flushed and renamed into place;
 *   <li>a damaged file, and one the runtime rejected ({@link #invalidate}), is rebuilt with a warning;
 *   <li>a folder that cannot be created or written, or a full disk, means the engine is built into
 *       a temporary file in {@code java.io.tmpdir} that closing its plan deletes, with one warning
 *       per cache naming the folder and the fix.
 * </ul>
 * Engines never pass through one Java array, so they may exceed 2 GiB.
 */
public final class EngineCache {
    public static final Duration DEFAULT_WAIT_REPORT = Duration.ofSeconds(5);
    private static final String FOLDER_FIX = "set the element's engine-cache property (or the command line's "
            + "engine cache option) to a writable folder with room, or fix the folder's permissions";

    private final Path folder;
    private final Duration waitReport;
    /** Files the runtime rejected that could not be deleted: never loaded again by this cache. */
    private final Set<Path> rejected = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean folderWarned = new AtomicBoolean();
    /** Why an engine could not be written here (a full disk): later builds go elsewhere at once, built once. */
    private volatile String writeProblem;

    public EngineCache(Path folder) {
        this(folder, DEFAULT_WAIT_REPORT);
    }

    /** @param waitReport how often a load waiting for another build reports that it waits */
    public EngineCache(Path folder, Duration waitReport) {
        if (waitReport.isNegative() || waitReport.isZero()) {
            throw new IllegalArgumentException("engine cache: waitReport " + waitReport + " is not positive");
        }
        this.folder = folder;
        this.waitReport = waitReport;
    }

    /**
     * {@code $XDG_CACHE_HOME/flashvsr/engines}, or {@code HOME/.cache/flashvsr/engines} when that
     * variable is unset, empty or relative (the XDG base directory rules).
     */
    public static Path defaultFolder(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        return base.resolve("flashvsr").resolve("engines");
    }

    /** The default folder of this process's environment and user. */
    public static Path defaultFolder() {
        return defaultFolder(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public Path folder() {
        return folder;
    }

    /** Where the engine of {@code key} is kept. */
    public Path fileOf(EngineKey key) {
        return folder.resolve(key.fileName());
    }

    /**
     * The engine of {@code key}: read from the cache when its file is intact, else built with
     * {@code builder} (once, however many pipelines and processes ask at the same time) and stored.
     * The caller closes the plan once the runtime has loaded it.
     *
     * @throws EngineException      what the builder threw
     * @throws InterruptedException the thread was interrupted while waiting for another build
     */
    public EnginePlan load(EngineKey key, EngineBuilder builder, CacheListener listener)
            throws EngineException, InterruptedException {
        Path file = fileOf(key);
        String damage = null;
        try {
            EnginePlan cached = cached(key, file, listener);
            if (cached != null) {
                return cached;
            }
        } catch (EngineFile.Unusable e) {
            damage = e.getMessage();
        }
        String folderProblem = folderProblem();
        if (folderProblem != null) {
            warnDamage(file, damage, listener);
            warnFolder(folderProblem, listener);
            return buildElsewhere(key, file, builder, listener);
        }
        try (EngineLock lock = EngineLock.acquire(file, listener, waitReport)) {
            return loadLocked(key, file, builder, listener);
        } catch (IOException e) {
            warnFolder("its lock file " + EngineLock.lockFileOf(file) + " cannot be used (" + e + ")", listener);
            return buildElsewhere(key, file, builder, listener);
        }
    }

    /** Under the lock: another process may have built the engine while this one waited. */
    private EnginePlan loadLocked(EngineKey key, Path file, EngineBuilder builder, CacheListener listener)
            throws EngineException {
        deleteStaleTemporaries(file);
        try {
            EnginePlan cached = cached(key, file, listener);
            if (cached != null) {
                return cached;
            }
        } catch (EngineFile.Unusable e) {
            warnDamage(file, e.getMessage(), listener);
        }
        try {
            EnginePlan built = EngineFile.write(file, key, plan -> build(key, file, builder, listener, plan));
            rejected.remove(file);
            return built;
        } catch (IOException e) {
            // the plan was lost with the file; TensorRT keeps no copy, so it is built again
            writeProblem = "the engine could not be written (" + e + ")";
            warnFolder(writeProblem, listener);
            return buildElsewhere(key, file, builder, listener);
        }
    }

    /** The engine in {@code file}, reported as a hit; null when there is none or the runtime rejected it. */
    private EnginePlan cached(EngineKey key, Path file, CacheListener listener) throws EngineFile.Unusable {
        EnginePlan cached = rejected.contains(file) ? null : EngineFile.read(file, key);
        if (cached != null) {
            listener.hit(key, file);
        }
        return cached;
    }

    /**
     * Records that the runtime rejected the cached engine of {@code key} (built by another TensorRT
     * or for another GPU despite its key, or damaged in a way the header cannot see): warns, deletes
     * the file, and the next load builds it again.
     */
    public void invalidate(EngineKey key, String reason, CacheListener listener) throws InterruptedException {
        Path file = fileOf(key);
        listener.warning("the cached engine " + file + " was rejected by TensorRT (" + reason
                + "); it is deleted and built again on the next load");
        try (EngineLock lock = EngineLock.acquire(file, listener, waitReport)) {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            rejected.add(file);
            listener.warning("cannot delete the rejected engine " + file + " (" + e + "): this process builds it in "
                    + "a temporary file from now on; delete the file by hand or " + FOLDER_FIX);
        }
    }

    /** Builds into {@code plan}, reporting the miss and the result. */
    private static void build(EngineKey key, Path file, EngineBuilder builder, CacheListener listener, PlanOutput plan)
            throws EngineException, IOException {
        listener.miss(key, file);
        long start = System.nanoTime();
        builder.build(plan, listener::progress);
        if (plan.written() == 0) {
            throw new IllegalStateException("the engine builder for " + key.describe() + " wrote no engine bytes");
        }
        listener.built(key, Duration.ofNanos(System.nanoTime() - start), plan.written());
    }

    /**
     * Builds the engine of {@code key} into a temporary file outside the cache folder, which
     * closing the returned plan deletes: for a cache folder that cannot take it.
     */
    private static EnginePlan buildElsewhere(EngineKey key, Path file, EngineBuilder builder, CacheListener listener)
            throws EngineException {
        Path temp = null;
        FileChannel channel = null;
        try {
            temp = Files.createTempFile("flashvsr-" + key.fileName() + ".", ".plan");
            channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            build(key, file, builder, listener, new PlanOutput(channel));
            return EnginePlan.temporary(temp, channel);
        } catch (IOException e) {
            discard(temp, channel);
            throw new EngineException("cannot write the TensorRT engine of " + key.describe() + " to a temporary file"
                    + (temp == null ? "" : " " + temp) + " either (" + e + ")", "free disk space in "
                    + System.getProperty("java.io.tmpdir") + " (java.io.tmpdir) or " + FOLDER_FIX, e);
        } catch (EngineException | RuntimeException | Error e) {
            discard(temp, channel);
            throw e;
        }
    }

    private static void discard(Path temp, FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // a stray file in java.io.tmpdir; the error being reported matters more
        }
    }

    /** Why engines cannot be written to the folder, or null when they can. */
    private String folderProblem() {
        if (writeProblem != null) {
            return writeProblem;
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            return "it cannot be created (" + e + ")";
        }
        return Files.isWritable(folder) ? null : "it is not writable";
    }

    private void warnFolder(String problem, CacheListener listener) {
        if (folderWarned.compareAndSet(false, true)) {
            listener.warning("the engine cache folder " + folder + " cannot be used: " + problem
                    + "; engines are built into temporary files in " + System.getProperty("java.io.tmpdir")
                    + " and not kept: " + FOLDER_FIX);
        }
    }

    private static void warnDamage(Path file, String damage, CacheListener listener) {
        if (damage != null) {
            listener.warning("the cached engine " + file + " " + damage + "; building it again");
        }
    }

    /** Temporary files of writers that died; only the lock holder may delete them. */
    private static void deleteStaleTemporaries(Path file) {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(file.getParent(),
                file.getFileName() + ".*" + EngineFile.TEMP_SUFFIX)) {
            for (Path temp : stale) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // left for the next lock holder; they do not hide the engine file
        }
    }
}
