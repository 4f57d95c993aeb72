/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-background"

#include "config.h"

#include "cs-background.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libportal/portal.h>

#include <errno.h>

#define SETTING "start-in-background"

struct _CsBackground
{
  GObject parent_instance;

  GApplication *application; /* unowned: it owns us */
  GSettings *settings;
  GCancellable *cancellable;
  XdpPortal *portal;
  gboolean sandboxed;
  gboolean held;
  CsBackgroundPermission permission;
  char *problem;
  /* Asked with the setting as it is: not again until it changes. */
  gboolean asked;
  /* One request at a time: the setting moved while one was out, ask again once answered. */
  gboolean requesting;
  gboolean ask_again;
  /* An answer from the portal turns the setting off: not a change to pass on. */
  gboolean applying_answer;
};

G_DEFINE_FINAL_TYPE (CsBackground, cs_background, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PERMISSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The autostart file, outside a sandbox. */

static gboolean
write_autostart (GError **error)
{
  g_autofree char *path = cs_background_dup_autostart_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr (GKeyFile) entry = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length = 0;

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", folder,
                   g_strerror (saved));
      return FALSE;
    }
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME,
                         _ ("Cousinade"));
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _ ("Receive calls and reminders"));
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC,
                         "cousinade --" CS_BACKGROUND_OPTION);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON,
                         APPLICATION_ID);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  data = g_key_file_to_data (entry, &length, NULL);
  return g_file_set_contents (path, data, length, error);
}

static void
remove_autostart (void)
{
  g_autofree char *path = cs_background_dup_autostart_path ();

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* The portal, in a sandbox. */

static void request_background (CsBackground *self);

static void
on_background_requested (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsBackground *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean granted = xdp_portal_request_background_finish (XDP_PORTAL (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->requesting = FALSE;
  cs_background_portal_answered (self, granted, error);
  if (self->ask_again)
    request_background (self);
}

static void
request_background (CsBackground *self)
{
  g_autoptr (GPtrArray) commandline = g_ptr_array_new ();
  gboolean autostart = g_settings_get_boolean (self->settings, SETTING);
  /* Translators: why the app asks to run in the background (the system shows it). */
  g_autofree char *reason = g_strdup (_ ("Cousinade rings when your family calls you, and "
                                         "reminds you of your calls, with its window closed."));

  self->asked = TRUE;
  if (self->requesting)
    {
      self->ask_again = TRUE;
      return;
    }
  self->requesting = TRUE;
  self->ask_again = FALSE;
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  g_ptr_array_add (commandline, "cousinade");
  g_ptr_array_add (commandline, "--" CS_BACKGROUND_OPTION);
  xdp_portal_request_background (self->portal, NULL, reason, commandline,
                                 autostart ? XDP_BACKGROUND_FLAG_AUTOSTART
                                           : XDP_BACKGROUND_FLAG_NONE,
                                 self->cancellable, on_background_requested, self);
}

/* Brings the system's way of starting at login in line with the setting. */
static void
apply_setting (CsBackground *self)
{
  g_autoptr (GError) error = NULL;

  if (self->sandboxed)
    {
      /* The portal decides on both: asked once needed, and again when the setting moves. */
      gboolean was_asked = self->asked;

      self->asked = FALSE;
      if (self->held || was_asked)
        request_background (self);
      return;
    }
  if (!g_settings_get_boolean (self->settings, SETTING))
    remove_autostart ();
  else if (!write_autostart (&error))
    g_warning ("Could not set Cousinade to start when you log in: %s", error->message);
}

static void
on_setting_changed (GSettings *settings, const char *key, CsBackground *self)
{
  if (!self->applying_answer)
    apply_setting (self);
}

static void
cs_background_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsBackground *self = CS_BACKGROUND (object);

  switch (prop_id)
    {
    case PROP_PERMISSION:
      g_value_set_int (value, self->permission);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_background_dispose (GObject *object)
{
  CsBackground *self = CS_BACKGROUND (object);

  g_cancellable_cancel (self->cancellable);
  cs_background_set_signed_in (self, FALSE);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cs_background_parent_class)->dispose (object);
}

static void
cs_background_finalize (GObject *object)
{
  CsBackground *self = CS_BACKGROUND (object);

  g_free (self->problem);

  G_OBJECT_CLASS (cs_background_parent_class)->finalize (object);
}

static void
cs_background_class_init (CsBackgroundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_background_get_property;
  object_class->dispose = cs_background_dispose;
  object_class->finalize = cs_background_finalize;

  properties[PROP_PERMISSION] =
    g_param_spec_int ("permission", NULL, NULL, CS_BACKGROUND_NOT_ASKED, CS_BACKGROUND_REFUSED,
                      CS_BACKGROUND_NOT_ASKED,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_background_init (CsBackground *self)
{
  self->cancellable = g_cancellable_new ();
}

CsBackground *
cs_background_new (GApplication *application, GSettings *settings)
{
  CsBackground *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CS_TYPE_BACKGROUND, NULL);
  self->application = application;
  self->settings = g_object_ref (settings);
  self->sandboxed = xdp_portal_running_under_flatpak ();
  g_signal_connect (settings, "changed::" SETTING, G_CALLBACK (on_setting_changed), self);
  /* The file follows the setting even if it was changed while the app was not running. */
  if (!self->sandboxed)
    apply_setting (self);
  return self;
}

void
cs_background_set_sandboxed (CsBackground *self, gboolean sandboxed)
{
  g_return_if_fail (CS_IS_BACKGROUND (self));

  self->sandboxed = !!sandboxed;
}

gboolean
cs_background_get_sandboxed (CsBackground *self)
{
  g_return_val_if_fail (CS_IS_BACKGROUND (self), FALSE);

  return self->sandboxed;
}

void
cs_background_set_signed_in (CsBackground *self, gboolean signed_in)
{
  g_return_if_fail (CS_IS_BACKGROUND (self));

  if (self->held == !!signed_in)
    return;
  self->held = !!signed_in;
  if (self->held)
    {
      g_application_hold (self->application);
      cs_background_ask (self);
    }
  else
    {
      g_application_release (self->application);
    }
}

gboolean
cs_background_get_held (CsBackground *self)
{
  g_return_val_if_fail (CS_IS_BACKGROUND (self), FALSE);

  return self->held;
}

void
cs_background_ask (CsBackground *self)
{
  g_return_if_fail (CS_IS_BACKGROUND (self));

  if (self->sandboxed && !self->asked)
    request_background (self);
}

CsBackgroundPermission
cs_background_get_permission (CsBackground *self)
{
  g_return_val_if_fail (CS_IS_BACKGROUND (self), CS_BACKGROUND_NOT_ASKED);

  return self->permission;
}

const char *
cs_background_get_problem (CsBackground *self)
{
  g_return_val_if_fail (CS_IS_BACKGROUND (self), NULL);

  return self->problem;
}

void
cs_background_portal_answered (CsBackground *self, gboolean granted, const GError *error)
{
  CsBackgroundPermission permission = granted ? CS_BACKGROUND_ALLOWED : CS_BACKGROUND_REFUSED;

  g_return_if_fail (CS_IS_BACKGROUND (self));

  g_clear_pointer (&self->problem, g_free);
  if (!granted)
    {
      g_message ("The system does not let Cousinade run in the background: %s",
                 error != NULL ? error->message : "refused");
      self->problem = g_strdup (_ ("Cousinade may not ring while its window is closed: allow "
                                   "it to run in the background in your system’s settings."));
      /* The system will not start it at login either: the switch says so. */
      self->applying_answer = TRUE;
      g_settings_set_boolean (self->settings, SETTING, FALSE);
      self->applying_answer = FALSE;
    }
  if (self->permission == permission)
    return;
  self->permission = permission;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERMISSION]);
}

char *
cs_background_dup_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
}
