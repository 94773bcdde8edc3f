package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrtObjects#delete} on g++-built stand-ins shaped like TensorRT 10's classes (no TensorRT
 * here): the subclass's destructor runs and its memory is freed, i.e. the vtable slot called is the
 * deleting destructor, as C++ {@code delete} would call it.
 */
class TrtObjectsTest {
    interface StandIns extends Library {
        Pointer trt_objects_make();

        int trt_objects_destroyed();

        int trt_objects_freed();
    }

    @Test
    void deleteRunsTheVirtualDeletingDestructor(@TempDir Path folder) throws Exception {
        Path library = folder.resolve("libtrt-objects-host.so");
        Process gpp = new ProcessBuilder(List.of("g++", "-O2", "-shared", "-fPIC", "-Wall", "-Werror", "-o",
                library.toString(), Path.of("src", "test", "cpp", "trt_objects_host.cpp").toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(folder.resolve("g++.log").toFile()).start();
        if (!gpp.waitFor(60, TimeUnit.SECONDS) || gpp.exitValue() != 0) {
            throw new IllegalStateException("g++ could not build the stand-ins (install g++ with"
                    + " scripts/install-deps.sh): " + Files.readString(folder.resolve("g++.log")));
        }
        StandIns standIns = Native.load(library.toString(), StandIns.class);
        TrtObjects.delete(Pointer.nativeValue(standIns.trt_objects_make()));
        TrtObjects.delete(0);
        assertEquals(1, standIns.trt_objects_destroyed(), "the subclass's destructor ran");
        assertEquals(1, standIns.trt_objects_freed(), "and its memory was freed (the deleting destructor)");
    }
}
