/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-uri"

#include "config.h"

#include "cs-xmpp-uri.h"

#include <gio/gio.h>

static void
test_join_link (void)
{
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_xmpp_uri_parse ("xmpp:cousinade-dupont-3fa9c1@rooms.example.org?join", &address,
                                    &action, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "cousinade-dupont-3fa9c1@rooms.example.org");
  g_assert_cmpstr (action, ==, "join");
}

static void
test_escapes_and_case (void)
{
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;

  /* Percent-encoded UTF-8 and an upper-case scheme and domain, as some QR readers give. */
  g_assert_true (cs_xmpp_uri_parse ("XMPP:f%C3%AAte@Rooms.Example.ORG?join;password=x", &address,
                                    &action, NULL));
  g_assert_cmpstr (address, ==, "fête@rooms.example.org");
  g_assert_cmpstr (action, ==, "join");
}

static void
test_no_action (void)
{
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;

  g_assert_true (cs_xmpp_uri_parse ("xmpp:mamie@example.org", &address, &action, NULL));
  g_assert_cmpstr (address, ==, "mamie@example.org");
  g_assert_null (action);
}

static void
test_refused (void)
{
  const char *bad[] = {
    "",
    "xmpp:",
    "xmpp:?join",
    "mailto:mamie@example.org",
    "https://example.org/?join",
    "xmpp://guest@example.org/room@rooms.example.org?join",
    "xmpp:no-at-sign?join",
    "xmpp:a@b@c?join",
    "xmpp:room@rooms.example.org/nick?join",
    "xmpp:%00@example.org?join",
    "xmpp:room@exa mple.org?join",
    "xmpp:%ZZ@example.org",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *address = NULL;
      g_autofree char *action = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_false (cs_xmpp_uri_parse (bad[i], &address, &action, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (address);
      g_assert_null (action);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp-uri/join-link", test_join_link);
  g_test_add_func ("/xmpp-uri/escapes-and-case", test_escapes_and_case);
  g_test_add_func ("/xmpp-uri/no-action", test_no_action);
  g_test_add_func ("/xmpp-uri/refused", test_refused);

  return g_test_run ();
}
