/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_UPCOMING_PAGE (cs_upcoming_page_get_type ())

G_DECLARE_FINAL_TYPE (CsUpcomingPage, cs_upcoming_page, CS, UPCOMING_PAGE, AdwBin)

void cs_upcoming_page_set_store (CsUpcomingPage *self, CsStore *store);
gboolean cs_upcoming_page_get_narrow (CsUpcomingPage *self);
void cs_upcoming_page_set_narrow (CsUpcomingPage *self, gboolean narrow);
void cs_upcoming_page_refresh (CsUpcomingPage *self);

G_END_DECLS
