/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-contact.h"

G_BEGIN_DECLS

/* Choosing people from the contacts, as the member picker and the encounter dialog do: a
 * search by name and the rows that offer a contact to be added. */

/* @text as typed in a search entry, folded for cs_contact_name_matches(); NULL when empty. */
char *cs_contact_search_fold (const char *text);
/* Whether @contact's name contains @folded_search; every contact matches a NULL search. */
gboolean cs_contact_name_matches (CsContact *contact, const char *folded_search);
/* An activatable row with @contact's avatar, name and description, and a "+" icon whose
 * accessible label is @add_label. The row holds the contact as its "cs-contact" data. */
GtkWidget *cs_contact_choice_row_new (CsContact *contact, const char *add_label);
/* What an empty list shows: @text, dimmed, wrapped and centred. */
GtkWidget *cs_contact_choice_placeholder_new (const char *text);

G_END_DECLS
