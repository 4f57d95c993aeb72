/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-uri"

#include "config.h"

#include "cs-xmpp-uri.h"
#include "cs-xmpp-address.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include <string.h>

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

/* Account invite links (XEP-0401), see docs/protocol.md. */

#define INVITE_PARAM_ROOM "cousinade-room"
#define INVITE_PARAM_CIRCLE "cousinade-circle"
#define INVITE_PARAM_BY "cousinade-by"
#define MAX_TOKEN_LENGTH 256
#define MAX_NAME_LENGTH 100

static gpointer
refuse_invite (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s",
               _ ("This invitation link is incomplete or damaged. Ask the person who sent it "
                  "for a new link."));
  return NULL;
}

void
cs_xmpp_invite_free (CsXmppInvite *invite)
{
  if (invite == NULL)
    return;
  g_free (invite->inviter);
  g_free (invite->domain);
  g_free (invite->token);
  g_free (invite->room);
  g_free (invite->circle_name);
  g_free (invite->inviter_name);
  g_free (invite);
}

static gboolean
is_token (const char *token)
{
  gsize length = strlen (token);

  if (length == 0 || length > MAX_TOKEN_LENGTH)
    return FALSE;
  for (const char *c = token; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.' && *c != '~')
      return FALSE;
  return TRUE;
}

/* A person's or a circle's name as shown on screen: trimmed, one line, not too long. */
static char *
display_name (const char *value)
{
  g_autofree char *name = NULL;

  if (!g_utf8_validate (value, -1, NULL))
    return NULL;
  name = g_strstrip (g_strdup (value));
  if (*name == '\0' || g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    return NULL;
  for (const char *c = name; *c != '\0'; c = g_utf8_next_char (c))
    if (g_unichar_iscntrl (g_utf8_get_char (c)))
      return NULL;
  return g_steal_pointer (&name);
}

/* Sets *@slot to @value once; a parameter given twice makes the link ambiguous. */
static gboolean
take_once (char **slot, char *value)
{
  if (value == NULL || *slot != NULL)
    {
      g_free (value);
      return FALSE;
    }
  *slot = value;
  return TRUE;
}

CsXmppInvite *
cs_xmpp_invite_parse (const char *uri, GError **error)
{
  g_autoptr (CsXmppInvite) invite = g_new0 (CsXmppInvite, 1);
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_auto (GStrv) params = NULL;
  gboolean registration = FALSE;
  gboolean roster;

  g_return_val_if_fail (uri != NULL, NULL);

  if (g_ascii_strncasecmp (uri, "xmpp:", 5) != 0 || g_str_has_prefix (uri + 5, "//"))
    return refuse_invite (error);

  body = g_strdup (uri + 5);
  if (strchr (body, '#') != NULL)
    *strchr (body, '#') = '\0';
  /* The query must come before any fragment ("xmpp:a#b?roster" has none). */
  if (strchr (body, '?') == NULL)
    return refuse_invite (error);
  *strchr (body, '?') = '\0';
  path = g_uri_unescape_string (body, NULL);
  if (path == NULL || *path == '\0')
    return refuse_invite (error);

  params = g_strsplit (body + strlen (body) + 1, ";", -1);
  roster = g_strcmp0 (params[0], "roster") == 0;
  if (!roster && g_strcmp0 (params[0], "register") != 0)
    return refuse_invite (error);
  /* A "register" link always allows creating an account; a "roster" one only with ibr=y. */
  registration = !roster;

  for (guint i = 1; params[i] != NULL; i++)
    {
      const char *equal = strchr (params[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      gboolean ok = TRUE;

      if (equal == NULL)
        return refuse_invite (error);
      key = g_strndup (params[i], equal - params[i]);
      value = g_uri_unescape_string (equal + 1, NULL);
      if (value == NULL)
        return refuse_invite (error);

      if (g_str_equal (key, "preauth"))
        ok = is_token (value) && take_once (&invite->token, g_strdup (value));
      else if (g_str_equal (key, "ibr"))
        registration = registration || g_str_equal (value, "y");
      else if (g_str_equal (key, INVITE_PARAM_ROOM))
        ok = take_once (&invite->room, cs_xmpp_address_normalize (value, NULL));
      else if (g_str_equal (key, INVITE_PARAM_CIRCLE))
        ok = take_once (&invite->circle_name, display_name (value));
      else if (g_str_equal (key, INVITE_PARAM_BY))
        ok = take_once (&invite->inviter_name, display_name (value));
      /* Other parameters belong to other apps (XEP-0147 says to ignore what one does not know). */

      if (!ok)
        return refuse_invite (error);
    }

  if (invite->token == NULL || !registration)
    return refuse_invite (error);

  if (roster)
    {
      invite->inviter = cs_xmpp_address_normalize (path, NULL);
      if (invite->inviter == NULL)
        return refuse_invite (error);
      invite->domain = g_strdup (strchr (invite->inviter, '@') + 1);
    }
  else
    {
      /* "example.org" or "jeanne@example.org" (an invite for one name): check it as an address. */
      g_autofree char *checked = NULL;
      g_autofree char *as_address =
        strchr (path, '@') != NULL ? g_strdup (path) : g_strconcat ("invited@", path, NULL);

      checked = cs_xmpp_address_normalize (as_address, NULL);
      if (checked == NULL)
        return refuse_invite (error);
      invite->domain = g_strdup (strchr (checked, '@') + 1);
    }

  return g_steal_pointer (&invite);
}

static void
append_param (GString *link, const char *key, const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  /* Only unreserved characters stay as they are: ";", "=", "&" and "#" never end the value. */
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (link, ";%s=%s", key, escaped);
}

char *
cs_xmpp_invite_build_link (const char *server_uri,
                           const char *room,
                           const char *circle_name,
                           const char *inviter_name)
{
  GString *link;

  g_return_val_if_fail (server_uri != NULL, NULL);

  link = g_string_new (server_uri);
  append_param (link, INVITE_PARAM_ROOM, room);
  append_param (link, INVITE_PARAM_CIRCLE, circle_name);
  append_param (link, INVITE_PARAM_BY, inviter_name);
  return g_string_free (link, FALSE);
}
