/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-ice-servers"

#include "config.h"

#include "cs-ice-servers.h"
#include "cs-xmpp-stanza-util.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_EXTDISCO "urn:xmpp:extdisco:2"
#define MAX_SERVERS 16
#define MAX_FIELD_LENGTH 512

static gboolean
is_host (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 253)
    return FALSE;
  for (const char *c = host; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '-' && *c != ':' && *c != '[' && *c != ']')
      return FALSE;
  return TRUE;
}

static char *
uri_for (xmpp_stanza_t *service)
{
  const char *type = xmpp_stanza_get_attribute (service, "type");
  const char *host = xmpp_stanza_get_attribute (service, "host");
  const char *port_text = xmpp_stanza_get_attribute (service, "port");
  const char *transport = xmpp_stanza_get_attribute (service, "transport");
  const char *username = xmpp_stanza_get_attribute (service, "username");
  const char *password = xmpp_stanza_get_attribute (service, "password");
  guint64 port = 0;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;
  g_autofree char *host_part = NULL;

  if (!is_host (host))
    return NULL;
  if (port_text != NULL && (!g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL)))
    return NULL;
  /* An IPv6 address needs brackets in a URI. */
  host_part =
    strchr (host, ':') != NULL && host[0] != '[' ? g_strdup_printf ("[%s]", host) : g_strdup (host);

  if (g_strcmp0 (type, "stun") == 0)
    {
      if (transport != NULL && g_strcmp0 (transport, "udp") != 0)
        return NULL;
      return g_strdup_printf ("stun://%s:%u", host_part, port != 0 ? (guint) port : 3478);
    }

  if (g_strcmp0 (type, "turn") != 0 && g_strcmp0 (type, "turns") != 0)
    return NULL;
  if (username == NULL || password == NULL || strlen (username) > MAX_FIELD_LENGTH ||
      strlen (password) > MAX_FIELD_LENGTH)
    return NULL;
  /* libnice relays over UDP to a "turn" server, and over TLS to a "turns" one. */
  if (g_strcmp0 (type, "turn") == 0 && transport != NULL && g_strcmp0 (transport, "udp") != 0)
    return NULL;

  user = g_uri_escape_string (username, NULL, FALSE);
  pass = g_uri_escape_string (password, NULL, FALSE);
  return g_strdup_printf ("%s://%s:%s@%s:%u", type, user, pass, host_part,
                          port != 0                     ? (guint) port
                          : g_str_equal (type, "turns") ? 5349
                                                        : 3478);
}

char **
cs_ice_servers_from_services (xmpp_stanza_t *services)
{
  g_autoptr (GPtrArray) uris = g_ptr_array_new_null_terminated (1, g_free, TRUE);

  g_return_val_if_fail (services != NULL, NULL);

  if (g_strcmp0 (xmpp_stanza_get_name (services), "services") != 0)
    services = xmpp_stanza_get_child_by_name_and_ns (services, "services", NS_EXTDISCO);

  for (xmpp_stanza_t *child = services != NULL ? xmpp_stanza_get_children (services) : NULL;
       child != NULL && uris->len < MAX_SERVERS; child = xmpp_stanza_get_next (child))
    {
      char *uri;

      if (!xmpp_stanza_is_tag (child) || g_strcmp0 (xmpp_stanza_get_name (child), "service") != 0)
        continue;
      uri = uri_for (child);
      if (uri != NULL && !g_strv_contains ((const char *const *) uris->pdata, uri))
        g_ptr_array_add (uris, uri);
      else
        g_free (uri);
    }

  return (char **) g_ptr_array_steal (uris, NULL);
}

char *
cs_ice_servers_parse_manual (const char *text, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme;
  const char *host;
  int port;

  g_return_val_if_fail (text != NULL, NULL);

  trimmed = g_strstrip (g_strdup (text));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || (g_strcmp0 (scheme, "turn") != 0 && g_strcmp0 (scheme, "turns") != 0 &&
                      g_strcmp0 (scheme, "stun") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("Write the relay server as turn://name:password@host:port."));
      return NULL;
    }

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  if (!is_host (host) || port <= 0 || port > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("The relay server needs a host name and a port, such as "
                      "turn://name:password@turn.example.org:3478."));
      return NULL;
    }
  if (g_strcmp0 (scheme, "stun") != 0 &&
      (g_uri_get_user (uri) == NULL || g_uri_get_password (uri) == NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("A relay server needs a name and a password: "
                      "turn://name:password@host:port."));
      return NULL;
    }

  if (g_strcmp0 (scheme, "stun") == 0)
    return g_strdup_printf ("stun://%s:%d", host, port);
  return g_strdup_printf ("%s://%s:%s@%s:%d", scheme, g_uri_get_user (uri),
                          g_uri_get_password (uri), host, port);
}

char **
cs_ice_servers_choose (const char *const *discovered, const char *fallback)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean has_relay = FALSE;

  for (guint i = 0; discovered != NULL && discovered[i] != NULL; i++)
    {
      has_relay |= g_str_has_prefix (discovered[i], "turn");
      g_strv_builder_add (builder, discovered[i]);
    }

  if (!has_relay && fallback != NULL && *fallback != '\0')
    {
      g_autofree char *manual = cs_ice_servers_parse_manual (fallback, NULL);

      if (manual != NULL)
        g_strv_builder_add (builder, manual);
    }
  return g_strv_builder_end (builder);
}

static void
on_services (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);

  if (answer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, cs_ice_servers_from_services (answer), (GDestroyNotify) g_strfreev);
  xmpp_stanza_release (answer);
}

void
cs_ice_servers_discover_async (CsXmppClient *client,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task;
  g_autofree char *domain = NULL;
  const char *address;
  xmpp_stanza_t *iq;

  g_return_if_fail (CS_IS_XMPP_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_ice_servers_discover_async);

  address = cs_xmpp_client_get_address (client);
  domain = g_strdup (strchr (address, '@') != NULL ? strchr (address, '@') + 1 : address);
  iq = xmpp_iq_new (cs_xmpp_client_get_context (client), "get", NULL);
  xmpp_stanza_set_to (iq, domain);
  cs_stanza_add_child (iq, "services", NS_EXTDISCO);
  cs_xmpp_client_send_iq_async (client, iq, cancellable, on_services, task);
  xmpp_stanza_release (iq);
}

char **
cs_ice_servers_discover_finish (CsXmppClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
