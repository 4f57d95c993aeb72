/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-xmpp-stanza-util"

#include "config.h"

#include "cs-xmpp-stanza-util.h"

#include <string.h>

xmpp_stanza_t *
cs_stanza_add_child (xmpp_stanza_t *parent, const char *name, const char *ns)
{
  xmpp_stanza_t *child = xmpp_stanza_new (xmpp_stanza_get_context (parent));

  xmpp_stanza_set_name (child, name);
  if (ns != NULL)
    xmpp_stanza_set_ns (child, ns);
  xmpp_stanza_add_child (parent, child);
  xmpp_stanza_release (child);

  return child;
}

void
cs_stanza_add_text (xmpp_stanza_t *parent, const char *text)
{
  xmpp_stanza_t *node = xmpp_stanza_new (xmpp_stanza_get_context (parent));

  xmpp_stanza_set_text (node, text);
  xmpp_stanza_add_child (parent, node);
  xmpp_stanza_release (node);
}

xmpp_stanza_t *
cs_stanza_first_element (xmpp_stanza_t *stanza)
{
  xmpp_stanza_t *child = xmpp_stanza_get_children (stanza);

  while (child != NULL && !xmpp_stanza_is_tag (child))
    child = xmpp_stanza_get_next (child);
  return child;
}

char *
cs_stanza_bare_jid (const char *jid)
{
  const char *slash = jid != NULL ? strchr (jid, '/') : NULL;

  return slash != NULL ? g_strndup (jid, slash - jid) : g_strdup (jid);
}

char *
cs_stanza_to_string (xmpp_stanza_t *stanza)
{
  char *text = NULL;
  size_t length = 0;
  char *copy;

  if (xmpp_stanza_to_text (stanza, &text, &length) != XMPP_EOK)
    return NULL;
  copy = g_strndup (text, length);
  xmpp_free (xmpp_stanza_get_context (stanza), text);
  return copy;
}

gboolean
cs_stanza_has_muc_status (xmpp_stanza_t *x, const char *code)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (x); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (g_strcmp0 (xmpp_stanza_get_name (child), "status") == 0 &&
        g_strcmp0 (xmpp_stanza_get_attribute (child, "code"), code) == 0)
      return TRUE;
  return FALSE;
}
