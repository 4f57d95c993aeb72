/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_CONTACT_EDITOR (cs_contact_editor_get_type ())
G_DECLARE_FINAL_TYPE (CsContactEditor, cs_contact_editor, CS, CONTACT_EDITOR, AdwWindow)

/* Edits @contact, or creates one when @contact is NULL. Emits "saved" with the store's
 * contact once written, then closes. */
CsContactEditor *cs_contact_editor_new (GtkWindow *parent, CsStore *store, CsContact *contact);

G_END_DECLS
