/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_OVERDUE_PAGE (cs_overdue_page_get_type ())
G_DECLARE_FINAL_TYPE (CsOverduePage, cs_overdue_page, CS, OVERDUE_PAGE, AdwBin)

/* The "keep in touch" page: whom the user has not met or talked with for longer than they
 * wanted. */
void cs_overdue_page_set_store (CsOverduePage *self, CsStore *store);
/* Reads the list again, as of now. */
void cs_overdue_page_refresh (CsOverduePage *self);
guint cs_overdue_page_get_n_overdue (CsOverduePage *self);
gboolean cs_overdue_page_get_narrow (CsOverduePage *self);
void cs_overdue_page_set_narrow (CsOverduePage *self, gboolean narrow);

/* "You have not talked to Mamie for 3 weeks", as of @now (Unix seconds). */
char *cs_overdue_describe (CsOverdue *overdue, gint64 now);

G_END_DECLS
