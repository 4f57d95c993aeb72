/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-member"

#include "config.h"

#include "cs-member.h"
#include "cs-core-enums.h"

struct _CsMember
{
  GObject parent_instance;

  CsCircle *circle;
  CsContact *contact;
  CsMemberRole role;
};

G_DEFINE_FINAL_TYPE (CsMember, cs_member, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CIRCLE,
  PROP_CONTACT,
  PROP_ROLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cs_member_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsMember *self = CS_MEMBER (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      g_value_set_object (value, self->circle);
      break;

    case PROP_CONTACT:
      g_value_set_object (value, self->contact);
      break;

    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_member_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsMember *self = CS_MEMBER (object);

  switch (prop_id)
    {
    case PROP_CIRCLE:
      self->circle = g_value_dup_object (value);
      break;

    case PROP_CONTACT:
      self->contact = g_value_dup_object (value);
      break;

    case PROP_ROLE:
      cs_member_set_role (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_member_dispose (GObject *object)
{
  CsMember *self = CS_MEMBER (object);

  g_clear_object (&self->circle);
  g_clear_object (&self->contact);

  G_OBJECT_CLASS (cs_member_parent_class)->dispose (object);
}

static void
cs_member_class_init (CsMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_member_get_property;
  object_class->set_property = cs_member_set_property;
  object_class->dispose = cs_member_dispose;

  properties[PROP_CIRCLE] =
    g_param_spec_object ("circle", NULL, NULL, CS_TYPE_CIRCLE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_object ("contact", NULL, NULL, CS_TYPE_CONTACT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL, CS_TYPE_MEMBER_ROLE, CS_MEMBER_ROLE_MEMBER,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_member_init (CsMember *self)
{
}

CsMember *
cs_member_new (CsCircle *circle, CsContact *contact, CsMemberRole role)
{
  g_return_val_if_fail (CS_IS_CIRCLE (circle), NULL);
  g_return_val_if_fail (CS_IS_CONTACT (contact), NULL);
  g_return_val_if_fail (role <= CS_MEMBER_ROLE_LAST, NULL);

  return g_object_new (CS_TYPE_MEMBER, "circle", circle, "contact", contact, "role", role, NULL);
}

CsCircle *
cs_member_get_circle (CsMember *self)
{
  g_return_val_if_fail (CS_IS_MEMBER (self), NULL);

  return self->circle;
}

CsContact *
cs_member_get_contact (CsMember *self)
{
  g_return_val_if_fail (CS_IS_MEMBER (self), NULL);

  return self->contact;
}

CsMemberRole
cs_member_get_role (CsMember *self)
{
  g_return_val_if_fail (CS_IS_MEMBER (self), CS_MEMBER_ROLE_MEMBER);

  return self->role;
}

void
cs_member_set_role (CsMember *self, CsMemberRole role)
{
  g_return_if_fail (CS_IS_MEMBER (self));
  g_return_if_fail (role <= CS_MEMBER_ROLE_LAST);

  if (self->role == role)
    return;

  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}
