/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The local hub's wire format, shared by CsLocalHub and CsLocalSignaling (the protocol itself
 * is described in cs-local-hub.h): one JSON object per line, with a "type" member.
 */

/* The limit for one line, newline excluded. */
#define CS_LOCAL_PROTOCOL_MAX_LINE_LENGTH (256 * 1024)

/* The object in @data (@length bytes, without the newline), or NULL when the line holds a
 * NUL, nests deeper than any message does, or is not a JSON object. */
JsonObject *cs_local_protocol_parse (const char *data, gsize length);

/* Members of the expected type only: NULL or FALSE for a missing member or any other type. */
const char *cs_local_protocol_get_string (JsonObject *object, const char *name);
gboolean cs_local_protocol_get_boolean (JsonObject *object, const char *name, gboolean *value);
gboolean cs_local_protocol_get_uint (JsonObject *object, const char *name, guint *value);

/* A message under construction: an open object with its "type" set. */
JsonBuilder *cs_local_protocol_begin (const char *type);
void cs_local_protocol_add_string (JsonBuilder *builder, const char *name, const char *value);
/* Closes the message's object and returns it as one line, newline included. */
GBytes *cs_local_protocol_end (JsonBuilder *builder);

G_END_DECLS
