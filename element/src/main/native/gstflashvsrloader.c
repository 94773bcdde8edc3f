/*
 * libgstflashvsr.so: the native loader plugin for flashvsrfilter.
 *
 * GStreamer only finds plugins as shared libraries, while flashvsrfilter is
 * written in Java.  This plugin's plugin_init boots a JVM inside the GStreamer
 * process (or joins the JVM that is already there, e.g. in a Java app) and
 * calls dev.flashvsr.element.FlashVsrPlugin.registerPlugin(GstPlugin*), which
 * registers the Java element types against this plugin.
 *
 * Where things come from (first match wins):
 *   libjvm:     $FLASHVSR_LIBJVM, "libjvm" in flashvsr.conf beside this
 *               library, $JAVA_HOME/lib/server/libjvm.so,
 *               /usr/lib/jvm/default-java/lib/server/libjvm.so
 *   class path: $FLASHVSR_CLASSPATH, "classpath" in flashvsr.conf
 *   options:    -Xrs (always), "jvm-options" in flashvsr.conf, then the
 *               words of $FLASHVSR_JVM_OPTIONS (shell quoting allowed)
 * Relative paths in flashvsr.conf are relative to the file's directory.  The
 * config file is looked up beside the path this library was loaded from and,
 * if that is a symlink, beside the file it points to.
 *
 * Failure policy: plugin_init never returns FALSE (GStreamer would blacklist
 * the library until its mtime changes).  Any problem is logged as a GST error
 * and printed to stderr, the plugin registers no features, and the inputs
 * (config, jars, libjvm, environment variables) are declared as plugin
 * dependencies so that fixing them triggers a registry rescan.
 *
 * SIGSEGV: the JVM needs its SIGSEGV handler (safepoint polls, implicit null
 * checks).  GStreamer replaces the SIGSEGV action before plugin_init and puts
 * the old one back right after it, silently removing the handler the JVM just
 * installed.  So after creating the JVM this loader remembers the JVM's
 * action, disables GStreamer's segtrap (no later plugin load touches SIGSEGV
 * again) and re-installs the JVM's action as soon as GStreamer has removed it:
 * a short-lived watcher thread does it within ~100 us of plugin_init
 * returning, and the element calls NativeLoaderHooks.afterPluginLoad() from
 * its class_init/instance_init, which does it too (bound to
 * flashvsr_loader_restore_jvm_signal_handlers() via RegisterNatives).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#ifndef PACKAGE
#define PACKAGE "flashvsr-gst"
#endif
#ifndef VERSION
#define VERSION "0.0.0"
#endif
#ifndef FLASHVSR_ORIGIN
#define FLASHVSR_ORIGIN "Unknown package origin"
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jni.h>
#include <gst/gst.h>

GST_DEBUG_CATEGORY_STATIC (flashvsr_loader_debug);
#define GST_CAT_DEFAULT flashvsr_loader_debug

#define CONFIG_FILE_NAME "flashvsr.conf"
#define CONFIG_GROUP "loader"

#define ENV_LIBJVM "FLASHVSR_LIBJVM"
#define ENV_CLASSPATH "FLASHVSR_CLASSPATH"
#define ENV_JVM_OPTIONS "FLASHVSR_JVM_OPTIONS"

#define PLUGIN_CLASS "dev/flashvsr/element/FlashVsrPlugin"
#define PLUGIN_METHOD "registerPlugin"
#define PLUGIN_METHOD_SIG "(J)Z"
#define HOOKS_CLASS "dev/flashvsr/element/loader/NativeLoaderHooks"

/* Exported for hosts that prefer to call it by symbol (e.g. JNA by path). */
__attribute__ ((visibility ("default")))
     gboolean flashvsr_loader_restore_jvm_signal_handlers (void);

typedef jint (JNICALL * CreateJavaVMFunc) (JavaVM **, void **, void *);
typedef jint (JNICALL * GetCreatedJavaVMsFunc) (JavaVM **, jsize, jsize *);

/* ------------------------------------------------------------------------ */
/* SIGSEGV handling                                                          */

static struct sigaction jvm_segv_action;
static volatile gint jvm_segv_saved = 0;
static volatile gint segv_reinstalls = 0;

static gboolean
same_action (const struct sigaction *a, const struct sigaction *b)
{
  /* sa_handler and sa_sigaction share storage in glibc's struct sigaction */
  return a->sa_sigaction == b->sa_sigaction
      && (a->sa_flags & SA_SIGINFO) == (b->sa_flags & SA_SIGINFO);
}

gboolean
flashvsr_loader_restore_jvm_signal_handlers (void)
{
  struct sigaction current;

  if (!g_atomic_int_get (&jvm_segv_saved))
    return FALSE;
  if (sigaction (SIGSEGV, NULL, &current) != 0)
    return FALSE;
  if (same_action (&current, &jvm_segv_action))
    return FALSE;
  if (sigaction (SIGSEGV, &jvm_segv_action, NULL) != 0)
    return FALSE;
  g_atomic_int_inc (&segv_reinstalls);
  GST_INFO ("re-installed the JVM's SIGSEGV handler (GStreamer's plugin "
      "loader had replaced it)");
  return TRUE;
}

static gpointer
segv_watch_thread (gpointer data)
{
  (void) data;
  /* GStreamer restores its saved SIGSEGV action immediately after
   * plugin_init returns; poll for that for at most 2 s. */
  gint i;

  for (i = 0; i < 20000; i++) {
    if (flashvsr_loader_restore_jvm_signal_handlers ())
      return NULL;
    g_usleep (100);
  }
  GST_DEBUG ("SIGSEGV watcher: no change seen within 2 s");
  return NULL;
}

/* Joining a JVM while GStreamer's plugin-load segfault trap is installed (the
 * host application did not call gst_segtrap_set_enabled(FALSE) before
 * gst_init, as FlashVsrPlugin.prepareJavaHost() does): GStreamer saved the
 * JVM's action and will put it back after plugin_init, but meanwhile its trap
 * would turn the JVM's ordinary SIGSEGVs into "Caught a segmentation fault
 * while loading plugin".  Until then, hand SIGSEGV to the JVM through its
 * documented hook for application signal handlers. */
typedef int (*JvmHandleSignalFunc) (int, siginfo_t *, void *, int);
static JvmHandleSignalFunc jvm_handle_signal = NULL;

static void
segv_forwarder (int sig, siginfo_t * info, void *ucontext)
{
  jvm_handle_signal (sig, info, ucontext, 1);
}

static void
forward_segv_to_jvm_during_load (void *lib)
{
  struct sigaction act;

  jvm_handle_signal = (JvmHandleSignalFunc) dlsym (lib,
      "JVM_handle_linux_signal");
  GST_WARNING ("GStreamer's segfault trap is enabled in a process that runs "
      "a JVM; the application should call gst_segtrap_set_enabled(FALSE) "
      "(FlashVsrPlugin.prepareJavaHost()) before gst_init");
  if (jvm_handle_signal == NULL)
    return;
  memset (&act, 0, sizeof (act));
  act.sa_sigaction = segv_forwarder;
  act.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigfillset (&act.sa_mask);
  sigdelset (&act.sa_mask, SIGSEGV);
  sigdelset (&act.sa_mask, SIGBUS);
  sigdelset (&act.sa_mask, SIGILL);
  sigdelset (&act.sa_mask, SIGFPE);
  sigdelset (&act.sa_mask, SIGTRAP);
  sigaction (SIGSEGV, &act, NULL);
}

static jboolean JNICALL
hooks_restore_native (JNIEnv * env, jclass klass)
{
  (void) env;
  (void) klass;
  return flashvsr_loader_restore_jvm_signal_handlers ()? JNI_TRUE : JNI_FALSE;
}

/* JNI_CreateJavaVM may decide to end the process (vm_exit_during_
 * initialization, e.g. for "-Xmx1k"); in the plugin scanner that would get
 * the plugin blacklisted.  The JVM calls its "abort"/"exit" hooks first: while
 * creating, jump back out of JNI_CreateJavaVM and report the failure.  The
 * half-created JVM is never used again. */
static sigjmp_buf create_jmp;
static volatile sig_atomic_t in_create = 0;

static void JNICALL
jvm_abort_hook (void)
{
  if (in_create)
    siglongjmp (create_jmp, 1);
}

static void JNICALL
jvm_exit_hook (jint code)
{
  (void) code;
  if (in_create)
    siglongjmp (create_jmp, 2);
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */

typedef struct
{
  gchar *library_path;          /* this .so as loaded */
  gchar *config_path;           /* config used, or NULL */
  GPtrArray *config_dirs;       /* where a config was looked for */
  gchar *libjvm;                /* chosen libjvm (exists), or NULL */
  const gchar *libjvm_source;
  GString *libjvm_tried;
  gboolean java_home_consulted;
  gchar **classpath;            /* absolute entries */
  const gchar *classpath_source;
  GPtrArray *options;           /* JVM option strings, owned */
  GString *errors;              /* non-empty: do not boot */
} LoaderConfig;

static void
loader_config_free (LoaderConfig * cfg)
{
  g_free (cfg->library_path);
  g_free (cfg->config_path);
  g_ptr_array_unref (cfg->config_dirs);
  g_free (cfg->libjvm);
  g_string_free (cfg->libjvm_tried, TRUE);
  g_strfreev (cfg->classpath);
  g_ptr_array_unref (cfg->options);
  g_string_free (cfg->errors, TRUE);
}

static gchar *
resolve_path (const gchar * dir, const gchar * path)
{
  if (path == NULL || *path == '\0')
    return NULL;
  if (g_path_is_absolute (path) || dir == NULL)
    return g_strdup (path);
  return g_build_filename (dir, path, NULL);
}

static gchar **
split_classpath (const gchar * value, const gchar * base_dir)
{
  gchar **parts = g_strsplit (value, G_SEARCHPATH_SEPARATOR_S, -1);
  GPtrArray *out = g_ptr_array_new ();
  gint i;

  for (i = 0; parts[i] != NULL; i++) {
    gchar *entry = g_strstrip (parts[i]);
    if (*entry == '\0')
      continue;
    g_ptr_array_add (out, resolve_path (base_dir, entry));
  }
  g_strfreev (parts);
  g_ptr_array_add (out, NULL);
  return (gchar **) g_ptr_array_free (out, FALSE);
}

static gboolean
is_regular_file (const gchar * path)
{
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
add_config_dir (LoaderConfig * cfg, const gchar * dir)
{
  guint i;

  for (i = 0; i < cfg->config_dirs->len; i++)
    if (strcmp (g_ptr_array_index (cfg->config_dirs, i), dir) == 0)
      return;
  g_ptr_array_add (cfg->config_dirs, g_strdup (dir));
}

static void
loader_config_read (LoaderConfig * cfg, GstPlugin * plugin)
{
  Dl_info info;
  GKeyFile *kf = NULL;
  gchar *config_dir = NULL;
  gchar *conf_libjvm = NULL;
  gchar *conf_classpath = NULL;
  gchar **conf_options = NULL;
  const gchar *env;
  guint i;

  memset (cfg, 0, sizeof (*cfg));
  cfg->config_dirs = g_ptr_array_new_with_free_func (g_free);
  cfg->libjvm_tried = g_string_new (NULL);
  cfg->options = g_ptr_array_new_with_free_func (g_free);
  cfg->errors = g_string_new (NULL);

  /* Where is this library?  dladdr gives the path it was opened with. */
  if (dladdr ((void *) &flashvsr_loader_restore_jvm_signal_handlers, &info)
      && info.dli_fname != NULL && *info.dli_fname != '\0')
    cfg->library_path = g_strdup (info.dli_fname);
  else if (gst_plugin_get_filename (plugin) != NULL)
    cfg->library_path = g_strdup (gst_plugin_get_filename (plugin));

  if (cfg->library_path != NULL) {
    gchar *dir = g_path_get_dirname (cfg->library_path);
    char resolved[PATH_MAX];

    add_config_dir (cfg, dir);
    g_free (dir);
    if (realpath (cfg->library_path, resolved) != NULL) {
      dir = g_path_get_dirname (resolved);
      add_config_dir (cfg, dir);
      g_free (dir);
    }
  }

  for (i = 0; i < cfg->config_dirs->len && cfg->config_path == NULL; i++) {
    gchar *candidate = g_build_filename (g_ptr_array_index (cfg->config_dirs,
            i), CONFIG_FILE_NAME, NULL);
    if (is_regular_file (candidate)) {
      cfg->config_path = candidate;
      config_dir = g_strdup (g_ptr_array_index (cfg->config_dirs, i));
    } else {
      g_free (candidate);
    }
  }

  if (cfg->config_path != NULL) {
    GError *err = NULL;

    kf = g_key_file_new ();
    g_key_file_set_list_separator (kf, ';');
    if (!g_key_file_load_from_file (kf, cfg->config_path, G_KEY_FILE_NONE,
            &err)) {
      g_string_append_printf (cfg->errors, "cannot read %s: %s\n",
          cfg->config_path, err->message);
      g_clear_error (&err);
    } else {
      gchar *raw = g_key_file_get_string (kf, CONFIG_GROUP, "libjvm", NULL);
      conf_libjvm = resolve_path (config_dir, raw ? g_strstrip (raw) : NULL);
      g_free (raw);
      conf_classpath = g_key_file_get_string (kf, CONFIG_GROUP, "classpath",
          NULL);
      conf_options = g_key_file_get_string_list (kf, CONFIG_GROUP,
          "jvm-options", NULL, NULL);
    }
    g_key_file_free (kf);
  }

  /* libjvm */
  env = g_getenv (ENV_LIBJVM);
  if (env != NULL && *env != '\0') {
    g_string_append_printf (cfg->libjvm_tried, "  %s=%s%s\n", ENV_LIBJVM, env,
        is_regular_file (env) ? "" : " (no such file)");
    if (is_regular_file (env)) {
      cfg->libjvm = g_strdup (env);
      cfg->libjvm_source = ENV_LIBJVM;
    } else {
      GST_WARNING ("%s=%s is not a file; ignoring it", ENV_LIBJVM, env);
    }
  }
  if (cfg->libjvm == NULL && conf_libjvm != NULL) {
    g_string_append_printf (cfg->libjvm_tried, "  libjvm=%s in %s%s\n",
        conf_libjvm, cfg->config_path,
        is_regular_file (conf_libjvm) ? "" : " (no such file)");
    if (is_regular_file (conf_libjvm)) {
      cfg->libjvm = g_strdup (conf_libjvm);
      cfg->libjvm_source = cfg->config_path;
    }
  }
  if (cfg->libjvm == NULL) {
    const gchar *java_home = g_getenv ("JAVA_HOME");

    cfg->java_home_consulted = TRUE;
    if (java_home != NULL && *java_home != '\0') {
      gchar *p = g_build_filename (java_home, "lib", "server", "libjvm.so",
          NULL);
      g_string_append_printf (cfg->libjvm_tried, "  $JAVA_HOME: %s%s\n", p,
          is_regular_file (p) ? "" : " (no such file)");
      if (is_regular_file (p)) {
        cfg->libjvm = p;
        cfg->libjvm_source = "JAVA_HOME";
      } else {
        g_free (p);
      }
    } else {
      g_string_append (cfg->libjvm_tried, "  $JAVA_HOME (not set)\n");
    }
  }
  if (cfg->libjvm == NULL) {
    const gchar *p = "/usr/lib/jvm/default-java/lib/server/libjvm.so";
    g_string_append_printf (cfg->libjvm_tried, "  %s%s\n", p,
        is_regular_file (p) ? "" : " (no such file)");
    if (is_regular_file (p)) {
      cfg->libjvm = g_strdup (p);
      cfg->libjvm_source = "default-java";
    }
  }
  if (cfg->libjvm == NULL) {
    g_string_append_printf (cfg->errors, "no libjvm.so found; tried:\n%s"
        "Set %s to a JDK 17+ libjvm.so, or JAVA_HOME, or fix \"libjvm\" in %s.\n",
        cfg->libjvm_tried->str, ENV_LIBJVM,
        cfg->config_path ? cfg->config_path : CONFIG_FILE_NAME);
  }

  /* class path */
  env = g_getenv (ENV_CLASSPATH);
  if (env != NULL && *env != '\0') {
    cfg->classpath = split_classpath (env, NULL);
    cfg->classpath_source = ENV_CLASSPATH;
  } else if (conf_classpath != NULL && *g_strstrip (conf_classpath) != '\0') {
    cfg->classpath = split_classpath (conf_classpath, config_dir);
    cfg->classpath_source = cfg->config_path;
  }
  if (cfg->classpath == NULL || cfg->classpath[0] == NULL) {
    g_string_append_printf (cfg->errors, "no class path: %s is not set and %s"
        "\n", ENV_CLASSPATH, cfg->config_path ? "the config has no \"classpath\""
        : "no " CONFIG_FILE_NAME " was found beside the plugin library");
  } else {
    for (i = 0; cfg->classpath[i] != NULL; i++) {
      if (!g_file_test (cfg->classpath[i], G_FILE_TEST_EXISTS))
        g_string_append_printf (cfg->errors, "class path entry %s (from %s) "
            "does not exist\n", cfg->classpath[i], cfg->classpath_source);
    }
  }

  /* JVM options: -Xrs first (GStreamer apps keep SIGINT/SIGTERM/SIGQUIT),
   * then the config's, then the environment's (last wins in HotSpot). */
  g_ptr_array_add (cfg->options, g_strdup ("-Xrs"));
  for (i = 0; conf_options != NULL && conf_options[i] != NULL; i++) {
    gchar *opt = g_strstrip (conf_options[i]);
    if (*opt != '\0')
      g_ptr_array_add (cfg->options, g_strdup (opt));
  }
  env = g_getenv (ENV_JVM_OPTIONS);
  if (env != NULL && *env != '\0') {
    gchar **argv = NULL;
    GError *err = NULL;
    if (g_shell_parse_argv (env, NULL, &argv, &err)) {
      for (i = 0; argv[i] != NULL; i++)
        g_ptr_array_add (cfg->options, g_strdup (argv[i]));
      g_strfreev (argv);
    } else {
      g_string_append_printf (cfg->errors, "cannot parse %s: %s\n",
          ENV_JVM_OPTIONS, err->message);
      g_clear_error (&err);
    }
  }

  g_free (config_dir);
  g_free (conf_libjvm);
  g_free (conf_classpath);
  g_strfreev (conf_options);
}

/* A rescan follows changes to this one file. */
static void
add_file_dependency (GstPlugin * plugin, const gchar * path)
{
  gchar *dir = g_path_get_dirname (path);
  gchar *base = g_path_get_basename (path);
  const gchar *paths[] = { dir, NULL };
  const gchar *names[] = { base, NULL };
  gst_plugin_add_dependency (plugin, NULL, paths, names,
      GST_PLUGIN_DEPENDENCY_FLAG_NONE);
  g_free (dir);
  g_free (base);
}

/* Everything that decides whether the features can be registered is declared
 * as a dependency, so a change to any of it makes GStreamer rescan this
 * plugin (and a fixed config brings the features back). */
static void
declare_dependencies (GstPlugin * plugin, LoaderConfig * cfg)
{
  const gchar *env_vars[] = { ENV_LIBJVM, ENV_CLASSPATH, ENV_JVM_OPTIONS,
    NULL, NULL
  };
  const gchar *names_conf[] = { CONFIG_FILE_NAME, NULL };
  guint i;

  if (cfg->java_home_consulted)
    env_vars[3] = "JAVA_HOME";
  /* values are hashed; absolute paths among them are stat'ed too */
  gst_plugin_add_dependency (plugin, env_vars, NULL, NULL,
      GST_PLUGIN_DEPENDENCY_FLAG_NONE);

  /* the config file (also where it would appear if it is missing) */
  for (i = 0; i < cfg->config_dirs->len; i++) {
    const gchar *paths[] = { g_ptr_array_index (cfg->config_dirs, i), NULL };
    gst_plugin_add_dependency (plugin, NULL, paths, names_conf,
        GST_PLUGIN_DEPENDENCY_FLAG_NONE);
  }

  /* every class path entry and libjvm itself */
  for (i = 0; cfg->classpath != NULL && cfg->classpath[i] != NULL; i++)
    add_file_dependency (plugin, cfg->classpath[i]);
  if (cfg->libjvm != NULL)
    add_file_dependency (plugin, cfg->libjvm);
}

/* ------------------------------------------------------------------------ */
/* Reporting                                                                 */

static void
report_failure (LoaderConfig * cfg, const gchar * problem)
{
  gchar *msg = g_strdup_printf ("flashvsr: the flashvsrfilter element is not "
      "available: %s%s(plugin library %s, config %s). "
      "The plugin stays registered without features; fix the problem and it "
      "is rescanned automatically.",
      problem, g_str_has_suffix (problem, "\n") ? "" : " ",
      cfg->library_path ? cfg->library_path : "?",
      cfg->config_path ? cfg->config_path : "(none found)");

  GST_ERROR ("%s", msg);
  g_printerr ("%s\n", msg);
  g_free (msg);
}

/* Returns a description of the pending Java exception (and clears it): its
 * toString() and causes; the full stack trace goes to the debug log at
 * trace_level. */
static gchar *
take_java_exception (JNIEnv * env, GstDebugLevel trace_level)
{
  jthrowable t;
  jclass throwable_cls, sw_cls, pw_cls;
  jmethodID to_string, get_cause, print_stack, sw_init, pw_init, obj_to_string;
  GString *out;
  gint depth;

  if (!(*env)->ExceptionCheck (env))
    return NULL;
  t = (*env)->ExceptionOccurred (env);
  (*env)->ExceptionClear (env);
  out = g_string_new (NULL);

  throwable_cls = (*env)->FindClass (env, "java/lang/Throwable");
  if (throwable_cls == NULL) {
    (*env)->ExceptionClear (env);
    g_string_append (out, "(a Java exception; cannot describe it)");
    return g_string_free (out, FALSE);
  }
  to_string = (*env)->GetMethodID (env, throwable_cls, "toString",
      "()Ljava/lang/String;");
  get_cause = (*env)->GetMethodID (env, throwable_cls, "getCause",
      "()Ljava/lang/Throwable;");

  for (depth = 0; t != NULL && depth < 8; depth++) {
    jstring s = (*env)->CallObjectMethod (env, t, to_string);
    jthrowable cause;

    if ((*env)->ExceptionCheck (env) || s == NULL) {
      (*env)->ExceptionClear (env);
      break;
    } else {
      const char *utf = (*env)->GetStringUTFChars (env, s, NULL);
      if (utf != NULL) {
        g_string_append_printf (out, "%s%s", depth ? "; caused by: " : "",
            utf);
        (*env)->ReleaseStringUTFChars (env, s, utf);
      }
      (*env)->DeleteLocalRef (env, s);
    }
    if (depth == 0) {
      /* full stack trace to the debug log */
      sw_cls = (*env)->FindClass (env, "java/io/StringWriter");
      pw_cls = (*env)->FindClass (env, "java/io/PrintWriter");
      if (sw_cls != NULL && pw_cls != NULL) {
        sw_init = (*env)->GetMethodID (env, sw_cls, "<init>", "()V");
        pw_init = (*env)->GetMethodID (env, pw_cls, "<init>",
            "(Ljava/io/Writer;)V");
        print_stack = (*env)->GetMethodID (env, throwable_cls,
            "printStackTrace", "(Ljava/io/PrintWriter;)V");
        obj_to_string = (*env)->GetMethodID (env, sw_cls, "toString",
            "()Ljava/lang/String;");
        if (sw_init && pw_init && print_stack && obj_to_string) {
          jobject sw = (*env)->NewObject (env, sw_cls, sw_init);
          jobject pw = sw ? (*env)->NewObject (env, pw_cls, pw_init, sw) : NULL;
          if (pw != NULL) {
            jstring trace;
            (*env)->CallVoidMethod (env, t, print_stack, pw);
            trace = (*env)->ExceptionCheck (env) ? NULL :
                (*env)->CallObjectMethod (env, sw, obj_to_string);
            if (trace != NULL && !(*env)->ExceptionCheck (env)) {
              const char *utf = (*env)->GetStringUTFChars (env, trace, NULL);
              if (utf != NULL) {
                GST_CAT_LEVEL_LOG (GST_CAT_DEFAULT, trace_level, NULL,
                    "Java stack trace:\n%s", utf);
                (*env)->ReleaseStringUTFChars (env, trace, utf);
              }
            }
          }
        }
      }
      (*env)->ExceptionClear (env);
    }
    cause = (*env)->CallObjectMethod (env, t, get_cause);
    if ((*env)->ExceptionCheck (env)) {
      (*env)->ExceptionClear (env);
      cause = NULL;
    }
    if (cause != NULL && (*env)->IsSameObject (env, cause, t))
      cause = NULL;
    t = cause;
  }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* JVM                                                                       */

static gdouble
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

static const gchar *
process_name (void)
{
  return program_invocation_short_name ? program_invocation_short_name : "?";
}

/* A JVM that is already in the process (a Java app, or a second loader). */
static JavaVM *
find_existing_jvm (GetCreatedJavaVMsFunc get_created)
{
  JavaVM *vm = NULL;
  jsize n = 0;

  if (get_created != NULL && get_created (&vm, 1, &n) == JNI_OK && n > 0)
    return vm;
  return NULL;
}

typedef struct
{
  void *lib;                    /* where the JNI entry points were found */
  JavaVM *vm;
  JNIEnv *env;
  gboolean created;             /* this loader created the JVM */
  gboolean attached;            /* this loader attached the current thread */
  gdouble create_ms;
} JvmSession;

static gboolean
obtain_jvm (LoaderConfig * cfg, JvmSession * s, gchar ** problem)
{
  GetCreatedJavaVMsFunc get_created;
  CreateJavaVMFunc create;
  void *handle;
  JavaVMInitArgs args;
  JavaVMOption *opts;
  GPtrArray *strings;
  gchar *cp_joined;
  guint i, n;
  jint rc;
  gint64 t0;
  struct sigaction before;
  volatile gboolean segv_reset = FALSE;

  memset (s, 0, sizeof (*s));

  /* 1. joined: libjvm already loaded globally (java launcher: RTLD_GLOBAL) */
  get_created = (GetCreatedJavaVMsFunc) dlsym (RTLD_DEFAULT,
      "JNI_GetCreatedJavaVMs");
  s->vm = find_existing_jvm (get_created);
  s->lib = RTLD_DEFAULT;

  if (s->vm == NULL) {
    if (cfg->libjvm == NULL) {
      *problem = g_strdup (cfg->errors->str);
      return FALSE;
    }
    handle = dlopen (cfg->libjvm, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
      *problem = g_strdup_printf ("cannot load libjvm %s (from %s): %s",
          cfg->libjvm, cfg->libjvm_source, dlerror ());
      return FALSE;
    }
    get_created = (GetCreatedJavaVMsFunc) dlsym (handle,
        "JNI_GetCreatedJavaVMs");
    create = (CreateJavaVMFunc) dlsym (handle, "JNI_CreateJavaVM");
    s->lib = handle;
    if (get_created == NULL || create == NULL) {
      *problem = g_strdup_printf ("%s is not a JVM library (no "
          "JNI_CreateJavaVM)", cfg->libjvm);
      return FALSE;
    }
    s->vm = find_existing_jvm (get_created);
  }

  if (s->vm != NULL) {
    jint r;

    if (gst_segtrap_is_enabled ())
      forward_segv_to_jvm_during_load (s->lib);
    r = (*s->vm)->GetEnv (s->vm, (void **) &s->env, JNI_VERSION_1_8);
    if (r == JNI_EDETACHED) {
      JavaVMAttachArgs aa = { JNI_VERSION_1_8, (char *) "flashvsr-loader",
        NULL
      };
      r = (*s->vm)->AttachCurrentThreadAsDaemon (s->vm, (void **) &s->env,
          &aa);
      s->attached = (r == JNI_OK);
    }
    if (r != JNI_OK) {
      *problem = g_strdup_printf ("cannot attach to the JVM already in this "
          "process (error %d)", (int) r);
      return FALSE;
    }
    GST_INFO ("joined the JVM already running in %s (pid %d)", process_name (),
        (int) getpid ());
    return TRUE;
  }

  /* 2. create one */
  strings = g_ptr_array_new_with_free_func (g_free);
  cp_joined = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, cfg->classpath);
  g_ptr_array_add (strings, g_strdup_printf ("-Djava.class.path=%s",
          cp_joined));
  g_free (cp_joined);
  if (cfg->library_path != NULL)
    g_ptr_array_add (strings, g_strdup_printf ("-Dflashvsr.loader.library=%s",
            cfg->library_path));
  if (cfg->config_path != NULL)
    g_ptr_array_add (strings, g_strdup_printf ("-Dflashvsr.loader.config=%s",
            cfg->config_path));
  for (i = 0; i < cfg->options->len; i++)
    g_ptr_array_add (strings, g_strdup (g_ptr_array_index (cfg->options, i)));

  n = strings->len;
  opts = g_new0 (JavaVMOption, n + 2);
  for (i = 0; i < n; i++)
    opts[i].optionString = g_ptr_array_index (strings, i);
  opts[n].optionString = (char *) "abort";
  opts[n].extraInfo = (void *) jvm_abort_hook;
  opts[n + 1].optionString = (char *) "exit";
  opts[n + 1].extraInfo = (void *) jvm_exit_hook;

  args.version = JNI_VERSION_1_8;
  args.nOptions = (jint) (n + 2);
  args.options = opts;
  args.ignoreUnrecognized = JNI_FALSE;

  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >= GST_LEVEL_DEBUG) {
    for (i = 0; i < n; i++)
      GST_DEBUG ("JVM option: %s", opts[i].optionString);
  }

  /* While GStreamer's plugin-load segfault trap is installed, let the JVM see
   * the default action instead, so that it does not chain genuine crashes to
   * "Caught a segmentation fault while loading plugin". */
  if (sigaction (SIGSEGV, NULL, &before) == 0 && gst_segtrap_is_enabled ()) {
    struct sigaction dfl;
    memset (&dfl, 0, sizeof (dfl));
    dfl.sa_handler = SIG_DFL;
    sigemptyset (&dfl.sa_mask);
    segv_reset = (sigaction (SIGSEGV, &dfl, NULL) == 0);
  }

  GST_INFO ("creating JVM in %s (pid %d) with %s", process_name (),
      (int) getpid (), cfg->libjvm);
  t0 = g_get_monotonic_time ();
  if (sigsetjmp (create_jmp, 1) == 0) {
    in_create = 1;
    rc = create (&s->vm, (void **) &s->env, &args);
    in_create = 0;
  } else {
    in_create = 0;
    rc = JNI_ERR;
    s->vm = NULL;
    s->env = NULL;
    GST_ERROR ("the JVM aborted during initialization");
  }
  s->create_ms = ms_since (t0);

  g_free (opts);
  g_ptr_array_unref (strings);

  if (rc != JNI_OK || s->vm == NULL || s->env == NULL) {
    if (segv_reset)
      sigaction (SIGSEGV, &before, NULL);
    *problem = g_strdup_printf ("JNI_CreateJavaVM failed (error %d) with %s "
        "(from %s); see the JVM's message above, and check the JVM options "
        "(\"jvm-options\" in the config, %s)", (int) rc, cfg->libjvm,
        cfg->libjvm_source, ENV_JVM_OPTIONS);
    return FALSE;
  }
  s->created = TRUE;
  GST_INFO ("JVM booted in %.1f ms in %s (pid %d)", s->create_ms,
      process_name (), (int) getpid ());
  return TRUE;
}

/* NativeLoaderHooks: bind restoreSignalHandlers0 and tell it the loader
 * booted this JVM.  Failure here is not fatal: the watcher thread still keeps
 * the JVM's SIGSEGV handler. */
static void
bind_hooks (JNIEnv * env)
{
  static const JNINativeMethod methods[] = {
    {(char *) "restoreSignalHandlers0", (char *) "()Z",
        (void *) hooks_restore_native},
  };
  jclass cls = (*env)->FindClass (env, HOOKS_CLASS);
  jmethodID booted;

  if (cls == NULL) {
    gchar *ex = take_java_exception (env, GST_LEVEL_DEBUG);
    GST_WARNING ("cannot find %s: %s", HOOKS_CLASS, ex);
    g_free (ex);
    return;
  }
  if ((*env)->RegisterNatives (env, cls, methods, 1) != JNI_OK) {
    gchar *ex = take_java_exception (env, GST_LEVEL_DEBUG);
    GST_WARNING ("cannot bind the natives of %s: %s", HOOKS_CLASS, ex);
    g_free (ex);
    return;
  }
  booted = (*env)->GetStaticMethodID (env, cls, "loaderBooted", "()V");
  if (booted != NULL)
    (*env)->CallStaticVoidMethod (env, cls, booted);
  if ((*env)->ExceptionCheck (env)) {
    gchar *ex = take_java_exception (env, GST_LEVEL_DEBUG);
    GST_WARNING ("%s.loaderBooted failed: %s", HOOKS_CLASS, ex);
    g_free (ex);
  }
  (*env)->DeleteLocalRef (env, cls);
}

static gboolean
call_register (JNIEnv * env, GstPlugin * plugin, gchar ** problem)
{
  jclass cls;
  jmethodID mid;
  jboolean ok;
  gchar *ex;

  cls = (*env)->FindClass (env, PLUGIN_CLASS);
  if (cls == NULL) {
    ex = take_java_exception (env, GST_LEVEL_ERROR);
    *problem = g_strdup_printf ("cannot load the Java class %s from the class "
        "path: %s", PLUGIN_CLASS, ex ? ex : "not found");
    g_free (ex);
    return FALSE;
  }
  mid = (*env)->GetStaticMethodID (env, cls, PLUGIN_METHOD, PLUGIN_METHOD_SIG);
  if (mid == NULL) {
    ex = take_java_exception (env, GST_LEVEL_ERROR);
    *problem = g_strdup_printf ("%s has no static method %s%s: %s",
        PLUGIN_CLASS, PLUGIN_METHOD, PLUGIN_METHOD_SIG, ex ? ex : "");
    g_free (ex);
    return FALSE;
  }
  ok = (*env)->CallStaticBooleanMethod (env, cls, mid,
      (jlong) (intptr_t) plugin);
  ex = take_java_exception (env, GST_LEVEL_ERROR);
  (*env)->DeleteLocalRef (env, cls);
  if (ex != NULL) {
    *problem = g_strdup_printf ("%s.%s threw %s", PLUGIN_CLASS, PLUGIN_METHOD,
        ex);
    g_free (ex);
    return FALSE;
  }
  if (!ok) {
    *problem = g_strdup_printf ("%s.%s returned false (its reason is logged "
        "above)", PLUGIN_CLASS, PLUGIN_METHOD);
    return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------------ */

static gboolean
plugin_init (GstPlugin * plugin)
{
  LoaderConfig cfg;
  JvmSession s;
  gchar *problem = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean segtrap_was_enabled = gst_segtrap_is_enabled ();
  gboolean registered = FALSE;

  GST_DEBUG_CATEGORY_INIT (flashvsr_loader_debug, "flashvsrloader", 0,
      "flashvsr loader plugin (JVM host)");

  loader_config_read (&cfg, plugin);
  declare_dependencies (plugin, &cfg);
  GST_DEBUG ("library %s, config %s, libjvm %s (from %s)",
      GST_STR_NULL (cfg.library_path), GST_STR_NULL (cfg.config_path),
      GST_STR_NULL (cfg.libjvm), GST_STR_NULL (cfg.libjvm_source));

  if (cfg.errors->len > 0) {
    /* a JVM may still be joinable (e.g. a Java app); otherwise give up */
    GetCreatedJavaVMsFunc gc = (GetCreatedJavaVMsFunc) dlsym (RTLD_DEFAULT,
        "JNI_GetCreatedJavaVMs");
    if (find_existing_jvm (gc) == NULL) {
      report_failure (&cfg, cfg.errors->str);
      loader_config_free (&cfg);
      return TRUE;
    }
  }

  if (!obtain_jvm (&cfg, &s, &problem)) {
    report_failure (&cfg, problem);
    g_free (problem);
    loader_config_free (&cfg);
    return TRUE;
  }

  /* From here on there is a JVM in this process: no more GStreamer segfault
   * traps around plugin loads (each would swap the JVM's handler out). */
  gst_segtrap_set_enabled (FALSE);

  if (s.created) {
    if (sigaction (SIGSEGV, NULL, &jvm_segv_action) == 0)
      g_atomic_int_set (&jvm_segv_saved, 1);
    if (segtrap_was_enabled && g_atomic_int_get (&jvm_segv_saved)) {
      GThread *t = g_thread_try_new ("flashvsr-sigwatch", segv_watch_thread,
          NULL, NULL);
      if (t != NULL)
        g_thread_unref (t);
    }
    bind_hooks (s.env);
  }

  if ((*s.env)->PushLocalFrame (s.env, 64) == JNI_OK) {
    registered = call_register (s.env, plugin, &problem);
    (*s.env)->PopLocalFrame (s.env, NULL);
  } else {
    (*s.env)->ExceptionClear (s.env);
    problem = g_strdup ("out of memory in the JVM (PushLocalFrame)");
  }
  if (!registered) {
    report_failure (&cfg, problem);
    g_free (problem);
  }

  if (s.created || s.attached)
    (*s.vm)->DetachCurrentThread (s.vm);

  if (s.created)
    GST_INFO ("plugin_init in %s (pid %d) took %.1f ms (JVM created in "
        "%.1f ms); features registered: %s", process_name (), (int) getpid (),
        ms_since (t0), s.create_ms, registered ? "yes" : "no");
  else
    GST_INFO ("plugin_init in %s (pid %d) took %.1f ms (joined the existing "
        "JVM); features registered: %s", process_name (), (int) getpid (),
        ms_since (t0), registered ? "yes" : "no");

  loader_config_free (&cfg);
  return TRUE;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, flashvsr,
    "FlashVSR streaming video super-resolution (Java elements hosted in an "
    "embedded JVM)", plugin_init, VERSION, "LGPL", PACKAGE, FLASHVSR_ORIGIN)
