/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The desktop portals a call needs (libportal): the camera through the Camera portal when
 * the app runs sandboxed (Flatpak), and the screen through the ScreenCast portal, sandboxed or
 * not (on Wayland it is the only way to the screen). Each failure comes back as a CsPortalsError
 * whose message is for the user, in plain words.
 */

#define CS_PORTALS_ERROR (cs_portals_error_quark ())

typedef enum
{
  /* The user (or the desktop's settings) said no. */
  CS_PORTALS_ERROR_DENIED,
  /* The user closed the question without choosing. */
  CS_PORTALS_ERROR_CANCELLED,
  /* No camera on this computer. */
  CS_PORTALS_ERROR_NO_CAMERA,
  /* Anything else: the portal is missing or broken. */
  CS_PORTALS_ERROR_FAILED,
} CsPortalsError;

GQuark cs_portals_error_quark (void);

#define CS_TYPE_PORTALS (cs_portals_get_type ())
G_DECLARE_FINAL_TYPE (CsPortals, cs_portals, CS, PORTALS, GObject)

/* The app's portals; sandboxed when running under Flatpak (xdp_portal_running_under_flatpak),
 * or in tests under COUSINADE_MEDIA=test with COUSINADE_TEST_SANDBOX=1. */
CsPortals *cs_portals_get_default (void);
/* @sandboxed: whether the camera must come through the portal; tests force it. */
CsPortals *cs_portals_new (gboolean sandboxed);

gboolean cs_portals_get_sandboxed (CsPortals *self);

/*
 * The cameras. In a sandbox: asks the Camera portal for access (the desktop asks the user the
 * first time), then opens the PipeWire remote where the cameras are; @fd then owns it, for
 * cs_devices_new(). Outside a sandbox nothing is asked: TRUE with @fd -1 (the computer's own
 * devices). @parent: the window the question belongs to, or NULL.
 */
void cs_portals_open_cameras_async (CsPortals *self,
                                    GtkWindow *parent,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean cs_portals_open_cameras_finish (CsPortals *self,
                                         GAsyncResult *result,
                                         int *fd,
                                         GError **error);

/*
 * Shares a screen or window through the ScreenCast portal: the desktop asks what to share
 * unless @restore_token (from the previous share, or NULL) lets it reuse that choice. On
 * success: @fd (owned by the caller) is the PipeWire remote and @node_id the stream to read;
 * @new_restore_token is what to pass next time (may be NULL). One share at a time:
 * "screen-share-closed" is emitted when the desktop ends it (the user pressed the shell's stop
 * button), cs_portals_stop_screen_share() ends it from the app.
 */
void cs_portals_share_screen_async (CsPortals *self,
                                    GtkWindow *parent,
                                    const char *restore_token,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean cs_portals_share_screen_finish (CsPortals *self,
                                         GAsyncResult *result,
                                         int *fd,
                                         guint32 *node_id,
                                         char **new_restore_token,
                                         GError **error);
void cs_portals_stop_screen_share (CsPortals *self);
gboolean cs_portals_get_sharing_screen (CsPortals *self);

G_END_DECLS
