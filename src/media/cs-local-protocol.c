/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-local-protocol"

#include "config.h"

#include "cs-local-protocol.h"

#include <string.h>

/* Our messages nest three deep. json-glib's parser recurses once per level and overflows the
 * stack on a line of a few hundred thousand "[", so deeper lines are refused unparsed. */
#define MAX_JSON_DEPTH 8

static gboolean
nesting_is_shallow (const char *data, gsize length)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_JSON_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

JsonObject *
cs_local_protocol_parse (const char *data, gsize length)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* A NUL would cut the text short and let a harmless-looking prefix through. */
  if (memchr (data, '\0', length) != NULL || !nesting_is_shallow (data, length))
    return NULL;

  text = g_strndup (data, length);
  root = json_from_string (text, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static JsonNode *
get_value_member (JsonObject *object, const char *name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

const char *
cs_local_protocol_get_string (JsonObject *object, const char *name)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gboolean
cs_local_protocol_get_boolean (JsonObject *object, const char *name, gboolean *value)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_BOOLEAN);

  if (node == NULL)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
cs_local_protocol_get_uint (JsonObject *object, const char *name, guint *value)
{
  JsonNode *node = get_value_member (object, name, G_TYPE_INT64);
  gint64 number;

  if (node == NULL)
    return FALSE;
  number = json_node_get_int (node);
  if (number < 0 || number > G_MAXUINT)
    return FALSE;
  *value = (guint) number;
  return TRUE;
}

JsonBuilder *
cs_local_protocol_begin (const char *type)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  cs_local_protocol_add_string (builder, "type", type);
  return builder;
}

void
cs_local_protocol_add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

GBytes *
cs_local_protocol_end (JsonBuilder *builder)
{
  g_autoptr (JsonNode) root = NULL;
  char *json;
  gsize length;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  length = strlen (json);

  /* json-glib escapes newlines inside strings (SDP is full of them): one message, one line. */
  json = g_realloc (json, length + 2);
  json[length] = '\n';
  json[length + 1] = '\0';
  return g_bytes_new_take (json, length + 1);
}
