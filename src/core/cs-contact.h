/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CS_TYPE_CONTACT (cs_contact_get_type ())
G_DECLARE_FINAL_TYPE (CsContact, cs_contact, CS, CONTACT, GObject)

CsContact *cs_contact_new (void);
CsContact *cs_contact_copy (CsContact *self);
void cs_contact_assign (CsContact *self, CsContact *source);

gint64 cs_contact_get_id (CsContact *self);
void cs_contact_set_id (CsContact *self, gint64 id);
const char *cs_contact_get_name (CsContact *self);
void cs_contact_set_name (CsContact *self, const char *name);
const char *cs_contact_get_xmpp_address (CsContact *self);
void cs_contact_set_xmpp_address (CsContact *self, const char *xmpp_address);
const char *cs_contact_get_email (CsContact *self);
void cs_contact_set_email (CsContact *self, const char *email);
const char *cs_contact_get_phone (CsContact *self);
void cs_contact_set_phone (CsContact *self, const char *phone);
const char *cs_contact_get_notes (CsContact *self);
void cs_contact_set_notes (CsContact *self, const char *notes);
const char *cs_contact_get_seeks (CsContact *self);
void cs_contact_set_seeks (CsContact *self, const char *seeks);
const char *cs_contact_get_offers (CsContact *self);
void cs_contact_set_offers (CsContact *self, const char *offers);
gboolean cs_contact_get_named_in_digest (CsContact *self);
void cs_contact_set_named_in_digest (CsContact *self, gboolean named_in_digest);
guint cs_contact_get_keep_in_touch_days (CsContact *self);
void cs_contact_set_keep_in_touch_days (CsContact *self, guint days);

G_END_DECLS
