/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* cousinade-bot prints one JSON object per line on standard output for each event: begin an
 * object with cs_bot_begin ("event-name"), add members, then cs_bot_emit () prints it. */

JsonBuilder *cs_bot_begin (const char *event);
void cs_bot_emit (JsonBuilder *builder);
void cs_bot_add_string (JsonBuilder *builder, const char *name, const char *value);
void cs_bot_add_double (JsonBuilder *builder, const char *name, double value);
void cs_bot_add_int (JsonBuilder *builder, const char *name, gint64 value);
void cs_bot_add_boolean (JsonBuilder *builder, const char *name, gboolean value);

G_END_DECLS
