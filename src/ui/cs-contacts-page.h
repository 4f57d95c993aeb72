/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_CONTACTS_PAGE (cs_contacts_page_get_type ())
G_DECLARE_FINAL_TYPE (CsContactsPage, cs_contacts_page, CS, CONTACTS_PAGE, AdwBin)

void cs_contacts_page_set_store (CsContactsPage *self, CsStore *store);
void cs_contacts_page_select_contact (CsContactsPage *self, CsContact *contact);
gboolean cs_contacts_page_get_narrow (CsContactsPage *self);
void cs_contacts_page_set_narrow (CsContactsPage *self, gboolean narrow);

/* The subtitle shown under a contact's name in lists: what they seek and offer, or their
 * address. Newly allocated, or NULL when there is nothing to say. */
char *cs_contact_describe (CsContact *contact);

G_END_DECLS
