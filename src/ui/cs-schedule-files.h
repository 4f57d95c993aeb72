/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-store.h"
#include "cs-window.h"

G_BEGIN_DECLS

/* The schedule as an .ics file the user chooses: of @circle, or of every circle when NULL. A
 * toast of @window says when it is saved, or why not. */
void cs_schedule_files_export (CsWindow *window, CsStore *store, CsCircle *circle);

/* Reads an .ics file the user chooses into @circle; a toast says how many series came in, or
 * why nothing did. */
void cs_schedule_files_import (CsWindow *window, CsStore *store, CsCircle *circle);

G_END_DECLS
