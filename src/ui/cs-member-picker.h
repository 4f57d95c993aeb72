/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_MEMBER_PICKER (cs_member_picker_get_type ())
G_DECLARE_FINAL_TYPE (CsMemberPicker, cs_member_picker, CS, MEMBER_PICKER, AdwWindow)

/* Lists the contacts who are not yet members of @circle; activating one adds them. */
CsMemberPicker *cs_member_picker_new (GtkWindow *parent, CsStore *store, CsCircle *circle);

G_END_DECLS
