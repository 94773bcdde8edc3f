package dev.flashvsr.element.gst;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The GLib and GObject functions the element uses: type registration, properties, values. */
public interface GObjectApi extends Library {
    GObjectApi LIB = Native.load("libgobject-2.0.so.0", GObjectApi.class);

    interface ClassInit extends Callback {
        void invoke(Pointer gClass, Pointer classData);
    }

    interface InstanceInit extends Callback {
        void invoke(Pointer instance, Pointer gClass);
    }

    interface SetProperty extends Callback {
        void invoke(Pointer object, int propertyId, Pointer value, Pointer paramSpec);
    }

    interface GetProperty extends Callback {
        void invoke(Pointer object, int propertyId, Pointer value, Pointer paramSpec);
    }

    interface Finalize extends Callback {
        void invoke(Pointer object);
    }

    long g_type_from_name(String name);

    long g_type_register_static_simple(long parentType, String typeName, int classSize, ClassInit classInit,
            int instanceSize, InstanceInit instanceInit, int flags);

    void g_type_query(long type, Pointer query);

    Pointer g_type_class_peek_parent(Pointer gClass);

    long g_enum_register_static(String name, Pointer values);

    void g_object_class_install_property(Pointer objectClass, int propertyId, Pointer paramSpec);

    Pointer g_param_spec_int(String name, String nick, String blurb, int min, int max, int defaultValue, int flags);

    Pointer g_param_spec_uint64(String name, String nick, String blurb, long min, long max, long defaultValue,
            int flags);

    Pointer g_param_spec_string(String name, String nick, String blurb, String defaultValue, int flags);

    /** gboolean is an int: JNA's boolean mapping would pass -1 for true. */
    Pointer g_param_spec_boolean(String name, String nick, String blurb, int defaultValue, int flags);

    Pointer g_param_spec_enum(String name, String nick, String blurb, long enumType, int defaultValue, int flags);

    int g_value_get_int(Pointer value);

    int g_value_get_enum(Pointer value);

    int g_value_get_boolean(Pointer value);

    long g_value_get_uint64(Pointer value);

    String g_value_get_string(Pointer value);

    void g_value_set_int(Pointer value, int v);

    void g_value_set_enum(Pointer value, int v);

    void g_value_set_string(Pointer value, String v);

    void g_value_set_uint64(Pointer value, long v);

    void g_value_set_boolean(Pointer value, int v);

    void g_value_set_double(Pointer value, double v);

    Pointer g_value_init(Pointer value, long type);

    void g_value_unset(Pointer value);

    Pointer g_strdup(String text);

    void g_free(Pointer memory);

    void g_printerr(String format, Object... args);
}
