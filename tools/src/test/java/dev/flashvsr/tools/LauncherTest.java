package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code tools/flashvsr} gives the JVM an explicit heap limit, a quarter of
 * the machine, which {@code FLASHVSR_JAVA_OPTS} can override. It runs here from a copy beside a
 * stand-in build and with {@code JAVA} set to a script that prints the arguments it gets.
 */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theHeapLimitComesFirstAndFlashvsrJavaOptsOverrideIt() throws Exception {
        List<String> arguments = launch("-Xmx300m -Dsome.property=1");
        int heap = arguments.indexOf("-XX:MaxRAMPercentage=25");
        int override = arguments.indexOf("-Xmx300m");
        assertTrue(heap >= 0 && override > heap, "the user's options come after ours, so they win: " + arguments);
        assertTrue(arguments.contains("-Dsome.property=1"), arguments::toString);
        assertEquals("dev.flashvsr.tools.FlashVsrCli", arguments.get(arguments.size() - 2), arguments::toString);
        assertEquals("--help", arguments.get(arguments.size() - 1));
    }

    @Test
    void withoutOptionsTheHeapLimitIsStillThere() throws Exception {
        assertTrue(launch("").contains("-XX:MaxRAMPercentage=25"));
    }

    /** The arguments the launcher passes to java for {@code flashvsr --help}. */
    private List<String> launch(String javaOpts) throws IOException, InterruptedException {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Files.copy(Path.of("flashvsr"), tools.resolve("flashvsr"));
        Files.createDirectories(tools.resolve("target/lib"));
        Files.createFile(tools.resolve("target/tools-0.0.0.jar"));
        Path java = dir.resolve("java-arguments");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Path output = dir.resolve("arguments.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", tools.resolve("flashvsr").toString(), "--help")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA", java.toString());
        builder.environment().put("FLASHVSR_JAVA_OPTS", javaOpts);
        Process process = builder.start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
        assertEquals(0, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        return Files.readAllLines(output, StandardCharsets.UTF_8);
    }
}
