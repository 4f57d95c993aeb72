/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  CS_CIRCLE_KIND_FAMILY,
  CS_CIRCLE_KIND_NEIGHBOURS,
  CS_CIRCLE_KIND_MUTUAL_AID,
  CS_CIRCLE_KIND_FRIENDS,
  CS_CIRCLE_KIND_OTHER,
} CsCircleKind;

#define CS_CIRCLE_KIND_LAST CS_CIRCLE_KIND_OTHER

#define CS_TYPE_CIRCLE (cs_circle_get_type ())
G_DECLARE_FINAL_TYPE (CsCircle, cs_circle, CS, CIRCLE, GObject)

CsCircle *cs_circle_new (void);
CsCircle *cs_circle_copy (CsCircle *self);
void cs_circle_assign (CsCircle *self, CsCircle *source);

gint64 cs_circle_get_id (CsCircle *self);
void cs_circle_set_id (CsCircle *self, gint64 id);
const char *cs_circle_get_name (CsCircle *self);
void cs_circle_set_name (CsCircle *self, const char *name);
CsCircleKind cs_circle_get_kind (CsCircle *self);
void cs_circle_set_kind (CsCircle *self, CsCircleKind kind);
const char *cs_circle_get_description (CsCircle *self);
void cs_circle_set_description (CsCircle *self, const char *description);
const char *cs_circle_get_emoji (CsCircle *self);
void cs_circle_set_emoji (CsCircle *self, const char *emoji);
const char *cs_circle_get_color (CsCircle *self);
void cs_circle_set_color (CsCircle *self, const char *color);
const char *cs_circle_get_room_address (CsCircle *self);
void cs_circle_set_room_address (CsCircle *self, const char *room_address);
guint cs_circle_get_keep_in_touch_days (CsCircle *self);
void cs_circle_set_keep_in_touch_days (CsCircle *self, guint days);
guint cs_circle_get_reminder_minutes (CsCircle *self);
void cs_circle_set_reminder_minutes (CsCircle *self, guint minutes);

G_END_DECLS
