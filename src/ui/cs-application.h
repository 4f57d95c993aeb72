/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-account-session.h"
#include "cs-background.h"
#include "cs-call-manager.h"
#include "cs-circle-rooms.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_APPLICATION (cs_application_get_type ())
G_DECLARE_FINAL_TYPE (CsApplication, cs_application, CS, APPLICATION, AdwApplication)

CsApplication *cs_application_new (void);

/* NULL when the data file could not be opened; see cs_application_get_store_error(). */
CsStore *cs_application_get_store (CsApplication *self);
const GError *cs_application_get_store_error (CsApplication *self);
GSettings *cs_application_get_settings (CsApplication *self);
/* NULL when the data file could not be opened. */
CsAccountSession *cs_application_get_session (CsApplication *self);
/* NULL when the data file could not be opened. */
CsCircleRooms *cs_application_get_rooms (CsApplication *self);

/* NULL when the data file could not be opened. */
CsCallManager *cs_application_get_call_manager (CsApplication *self);
/* Keeps the app running while signed in; NULL before startup. */
CsBackground *cs_application_get_background (CsApplication *self);

G_END_DECLS
