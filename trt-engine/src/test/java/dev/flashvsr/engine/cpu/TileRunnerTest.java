package dev.flashvsr.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Runners that share run buffers (the tiles of a session) keep their own state exactly. */
class TileRunnerTest {

    @Test
    void runnersSharingRunBuffersGiveWhatRunnersWithTheirOwnGive() throws Exception {
        ModelPackage pkg = ModelPackage.loadResource("/dev/flashvsr/models/vsr-small/");
        ModelManifest.Graph graph = pkg.manifest().graphFor(4).orElseThrow();
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(1);
                OrtSession session = OrtRuntime.ENV.createSession(pkg.graph(pkg.manifest().graphFor(4).orElseThrow()), options)) {
            TileRunner.RunBuffers shared = new TileRunner.RunBuffers(graph, 12, 16);
            TileRunner[] sharing = {new TileRunner(session, graph, 12, 16, shared),
                    new TileRunner(session, graph, 12, 16, shared)};
            TileRunner[] alone = {new TileRunner(session, graph, 12, 16), new TileRunner(session, graph, 12, 16)};
            Random random = new Random(3);
            for (int frame = 0; frame < 4; frame++) {
                for (int tile = 0; tile < 2; tile++) {
                    float[] input = new float[3 * 12 * 16];
                    for (int i = 0; i < input.length; i++) {
                        input[i] = random.nextFloat();
                    }
                    float[] expected = runOn(alone[tile], input);
                    float[] got = runOn(sharing[tile], input);
                    assertEquals(expected.length, got.length);
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], got[i], "frame " + frame + ", tile " + tile + ", element " + i);
                    }
                }
            }
        }
    }

    @Test
    void runBuffersOfAnotherSizeAreRefused() throws Exception {
        ModelPackage pkg = ModelPackage.loadResource("/dev/flashvsr/models/vsr-small/");
        ModelManifest.Graph graph = pkg.manifest().graphFor(2).orElseThrow();
        TileRunner.RunBuffers buffers = new TileRunner.RunBuffers(graph, 8, 8);
        assertThrows(IllegalArgumentException.class, () -> new TileRunner(null, graph, 8, 9, buffers));
    }

    private static float[] runOn(TileRunner runner, float[] input) throws Exception {
        runner.input().clear().put(input);
        runner.run();
        FloatBuffer output = runner.output();
        float[] result = new float[output.capacity()];
        output.clear().get(result);
        return result;
    }
}
