package dev.flashvsr.tools.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The photographs the default model is trained on: the CC0 and CC-BY-4.0 photos of Debian's
 * {@code lomiri-wallpapers-16.04} package (installed under {@code /usr/share/backgrounds}). The
 * package's CC-BY-SA-4.0 photos are left out, so the trained weights carry no share-alike
 * obligation. Authors and licences as given in
 * {@code /usr/share/doc/lomiri-wallpapers-16.04/copyright}.
 */
public final class TrainingPhotos {

    /** One training photograph. */
    public record Photo(String file, String author, String licence) {
        public Path path(Path dir) {
            return dir.resolve(file);
        }
    }

    public static final Path DEFAULT_DIR = Path.of("/usr/share/backgrounds");

    public static final List<Photo> LOMIRI_16_04 = List.of(
            new Photo("aitzgorri_by_Aitzol_Berasategi.jpg", "Aitzol Berasategi, 2018", "CC-BY-4.0"),
            new Photo("friends_by_Aitzol_Berasategi.jpg", "Aitzol Berasategi, 2018", "CC-BY-4.0"),
            new Photo("life_by_Aitzol_Berasategi.jpg", "Aitzol Berasategi, 2018", "CC-BY-4.0"),
            new Photo("picosdeeuropa_by_Aitzol_Berasategi.jpg", "Aitzol Berasategi, 2018", "CC-BY-4.0"),
            new Photo("sunset_by_Aitzol_Berasategi.jpg", "Aitzol Berasategi, 2018", "CC-BY-4.0"),
            new Photo("Picture_0B_by_freespace.jpg", "Trevor \"Freespace\", 2018", "CC-BY-4.0"),
            new Photo("Picture_1A_by_freespace.jpg", "Trevor \"Freespace\", 2018", "CC-BY-4.0"),
            new Photo("umang_by_Abhishek_Mudgal.jpg", "Abhishek Mudgal, 2018", "CC-BY-4.0"),
            new Photo("Wine_by_Jakkub_Mede.jpg", "Jakub Mede, 2018", "CC-BY-4.0"),
            new Photo("seeding_by_Clements_Engelhardt.jpg", "Clemens Engelhardt, 2018", "CC0-1.0"));

    private TrainingPhotos() {
    }
}
