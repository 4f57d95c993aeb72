/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-window.h"

G_BEGIN_DECLS

/* The window's contact history and data actions live in cs-window-history.c. */
void cs_window_class_install_history_actions (GtkWidgetClass *widget_class);
void cs_window_set_history_actions_enabled (CsWindow *self, gboolean enabled);

G_END_DECLS
