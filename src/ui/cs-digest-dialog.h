/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_DIGEST_DIALOG (cs_digest_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CsDigestDialog, cs_digest_dialog, CS, DIGEST_DIALOG, AdwWindow)

/* Shows the weekly digest of the week that contains @now, for the user to review and copy. */
CsDigestDialog *cs_digest_dialog_new (GtkWindow *parent, CsStore *store, GDateTime *now);
/* The text as shown: plain or Markdown, whichever is chosen. */
const char *cs_digest_dialog_get_shown_text (CsDigestDialog *self);

G_END_DECLS
