/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "cs-circle.h"
#include "cs-interaction.h"
#include "cs-member.h"

G_BEGIN_DECLS

/* Translated, user-facing names for the core's enumerations. */
const char *cs_circle_kind_to_label (CsCircleKind kind);
const char *cs_member_role_to_label (CsMemberRole role);
const char *cs_interaction_kind_to_label (CsInteractionKind kind);
const char *cs_interaction_kind_to_icon_name (CsInteractionKind kind);

/* Keep-in-touch cadences offered in the UI, as days; 0 means "no reminder". */
guint cs_cadence_get_n_choices (void);
guint cs_cadence_get_days (guint index);
guint cs_cadence_find_index (guint days);
GListModel *cs_cadence_new_label_model (void);

/* A span of time in the largest whole unit that fits, plural-aware: "3 weeks", "1 day". */
char *cs_format_span (gint64 seconds);
/* When something happened, seen from @now (both Unix seconds): "Today", "Yesterday",
 * "3 weeks ago". */
char *cs_format_time_ago (gint64 then, gint64 now);

/* A list of names as a sentence says it: "Anna", "Anna and Bruno", "Anna, Bruno and Chloé". */
char *cs_labels_join_names (const char *const *names);

G_END_DECLS
