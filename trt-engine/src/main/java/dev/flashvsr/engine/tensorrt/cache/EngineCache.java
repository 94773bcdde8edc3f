package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A folder of built TensorRT engines, one file per {@link EngineKey}, so that an engine is built
 * once per GPU, TensorRT version, graph and shape range:
 * <ul>
 *   <li>a load reads the key's file and checks its header; a missing, damaged or mismatching file
 *       is built under the key's file lock (so two pipelines or processes build it once), written
 *       to a temporary file, flushed and renamed into place;
 *   <li>a damaged file, and one the runtime rejected ({@link #invalidate}), is rebuilt with a warning;
 *   <li>a folder that cannot be created or written, or a full disk, means the engine is built in
 *       memory and returned, with one warning per cache naming the folder and the fix.
 * </ul>
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
     *
     * @throws EngineException      what the builder threw
     * @throws InterruptedException the thread was interrupted while waiting for another build
     */
    public byte[] load(EngineKey key, EngineBuilder builder, CacheListener listener)
            throws EngineException, InterruptedException {
        Path file = fileOf(key);
        String damage = null;
        if (!rejected.contains(file)) {
            try {
                byte[] cached = EngineFile.read(file, key);
                if (cached != null) {
                    listener.hit(key, file);
                    return cached;
                }
            } catch (EngineFile.Unusable e) {
                damage = e.getMessage();
            }
        }
        String folderProblem = folderProblem();
        if (folderProblem != null) {
            warnDamage(file, damage, listener);
            warnFolder(folderProblem, listener);
            return build(key, file, builder, listener);
        }
        try (EngineLock lock = EngineLock.acquire(file, listener, waitReport)) {
            return loadLocked(key, file, builder, listener);
        } catch (IOException e) {
            warnFolder("its lock file " + EngineLock.lockFileOf(file) + " cannot be used (" + e + ")", listener);
            return build(key, file, builder, listener);
        }
    }

    /** Under the lock: another process may have built the engine while this one waited. */
    private byte[] loadLocked(EngineKey key, Path file, EngineBuilder builder, CacheListener listener)
            throws EngineException {
        deleteStaleTemporaries(file);
        if (!rejected.contains(file)) {
            try {
                byte[] cached = EngineFile.read(file, key);
                if (cached != null) {
                    listener.hit(key, file);
                    return cached;
                }
            } catch (EngineFile.Unusable e) {
                warnDamage(file, e.getMessage(), listener);
            }
        }
        byte[] engine = build(key, file, builder, listener);
        try {
            EngineFile.write(file, key, engine);
            rejected.remove(file);
        } catch (IOException e) {
            warnFolder("the engine could not be written (" + e + ")", listener);
        }
        return engine;
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
                    + "memory from now on; delete the file by hand or " + FOLDER_FIX);
        }
    }

    private byte[] build(EngineKey key, Path file, EngineBuilder builder, CacheListener listener)
            throws EngineException {
        listener.miss(key, file);
        long start = System.nanoTime();
        byte[] engine = builder.build(listener::progress);
        if (engine == null || engine.length == 0) {
            throw new IllegalStateException("the engine builder for " + key.describe() + " returned no engine bytes");
        }
        listener.built(key, Duration.ofNanos(System.nanoTime() - start), engine.length);
        return engine;
    }

    /** Why engines cannot be written to the folder, or null when they can. */
    private String folderProblem() {
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
                    + "; engines are built in memory and not kept: " + FOLDER_FIX);
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
