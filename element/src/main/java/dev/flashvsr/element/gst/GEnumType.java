package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers a GEnum type so gst-inspect shows named choices and gst-launch accepts names, nicks
 * or numbers. GLib keeps pointers to the value table and its strings forever, so they live in
 * memory this class never frees.
 */
final class GEnumType {
    private static final List<Memory> PERMANENT = new ArrayList<>();

    record Value(int value, String name, String nick) {
    }

    private GEnumType() {
    }

    static synchronized long register(String typeName, List<Value> values) {
        long existing = GObjectApi.LIB.g_type_from_name(typeName);
        if (existing != 0) {
            return existing;
        }
        Memory table = new Memory((long) NativeLayout.GENUM_VALUE_SIZE * (values.size() + 1));
        table.clear();
        for (int i = 0; i < values.size(); i++) {
            long entry = (long) NativeLayout.GENUM_VALUE_SIZE * i;
            table.setInt(entry, values.get(i).value());
            table.setPointer(entry + 8, permanentString(values.get(i).name()));
            table.setPointer(entry + 8 + Native.POINTER_SIZE, permanentString(values.get(i).nick()));
        }
        PERMANENT.add(table);
        return GObjectApi.LIB.g_enum_register_static(typeName, table);
    }

    private static Memory permanentString(String text) {
        Memory memory = new Memory(text.length() * 4L + 1);
        memory.setString(0, text, "UTF-8");
        PERMANENT.add(memory);
        return memory;
    }
}
