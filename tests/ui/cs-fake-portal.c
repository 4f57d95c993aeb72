/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-fake-portal"

#include "config.h"

#include "cs-fake-portal.h"

#include <gio/gunixfdlist.h>
#include <unistd.h>

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define REQUEST_PREFIX PORTAL_PATH "/request/"
#define SESSION_PREFIX PORTAL_PATH "/session/"

static const char introspection_xml[] =
  "<node>"
  " <interface name='org.freedesktop.portal.Camera'>"
  "  <method name='AccessCamera'><arg type='a{sv}' direction='in'/>"
  "   <arg type='o' direction='out'/></method>"
  "  <method name='OpenPipeWireRemote'><arg type='a{sv}' direction='in'/>"
  "   <arg type='h' direction='out'/></method>"
  "  <property name='IsCameraPresent' type='b' access='read'/>"
  "  <property name='version' type='u' access='read'/>"
  " </interface>"
  " <interface name='org.freedesktop.portal.ScreenCast'>"
  "  <method name='CreateSession'><arg type='a{sv}' direction='in'/>"
  "   <arg type='o' direction='out'/></method>"
  "  <method name='SelectSources'><arg type='o' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "  <method name='Start'><arg type='o' direction='in'/><arg type='s' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "  <method name='OpenPipeWireRemote'><arg type='o' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='h' direction='out'/></method>"
  "  <property name='AvailableSourceTypes' type='u' access='read'/>"
  "  <property name='AvailableCursorModes' type='u' access='read'/>"
  "  <property name='version' type='u' access='read'/>"
  " </interface>"
  " <interface name='org.freedesktop.portal.Background'>"
  "  <method name='RequestBackground'><arg type='s' direction='in'/>"
  "   <arg type='a{sv}' direction='in'/><arg type='o' direction='out'/></method>"
  "  <property name='version' type='u' access='read'/>"
  " </interface>"
  " <interface name='org.freedesktop.portal.Session'>"
  "  <method name='Close'/>"
  "  <signal name='Closed'><arg type='a{sv}'/></signal>"
  "  <property name='version' type='u' access='read'/>"
  " </interface>"
  "</node>";

struct _CsFakePortal
{
  GMutex mutex;
  GCond cond;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GDBusConnection *bus;
  GDBusNodeInfo *info;
  guint owner_id;
  GPtrArray *registrations; /* guint ids */
  guint session_subtree_id;
  gboolean owned;
  gboolean failed;

  /* The script, and what was seen: under the mutex. */
  gboolean camera_present;
  CsFakePortalAnswer camera_answer;
  CsFakePortalAnswer screencast_answer;
  guint32 node_id;
  char *restore_token;
  CsFakePortalAnswer background_answer;
  gboolean background;
  gboolean autostart;
  GHashTable *calls;        /* method -> count */
  GHashTable *last_options; /* method -> a{sv} */
  char *last_restore_token;
  char *session_path; /* the last session started */
  char *session_owner;
};

/* /org/freedesktop/portal/desktop/request/SENDER/TOKEN, as libportal expects it. */
static char *
object_path_for (const char *prefix, const char *sender, GVariant *options, const char *key)
{
  g_autofree char *escaped = g_strdup (sender + 1);
  const char *token = NULL;

  g_strdelimit (escaped, ".", '_');
  if (!g_variant_lookup (options, key, "&s", &token))
    token = "t";
  return g_strconcat (prefix, escaped, "/", token, NULL);
}

typedef struct
{
  GDBusConnection *bus;
  char *destination;
  char *path;
  guint32 response;
  GVariant *results;
} Response;

static gboolean
send_response (gpointer user_data)
{
  Response *response = user_data;
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (response->bus, response->destination, response->path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(u@a{sv})", response->response, response->results),
                                 &error);
  if (error != NULL)
    g_warning ("Could not answer %s: %s", response->path, error->message);
  g_object_unref (response->bus);
  g_free (response->destination);
  g_free (response->path);
  g_free (response);
  return G_SOURCE_REMOVE;
}

/* Returns the request's handle now; its answer follows, after the reply, as the portal's. */
static void
answer_request (CsFakePortal *self,
                GDBusMethodInvocation *invocation,
                GVariant *options,
                guint32 code,
                GVariant *results)
{
  Response *response = g_new0 (Response, 1);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);

  response->bus = g_object_ref (self->bus);
  response->destination = g_strdup (sender);
  response->path = object_path_for (REQUEST_PREFIX, sender, options, "handle_token");
  response->response = code;
  response->results = g_variant_ref_sink (
    results != NULL ? results : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", response->path));
  g_main_context_invoke (self->context, send_response, response);
}

static void
return_fd (GDBusMethodInvocation *invocation)
{
  g_autoptr (GUnixFDList) fds = g_unix_fd_list_new ();
  int pipe_fds[2];

  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  g_unix_fd_list_append (fds, pipe_fds[0], NULL);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
  g_dbus_method_invocation_return_value_with_unix_fd_list (invocation, g_variant_new ("(h)", 0),
                                                           fds);
}

static void
record_call (CsFakePortal *self, const char *method, GVariant *options)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->calls, method));

  g_hash_table_insert (self->calls, g_strdup (method), GUINT_TO_POINTER (count + 1));
  if (options != NULL)
    g_hash_table_insert (self->last_options, g_strdup (method), g_variant_ref (options));
}

static void
on_method_call (GDBusConnection *bus,
                const char *sender,
                const char *object_path,
                const char *interface_name,
                const char *method_name,
                GVariant *parameters,
                GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  CsFakePortal *self = user_data;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  /* Options are the last argument of every method here but Close. */
  if (g_variant_n_children (parameters) > 0)
    options = g_variant_get_child_value (parameters, g_variant_n_children (parameters) - 1);
  record_call (self, method_name, options);
  g_debug ("%s.%s %s", interface_name, method_name, object_path);

  if (g_str_equal (interface_name, "org.freedesktop.portal.Camera"))
    {
      if (g_str_equal (method_name, "AccessCamera"))
        answer_request (self, invocation, options, self->camera_answer, NULL);
      else
        return_fd (invocation);
    }
  else if (g_str_equal (interface_name, "org.freedesktop.portal.ScreenCast"))
    {
      if (g_str_equal (method_name, "CreateSession"))
        {
          g_autofree char *session =
            object_path_for (SESSION_PREFIX, sender, options, "session_handle_token");
          GVariantDict results;

          g_variant_dict_init (&results, NULL);
          g_variant_dict_insert (&results, "session_handle", "s", session);
          answer_request (self, invocation, options, CS_FAKE_PORTAL_GRANT,
                          g_variant_dict_end (&results));
        }
      else if (g_str_equal (method_name, "SelectSources"))
        {
          const char *token = NULL;

          g_clear_pointer (&self->last_restore_token, g_free);
          if (g_variant_lookup (options, "restore_token", "&s", &token))
            self->last_restore_token = g_strdup (token);
          answer_request (self, invocation, options, CS_FAKE_PORTAL_GRANT, NULL);
        }
      else if (g_str_equal (method_name, "Start"))
        {
          GVariantDict results;
          GVariantBuilder streams;

          g_variant_dict_init (&results, NULL);
          if (self->screencast_answer == CS_FAKE_PORTAL_GRANT)
            {
              g_variant_builder_init (&streams, G_VARIANT_TYPE ("a(ua{sv})"));
              g_variant_builder_add (&streams, "(u@a{sv})", self->node_id,
                                     g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
              g_variant_dict_insert_value (&results, "streams", g_variant_builder_end (&streams));
              g_variant_dict_insert (&results, "persist_mode", "u", 2);
              if (self->restore_token != NULL)
                g_variant_dict_insert (&results, "restore_token", "s", self->restore_token);
              g_free (self->session_path);
              g_variant_get_child (parameters, 0, "o", &self->session_path);
              g_free (self->session_owner);
              self->session_owner = g_strdup (sender);
            }
          answer_request (self, invocation, options, self->screencast_answer,
                          g_variant_dict_end (&results));
        }
      else
        {
          return_fd (invocation);
        }
    }
  else if (g_str_equal (interface_name, "org.freedesktop.portal.Background"))
    {
      GVariantDict results;

      g_variant_dict_init (&results, NULL);
      g_variant_dict_insert (&results, "background", "b", self->background);
      g_variant_dict_insert (&results, "autostart", "b", self->autostart);
      answer_request (self, invocation, options, self->background_answer,
                      g_variant_dict_end (&results));
    }
  else
    {
      /* Session.Close: the app ended it. */
      if (g_strcmp0 (object_path, self->session_path) == 0)
        g_clear_pointer (&self->session_path, g_free);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
}

static GVariant *
on_get_property (GDBusConnection *bus,
                 const char *sender,
                 const char *object_path,
                 const char *interface_name,
                 const char *property_name,
                 GError **error,
                 gpointer user_data)
{
  CsFakePortal *self = user_data;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  if (g_str_equal (property_name, "IsCameraPresent"))
    return g_variant_new_boolean (self->camera_present);
  if (g_str_equal (property_name, "AvailableSourceTypes"))
    return g_variant_new_uint32 (1 | 2);
  if (g_str_equal (property_name, "AvailableCursorModes"))
    return g_variant_new_uint32 (1 | 2 | 4);
  /* ScreenCast 4 knows restore tokens; the others' versions matter little. */
  return g_variant_new_uint32 (
    g_str_equal (interface_name, "org.freedesktop.portal.ScreenCast") ? 4 : 1);
}

static const GDBusInterfaceVTable vtable = { on_method_call, on_get_property, NULL, { 0 } };

/* Sessions live under their own paths: one subtree answers for all of them. */
static const GDBusInterfaceVTable *
on_subtree_dispatch (GDBusConnection *bus,
                     const char *sender,
                     const char *object_path,
                     const char *interface_name,
                     const char *node,
                     gpointer *out_user_data,
                     gpointer user_data)
{
  *out_user_data = user_data;
  return &vtable;
}

static GDBusInterfaceInfo **
on_subtree_introspect (GDBusConnection *bus,
                       const char *sender,
                       const char *object_path,
                       const char *node,
                       gpointer user_data)
{
  CsFakePortal *self = user_data;
  GPtrArray *interfaces = g_ptr_array_new ();

  g_ptr_array_add (interfaces,
                   g_dbus_interface_info_ref (
                     g_dbus_node_info_lookup_interface (self->info,
                                                        "org.freedesktop.portal.Session")));
  g_ptr_array_add (interfaces, NULL);
  return (GDBusInterfaceInfo **) g_ptr_array_free (interfaces, FALSE);
}

static const GDBusSubtreeVTable subtree_vtable = { NULL,
                                                   on_subtree_introspect,
                                                   on_subtree_dispatch,
                                                   { 0 } };

static void
signal_ready (CsFakePortal *self, gboolean owned)
{
  g_mutex_lock (&self->mutex);
  self->owned = owned;
  self->failed = !owned;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static void
on_name_acquired (GDBusConnection *bus, const char *name, gpointer user_data)
{
  signal_ready (user_data, TRUE);
}

static void
on_name_lost (GDBusConnection *bus, const char *name, gpointer user_data)
{
  CsFakePortal *self = user_data;

  if (!self->owned)
    signal_ready (self, FALSE);
}

static gpointer
run_portal (gpointer user_data)
{
  CsFakePortal *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  static const char *const interfaces[] = {
    "org.freedesktop.portal.Camera",
    "org.freedesktop.portal.ScreenCast",
    "org.freedesktop.portal.Background",
  };

  g_main_context_push_thread_default (self->context);
  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  self->bus =
    g_dbus_connection_new_for_address_sync (address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (interfaces); i++)
    {
      guint id =
        g_dbus_connection_register_object (self->bus, PORTAL_PATH,
                                           g_dbus_node_info_lookup_interface (self->info,
                                                                              interfaces[i]),
                                           &vtable, self, NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (self->registrations, GUINT_TO_POINTER (id));
    }
  self->session_subtree_id =
    g_dbus_connection_register_subtree (self->bus, PORTAL_PATH "/session", &subtree_vtable,
                                        G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES, self,
                                        NULL, &error);
  g_assert_no_error (error);
  self->owner_id =
    g_bus_own_name_on_connection (self->bus, PORTAL_NAME, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                  on_name_acquired, on_name_lost, self, NULL);

  g_main_loop_run (self->loop);

  g_bus_unown_name (self->owner_id);
  for (guint i = 0; i < self->registrations->len; i++)
    g_dbus_connection_unregister_object (self->bus,
                                         GPOINTER_TO_UINT (self->registrations->pdata[i]));
  g_dbus_connection_unregister_subtree (self->bus, self->session_subtree_id);
  g_dbus_connection_flush_sync (self->bus, NULL, NULL);
  g_dbus_connection_close_sync (self->bus, NULL, NULL);
  /* Whatever is still queued (answers, unregistrations) lets go of its references. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&self->bus);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

CsFakePortal *
cs_fake_portal_start (void)
{
  CsFakePortal *self = g_new0 (CsFakePortal, 1);
  g_autoptr (GError) error = NULL;

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->camera_present = TRUE;
  self->camera_answer = CS_FAKE_PORTAL_GRANT;
  self->screencast_answer = CS_FAKE_PORTAL_GRANT;
  self->node_id = 42;
  self->restore_token = g_strdup ("restore-1");
  self->background_answer = CS_FAKE_PORTAL_GRANT;
  self->background = TRUE;
  self->autostart = TRUE;
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_options =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  self->registrations = g_ptr_array_new ();
  self->info = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  g_mutex_lock (&self->mutex);
  self->thread = g_thread_new ("fake-portal", run_portal, self);
  while (!self->owned && !self->failed)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  if (self->failed)
    g_error ("Another program owns %s on this bus", PORTAL_NAME);
  return self;
}

void
cs_fake_portal_free (CsFakePortal *self)
{
  g_main_loop_quit (self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_dbus_node_info_unref (self->info);
  g_ptr_array_unref (self->registrations);
  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->last_options);
  g_free (self->restore_token);
  g_free (self->last_restore_token);
  g_free (self->session_path);
  g_free (self->session_owner);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

void
cs_fake_portal_set_camera (CsFakePortal *self, gboolean present, CsFakePortalAnswer answer)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->camera_present = present;
  self->camera_answer = answer;
}

void
cs_fake_portal_set_screencast (CsFakePortal *self,
                               CsFakePortalAnswer answer,
                               guint32 node_id,
                               const char *restore_token)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->screencast_answer = answer;
  self->node_id = node_id;
  g_free (self->restore_token);
  self->restore_token = g_strdup (restore_token);
}

void
cs_fake_portal_set_background (CsFakePortal *self,
                               CsFakePortalAnswer answer,
                               gboolean background,
                               gboolean autostart)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  self->background_answer = answer;
  self->background = background;
  self->autostart = autostart;
}

guint
cs_fake_portal_count_calls (CsFakePortal *self, const char *method)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->calls, method));
}

GVariant *
cs_fake_portal_dup_last_options (CsFakePortal *self, const char *method)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  GVariant *options = g_hash_table_lookup (self->last_options, method);

  return options != NULL ? g_variant_ref (options) : NULL;
}

char *
cs_fake_portal_dup_last_restore_token (CsFakePortal *self)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

  return g_strdup (self->last_restore_token);
}

typedef struct
{
  CsFakePortal *self;
  char *path;
  char *owner;
} Closing;

static gboolean
emit_closed (gpointer user_data)
{
  Closing *closing = user_data;

  g_dbus_connection_emit_signal (closing->self->bus, closing->owner, closing->path,
                                 "org.freedesktop.portal.Session", "Closed",
                                 g_variant_new_parsed ("(@a{sv} {},)"), NULL);
  g_free (closing->path);
  g_free (closing->owner);
  g_free (closing);
  return G_SOURCE_REMOVE;
}

void
cs_fake_portal_close_session (CsFakePortal *self)
{
  Closing *closing = g_new0 (Closing, 1);

  g_mutex_lock (&self->mutex);
  g_assert_nonnull (self->session_path);
  closing->self = self;
  closing->path = g_steal_pointer (&self->session_path);
  closing->owner = g_strdup (self->session_owner);
  g_mutex_unlock (&self->mutex);
  g_main_context_invoke (self->context, emit_closed, closing);
}
