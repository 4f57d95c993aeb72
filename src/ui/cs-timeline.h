/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_TIMELINE (cs_timeline_get_type ())
G_DECLARE_FINAL_TYPE (CsTimeline, cs_timeline, CS, TIMELINE, AdwBin)

/* How many entries a timeline shows at first, and adds with each "Show more". */
#define CS_TIMELINE_PAGE_SIZE 10

CsTimeline *cs_timeline_new (void);
void cs_timeline_set_store (CsTimeline *self, CsStore *store);
/* Shows the history of @contact, or of @circle; at most one of them is non-NULL. */
void cs_timeline_set_contact (CsTimeline *self, CsContact *contact);
void cs_timeline_set_circle (CsTimeline *self, CsCircle *circle);
void cs_timeline_set_placeholder_text (CsTimeline *self, const char *text);
guint cs_timeline_get_n_shown (CsTimeline *self);

G_END_DECLS
