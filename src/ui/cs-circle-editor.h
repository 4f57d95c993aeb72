/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_CIRCLE_EDITOR (cs_circle_editor_get_type ())
G_DECLARE_FINAL_TYPE (CsCircleEditor, cs_circle_editor, CS, CIRCLE_EDITOR, AdwWindow)

/* Edits @circle, or creates a new circle when @circle is NULL. Emits "saved" with the
 * store's circle once written, then closes. */
CsCircleEditor *cs_circle_editor_new (GtkWindow *parent, CsStore *store, CsCircle *circle);

G_END_DECLS
