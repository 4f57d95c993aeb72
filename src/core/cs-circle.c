/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-circle"

#include "config.h"

#include "cs-circle.h"
#include "cs-core-enums.h"

#define DEFAULT_REMINDER_MINUTES 10

struct _CsCircle
{
  GObject parent_instance;

  gint64 id;
  char *name;
  CsCircleKind kind;
  char *description;
  char *emoji;
  char *color;
  char *room_address;
  guint keep_in_touch_days;
  guint reminder_minutes;
};

G_DEFINE_FINAL_TYPE (CsCircle, cs_circle, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_DESCRIPTION,
  PROP_EMOJI,
  PROP_COLOR,
  PROP_ROOM_ADDRESS,
  PROP_KEEP_IN_TOUCH_DAYS,
  PROP_REMINDER_MINUTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Optional texts are NULL when empty, so "no description" has one spelling. */
static gboolean
replace_optional_string (char **field, const char *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static void
cs_circle_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCircle *self = CS_CIRCLE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_EMOJI:
      g_value_set_string (value, self->emoji);
      break;

    case PROP_COLOR:
      g_value_set_string (value, self->color);
      break;

    case PROP_ROOM_ADDRESS:
      g_value_set_string (value, self->room_address);
      break;

    case PROP_KEEP_IN_TOUCH_DAYS:
      g_value_set_uint (value, self->keep_in_touch_days);
      break;

    case PROP_REMINDER_MINUTES:
      g_value_set_uint (value, self->reminder_minutes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCircle *self = CS_CIRCLE (object);

  switch (prop_id)
    {
    case PROP_ID:
      cs_circle_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      cs_circle_set_name (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      cs_circle_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_DESCRIPTION:
      cs_circle_set_description (self, g_value_get_string (value));
      break;

    case PROP_EMOJI:
      cs_circle_set_emoji (self, g_value_get_string (value));
      break;

    case PROP_COLOR:
      cs_circle_set_color (self, g_value_get_string (value));
      break;

    case PROP_ROOM_ADDRESS:
      cs_circle_set_room_address (self, g_value_get_string (value));
      break;

    case PROP_KEEP_IN_TOUCH_DAYS:
      cs_circle_set_keep_in_touch_days (self, g_value_get_uint (value));
      break;

    case PROP_REMINDER_MINUTES:
      cs_circle_set_reminder_minutes (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_circle_finalize (GObject *object)
{
  CsCircle *self = CS_CIRCLE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->emoji, g_free);
  g_clear_pointer (&self->color, g_free);
  g_clear_pointer (&self->room_address, g_free);

  G_OBJECT_CLASS (cs_circle_parent_class)->finalize (object);
}

static void
cs_circle_class_init (CsCircleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_circle_get_property;
  object_class->set_property = cs_circle_set_property;
  object_class->finalize = cs_circle_finalize;

  /* 0 until the store has saved the circle. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, CS_TYPE_CIRCLE_KIND, CS_CIRCLE_KIND_FAMILY, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_EMOJI] = g_param_spec_string ("emoji", NULL, NULL, NULL, flags);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, flags);
  /* The bare address of the circle's group chat room, once it has one. */
  properties[PROP_ROOM_ADDRESS] = g_param_spec_string ("room-address", NULL, NULL, NULL, flags);
  /* 0: no "keep in touch" reminder. */
  properties[PROP_KEEP_IN_TOUCH_DAYS] =
    g_param_spec_uint ("keep-in-touch-days", NULL, NULL, 0, G_MAXINT32, 0, flags);
  /* How long before a scheduled call its reminder shows. */
  properties[PROP_REMINDER_MINUTES] =
    g_param_spec_uint ("reminder-minutes", NULL, NULL, 0, G_MAXINT32, DEFAULT_REMINDER_MINUTES,
                       flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_circle_init (CsCircle *self)
{
  self->name = g_strdup ("");
  self->kind = CS_CIRCLE_KIND_FAMILY;
  self->reminder_minutes = DEFAULT_REMINDER_MINUTES;
}

CsCircle *
cs_circle_new (void)
{
  return g_object_new (CS_TYPE_CIRCLE, NULL);
}

/**
 * cs_circle_copy:
 * @self: a circle
 *
 * Returns: (transfer full): a detached copy with the same id and values, to edit
 *   as a draft before handing it to cs_store_save_circle().
 */
CsCircle *
cs_circle_copy (CsCircle *self)
{
  CsCircle *copy;

  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  copy = cs_circle_new ();
  cs_circle_assign (copy, self);

  return copy;
}

/**
 * cs_circle_assign:
 * @self: the circle to update
 * @source: the circle to take the values from
 *
 * Copies every value, the id included, from @source; only the properties that
 * really change are notified, once each, after all of them are set.
 */
void
cs_circle_assign (CsCircle *self, CsCircle *source)
{
  g_return_if_fail (CS_IS_CIRCLE (self));
  g_return_if_fail (CS_IS_CIRCLE (source));

  if (self == source)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  cs_circle_set_id (self, source->id);
  cs_circle_set_name (self, source->name);
  cs_circle_set_kind (self, source->kind);
  cs_circle_set_description (self, source->description);
  cs_circle_set_emoji (self, source->emoji);
  cs_circle_set_color (self, source->color);
  cs_circle_set_room_address (self, source->room_address);
  cs_circle_set_keep_in_touch_days (self, source->keep_in_touch_days);
  cs_circle_set_reminder_minutes (self, source->reminder_minutes);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
cs_circle_get_id (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), 0);

  return self->id;
}

void
cs_circle_set_id (CsCircle *self, gint64 id)
{
  g_return_if_fail (CS_IS_CIRCLE (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
cs_circle_get_name (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  return self->name;
}

void
cs_circle_set_name (CsCircle *self, const char *name)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (name == NULL)
    name = "";

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

CsCircleKind
cs_circle_get_kind (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), CS_CIRCLE_KIND_FAMILY);

  return self->kind;
}

/* Any value is kept: cs_store_save_circle() is where an unknown kind is refused. */
void
cs_circle_set_kind (CsCircle *self, CsCircleKind kind)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

const char *
cs_circle_get_description (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  return self->description;
}

void
cs_circle_set_description (CsCircle *self, const char *description)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (replace_optional_string (&self->description, description))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

const char *
cs_circle_get_emoji (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  return self->emoji;
}

void
cs_circle_set_emoji (CsCircle *self, const char *emoji)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (replace_optional_string (&self->emoji, emoji))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMOJI]);
}

const char *
cs_circle_get_color (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  return self->color;
}

void
cs_circle_set_color (CsCircle *self, const char *color)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (replace_optional_string (&self->color, color))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
}

const char *
cs_circle_get_room_address (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), NULL);

  return self->room_address;
}

void
cs_circle_set_room_address (CsCircle *self, const char *room_address)
{
  g_return_if_fail (CS_IS_CIRCLE (self));

  if (replace_optional_string (&self->room_address, room_address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOM_ADDRESS]);
}

guint
cs_circle_get_keep_in_touch_days (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), 0);

  return self->keep_in_touch_days;
}

void
cs_circle_set_keep_in_touch_days (CsCircle *self, guint days)
{
  g_return_if_fail (CS_IS_CIRCLE (self));
  g_return_if_fail (days <= G_MAXINT32);

  if (self->keep_in_touch_days == days)
    return;

  self->keep_in_touch_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_IN_TOUCH_DAYS]);
}

guint
cs_circle_get_reminder_minutes (CsCircle *self)
{
  g_return_val_if_fail (CS_IS_CIRCLE (self), DEFAULT_REMINDER_MINUTES);

  return self->reminder_minutes;
}

void
cs_circle_set_reminder_minutes (CsCircle *self, guint minutes)
{
  g_return_if_fail (CS_IS_CIRCLE (self));
  g_return_if_fail (minutes <= G_MAXINT32);

  if (self->reminder_minutes == minutes)
    return;

  self->reminder_minutes = minutes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMINDER_MINUTES]);
}
