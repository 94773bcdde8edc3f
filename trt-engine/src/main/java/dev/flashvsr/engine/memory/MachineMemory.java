package dev.flashvsr.engine.memory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The memory this process may use: the machine's physical memory and what is available now
 * ({@code MemTotal} and {@code MemAvailable} of {@code /proc/meminfo}), each lowered to the
 * process's cgroup limit and what is left under it (containers, systemd slices; cgroup v2 or v1).
 * Where {@code /proc} is missing, the JVM's view of physical and free memory.
 *
 * @param totalBytes     physical memory, or the cgroup limit when lower
 * @param availableBytes memory available without swapping, or what is left under the cgroup limit
 *                       when less
 * @param source         where the numbers come from, for messages
 */
public record MachineMemory(long totalBytes, long availableBytes, String source) {
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    /** Reads the current values. */
    public static MachineMemory read() {
        try {
            return fromMeminfo(Files.readString(MEMINFO), CgroupLimit.find(CGROUP_ROOT, Path.of("/proc/self/cgroup")));
        } catch (IOException | RuntimeException e) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new MachineMemory(os.getTotalMemorySize(), os.getFreeMemorySize(), "the JVM's view of the machine");
        }
    }

    /** From the text of {@code /proc/meminfo} and the cgroup's limit, if there is one. */
    static MachineMemory fromMeminfo(String meminfo, Optional<CgroupLimit> cgroup) {
        long total = meminfoBytes(meminfo, "MemTotal:");
        long available = meminfoBytes(meminfo, "MemAvailable:");
        String source = "/proc/meminfo";
        if (cgroup.isPresent() && cgroup.get().limit() < total) {
            total = cgroup.get().limit();
            available = Math.min(available, Math.max(0, cgroup.get().limit() - cgroup.get().usage()));
            source = "/proc/meminfo and cgroup " + cgroup.get().directory();
        }
        return new MachineMemory(total, available, source);
    }

    private static long meminfoBytes(String meminfo, String key) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(key)) {
                String[] fields = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(fields[0]) * 1024;
            }
        }
        throw new IllegalArgumentException("no " + key + " in /proc/meminfo");
    }

    /**
     * The lowest memory limit on the process's cgroup or its ancestors, with the usage at that level.
     *
     * @param directory the cgroup directory whose limit it is
     */
    record CgroupLimit(long limit, long usage, Path directory) {

        /** The limit for the process described by {@code procSelfCgroup}; empty when none is set or readable. */
        static Optional<CgroupLimit> find(Path root, Path procSelfCgroup) throws IOException {
            if (!Files.isRegularFile(procSelfCgroup)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(procSelfCgroup);
            Optional<CgroupLimit> found = Optional.empty();
            for (String line : lines) {
                // cgroup v2: "0::/path"
                if (line.startsWith("0::")) {
                    found = lowest(root, line.substring(3), "memory.max", "memory.current");
                }
            }
            for (String line : lines) {
                // cgroup v1 (alone, or beside an empty v2 hierarchy): "N:memory:/path", maybe with other controllers
                String[] fields = line.split(":", 3);
                if (found.isEmpty() && fields.length == 3 && List.of(fields[1].split(",")).contains("memory")) {
                    found = lowest(root.resolve("memory"), fields[2], "memory.limit_in_bytes", "memory.usage_in_bytes");
                }
            }
            return found;
        }

        /** Walks from the process's cgroup up to the hierarchy's root; inside a container only the root may exist. */
        private static Optional<CgroupLimit> lowest(Path hierarchy, String cgroupPath, String limitFile,
                String usageFile) throws IOException {
            CgroupLimit lowest = null;
            Path dir = hierarchy.resolve(cgroupPath.replaceFirst("^/+", ""));
            while (dir != null && dir.startsWith(hierarchy)) {
                OptionalLong limit = number(dir.resolve(limitFile));
                OptionalLong usage = number(dir.resolve(usageFile));
                if (limit.isPresent() && usage.isPresent() && (lowest == null || limit.getAsLong() < lowest.limit)) {
                    lowest = new CgroupLimit(limit.getAsLong(), usage.getAsLong(), dir);
                }
                dir = dir.getParent();
            }
            return Optional.ofNullable(lowest);
        }

        /** A number file's value; empty for "max" (no limit) or a missing file. */
        private static OptionalLong number(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                return OptionalLong.empty();
            }
            String text = Files.readString(file).trim();
            return text.equals("max") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        }
    }
}
