/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-account-invites"

#include "config.h"

#include "cs-account-invites.h"
#include "cs-invite-registration.h"
#include "cs-test-client.h"
#include "cs-xmpp-stanza-util.h"
#include "cs-xmpp-uri.h"

#include <gio/gio.h>

#include <string.h>

#define ORGANISER "papy"
#define ORGANISER_PASSWORD "papy-secret-1"
#define ROOM "cousinade-dupont-3fa9c1@rooms.localhost"

typedef struct
{
  CsTestServer *server;
  CsXmppClient *organiser;
} Fixture;

typedef struct
{
  gboolean invites;
  guint invite_expiry;
  gboolean admins_only;
} ServerKind;

static const ServerKind with_invites = { TRUE, 0, FALSE };
static const ServerKind short_invites = { TRUE, 3, FALSE };
static const ServerKind without_invites = { FALSE, 0, FALSE };
static const ServerKind admins_invite = { TRUE, 0, TRUE };

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  const ServerKind *kind = data;
  /* As a deployment would: registration only through invitations, users allowed to invite. */
  CsTestServerOptions options = {
    .allow_registration = FALSE,
    .invites = kind->invites,
    .invite_expiry = kind->invite_expiry,
    .invites_admins_only = kind->admins_only,
  };
  g_autoptr (GError) error = NULL;

  fixture->server = cs_test_server_start (&options, &error);
  g_assert_no_error (error);
  g_setenv ("COUSINADE_CA_FILE", cs_test_server_get_ca_file (fixture->server), TRUE);

  g_assert_true (cs_test_server_add_user (fixture->server, ORGANISER, ORGANISER_PASSWORD, &error));
  g_assert_no_error (error);
  fixture->organiser = cs_test_client_new (fixture->server, ORGANISER);
  g_assert_true (cs_test_client_sign_in (fixture->organiser, ORGANISER_PASSWORD, FALSE, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->organiser != NULL)
    {
      cs_xmpp_client_disconnect (fixture->organiser);
      g_clear_object (&fixture->organiser);
    }
  g_unsetenv ("COUSINADE_CA_FILE");
  g_clear_pointer (&fixture->server, cs_test_server_free);
}

static CsAccountInvite *
create_invite (Fixture *fixture, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cs_account_invites_create_async (fixture->organiser, NULL, cs_test_on_done, &result);
  return cs_account_invites_create_finish (fixture->organiser, cs_test_wait_result (&result),
                                           error);
}

/* The link the organiser would send: the server's, plus the circle and the organiser's name. */
static CsXmppInvite *
link_for (CsAccountInvite *invite)
{
  g_autofree char *link =
    cs_xmpp_invite_build_link (invite->uri, ROOM, "Cousinade Dupont", "Papy Jean");
  g_autoptr (GError) error = NULL;
  CsXmppInvite *parsed = cs_xmpp_invite_parse (link, &error);

  g_assert_no_error (error);
  return parsed;
}

static CsInviteAccount *
register_with (Fixture *fixture, const CsXmppInvite *invite, const char *name, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cs_invite_registration_register_async (invite, name, cs_test_server_get_host (fixture->server),
                                         cs_test_server_get_port (fixture->server), NULL,
                                         cs_test_on_done, &result);
  return cs_invite_registration_register_finish (cs_test_wait_result (&result), error);
}

/* Whether the server stored an account (Prosody's internal storage encodes "." as "%2e"). */
static gboolean
account_exists (Fixture *fixture, const char *local)
{
  g_autoptr (GString) encoded = g_string_new (local);
  g_autofree char *file = NULL;

  g_string_replace (encoded, ".", "%2e", 0);
  g_string_append (encoded, ".dat");
  file = g_build_filename (cs_test_server_get_dir (fixture->server), "data", "localhost",
                           "accounts", encoded->str, NULL);
  return g_file_test (file, G_FILE_TEST_EXISTS);
}

static void
assert_signs_in (Fixture *fixture, const CsInviteAccount *account)
{
  g_autofree char *local =
    g_strndup (account->address, strchr (account->address, '@') - account->address);
  g_autoptr (CsXmppClient) client = cs_test_client_new (fixture->server, local);
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_test_client_sign_in (client, account->password, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_xmpp_client_get_state (client), ==, CS_XMPP_STATE_ONLINE);
  cs_xmpp_client_disconnect (client);
}

/* The organiser's roster entry for @address: its subscription, or NULL. */
static char *
roster_subscription (Fixture *fixture, const char *address)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *iq = xmpp_iq_new (cs_xmpp_client_get_context (fixture->organiser), "get", NULL);
  xmpp_stanza_t *answer;
  xmpp_stanza_t *query;
  char *subscription = NULL;

  cs_stanza_add_child (iq, "query", XMPP_NS_ROSTER);
  cs_xmpp_client_send_iq_async (fixture->organiser, iq, NULL, cs_test_on_done, &result);
  xmpp_stanza_release (iq);
  answer =
    cs_xmpp_client_send_iq_finish (fixture->organiser, cs_test_wait_result (&result), &error);
  g_assert_no_error (error);
  query = xmpp_stanza_get_child_by_name_and_ns (answer, "query", XMPP_NS_ROSTER);
  for (xmpp_stanza_t *item = query != NULL ? xmpp_stanza_get_children (query) : NULL; item != NULL;
       item = xmpp_stanza_get_next (item))
    if (xmpp_stanza_is_tag (item) &&
        g_strcmp0 (xmpp_stanza_get_attribute (item, "jid"), address) == 0)
      subscription = g_strdup (xmpp_stanza_get_attribute (item, "subscription"));
  xmpp_stanza_release (answer);
  return subscription;
}

static void
test_invite_and_register (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (CsInviteAccount) account = NULL;
  g_autoptr (CsInviteAccount) second = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *subscription = NULL;
  g_autofree char *until = NULL;

  cs_account_invites_check_async (fixture->organiser, NULL, cs_test_on_done, &result);
  g_assert_true (
    cs_account_invites_check_finish (fixture->organiser, cs_test_wait_result (&result), &error));
  g_assert_no_error (error);

  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  until = g_date_time_format_iso8601 (invite->expires);
  g_test_message ("Invite %s, until %s", invite->uri, until);
  g_assert_true (g_str_has_prefix (invite->uri, "xmpp:papy@localhost?roster;preauth="));
  g_assert_nonnull (strstr (invite->uri, ";ibr=y"));
  g_assert_nonnull (strstr (invite->uri, invite->token));
  /* Prosody's default lifetime: a week (its clock counts whole seconds). */
  g_assert_cmpint (g_date_time_difference (invite->expires, now), >,
                   7 * G_TIME_SPAN_DAY - 60 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_difference (invite->expires, now), <,
                   7 * G_TIME_SPAN_DAY + 60 * G_TIME_SPAN_SECOND);

  link = link_for (invite);
  g_assert_cmpstr (link->inviter, ==, "papy@localhost");
  g_assert_cmpstr (link->domain, ==, "localhost");
  g_assert_cmpstr (link->token, ==, invite->token);
  g_assert_cmpstr (link->room, ==, ROOM);
  g_assert_cmpstr (link->inviter_name, ==, "Papy Jean");

  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->address, ==, "mamie.jeanne@localhost");
  g_assert_cmpint (strlen (account->password), ==, 24);
  assert_signs_in (fixture, account);
  /* The server made them contacts of each other, as the invite promised. */
  subscription = roster_subscription (fixture, "mamie.jeanne@localhost");
  g_assert_cmpstr (subscription, ==, "both");

  /* The same link a second time: refused in plain words, naming who to ask, and no account. */
  g_assert_true (account_exists (fixture, "mamie.jeanne"));
  second = register_with (fixture, link, "Tonton Paul", &error);
  g_assert_null (second);
  g_assert_error (error, CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "This invitation has expired or was already used. Ask Papy Jean for a new "
                   "link.");
  g_assert_false (account_exists (fixture, "tonton.paul"));
}

static void
test_name_taken (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (CsInviteAccount) account = NULL;

  g_assert_true (cs_test_server_add_user (fixture->server, "mamie.jeanne", "other", &error));
  g_assert_true (cs_test_server_add_user (fixture->server, "mamie.jeanne2", "other", &error));
  g_assert_no_error (error);

  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  link = link_for (invite);
  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->address, ==, "mamie.jeanne3@localhost");
  assert_signs_in (fixture, account);
}

static void
test_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (CsInviteAccount) account = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  /* This server's invites last 3 s (invite_expiry): the ad-hoc command takes no lifetime. */
  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_time_difference (invite->expires, now), <=, 5 * G_TIME_SPAN_SECOND);
  link = link_for (invite);
  cs_test_settle (4500);

  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_null (account);
  g_assert_error (error, CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_EXPIRED);
  g_assert_nonnull (strstr (error->message, "Ask Papy Jean for a new link."));
  g_assert_false (account_exists (fixture, "mamie.jeanne"));
}

static void
test_not_offered (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;

  cs_account_invites_check_async (fixture->organiser, NULL, cs_test_on_done, &result);
  g_assert_false (
    cs_account_invites_check_finish (fixture->organiser, cs_test_wait_result (&result), &error));
  g_assert_no_error (error);

  invite = create_invite (fixture, &error);
  g_assert_null (invite);
  g_assert_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_NOT_OFFERED);
  g_assert_nonnull (strstr (error->message, "does not offer invitations"));

  /* A link from elsewhere, with no name in it, on a server that takes no invitations. */
  {
    g_autoptr (CsXmppInvite) link =
      cs_xmpp_invite_parse ("xmpp:papy@localhost?roster;preauth=abc;ibr=y", NULL);
    g_autoptr (CsInviteAccount) account = NULL;

    g_clear_error (&error);
    account = register_with (fixture, link, "Mamie Jeanne", &error);
    g_assert_null (account);
    g_assert_error (error, CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_REFUSED);
    g_assert_cmpstr (error->message, ==,
                     "The server of this invitation did not let Cousinade create your account. "
                     "Ask the person who invited you for a new link.");
    g_assert_false (account_exists (fixture, "mamie.jeanne"));
  }
}

static void
test_users_may_not_invite (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;

  /* The command is there (a contact invite for people who have an account)... */
  cs_account_invites_check_async (fixture->organiser, NULL, cs_test_on_done, &result);
  g_assert_true (
    cs_account_invites_check_finish (fixture->organiser, cs_test_wait_result (&result), &error));
  g_assert_no_error (error);

  /* ...but what it makes cannot create an account: said so, no link handed out. */
  invite = create_invite (fixture, &error);
  g_assert_null (invite);
  g_assert_error (error, CS_ACCOUNT_INVITES_ERROR, CS_ACCOUNT_INVITES_ERROR_NOT_ALLOWED);
  g_assert_nonnull (strstr (error->message, "only people who already have an account"));
}

static void
test_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CsInviteAccount) account = NULL;
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  guint16 closed_port;

  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  link = link_for (invite);

  /* A port that was free a moment ago and that nothing listens on any more. */
  g_assert_true (g_socket_listener_add_address (listener, any_port, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  closed_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_listener_close (listener);

  cs_invite_registration_register_async (link, "Mamie Jeanne", "127.0.0.1", closed_port, NULL,
                                         cs_test_on_done, &result);
  account = cs_invite_registration_register_finish (cs_test_wait_result (&result), &error);
  g_assert_null (account);
  g_assert_error (error, CS_INVITE_REGISTRATION_ERROR, CS_INVITE_REGISTRATION_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "could not reach"));

  /* The invite was not spent: the real server still takes it. */
  g_clear_error (&error);
  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->address, ==, "mamie.jeanne@localhost");
}

static void
test_cancelled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (CsInviteAccount) account = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  link = link_for (invite);

  /* The person closes the page at once: no account, and the invite still works afterwards. */
  cs_invite_registration_register_async (link, "Mamie Jeanne",
                                         cs_test_server_get_host (fixture->server),
                                         cs_test_server_get_port (fixture->server), cancellable,
                                         cs_test_on_done, &result);
  g_cancellable_cancel (cancellable);
  account = cs_invite_registration_register_finish (cs_test_wait_result (&result), &error);
  g_assert_null (account);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (account_exists (fixture, "mamie.jeanne"));

  g_clear_error (&error);
  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account->address, ==, "mamie.jeanne@localhost");
}

static void
test_untrusted_certificate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsAccountInvite) invite = NULL;
  g_autoptr (CsXmppInvite) link = NULL;
  g_autoptr (CsInviteAccount) account = NULL;

  invite = create_invite (fixture, &error);
  g_assert_no_error (error);
  link = link_for (invite);

  /* Without the test CA the server's certificate is unknown: nothing is sent, no account. */
  g_unsetenv ("COUSINADE_CA_FILE");
  account = register_with (fixture, link, "Mamie Jeanne", &error);
  g_assert_null (account);
  g_assert_error (error, CS_INVITE_REGISTRATION_ERROR,
                  CS_INVITE_REGISTRATION_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_false (account_exists (fixture, "mamie.jeanne"));
}

static void
test_username_for (void)
{
  const char *cases[][2] = {
    { "Mamie Jeanne", "mamie.jeanne" },
    { "  Élodie-Marie  O'Brien ", "elodie.marie.o.brien" },
    { "Papy", "papy" },
    { "李", "friend" },
    { "", "friend" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = cs_invite_registration_username_for (cases[i][0]);

      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account-invites/username-for", test_username_for);
  g_test_add ("/account-invites/invite-and-register", Fixture, &with_invites, fixture_set_up,
              test_invite_and_register, fixture_tear_down);
  g_test_add ("/account-invites/name-taken", Fixture, &with_invites, fixture_set_up,
              test_name_taken, fixture_tear_down);
  g_test_add ("/account-invites/expired", Fixture, &short_invites, fixture_set_up, test_expired,
              fixture_tear_down);
  g_test_add ("/account-invites/not-offered", Fixture, &without_invites, fixture_set_up,
              test_not_offered, fixture_tear_down);
  g_test_add ("/account-invites/users-may-not-invite", Fixture, &admins_invite, fixture_set_up,
              test_users_may_not_invite, fixture_tear_down);
  g_test_add ("/account-invites/unreachable", Fixture, &with_invites, fixture_set_up,
              test_unreachable, fixture_tear_down);
  g_test_add ("/account-invites/cancelled", Fixture, &with_invites, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/account-invites/untrusted-certificate", Fixture, &with_invites, fixture_set_up,
              test_untrusted_certificate, fixture_tear_down);

  return g_test_run ();
}
