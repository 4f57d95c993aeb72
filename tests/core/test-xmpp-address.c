/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-address"

#include "config.h"

#include "cs-xmpp-address.h"

#include <gio/gio.h>

#include <locale.h>
#include <string.h>

static void
assert_normalizes_to (const char *typed, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = cs_xmpp_address_normalize (typed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, expected);
}

/* Returns the message the user would read. */
static char *
assert_refused (const char *typed)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *normalized = cs_xmpp_address_normalize (typed, &error);

  g_assert_null (normalized);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);

  return g_strdup (error->message);
}

static void
test_valid (void)
{
  assert_normalizes_to ("alice@example.org", "alice@example.org");
  assert_normalizes_to ("grand-mère@famille.fr", "grand-mère@famille.fr");
  assert_normalizes_to ("bob@localhost", "bob@localhost");
  assert_normalizes_to ("karim.b+cousinade@chat.example.org", "karim.b+cousinade@chat.example.org");
}

static void
test_trims (void)
{
  assert_normalizes_to ("  alice@example.org\n", "alice@example.org");
  assert_normalizes_to ("\talice@example.org ", "alice@example.org");
  /* A no-break space comes along when an address is copied from a web page. */
  assert_normalizes_to ("\xc2\xa0"
                        "alice@example.org"
                        "\xc2\xa0",
                        "alice@example.org");
}

static void
test_lowers_domain (void)
{
  /* The server part is case-insensitive; the name part is kept as typed. */
  assert_normalizes_to ("Alice@Example.ORG", "Alice@example.org");
  assert_normalizes_to ("léa@ÉCOLE.example", "léa@école.example");
  assert_normalizes_to ("ines@INFO.EXAMPLE", "ines@info.example");
}

static void
test_composes_unicode (void)
{
  /* "é" typed as "e" + combining acute accent is the same address as the single "é". */
  assert_normalizes_to ("le\xcc\x81"
                        "a@example.org",
                        "l\xc3\xa9"
                        "a@example.org");
}

static void
test_refuses_empty (void)
{
  g_autofree char *empty = assert_refused ("");
  g_autofree char *blank = assert_refused ("   ");

  g_assert_cmpstr (empty, ==, blank);
}

static void
test_refuses_missing_at (void)
{
  g_autofree char *message = assert_refused ("alice.example.org");

  g_assert_nonnull (strstr (message, "name@example.org"));
}

static void
test_refuses_missing_localpart (void)
{
  g_autofree char *message = assert_refused ("@example.org");

  g_assert_nonnull (strstr (message, "name part"));
}

static void
test_refuses_missing_domain (void)
{
  g_autofree char *message = assert_refused ("alice@");
  g_autofree char *blank_domain = assert_refused ("alice@   ");

  g_assert_nonnull (strstr (message, "server part"));
  /* Spaces typed after "@" are trimmed like any others. */
  g_assert_cmpstr (message, ==, blank_domain);
}

static void
test_refuses_resource (void)
{
  g_autofree char *message = assert_refused ("alice@example.org/phone");

  g_assert_nonnull (strstr (message, "/"));
}

static void
test_refuses_two_at (void)
{
  g_autofree char *message = assert_refused ("alice@home@example.org");

  g_assert_nonnull (strstr (message, "only one"));
}

static void
test_refuses_localpart_characters (void)
{
  static const char *const typed[] = {
    "ali ce@example.org", "ali\"ce@example.org", "ali&ce@example.org",
    "ali'ce@example.org", "ali/ce@example.org",  "ali:ce@example.org",
    "ali<ce@example.org", "ali>ce@example.org",  "ali\tce@example.org",
  };

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autofree char *message = assert_refused (typed[i]);

      g_assert_nonnull (strstr (message, "name part"));
    }
}

static void
test_refuses_long_localpart (void)
{
  g_autofree char *longest = g_strnfill (1023, 'a');
  g_autofree char *too_long = g_strnfill (1024, 'a');
  g_autofree char *longest_address = g_strconcat (longest, "@example.org", NULL);
  g_autofree char *too_long_address = g_strconcat (too_long, "@example.org", NULL);
  g_autofree char *message = NULL;

  assert_normalizes_to (longest_address, longest_address);
  message = assert_refused (too_long_address);
  g_assert_nonnull (strstr (message, "too long"));
}

static void
test_refuses_domain_shapes (void)
{
  static const char *const dots[] = {
    "alice@.example.org",
    "alice@example.org.",
    "alice@example..org",
    "alice@.",
  };
  static const char *const characters[] = {
    "alice@exa mple.org",
    "alice@example.org:5222",
    "alice@exa<mple.org",
  };

  for (guint i = 0; i < G_N_ELEMENTS (dots); i++)
    {
      g_autofree char *message = assert_refused (dots[i]);

      g_assert_nonnull (strstr (message, "dot"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (characters); i++)
    {
      g_autofree char *message = assert_refused (characters[i]);

      g_assert_nonnull (strstr (message, "server part"));
    }
}

static void
test_refuses_invalid_utf8 (void)
{
  g_autofree char *message = assert_refused ("al\xff"
                                             "ice@example.org");

  g_assert_nonnull (strstr (message, "type it again"));
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp-address/valid", test_valid);
  g_test_add_func ("/xmpp-address/trims", test_trims);
  g_test_add_func ("/xmpp-address/lowers-domain", test_lowers_domain);
  g_test_add_func ("/xmpp-address/composes-unicode", test_composes_unicode);
  g_test_add_func ("/xmpp-address/refuses/empty", test_refuses_empty);
  g_test_add_func ("/xmpp-address/refuses/missing-at", test_refuses_missing_at);
  g_test_add_func ("/xmpp-address/refuses/missing-localpart", test_refuses_missing_localpart);
  g_test_add_func ("/xmpp-address/refuses/missing-domain", test_refuses_missing_domain);
  g_test_add_func ("/xmpp-address/refuses/resource", test_refuses_resource);
  g_test_add_func ("/xmpp-address/refuses/two-at", test_refuses_two_at);
  g_test_add_func ("/xmpp-address/refuses/localpart-characters", test_refuses_localpart_characters);
  g_test_add_func ("/xmpp-address/refuses/long-localpart", test_refuses_long_localpart);
  g_test_add_func ("/xmpp-address/refuses/domain-shapes", test_refuses_domain_shapes);
  g_test_add_func ("/xmpp-address/refuses/invalid-utf8", test_refuses_invalid_utf8);

  return g_test_run ();
}
