/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-contact"

#include "config.h"

#include "cs-contact.h"

struct _CsContact
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *xmpp_address;
  char *email;
  char *phone;
  char *notes;
  char *seeks;
  char *offers;
  gboolean named_in_digest;
  guint keep_in_touch_days;
};

G_DEFINE_FINAL_TYPE (CsContact, cs_contact, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_XMPP_ADDRESS,
  PROP_EMAIL,
  PROP_PHONE,
  PROP_NOTES,
  PROP_SEEKS,
  PROP_OFFERS,
  PROP_NAMED_IN_DIGEST,
  PROP_KEEP_IN_TOUCH_DAYS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Optional texts are NULL when empty, so "no phone" has one spelling. */
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
cs_contact_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsContact *self = CS_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_XMPP_ADDRESS:
      g_value_set_string (value, self->xmpp_address);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_PHONE:
      g_value_set_string (value, self->phone);
      break;

    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;

    case PROP_SEEKS:
      g_value_set_string (value, self->seeks);
      break;

    case PROP_OFFERS:
      g_value_set_string (value, self->offers);
      break;

    case PROP_NAMED_IN_DIGEST:
      g_value_set_boolean (value, self->named_in_digest);
      break;

    case PROP_KEEP_IN_TOUCH_DAYS:
      g_value_set_uint (value, self->keep_in_touch_days);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_contact_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsContact *self = CS_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ID:
      cs_contact_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      cs_contact_set_name (self, g_value_get_string (value));
      break;

    case PROP_XMPP_ADDRESS:
      cs_contact_set_xmpp_address (self, g_value_get_string (value));
      break;

    case PROP_EMAIL:
      cs_contact_set_email (self, g_value_get_string (value));
      break;

    case PROP_PHONE:
      cs_contact_set_phone (self, g_value_get_string (value));
      break;

    case PROP_NOTES:
      cs_contact_set_notes (self, g_value_get_string (value));
      break;

    case PROP_SEEKS:
      cs_contact_set_seeks (self, g_value_get_string (value));
      break;

    case PROP_OFFERS:
      cs_contact_set_offers (self, g_value_get_string (value));
      break;

    case PROP_NAMED_IN_DIGEST:
      cs_contact_set_named_in_digest (self, g_value_get_boolean (value));
      break;

    case PROP_KEEP_IN_TOUCH_DAYS:
      cs_contact_set_keep_in_touch_days (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_contact_finalize (GObject *object)
{
  CsContact *self = CS_CONTACT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->xmpp_address, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->seeks, g_free);
  g_clear_pointer (&self->offers, g_free);

  G_OBJECT_CLASS (cs_contact_parent_class)->finalize (object);
}

static void
cs_contact_class_init (CsContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_contact_get_property;
  object_class->set_property = cs_contact_set_property;
  object_class->finalize = cs_contact_finalize;

  /* 0 until the store has saved the contact. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "", flags);
  /* As typed in a draft; the store saves the normalised form. */
  properties[PROP_XMPP_ADDRESS] = g_param_spec_string ("xmpp-address", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_PHONE] = g_param_spec_string ("phone", NULL, NULL, NULL, flags);
  properties[PROP_NOTES] = g_param_spec_string ("notes", NULL, NULL, NULL, flags);
  properties[PROP_SEEKS] = g_param_spec_string ("seeks", NULL, NULL, NULL, flags);
  properties[PROP_OFFERS] = g_param_spec_string ("offers", NULL, NULL, NULL, flags);
  /* Whether this person agreed to appear by name in shared digests. */
  properties[PROP_NAMED_IN_DIGEST] =
    g_param_spec_boolean ("named-in-digest", NULL, NULL, FALSE, flags);
  /* 0: no "keep in touch" reminder. */
  properties[PROP_KEEP_IN_TOUCH_DAYS] =
    g_param_spec_uint ("keep-in-touch-days", NULL, NULL, 0, G_MAXINT32, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_contact_init (CsContact *self)
{
  self->name = g_strdup ("");
}

CsContact *
cs_contact_new (void)
{
  return g_object_new (CS_TYPE_CONTACT, NULL);
}

/**
 * cs_contact_copy:
 * @self: a contact
 *
 * Returns: (transfer full): a detached copy with the same id and values, to edit
 *   as a draft before handing it to cs_store_save_contact().
 */
CsContact *
cs_contact_copy (CsContact *self)
{
  CsContact *copy;

  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  copy = cs_contact_new ();
  cs_contact_assign (copy, self);

  return copy;
}

/**
 * cs_contact_assign:
 * @self: the contact to update
 * @source: the contact to take the values from
 *
 * Copies every value, the id included, from @source; only the properties that
 * really change are notified, once each, after all of them are set.
 */
void
cs_contact_assign (CsContact *self, CsContact *source)
{
  g_return_if_fail (CS_IS_CONTACT (self));
  g_return_if_fail (CS_IS_CONTACT (source));

  if (self == source)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  cs_contact_set_id (self, source->id);
  cs_contact_set_name (self, source->name);
  cs_contact_set_xmpp_address (self, source->xmpp_address);
  cs_contact_set_email (self, source->email);
  cs_contact_set_phone (self, source->phone);
  cs_contact_set_notes (self, source->notes);
  cs_contact_set_seeks (self, source->seeks);
  cs_contact_set_offers (self, source->offers);
  cs_contact_set_named_in_digest (self, source->named_in_digest);
  cs_contact_set_keep_in_touch_days (self, source->keep_in_touch_days);
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
cs_contact_get_id (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), 0);

  return self->id;
}

void
cs_contact_set_id (CsContact *self, gint64 id)
{
  g_return_if_fail (CS_IS_CONTACT (self));
  g_return_if_fail (id >= 0);

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
cs_contact_get_name (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->name;
}

void
cs_contact_set_name (CsContact *self, const char *name)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (name == NULL)
    name = "";

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
cs_contact_get_xmpp_address (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->xmpp_address;
}

void
cs_contact_set_xmpp_address (CsContact *self, const char *xmpp_address)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->xmpp_address, xmpp_address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_XMPP_ADDRESS]);
}

const char *
cs_contact_get_email (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->email;
}

void
cs_contact_set_email (CsContact *self, const char *email)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->email, email))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

const char *
cs_contact_get_phone (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->phone;
}

void
cs_contact_set_phone (CsContact *self, const char *phone)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->phone, phone))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHONE]);
}

const char *
cs_contact_get_notes (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->notes;
}

void
cs_contact_set_notes (CsContact *self, const char *notes)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->notes, notes))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
}

const char *
cs_contact_get_seeks (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->seeks;
}

void
cs_contact_set_seeks (CsContact *self, const char *seeks)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->seeks, seeks))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEEKS]);
}

const char *
cs_contact_get_offers (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), NULL);

  return self->offers;
}

void
cs_contact_set_offers (CsContact *self, const char *offers)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  if (replace_optional_string (&self->offers, offers))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERS]);
}

gboolean
cs_contact_get_named_in_digest (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), FALSE);

  return self->named_in_digest;
}

void
cs_contact_set_named_in_digest (CsContact *self, gboolean named_in_digest)
{
  g_return_if_fail (CS_IS_CONTACT (self));

  named_in_digest = !!named_in_digest;

  if (self->named_in_digest == named_in_digest)
    return;

  self->named_in_digest = named_in_digest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAMED_IN_DIGEST]);
}

guint
cs_contact_get_keep_in_touch_days (CsContact *self)
{
  g_return_val_if_fail (CS_IS_CONTACT (self), 0);

  return self->keep_in_touch_days;
}

void
cs_contact_set_keep_in_touch_days (CsContact *self, guint days)
{
  g_return_if_fail (CS_IS_CONTACT (self));
  g_return_if_fail (days <= G_MAXINT32);

  if (self->keep_in_touch_days == days)
    return;

  self->keep_in_touch_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_IN_TOUCH_DAYS]);
}
