package dev.flashvsr.engine.pkg;

/**
 * The rule for file names inside a model package (manifest entries, ONNX external data
 * locations): a relative path of plain names separated by {@code /}. Checked as text before any
 * path is built, so a NUL or a {@code ..} is a message about the manifest, not an exception from
 * the file system.
 */
final class PackagePaths {
    private PackagePaths() {
    }

    /** What is wrong with {@code name} as a path inside a package (a phrase), or null when nothing is. */
    static String problemWith(String name) {
        if (name.isEmpty() || name.startsWith("/")) {
            return "must be a relative path inside the package, not \"" + printable(name) + "\"";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "must not contain control characters or backslashes: \"" + printable(name) + "\"";
            }
        }
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return "must be a path inside the package without empty, '.' or '..' parts: \"" + printable(name)
                        + "\"";
            }
        }
        return null;
    }

    /** The name with control characters written as a Java-style escape, for messages. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
