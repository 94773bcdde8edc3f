package dev.flashvsr.engine.flashvsr;
/** Locates the shared FlashVSR golden data (../shared/golden/flashvsr from the repository root). */
public final class GoldenData { private GoldenData() {}
    public static java.nio.file.Path root() { String p = System.getProperty("flashvsr.golden");
        if (p != null) return java.nio.file.Path.of(p);
        for (String c : new String[] {"../../shared/golden/flashvsr", "../shared/golden/flashvsr", "/work/shared/golden/flashvsr"}) {
            java.nio.file.Path path = java.nio.file.Path.of(c); if (java.nio.file.Files.isDirectory(path)) return path; }
        throw new IllegalStateException("FlashVSR golden data not found; set -Dflashvsr.golden=DIR"); } }
