package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Maps caps across the element: the source side has width and height multiplied by the scale,
 * the sink side divided by it. Every other field (format, framerate, pixel-aspect-ratio,
 * colorimetry) passes through unchanged. Fixed sizes, ranges and lists are mapped; a structure
 * whose size cannot be mapped (a source width that is not a multiple of the scale) is dropped, so
 * impossible requests intersect to empty caps.
 */
final class CapsScaler {
    private static final GstApi GST = GstApi.LIB;
    private static final GObjectApi GOBJECT = GObjectApi.LIB;
    private static final long INT_RANGE_TYPE = GST.gst_int_range_get_type();
    private static final long LIST_TYPE = GST.gst_value_list_get_type();
    private static final String[] SIZE_FIELDS = {"width", "height"};
    /** Marks a size that has no image under the mapping. */
    private static final int NONE = -1;

    private CapsScaler() {
    }

    /** Caps on the source side for the given sink-side caps. Returns new caps (caller owns). */
    static Pointer toSource(Pointer sinkCaps, int scale) {
        return map(sinkCaps, scale, true);
    }

    /** Caps on the sink side for the given source-side caps. Returns new caps (caller owns). */
    static Pointer toSink(Pointer sourceCaps, int scale) {
        return map(sourceCaps, scale, false);
    }

    private static Pointer map(Pointer caps, int scale, boolean multiply) {
        Pointer result = GST.gst_caps_copy(caps);
        if (GST.gst_caps_is_any(result)) {
            return result;
        }
        for (int i = GST.gst_caps_get_size(result) - 1; i >= 0; i--) {
            Pointer structure = GST.gst_caps_get_structure(result, i);
            for (String field : SIZE_FIELDS) {
                if (!mapField(structure, field, scale, multiply)) {
                    GST.gst_caps_remove_structure(result, i);
                    break;
                }
            }
        }
        return result;
    }

    /** Returns false when no value of the field survives the mapping. */
    private static boolean mapField(Pointer structure, String field, int scale, boolean multiply) {
        Pointer value = GST.gst_structure_get_value(structure, field);
        if (value == null) {
            return true;
        }
        Memory mapped = new Memory(NativeLayout.GVALUE_SIZE);
        mapped.clear();
        if (!mapValue(value, mapped, scale, multiply)) {
            return false;
        }
        GST.gst_structure_set_value(structure, field, mapped);
        GOBJECT.g_value_unset(mapped);
        return true;
    }

    private static boolean mapValue(Pointer value, Pointer out, int scale, boolean multiply) {
        long type = value.getLong(0);
        if (type == NativeLayout.G_TYPE_INT) {
            int size = mapSize(GOBJECT.g_value_get_int(value), scale, multiply);
            if (size == NONE) {
                return false;
            }
            GOBJECT.g_value_init(out, NativeLayout.G_TYPE_INT);
            GOBJECT.g_value_set_int(out, size);
            return true;
        }
        if (type == INT_RANGE_TYPE) {
            return mapRange(value, out, scale, multiply);
        }
        if (type == LIST_TYPE) {
            return mapList(value, out, scale, multiply);
        }
        // Unknown value types are left to the template intersection.
        return false;
    }

    private static boolean mapRange(Pointer value, Pointer out, int scale, boolean multiply) {
        int min = GST.gst_value_get_int_range_min(value);
        int max = GST.gst_value_get_int_range_max(value);
        int step = GST.gst_value_get_int_range_step(value);
        int newMin;
        int newMax;
        int newStep;
        if (multiply) {
            newMin = saturatingMultiply(min, scale);
            newMax = saturatingMultiply(max, scale) / scale * scale;
            newStep = saturatingMultiply(step, scale);
        } else {
            // Only multiples of the scale have a sink-side size; with a step, keep it exact where it divides.
            newMin = Math.max(1, (min + scale - 1) / scale);
            newMax = max / scale;
            newStep = step % scale == 0 ? step / scale : 1;
        }
        if (newMin > newMax) {
            return false;
        }
        GOBJECT.g_value_init(out, INT_RANGE_TYPE);
        if (newMin == newMax) {
            GOBJECT.g_value_unset(out);
            GOBJECT.g_value_init(out, NativeLayout.G_TYPE_INT);
            GOBJECT.g_value_set_int(out, newMin);
        } else {
            GST.gst_value_set_int_range_step(out, newMin, newMax, Math.max(1, newStep));
        }
        return true;
    }

    private static boolean mapList(Pointer value, Pointer out, int scale, boolean multiply) {
        GOBJECT.g_value_init(out, LIST_TYPE);
        int kept = 0;
        for (int i = 0; i < GST.gst_value_list_get_size(value); i++) {
            Memory item = new Memory(NativeLayout.GVALUE_SIZE);
            item.clear();
            if (mapValue(GST.gst_value_list_get_value(value, i), item, scale, multiply)) {
                GST.gst_value_list_append_value(out, item);
                GOBJECT.g_value_unset(item);
                kept++;
            }
        }
        if (kept == 0) {
            GOBJECT.g_value_unset(out);
            return false;
        }
        return true;
    }

    static int mapSize(int size, int scale, boolean multiply) {
        if (multiply) {
            return size > Integer.MAX_VALUE / scale ? NONE : size * scale;
        }
        return size % scale == 0 ? size / scale : NONE;
    }

    private static int saturatingMultiply(int value, int scale) {
        return value > Integer.MAX_VALUE / scale ? Integer.MAX_VALUE : value * scale;
    }

}
