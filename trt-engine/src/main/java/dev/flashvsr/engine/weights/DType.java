package dev.flashvsr.engine.weights;

/**
 * The element types of the safetensors format. Every type's size is known, so any file can be
 * validated; {@link #readableAsFloat()} types can be read with
 * {@link SafeTensorsFile#readFloats(String)}.
 */
public enum DType {
    BOOL(1, false),
    U8(1, false),
    I8(1, false),
    F8_E5M2(1, false),
    F8_E4M3(1, false),
    I16(2, false),
    U16(2, false),
    F16(2, true),
    BF16(2, true),
    I32(4, false),
    U32(4, false),
    F32(4, true),
    F64(8, true),
    I64(8, false),
    U64(8, false);

    private final int size;
    private final boolean floatReadable;

    DType(int size, boolean floatReadable) {
        this.size = size;
        this.floatReadable = floatReadable;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether {@link SafeTensorsFile#readFloats(String)} converts this type. */
    public boolean readableAsFloat() {
        return floatReadable;
    }

    /** The type with this header name (as written in the file: "F32", "BF16", ...), or null. */
    static DType forName(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
