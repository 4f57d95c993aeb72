/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-portals"

#include "config.h"

#include "cs-portals.h"

#include <glib/gi18n.h>
#include <libportal-gtk4/portal-gtk4.h>
#include <libportal/portal.h>
#include <unistd.h>

struct _CsPortals
{
  GObject parent_instance;

  gboolean sandboxed;
  XdpPortal *portal;
  XdpSession *session; /* the screen being shared */
};

G_DEFINE_FINAL_TYPE (CsPortals, cs_portals, G_TYPE_OBJECT)
G_DEFINE_QUARK (cs - portals - error - quark, cs_portals_error)

enum
{
  SIGNAL_SCREEN_SHARE_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a portal's refusal means for the user; @cancellable cancelled by the app is no
 * refusal, and stays G_IO_ERROR_CANCELLED for the caller to ignore. */
static GError *
translate_error (const GError *error,
                 GCancellable *cancellable,
                 CsPortalsError refused_code,
                 const char *refused_message,
                 const char *failed_message)
{
  if (g_cancellable_is_cancelled (cancellable))
    return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, error->message);
  g_message ("Portal: %s", error->message);
  /* libportal reads the portal's answer "cancelled" (1) and "other" (2) as these two: both
   * come from the user's or the desktop's no. A D-Bus error means no portal at all. */
  if (error->domain == G_IO_ERROR &&
      (error->code == G_IO_ERROR_CANCELLED || error->code == G_IO_ERROR_FAILED))
    return g_error_new_literal (CS_PORTALS_ERROR, refused_code, refused_message);
  return g_error_new_literal (CS_PORTALS_ERROR, CS_PORTALS_ERROR_FAILED, failed_message);
}

static XdpPortal *
get_portal (CsPortals *self)
{
  if (self->portal == NULL)
    self->portal = xdp_portal_new ();
  return self->portal;
}

/* Cameras */

static void
on_access_camera (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CsPortals *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  int fd;

  if (!xdp_portal_access_camera_finish (XDP_PORTAL (source), result, &error))
    {
      g_task_return_error (
        task, translate_error (error, g_task_get_cancellable (task), CS_PORTALS_ERROR_DENIED,
                               _ ("Cousinade may not use the camera, so the others will hear you "
                                  "without seeing you. To allow it, open Settings, then Apps, "
                                  "then Cousinade."),
                               _ ("The camera could not be opened: the others will hear you "
                                  "without seeing you.")));
      return;
    }

  fd = xdp_portal_open_pipewire_remote_for_camera (get_portal (self));
  if (fd < 0)
    {
      g_task_return_new_error (task, CS_PORTALS_ERROR, CS_PORTALS_ERROR_FAILED, "%s",
                               _ ("The camera could not be opened: the others will hear you "
                                  "without seeing you."));
      return;
    }
  g_task_return_int (task, fd);
}

void
cs_portals_open_cameras_async (CsPortals *self,
                               GtkWindow *parent,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  XdpParent *xdp_parent = NULL;

  g_return_if_fail (CS_IS_PORTALS (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_portals_open_cameras_async);

  if (!self->sandboxed)
    {
      g_task_return_int (task, -1);
      return;
    }

  /* No question about a camera that is not there. */
  if (!xdp_portal_is_camera_present (get_portal (self)))
    {
      g_task_return_new_error (task, CS_PORTALS_ERROR, CS_PORTALS_ERROR_NO_CAMERA, "%s",
                               _ ("No camera found: the others will hear you and see your "
                                  "initials."));
      return;
    }

  if (parent != NULL)
    xdp_parent = xdp_parent_new_gtk (parent);
  xdp_portal_access_camera (get_portal (self), xdp_parent, XDP_CAMERA_FLAG_NONE, cancellable,
                            on_access_camera, g_steal_pointer (&task));
  g_clear_pointer (&xdp_parent, xdp_parent_free);
}

gboolean
cs_portals_open_cameras_finish (CsPortals *self, GAsyncResult *result, int *fd, GError **error)
{
  gssize value;

  g_return_val_if_fail (CS_IS_PORTALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (fd != NULL, FALSE);

  *fd = -1;
  value = g_task_propagate_int (G_TASK (result), error);
  if (value == -1 && g_task_had_error (G_TASK (result)))
    return FALSE;
  *fd = (int) value;
  return TRUE;
}

/* The screen */

typedef struct
{
  XdpSession *session;
  XdpParent *parent;
} ShareData;

static void
share_data_free (ShareData *data)
{
  g_clear_object (&data->session);
  g_clear_pointer (&data->parent, xdp_parent_free);
  g_free (data);
}

typedef struct
{
  int fd;
  guint32 node_id;
  char *restore_token;
} ShareResult;

static void
share_result_free (ShareResult *result)
{
  if (result->fd >= 0)
    close (result->fd);
  g_free (result->restore_token);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShareResult, share_result_free)

static void
on_session_closed (XdpSession *session, CsPortals *self)
{
  if (session != self->session)
    return;

  g_debug ("The desktop ended the screen share");
  g_signal_handlers_disconnect_by_func (session, on_session_closed, self);
  g_clear_object (&self->session);
  g_signal_emit (self, signals[SIGNAL_SCREEN_SHARE_CLOSED], 0);
}

static const char *
share_refused_message (void)
{
  return _ ("Nothing was chosen to share.");
}

static const char *
share_failed_message (void)
{
  return _ ("Your screen could not be shared. Try again; if it still fails, restart the "
            "computer.");
}

static void
on_session_started (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CsPortals *self = g_task_get_source_object (task);
  ShareData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (ShareResult) share = NULL;
  GVariant *streams;

  if (!xdp_session_start_finish (XDP_SESSION (source), result, &error))
    {
      g_task_return_error (task,
                           translate_error (error, g_task_get_cancellable (task),
                                            CS_PORTALS_ERROR_CANCELLED, share_refused_message (),
                                            share_failed_message ()));
      return;
    }

  /* Asked for, then given up (the call ended meanwhile): the desktop stops sharing at once. */
  if (g_task_return_error_if_cancelled (task))
    {
      xdp_session_close (data->session);
      return;
    }

  share = g_new0 (ShareResult, 1);
  share->fd = -1;
  streams = xdp_session_get_streams (data->session);
  if (streams == NULL || g_variant_n_children (streams) == 0)
    {
      xdp_session_close (data->session);
      g_task_return_new_error (task, CS_PORTALS_ERROR, CS_PORTALS_ERROR_FAILED, "%s",
                               share_failed_message ());
      return;
    }
  /* One source was asked for: the first stream is it. */
  g_variant_get_child (streams, 0, "(u@a{sv})", &share->node_id, NULL);
  share->fd = xdp_session_open_pipewire_remote (data->session);
  if (share->fd < 0)
    {
      xdp_session_close (data->session);
      g_task_return_new_error (task, CS_PORTALS_ERROR, CS_PORTALS_ERROR_FAILED, "%s",
                               share_failed_message ());
      return;
    }
  share->restore_token = xdp_session_get_restore_token (data->session);

  /* A share still going on from before ends: one screen at a time. */
  cs_portals_stop_screen_share (self);
  self->session = g_object_ref (data->session);
  g_signal_connect_object (self->session, "closed", G_CALLBACK (on_session_closed), self, 0);
  g_task_return_pointer (task, g_steal_pointer (&share), (GDestroyNotify) share_result_free);
}

static void
on_session_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ShareData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->session = xdp_portal_create_screencast_session_finish (XDP_PORTAL (source), result, &error);
  if (data->session == NULL)
    {
      g_task_return_error (task,
                           translate_error (error, g_task_get_cancellable (task),
                                            CS_PORTALS_ERROR_CANCELLED, share_refused_message (),
                                            share_failed_message ()));
      return;
    }

  xdp_session_start (data->session, data->parent, g_task_get_cancellable (task), on_session_started,
                     g_object_ref (task));
}

void
cs_portals_share_screen_async (CsPortals *self,
                               GtkWindow *parent,
                               const char *restore_token,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ShareData *data;

  g_return_if_fail (CS_IS_PORTALS (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_portals_share_screen_async);
  data = g_new0 (ShareData, 1);
  if (parent != NULL)
    data->parent = xdp_parent_new_gtk (parent);
  g_task_set_task_data (task, data, (GDestroyNotify) share_data_free);

  /* Persistent: the desktop remembers the choice until the user revokes it, and the token
   * lets the next share skip the question. */
  xdp_portal_create_screencast_session (get_portal (self), XDP_OUTPUT_MONITOR | XDP_OUTPUT_WINDOW,
                                        XDP_SCREENCAST_FLAG_NONE, XDP_CURSOR_MODE_EMBEDDED,
                                        XDP_PERSIST_MODE_PERSISTENT,
                                        restore_token != NULL && *restore_token != '\0'
                                          ? restore_token
                                          : NULL,
                                        cancellable, on_session_created, g_steal_pointer (&task));
}

gboolean
cs_portals_share_screen_finish (CsPortals *self,
                                GAsyncResult *result,
                                int *fd,
                                guint32 *node_id,
                                char **new_restore_token,
                                GError **error)
{
  g_autoptr (ShareResult) share = NULL;

  g_return_val_if_fail (CS_IS_PORTALS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  share = g_task_propagate_pointer (G_TASK (result), error);
  if (fd != NULL)
    *fd = -1;
  if (node_id != NULL)
    *node_id = 0;
  if (new_restore_token != NULL)
    *new_restore_token = NULL;
  if (share == NULL)
    return FALSE;

  if (fd != NULL)
    *fd = g_steal_fd (&share->fd);
  if (node_id != NULL)
    *node_id = share->node_id;
  if (new_restore_token != NULL)
    *new_restore_token = g_steal_pointer (&share->restore_token);
  return TRUE;
}

void
cs_portals_stop_screen_share (CsPortals *self)
{
  g_autoptr (XdpSession) session = NULL;

  g_return_if_fail (CS_IS_PORTALS (self));

  session = g_steal_pointer (&self->session);
  if (session == NULL)
    return;
  g_signal_handlers_disconnect_by_func (session, on_session_closed, self);
  if (xdp_session_get_session_state (session) != XDP_SESSION_CLOSED)
    xdp_session_close (session);
}

gboolean
cs_portals_get_sharing_screen (CsPortals *self)
{
  g_return_val_if_fail (CS_IS_PORTALS (self), FALSE);

  return self->session != NULL;
}

static void
cs_portals_dispose (GObject *object)
{
  CsPortals *self = CS_PORTALS (object);

  cs_portals_stop_screen_share (self);
  g_clear_object (&self->portal);

  G_OBJECT_CLASS (cs_portals_parent_class)->dispose (object);
}

static void
cs_portals_class_init (CsPortalsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_portals_dispose;

  signals[SIGNAL_SCREEN_SHARE_CLOSED] =
    g_signal_new ("screen-share-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
}

static void
cs_portals_init (CsPortals *self)
{
}

CsPortals *
cs_portals_new (gboolean sandboxed)
{
  CsPortals *self = g_object_new (CS_TYPE_PORTALS, NULL);

  self->sandboxed = sandboxed;
  return self;
}

CsPortals *
cs_portals_get_default (void)
{
  static CsPortals *portals;

  /* Tests of the app (COUSINADE_MEDIA=test) may stand in a sandbox with
   * COUSINADE_TEST_SANDBOX=1, against a portal of their own on their private bus. */
  if (portals == NULL)
    portals = cs_portals_new (xdp_portal_running_under_flatpak () ||
                              (g_strcmp0 (g_getenv ("COUSINADE_MEDIA"), "test") == 0 &&
                               g_strcmp0 (g_getenv ("COUSINADE_TEST_SANDBOX"), "1") == 0));
  return portals;
}

gboolean
cs_portals_get_sandboxed (CsPortals *self)
{
  g_return_val_if_fail (CS_IS_PORTALS (self), FALSE);

  return self->sandboxed;
}
