/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_ENCOUNTERS_CSV_DEFAULT_DAYS 14

char *cs_encounters_csv_build (CsStore *store, GDateTime *now, guint days, GError **error);
char *cs_csv_escape_field (const char *field);

G_END_DECLS
