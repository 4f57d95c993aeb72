/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_DIGEST (cs_digest_get_type ())
G_DECLARE_FINAL_TYPE (CsDigest, cs_digest, CS, DIGEST, GObject)

/* The hashtag every digest ends with. */
#define CS_DIGEST_HASHTAG "#Socialdaprès"

/* Monday 00:00 (local time) of the week that contains @time. */
GDateTime *cs_digest_week_start (GDateTime *time);

CsDigest *cs_digest_new_for_week (CsStore *store, GDateTime *week_start, GError **error);

const char *cs_digest_get_text (CsDigest *self);
const char *cs_digest_get_markdown (CsDigest *self);
/* Everyone met or talked with during the week, and those of them named. */
guint cs_digest_get_n_people (CsDigest *self);
guint cs_digest_get_n_named (CsDigest *self);

G_END_DECLS
