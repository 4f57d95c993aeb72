/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-circle.h"
#include "cs-contact.h"

G_BEGIN_DECLS

/* Mirrors the MUC affiliations a circle's room will use. */
typedef enum
{
  CS_MEMBER_ROLE_MEMBER,
  CS_MEMBER_ROLE_ORGANISER,
  CS_MEMBER_ROLE_OWNER,
} CsMemberRole;

#define CS_MEMBER_ROLE_LAST CS_MEMBER_ROLE_OWNER

#define CS_TYPE_MEMBER (cs_member_get_type ())
G_DECLARE_FINAL_TYPE (CsMember, cs_member, CS, MEMBER, GObject)

CsMember *cs_member_new (CsCircle *circle, CsContact *contact, CsMemberRole role);

CsCircle *cs_member_get_circle (CsMember *self);
CsContact *cs_member_get_contact (CsMember *self);
CsMemberRole cs_member_get_role (CsMember *self);
void cs_member_set_role (CsMember *self, CsMemberRole role);

G_END_DECLS
