/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-overdue"

#include "config.h"

#include "cs-overdue.h"

struct _CsOverdue
{
  GObject parent_instance;

  CsContact *contact;
  CsCircle *circle;
  gint64 last_contact;
  gint64 overdue_seconds;
  guint cadence_days;
};

G_DEFINE_FINAL_TYPE (CsOverdue, cs_overdue, G_TYPE_OBJECT)

static void
cs_overdue_dispose (GObject *object)
{
  CsOverdue *self = CS_OVERDUE (object);

  g_clear_object (&self->contact);
  g_clear_object (&self->circle);

  G_OBJECT_CLASS (cs_overdue_parent_class)->dispose (object);
}

static void
cs_overdue_class_init (CsOverdueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_overdue_dispose;
}

static void
cs_overdue_init (CsOverdue *self)
{
}

CsOverdue *
cs_overdue_new (CsContact *contact,
                CsCircle *circle,
                gint64 last_contact,
                gint64 overdue_seconds,
                guint cadence_days)
{
  CsOverdue *self;

  g_return_val_if_fail ((contact == NULL) != (circle == NULL), NULL);
  g_return_val_if_fail (overdue_seconds >= 0, NULL);

  self = g_object_new (CS_TYPE_OVERDUE, NULL);
  self->contact = contact != NULL ? g_object_ref (contact) : NULL;
  self->circle = circle != NULL ? g_object_ref (circle) : NULL;
  self->last_contact = last_contact;
  self->overdue_seconds = overdue_seconds;
  self->cadence_days = cadence_days;

  return self;
}

CsContact *
cs_overdue_get_contact (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), NULL);

  return self->contact;
}

CsCircle *
cs_overdue_get_circle (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), NULL);

  return self->circle;
}

const char *
cs_overdue_get_name (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), NULL);

  if (self->contact != NULL)
    return cs_contact_get_name (self->contact);

  return cs_circle_get_name (self->circle);
}

gint64
cs_overdue_get_last_contact (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), 0);

  return self->last_contact;
}

gint64
cs_overdue_get_overdue_seconds (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), 0);

  return self->overdue_seconds;
}

guint
cs_overdue_get_overdue_days (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), 0);

  return (guint) (self->overdue_seconds / (24 * 60 * 60));
}

guint
cs_overdue_get_cadence_days (CsOverdue *self)
{
  g_return_val_if_fail (CS_IS_OVERDUE (self), 0);

  return self->cadence_days;
}
