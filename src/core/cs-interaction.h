/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CS_INTERACTION_KIND_CALL,
  CS_INTERACTION_KIND_MEETING,
  CS_INTERACTION_KIND_PHONE,
  CS_INTERACTION_KIND_MESSAGE,
} CsInteractionKind;

#define CS_INTERACTION_KIND_LAST CS_INTERACTION_KIND_MESSAGE

#define CS_TYPE_INTERACTION (cs_interaction_get_type ())
G_DECLARE_FINAL_TYPE (CsInteraction, cs_interaction, CS, INTERACTION, GObject)

CsInteraction *cs_interaction_new (CsInteractionKind kind, GDateTime *started_at);

gint64 cs_interaction_get_id (CsInteraction *self);
void cs_interaction_set_id (CsInteraction *self, gint64 id);
CsInteractionKind cs_interaction_get_kind (CsInteraction *self);
GDateTime *cs_interaction_get_started_at (CsInteraction *self);
guint cs_interaction_get_duration_seconds (CsInteraction *self);
void cs_interaction_set_duration_seconds (CsInteraction *self, guint seconds);
const char *cs_interaction_get_place (CsInteraction *self);
void cs_interaction_set_place (CsInteraction *self, const char *place);
const char *cs_interaction_get_notes (CsInteraction *self);
void cs_interaction_set_notes (CsInteraction *self, const char *notes);
gint64 cs_interaction_get_circle_id (CsInteraction *self);
void cs_interaction_set_circle_id (CsInteraction *self, gint64 circle_id);
/* A call that rang and that nobody answered: its duration is 0. */
gboolean cs_interaction_get_missed (CsInteraction *self);
void cs_interaction_set_missed (CsInteraction *self, gboolean missed);
/* Contact ids of the participants (the user is implicit). */
const gint64 *cs_interaction_get_participants (CsInteraction *self, gsize *n_participants);
void cs_interaction_add_participant (CsInteraction *self, gint64 contact_id);

G_END_DECLS
