/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CS_TYPE_ACCOUNT (cs_account_get_type ())
G_DECLARE_FINAL_TYPE (CsAccount, cs_account, CS, ACCOUNT, GObject)

CsAccount *cs_account_new (void);
CsAccount *cs_account_copy (CsAccount *self);
void cs_account_assign (CsAccount *self, CsAccount *source);

gint64 cs_account_get_id (CsAccount *self);
void cs_account_set_id (CsAccount *self, gint64 id);
const char *cs_account_get_address (CsAccount *self);
void cs_account_set_address (CsAccount *self, const char *address);
const char *cs_account_get_host (CsAccount *self);
void cs_account_set_host (CsAccount *self, const char *host);
guint cs_account_get_port (CsAccount *self);
void cs_account_set_port (CsAccount *self, guint port);
const char *cs_account_get_pinned_fingerprint (CsAccount *self);
void cs_account_set_pinned_fingerprint (CsAccount *self, const char *fingerprint);
const char *cs_account_get_nickname (CsAccount *self);
void cs_account_set_nickname (CsAccount *self, const char *nickname);

G_END_DECLS
