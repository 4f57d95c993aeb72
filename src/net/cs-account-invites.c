/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-account-invites"

#include "config.h"

#include "cs-account-invites.h"
#include "cs-xmpp-stanza-util.h"
#include "cs-xmpp-uri.h"

#include <glib/gi18n.h>

#include <string.h>

#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_COMMANDS "http://jabber.org/protocol/commands"
#define NS_DATA "jabber:x:data"
#define NODE_INVITE "urn:xmpp:invite#invite"

G_DEFINE_QUARK (cs - account - invites - error - quark, cs_account_invites_error)

static GError *
not_offered (void)
{
  return g_error_new (CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_NOT_OFFERED, "%s",
                      _ ("Your server does not offer invitations for people who have no "
                         "account yet. You can still send the circle’s link to people who "
                         "already have one."));
}

static char *
user_domain (CsXmppClient *client)
{
  const char *address = cs_xmpp_client_get_address (client);

  return g_strdup (strchr (address, '@') != NULL ? strchr (address, '@') + 1 : address);
}

static const char *
field_value (xmpp_stanza_t *form, const char *var)
{
  for (xmpp_stanza_t *field = xmpp_stanza_get_children (form); field != NULL;
       field = xmpp_stanza_get_next (field))
    {
      xmpp_stanza_t *value;

      if (!xmpp_stanza_is_tag (field) || g_strcmp0 (xmpp_stanza_get_name (field), "field") != 0 ||
          g_strcmp0 (xmpp_stanza_get_attribute (field, "var"), var) != 0)
        continue;
      value = xmpp_stanza_get_child_by_name (field, "value");
      if (value == NULL)
        return NULL;
      /* libstrophe keeps the text as the value's first child; the form owns it. */
      value = xmpp_stanza_get_children (value);
      return value != NULL && xmpp_stanza_is_text (value) ? xmpp_stanza_get_text_ptr (value) : NULL;
    }
  return NULL;
}

static void
on_items (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);
  xmpp_stanza_t *query;
  gboolean offered = FALSE;

  if (answer == NULL)
    {
      /* A server without ad-hoc commands answers with an error: no invitations there. */
      if (g_error_matches (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED))
        g_task_return_boolean (task, FALSE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  query = xmpp_stanza_get_child_by_name_and_ns (answer, "query", NS_DISCO_ITEMS);
  for (xmpp_stanza_t *item = query != NULL ? xmpp_stanza_get_children (query) : NULL;
       item != NULL && !offered; item = xmpp_stanza_get_next (item))
    offered = xmpp_stanza_is_tag (item) && g_strcmp0 (xmpp_stanza_get_name (item), "item") == 0 &&
              g_strcmp0 (xmpp_stanza_get_attribute (item, "node"), NODE_INVITE) == 0;

  xmpp_stanza_release (answer);
  g_task_return_boolean (task, offered);
}

void
cs_account_invites_check_async (CsXmppClient *client,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task;
  g_autofree char *domain = NULL;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *query;

  g_return_if_fail (CS_IS_XMPP_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_account_invites_check_async);

  domain = user_domain (client);
  iq = xmpp_iq_new (cs_xmpp_client_get_context (client), "get", NULL);
  xmpp_stanza_set_to (iq, domain);
  query = cs_stanza_add_child (iq, "query", NS_DISCO_ITEMS);
  xmpp_stanza_set_attribute (query, "node", NS_COMMANDS);
  cs_xmpp_client_send_iq_async (client, iq, cancellable, on_items, task);
  xmpp_stanza_release (iq);
}

gboolean
cs_account_invites_check_finish (CsXmppClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cs_account_invite_free (CsAccountInvite *invite)
{
  if (invite == NULL)
    return;
  g_free (invite->uri);
  g_free (invite->token);
  g_clear_pointer (&invite->expires, g_date_time_unref);
  g_free (invite);
}

/* Reads the completed command's result form into an invite, or says why there is none. */
static CsAccountInvite *
invite_from_answer (xmpp_stanza_t *answer, GError **error)
{
  g_autoptr (CsAccountInvite) invite = g_new0 (CsAccountInvite, 1);
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (GError) link_error = NULL;
  xmpp_stanza_t *command = xmpp_stanza_get_child_by_name_and_ns (answer, "command", NS_COMMANDS);
  xmpp_stanza_t *form =
    command != NULL ? xmpp_stanza_get_child_by_name_and_ns (command, "x", NS_DATA) : NULL;
  const char *uri = form != NULL ? field_value (form, "uri") : NULL;
  const char *expire = form != NULL ? field_value (form, "expire") : NULL;

  if (uri == NULL || expire == NULL)
    {
      /* Prosody answers with a <note type='error'/> instead of a form to users of other
       * servers; anything without the link is an invitation we cannot use. */
      g_set_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_FAILED, "%s",
                   _ ("Your server could not make an invitation. Try again later."));
      return NULL;
    }

  link = cs_xmpp_invite_parse (uri, &link_error);
  if (link == NULL)
    {
      g_autoptr (GError) error_ignored = NULL;
      g_autofree char *address = NULL;
      g_autofree char *action = NULL;

      /* A well-formed "roster" link without ibr=y: the server only lets this user invite
       * people who already have an account. */
      if (cs_xmpp_uri_parse (uri, &address, &action, &error_ignored) &&
          g_strcmp0 (action, "roster") == 0 && strstr (uri, ";preauth=") != NULL)
        g_set_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_NOT_ALLOWED, "%s",
                     _ ("Your server lets you invite only people who already have an account. "
                        "Send them the circle’s link instead, or ask whoever runs your server "
                        "to allow invitations."));
      else
        g_set_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_FAILED, "%s",
                     _ ("Your server made an invitation that Cousinade cannot read. Try again "
                        "later."));
      g_debug ("Unusable invite %s: %s", uri, link_error->message);
      return NULL;
    }

  invite->expires = g_date_time_new_from_iso8601 (expire, NULL);
  if (invite->expires == NULL)
    {
      g_set_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_FAILED, "%s",
                   _ ("Your server made an invitation that Cousinade cannot read. Try again "
                      "later."));
      return NULL;
    }
  invite->uri = g_strdup (uri);
  invite->token = g_strdup (link->token);
  return g_steal_pointer (&invite);
}

static void
on_command_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *answer = cs_xmpp_client_send_iq_finish (CS_XMPP_CLIENT (source), result, &error);
  CsAccountInvite *invite;

  if (answer == NULL)
    {
      /* A command the server does not have (item-not-found, feature-not-implemented) or that
       * this user may not run (forbidden): no invitations here. */
      if (g_error_matches (error, CS_XMPP_ERROR, CS_XMPP_ERROR_FAILED))
        {
          g_debug ("Invitation command refused: %s", error->message);
          g_task_return_error (task, not_offered ());
        }
      else
        {
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  invite = invite_from_answer (answer, &error);
  xmpp_stanza_release (answer);
  if (invite == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, invite, (GDestroyNotify) cs_account_invite_free);
}

void
cs_account_invites_create_async (CsXmppClient *client,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GTask *task;
  g_autofree char *domain = NULL;
  xmpp_stanza_t *iq;
  xmpp_stanza_t *command;

  g_return_if_fail (CS_IS_XMPP_CLIENT (client));

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_account_invites_create_async);

  domain = user_domain (client);
  iq = xmpp_iq_new (cs_xmpp_client_get_context (client), "set", NULL);
  xmpp_stanza_set_to (iq, domain);
  command = cs_stanza_add_child (iq, "command", NS_COMMANDS);
  xmpp_stanza_set_attribute (command, "node", NODE_INVITE);
  xmpp_stanza_set_attribute (command, "action", "execute");
  cs_xmpp_client_send_iq_async (client, iq, cancellable, on_command_done, task);
  xmpp_stanza_release (iq);
}

CsAccountInvite *
cs_account_invites_create_finish (CsXmppClient *client, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
