package dev.flashvsr.element.gst;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks every hard-coded offset and enum value against the installed C headers. */
class NativeLayoutTest {

    @Test
    void everyConstantMatchesTheHeaders(@TempDir Path dir) throws Exception {
        Path probe = dir.resolve("layout_probe");
        String flags = run(dir, "pkg-config", "--cflags", "--libs", "gstreamer-video-1.0");
        assumeTrue(flags != null, "pkg-config or gstreamer-video-1.0 headers missing (libgstreamer-plugins-base1.0-dev)");
        String source = Path.of("src/test/layout/layout_probe.c").toAbsolutePath().toString();
        assertTrue(run(dir, "sh", "-c", "gcc " + source + " -o " + probe + " " + flags.trim()) != null,
                "compiling the layout probe failed");
        Map<String, Long> fromHeaders = new HashMap<>();
        for (String line : run(dir, probe.toString()).split("\n")) {
            String[] kv = line.split("=");
            fromHeaders.put(kv[0], Long.parseLong(kv[1]));
        }
        int checked = 0;
        for (Field field : NativeLayout.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Long expected = fromHeaders.get(field.getName());
            assertTrue(expected != null, "the probe does not print " + field.getName());
            assertEquals(expected.longValue(), ((Number) field.get(null)).longValue(), field.getName());
            checked++;
        }
        assertEquals(fromHeaders.size(), checked, "every probed value has a constant");
    }

    /** Runs a command; returns its output, or null when it failed or could not start. */
    private static String run(Path dir, String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                System.err.println(new String(out, StandardCharsets.UTF_8));
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
