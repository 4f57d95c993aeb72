/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-xmpp-uri"

#include "config.h"

#include "cs-xmpp-address.h"
#include "cs-xmpp-uri.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Invite links come from anywhere (a QR code, a web page, a message): whatever the bytes,
 * the parser answers yes or no, and a yes is a valid address. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;
  g_autofree char *again = NULL;

  if (cs_xmpp_uri_parse (text, &address, &action, NULL))
    {
      again = cs_xmpp_address_normalize (address, NULL);
      g_assert_cmpstr (again, ==, address);
    }
  else
    {
      g_assert_null (address);
      g_assert_null (action);
    }

  /* The same bytes as an account invite: a yes has a token, a server and valid addresses. */
  {
    g_autoptr (CsXmppInvite) invite = cs_xmpp_invite_parse (text, NULL);

    if (invite != NULL)
      {
        g_assert_nonnull (invite->token);
        g_assert_nonnull (invite->domain);
        if (invite->room != NULL)
          {
            g_autofree char *room = cs_xmpp_address_normalize (invite->room, NULL);

            g_assert_cmpstr (room, ==, invite->room);
          }
      }
  }

  return 0;
}
