/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-interaction"

#include "config.h"

#include "cs-interaction.h"
#include "cs-core-enums.h"

struct _CsInteraction
{
  GObject parent_instance;

  gint64 id;
  CsInteractionKind kind;
  GDateTime *started_at;
  guint duration_seconds;
  gboolean missed;
  char *place;
  char *notes;
  gint64 circle_id;
  GArray *participants;
};

G_DEFINE_FINAL_TYPE (CsInteraction, cs_interaction, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_STARTED_AT,
  PROP_DURATION_SECONDS,
  PROP_PLACE,
  PROP_NOTES,
  PROP_CIRCLE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Optional texts are NULL when empty, so "no place" has one spelling. */
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
cs_interaction_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsInteraction *self = CS_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_STARTED_AT:
      g_value_set_boxed (value, self->started_at);
      break;

    case PROP_DURATION_SECONDS:
      g_value_set_uint (value, self->duration_seconds);
      break;

    case PROP_PLACE:
      g_value_set_string (value, self->place);
      break;

    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;

    case PROP_CIRCLE_ID:
      g_value_set_int64 (value, self->circle_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_interaction_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsInteraction *self = CS_INTERACTION (object);

  switch (prop_id)
    {
    case PROP_ID:
      cs_interaction_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;

    case PROP_STARTED_AT:
      {
        GDateTime *started_at = g_value_get_boxed (value);

        g_clear_pointer (&self->started_at, g_date_time_unref);
        /* A missing time means "now": the usual case when logging right away. */
        self->started_at = started_at ? g_date_time_ref (started_at) : g_date_time_new_now_local ();
      }
      break;

    case PROP_DURATION_SECONDS:
      cs_interaction_set_duration_seconds (self, g_value_get_uint (value));
      break;

    case PROP_PLACE:
      cs_interaction_set_place (self, g_value_get_string (value));
      break;

    case PROP_NOTES:
      cs_interaction_set_notes (self, g_value_get_string (value));
      break;

    case PROP_CIRCLE_ID:
      cs_interaction_set_circle_id (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_interaction_finalize (GObject *object)
{
  CsInteraction *self = CS_INTERACTION (object);

  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->place, g_free);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->participants, g_array_unref);

  G_OBJECT_CLASS (cs_interaction_parent_class)->finalize (object);
}

static void
cs_interaction_class_init (CsInteractionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags construct_flags =
    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cs_interaction_get_property;
  object_class->set_property = cs_interaction_set_property;
  object_class->finalize = cs_interaction_finalize;

  /* 0 until the store has logged the interaction. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] = g_param_spec_enum ("kind", NULL, NULL, CS_TYPE_INTERACTION_KIND,
                                             CS_INTERACTION_KIND_CALL, construct_flags);
  properties[PROP_STARTED_AT] =
    g_param_spec_boxed ("started-at", NULL, NULL, G_TYPE_DATE_TIME, construct_flags);
  properties[PROP_DURATION_SECONDS] =
    g_param_spec_uint ("duration-seconds", NULL, NULL, 0, G_MAXINT32, 0, flags);
  properties[PROP_PLACE] = g_param_spec_string ("place", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, flags);
  /* 0: not tied to a circle. */
  properties[PROP_CIRCLE_ID] =
    g_param_spec_int64 ("circle-id", NULL, NULL, 0, G_MAXINT64, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_interaction_init (CsInteraction *self)
{
  self->participants = g_array_new (FALSE, FALSE, sizeof (gint64));
}

/**
 * cs_interaction_new:
 * @kind: how the people met or talked
 * @started_at: (nullable): when it started; %NULL for now
 *
 * Returns: (transfer full): a new interaction, not yet logged
 */
CsInteraction *
cs_interaction_new (CsInteractionKind kind, GDateTime *started_at)
{
  return g_object_new (CS_TYPE_INTERACTION, "kind", kind, "started-at", started_at, NULL);
}

gint64
cs_interaction_get_id (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), 0);

  return self->id;
}

void
cs_interaction_set_id (CsInteraction *self, gint64 id)
{
  g_return_if_fail (CS_IS_INTERACTION (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

CsInteractionKind
cs_interaction_get_kind (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), CS_INTERACTION_KIND_CALL);

  return self->kind;
}

GDateTime *
cs_interaction_get_started_at (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), NULL);

  return self->started_at;
}

guint
cs_interaction_get_duration_seconds (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), 0);

  return self->duration_seconds;
}

void
cs_interaction_set_duration_seconds (CsInteraction *self, guint seconds)
{
  g_return_if_fail (CS_IS_INTERACTION (self));
  g_return_if_fail (seconds <= G_MAXINT32);

  if (self->duration_seconds == seconds)
    return;

  self->duration_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_SECONDS]);
}

const char *
cs_interaction_get_place (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), NULL);

  return self->place;
}

void
cs_interaction_set_place (CsInteraction *self, const char *place)
{
  g_return_if_fail (CS_IS_INTERACTION (self));

  if (replace_optional_string (&self->place, place))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLACE]);
}

const char *
cs_interaction_get_notes (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), NULL);

  return self->notes;
}

void
cs_interaction_set_notes (CsInteraction *self, const char *notes)
{
  g_return_if_fail (CS_IS_INTERACTION (self));

  if (replace_optional_string (&self->notes, notes))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
}

gint64
cs_interaction_get_circle_id (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), 0);

  return self->circle_id;
}

void
cs_interaction_set_circle_id (CsInteraction *self, gint64 circle_id)
{
  g_return_if_fail (CS_IS_INTERACTION (self));
  g_return_if_fail (circle_id >= 0);

  if (self->circle_id == circle_id)
    return;

  self->circle_id = circle_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CIRCLE_ID]);
}

/**
 * cs_interaction_get_participants:
 * @self: an interaction
 * @n_participants: (out) (optional): where to store the number of participants
 *
 * Returns: (array length=n_participants) (transfer none): the contact ids of the
 *   participants, in the order they were added
 */
const gint64 *
cs_interaction_get_participants (CsInteraction *self, gsize *n_participants)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), NULL);

  if (n_participants != NULL)
    *n_participants = self->participants->len;

  return (const gint64 *) (gpointer) self->participants->data;
}

/* Adding someone twice keeps them once: they took part, however often they were picked. */
void
cs_interaction_add_participant (CsInteraction *self, gint64 contact_id)
{
  g_return_if_fail (CS_IS_INTERACTION (self));
  g_return_if_fail (contact_id > 0);

  for (guint i = 0; i < self->participants->len; i++)
    {
      if (g_array_index (self->participants, gint64, i) == contact_id)
        return;
    }

  g_array_append_val (self->participants, contact_id);
}

gboolean
cs_interaction_get_missed (CsInteraction *self)
{
  g_return_val_if_fail (CS_IS_INTERACTION (self), FALSE);

  return self->missed;
}

void
cs_interaction_set_missed (CsInteraction *self, gboolean missed)
{
  g_return_if_fail (CS_IS_INTERACTION (self));

  self->missed = !!missed;
}
