package dev.flashvsr.element.loader;

import java.util.List;

/** The raw video formats flashvsrfilter accepts (issue 3 tests each of them). */
final class FlashVsrFormats {
    static final List<String> ALL = List.of("NV12", "I420", "RGB", "BGR", "RGBA", "BGRA", "RGBx", "BGRx");

    private FlashVsrFormats() {
    }
}
