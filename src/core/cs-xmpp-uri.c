/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-uri"

#include "config.h"

#include "cs-xmpp-uri.h"
#include "cs-xmpp-address.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

static gboolean
refuse (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
               _ ("This is not a Cousinade invite link. An invite link looks like "
                  "xmpp:family@rooms.example.org?join."));
  return FALSE;
}

gboolean
cs_xmpp_uri_parse (const char *uri, char **address, char **action, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *unescaped = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *type = NULL;
  const char *rest;
  const char *query;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (address != NULL && action != NULL, FALSE);

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0)
    return refuse (error);
  rest = uri + 5;

  /* "xmpp://account@host/..." names the account to use: not something a link should choose. */
  if (g_str_has_prefix (rest, "//"))
    return refuse (error);

  query = strchr (rest, '?');
  path = query != NULL ? g_strndup (rest, query - rest) : g_strdup (rest);
  if (strchr (path, '#') != NULL)
    *strchr (path, '#') = '\0';

  unescaped = g_uri_unescape_string (path, NULL);
  if (unescaped == NULL || *unescaped == '\0')
    return refuse (error);

  normalized = cs_xmpp_address_normalize (unescaped, NULL);
  if (normalized == NULL)
    return refuse (error);

  if (query != NULL)
    {
      const char *end = query + 1 + strcspn (query + 1, ";#&");

      type = g_uri_unescape_segment (query + 1, end, NULL);
      if (type == NULL || *type == '\0')
        g_clear_pointer (&type, g_free);
    }

  *address = g_steal_pointer (&normalized);
  *action = g_steal_pointer (&type);
  return TRUE;
}
