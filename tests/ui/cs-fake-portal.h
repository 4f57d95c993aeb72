/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A stand-in for xdg-desktop-portal on the test's private session bus, owning
 * org.freedesktop.portal.Desktop, with scripted answers. Why not the real one: on this
 * machine xdg-desktop-portal 1.16 runs, but no backend implements ScreenCast or Background
 * (xdg-desktop-portal-gnome needs GNOME Shell; -gtk 1.14 has neither), and its Camera portal
 * reports no camera without a PipeWire daemon holding camera nodes.
 *
 * It implements what libportal 0.6 calls:
 * - org.freedesktop.portal.Camera: IsCameraPresent, AccessCamera, OpenPipeWireRemote;
 * - org.freedesktop.portal.ScreenCast (version 4): CreateSession, SelectSources (its
 *   restore_token is recorded), Start (answers one stream and a new restore token),
 *   OpenPipeWireRemote; org.freedesktop.portal.Session.Close, and the Closed signal on demand;
 * - org.freedesktop.portal.Background: RequestBackground (its options are recorded).
 * Requests answer through org.freedesktop.portal.Request.Response, as the real portal does.
 * The PipeWire remotes it hands out are the read end of a pipe: an fd, not a PipeWire server.
 *
 * It runs on a thread and bus connection of its own: libportal makes some calls synchronously
 * on the main thread, which a service on that same thread could never answer.
 *
 * Use: cs_fake_portal_start() before the code under test first talks to the portal, set the
 * answers, run the code, read what the portal saw, cs_fake_portal_free().
 */

/* A request's answer, as the portal's Response codes. */
typedef enum
{
  CS_FAKE_PORTAL_GRANT = 0,
  CS_FAKE_PORTAL_CANCEL = 1, /* the user closed the dialog */
  CS_FAKE_PORTAL_DENY = 2,   /* refused, or failed */
} CsFakePortalAnswer;

typedef struct _CsFakePortal CsFakePortal;

/* Owns the portal's name on the session bus; returns once it is owned. */
CsFakePortal *cs_fake_portal_start (void);
void cs_fake_portal_free (CsFakePortal *self);

/* Defaults: a camera present, access granted. */
void cs_fake_portal_set_camera (CsFakePortal *self, gboolean present, CsFakePortalAnswer answer);
/* Defaults: granted, stream node 42, restore token "restore-1" (NULL: none given). */
void cs_fake_portal_set_screencast (CsFakePortal *self,
                                    CsFakePortalAnswer answer,
                                    guint32 node_id,
                                    const char *restore_token);
/* Defaults: granted, background and autostart both allowed. */
void cs_fake_portal_set_background (CsFakePortal *self,
                                    CsFakePortalAnswer answer,
                                    gboolean background,
                                    gboolean autostart);

/* How many times @method (such as "AccessCamera", "SelectSources", "RequestBackground") was
 * called. */
guint cs_fake_portal_count_calls (CsFakePortal *self, const char *method);
/* The options (a{sv}) of the last call of @method, or NULL; transfer full. */
GVariant *cs_fake_portal_dup_last_options (CsFakePortal *self, const char *method);
/* The restore_token the last SelectSources carried, or NULL; transfer full. */
char *cs_fake_portal_dup_last_restore_token (CsFakePortal *self);
/* The desktop ends the screen share: Closed on the last session started. */
void cs_fake_portal_close_session (CsFakePortal *self);

G_END_DECLS
