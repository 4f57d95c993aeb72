/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-call-manager.h"
#include "cs-circle-rooms.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_CIRCLE_PAGE (cs_circle_page_get_type ())
G_DECLARE_FINAL_TYPE (CsCirclePage, cs_circle_page, CS, CIRCLE_PAGE, AdwBin)

void cs_circle_page_set_store (CsCirclePage *self, CsStore *store);
void cs_circle_page_set_rooms (CsCirclePage *self, CsCircleRooms *rooms);
void cs_circle_page_set_calls (CsCirclePage *self, CsCallManager *calls);
CsCircle *cs_circle_page_get_circle (CsCirclePage *self);
void cs_circle_page_set_circle (CsCirclePage *self, CsCircle *circle);
gboolean cs_circle_page_get_narrow (CsCirclePage *self);
void cs_circle_page_set_narrow (CsCirclePage *self, gboolean narrow);

G_END_DECLS
