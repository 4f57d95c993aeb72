/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-uri"

#include "config.h"

#include "cs-xmpp-uri.h"

#include <gio/gio.h>

#include <string.h>

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

static void
test_invite_roster (void)
{
  g_autoptr (CsXmppInvite) invite = NULL;
  g_autoptr (GError) error = NULL;

  /* What Prosody's mod_invites gives, as Conversations and Snikket read it. */
  invite = cs_xmpp_invite_parse ("xmpp:papy@Example.org?roster;preauth=A1b2-C3_d4;ibr=y", &error);
  g_assert_no_error (error);
  g_assert_nonnull (invite);
  g_assert_cmpstr (invite->inviter, ==, "papy@example.org");
  g_assert_cmpstr (invite->domain, ==, "example.org");
  g_assert_cmpstr (invite->token, ==, "A1b2-C3_d4");
  g_assert_null (invite->room);
  g_assert_null (invite->circle_name);
  g_assert_null (invite->inviter_name);
}

static void
test_invite_register (void)
{
  g_autoptr (CsXmppInvite) invite =
    cs_xmpp_invite_parse ("xmpp:example.org?register;preauth=tok3n;unknown-thing=whatever", NULL);
  g_autoptr (CsXmppInvite) named =
    cs_xmpp_invite_parse ("xmpp:jeanne@example.org?register;preauth=tok3n", NULL);

  g_assert_nonnull (invite);
  g_assert_null (invite->inviter);
  g_assert_cmpstr (invite->domain, ==, "example.org");
  g_assert_cmpstr (invite->token, ==, "tok3n");
  g_assert_nonnull (named);
  g_assert_cmpstr (named->domain, ==, "example.org");
}

static void
test_invite_round_trip (void)
{
  const char *server_uri = "xmpp:papy@example.org?roster;preauth=Zx9;ibr=y";
  g_autofree char *link =
    cs_xmpp_invite_build_link (server_uri, "cousinade-dupont-3fa9c1@rooms.example.org",
                               "Cousinade Dupont; été=1&2#3", "Papy Jean");
  g_autoptr (CsXmppInvite) invite = NULL;
  g_autofree char *address = NULL;
  g_autofree char *action = NULL;

  g_test_message ("%s", link);
  /* The server's link stays first and whole, so other apps still use it. */
  g_assert_true (g_str_has_prefix (link, server_uri));
  g_assert_cmpstr (strchr (link, '#'), ==, NULL);
  g_assert_cmpstr (strchr (link, ' '), ==, NULL);
  invite = cs_xmpp_invite_parse (link, NULL);
  g_assert_nonnull (invite);
  g_assert_cmpstr (invite->token, ==, "Zx9");
  g_assert_cmpstr (invite->room, ==, "cousinade-dupont-3fa9c1@rooms.example.org");
  g_assert_cmpstr (invite->circle_name, ==, "Cousinade Dupont; été=1&2#3");
  g_assert_cmpstr (invite->inviter_name, ==, "Papy Jean");

  /* The general parser still sees a link to the organiser. */
  g_assert_true (cs_xmpp_uri_parse (link, &address, &action, NULL));
  g_assert_cmpstr (address, ==, "papy@example.org");
  g_assert_cmpstr (action, ==, "roster");
}

static void
test_invite_refused (void)
{
  const char *bad[] = {
    "",
    "xmpp:papy@example.org",
    "xmpp:papy@example.org?join",
    "xmpp:papy@example.org?roster;ibr=y",
    /* A contact invite only: it does not let anyone create an account. */
    "xmpp:papy@example.org?roster;preauth=abc",
    "xmpp:papy@example.org?roster;preauth=;ibr=y",
    "xmpp:papy@example.org?roster;preauth=a%20b;ibr=y",
    "xmpp:papy@example.org?roster;preauth=a;preauth=b;ibr=y",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;noequal",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;cousinade-room=not-an-address",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;cousinade-by=%0A",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;cousinade-by=%FF",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;cousinade-by=%00",
    "xmpp:papy@example.org?roster;preauth=abc;ibr=y;cousinade-by=a;cousinade-by=b",
    "xmpp:no-at-sign?roster;preauth=abc;ibr=y",
    "xmpp:?register;preauth=abc",
    "xmpp:exa mple.org?register;preauth=abc",
    "xmpp://papy@example.org/x@example.org?register;preauth=abc",
    "https://example.org/?register;preauth=abc",
    /* Found by the fuzzer: a fragment before the query. */
    "xmpp:papy#example.org;preauth=abc?roster;preauth=abc;ibr=y",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_null (cs_xmpp_invite_parse (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      /* Plain words: what to do, no protocol names. */
      g_assert_nonnull (strstr (error->message, "new link"));
      g_assert_null (strstr (error->message, "xmpp"));
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
  g_test_add_func ("/xmpp-uri/invite/roster", test_invite_roster);
  g_test_add_func ("/xmpp-uri/invite/register", test_invite_register);
  g_test_add_func ("/xmpp-uri/invite/round-trip", test_invite_round_trip);
  g_test_add_func ("/xmpp-uri/invite/refused", test_invite_refused);

  return g_test_run ();
}
