/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-application.h"

G_BEGIN_DECLS

#define CS_TYPE_WINDOW (cs_window_get_type ())
G_DECLARE_FINAL_TYPE (CsWindow, cs_window, CS, WINDOW, AdwApplicationWindow)

CsWindow *cs_window_new (CsApplication *application);

CsStore *cs_window_get_store (CsWindow *self);
void cs_window_show_circle (CsWindow *self, CsCircle *circle);
void cs_window_show_contacts (CsWindow *self);
void cs_window_show_overdue (CsWindow *self);
void cs_window_add_toast (CsWindow *self, AdwToast *toast);

typedef void (*CsWindowUndoFunc) (CsWindow *window, gpointer data);
void cs_window_offer_undo (CsWindow *self,
                           const char *title,
                           CsWindowUndoFunc undo,
                           gpointer data,
                           GDestroyNotify destroy);

G_END_DECLS
