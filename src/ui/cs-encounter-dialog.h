/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_ENCOUNTER_DIALOG (cs_encounter_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsEncounterDialog, cs_encounter_dialog, CS, ENCOUNTER_DIALOG, AdwWindow)

/* Logs a meeting, a phone call or a message by hand; @contact, when given, is already
 * chosen as a participant. Emits "saved" (CsInteraction) once it is in the store. */
CsEncounterDialog *cs_encounter_dialog_new (GtkWindow *parent, CsStore *store, CsContact *contact);
void cs_encounter_dialog_set_circle (CsEncounterDialog *self, CsCircle *circle);

G_END_DECLS
