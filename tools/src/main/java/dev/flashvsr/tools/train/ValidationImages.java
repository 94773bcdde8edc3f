package dev.flashvsr.tools.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The validation images: test images of Debian's {@code python3-skimage} package. Gray images
 * (camera, moon) are used as three equal channels.
 */
public final class ValidationImages {

    public static final Path DEFAULT_DIR = Path.of("/usr/lib/python3/dist-packages/skimage/data");

    public static final List<String> FILES = List.of(
            "astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png",
            "retina.jpg", "hubble_deep_field.jpg", "camera.png", "moon.png");

    private ValidationImages() {
    }
}
