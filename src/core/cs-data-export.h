/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"

G_BEGIN_DECLS

/* The tables an export holds, in its order; every table of the schema is in it. */
extern const char *const cs_data_export_tables[];

char *cs_data_export_json (CsStore *store, GDateTime *now, GError **error);

G_END_DECLS
