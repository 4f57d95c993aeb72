/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Staying reachable: while the user is signed in, the app holds itself, so that closing the
 * main window leaves it running and calls and reminders still reach them; app.quit still
 * quits. Where the app runs in a sandbox (Flatpak), the Background portal is asked to let it
 * run with no window, and to start it when the user logs in when the "start-in-background"
 * setting says so; elsewhere that setting writes or removes an XDG autostart file
 * ($XDG_CONFIG_HOME/autostart/<app id>.desktop) that starts "cousinade --background".
 *
 * "notify::permission": the portal answered.
 */

typedef enum
{
  CS_BACKGROUND_NOT_ASKED, /* no sandbox, or no answer yet */
  CS_BACKGROUND_ALLOWED,
  CS_BACKGROUND_REFUSED,
} CsBackgroundPermission;

#define CS_TYPE_BACKGROUND (cs_background_get_type ())
G_DECLARE_FINAL_TYPE (CsBackground, cs_background, CS, BACKGROUND, GObject)

/* The option that starts the app with no window. */
#define CS_BACKGROUND_OPTION "background"

CsBackground *cs_background_new (GApplication *application, GSettings *settings);

/* Whether to ask the Background portal (TRUE in a Flatpak sandbox) rather than write an
 * autostart file; tests set it. */
void cs_background_set_sandboxed (CsBackground *self, gboolean sandboxed);
gboolean cs_background_get_sandboxed (CsBackground *self);

/* Signed in: the app stays up with its windows closed. */
void cs_background_set_signed_in (CsBackground *self, gboolean signed_in);
gboolean cs_background_get_held (CsBackground *self);

/* In a sandbox, asks the Background portal to let the app run with no window (and start it
 * at login per the setting), unless it was asked already with the setting as it is. Signing
 * in asks; so do reminders ahead (the app holds itself for them). */
void cs_background_ask (CsBackground *self);

CsBackgroundPermission cs_background_get_permission (CsBackground *self);
/* Why the app may not ring with its window closed, in plain words, or NULL. */
const char *cs_background_get_problem (CsBackground *self);

/* What the portal answered to a request (@error set when it refused or failed): the
 * permission, and, refused, the setting to start at login turned off since the system will
 * not do it. Called with the portal's answer; tests call it with answers of their own. */
void cs_background_portal_answered (CsBackground *self, gboolean granted, const GError *error);

/* Where the autostart file goes (transfer full). */
char *cs_background_dup_autostart_path (void);

G_END_DECLS
