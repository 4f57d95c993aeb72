/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-xmpp-client"

#include "config.h"

#include "cs-test-client.h"

typedef struct
{
  CsTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  CsTestServerOptions options = { .allow_registration = GPOINTER_TO_INT (data) == 0 };
  g_autoptr (GError) error = NULL;

  fixture->server = cs_test_server_start (&options, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->server, cs_test_server_free);
}

static CsXmppClient *
new_client (Fixture *fixture, const char *local, gboolean trust_test_ca)
{
  CsXmppClient *client = cs_test_client_new (fixture->server, local);

  if (!trust_test_ca)
    cs_xmpp_client_set_ca_file (client, NULL);
  return client;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
iterate_until (gboolean *done, const char *what, guint timeout_seconds)
{
  if (!cs_test_iterate_until (is_true, done, timeout_seconds))
    g_error ("Timed out waiting for %s", what);
}

typedef struct
{
  CsXmppClient *client;
  CsXmppState state;
  gboolean reached;
} StateWait;

static void
on_state_notify (CsXmppClient *client, GParamSpec *pspec, StateWait *wait)
{
  if (cs_xmpp_client_get_state (client) == wait->state)
    wait->reached = TRUE;
}

static void
wait_for_state (CsXmppClient *client, CsXmppState state)
{
  StateWait wait = { client, state, cs_xmpp_client_get_state (client) == state };
  gulong id = g_signal_connect (client, "notify::state", G_CALLBACK (on_state_notify), &wait);

  iterate_until (&wait.reached, "a connection state", CS_TEST_TIMEOUT_SECONDS);
  g_signal_handler_disconnect (client, id);
}

static void
test_register_and_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "alice", TRUE);
  g_autoptr (CsXmppClient) again = new_client (fixture, "alice", TRUE);
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_test_client_sign_in (client, "correct horse", TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cs_xmpp_client_get_state (client), ==, CS_XMPP_STATE_ONLINE);
  g_assert_null (cs_xmpp_client_get_error (client));

  cs_xmpp_client_disconnect (client);
  wait_for_state (client, CS_XMPP_STATE_OFFLINE);
  g_assert_null (cs_xmpp_client_get_error (client));

  /* The account exists now: a plain sign-in works. */
  g_assert_true (cs_test_client_sign_in (again, "correct horse", FALSE, &error));
  g_assert_no_error (error);
}

static void
test_wrong_password (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "bob", TRUE);
  g_autoptr (CsXmppClient) intruder = new_client (fixture, "bob", TRUE);
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_test_client_sign_in (client, "bob's password", TRUE, &error));
  cs_xmpp_client_disconnect (client);

  g_assert_false (cs_test_client_sign_in (intruder, "not bob's password", FALSE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (cs_xmpp_client_get_state (intruder), ==, CS_XMPP_STATE_OFFLINE);
  g_assert_error (cs_xmpp_client_get_error (intruder), CS_XMPP_ERROR, CS_XMPP_ERROR_NOT_AUTHORIZED);
}

static void
test_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "carol", TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) stop_error = NULL;

  g_assert_true (cs_test_server_stop (fixture->server, &stop_error));
  g_assert_false (cs_test_client_sign_in (client, "whatever", FALSE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_UNREACHABLE);
}

static void
test_name_taken (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) first = new_client (fixture, "dave", TRUE);
  g_autoptr (CsXmppClient) second = new_client (fixture, "dave", TRUE);
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_test_client_sign_in (first, "first", TRUE, &error));
  g_assert_false (cs_test_client_sign_in (second, "second", TRUE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_NAME_TAKEN);
}

static void
test_registration_closed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "erin", TRUE);
  g_autoptr (GError) error = NULL;

  g_assert_false (cs_test_client_sign_in (client, "secret", TRUE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_REGISTRATION_CLOSED);
}

static void
test_untrusted_certificate (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) registrar = new_client (fixture, "frank", TRUE);
  g_autoptr (CsXmppClient) client = new_client (fixture, "frank", FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  g_assert_true (cs_test_client_sign_in (registrar, "frank", TRUE, &error));

  /* Without the test CA the certificate is unknown: refused, with its fingerprint. */
  g_assert_false (cs_test_client_sign_in (client, "frank", FALSE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);
  fingerprint = g_strdup (cs_xmpp_client_get_untrusted_fingerprint (client));
  g_assert_nonnull (fingerprint);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  /* A different pin is still refused. */
  cs_xmpp_client_set_pinned_fingerprint (client, "00112233445566778899aabbccddeeff"
                                                 "00112233445566778899aabbccddeeff");
  g_assert_false (cs_test_client_sign_in (client, "frank", FALSE, &error));
  g_assert_error (error, CS_XMPP_ERROR, CS_XMPP_ERROR_CERTIFICATE_UNTRUSTED);
  g_clear_error (&error);

  /* Once the user accepted this very certificate, it is used. */
  cs_xmpp_client_set_pinned_fingerprint (client, fingerprint);
  g_assert_true (cs_test_client_sign_in (client, "frank", FALSE, &error));
  g_assert_no_error (error);
}

static void
test_reconnects_after_restart (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "grace", TRUE);
  g_autoptr (GError) error = NULL;
  gint64 restarted_at;
  double seconds;

  g_assert_true (cs_test_client_sign_in (client, "grace", TRUE, &error));

  g_assert_true (cs_test_server_stop (fixture->server, &error));
  wait_for_state (client, CS_XMPP_STATE_WAITING_TO_RECONNECT);
  g_assert_error (cs_xmpp_client_get_error (client), CS_XMPP_ERROR, CS_XMPP_ERROR_CONNECTION_LOST);
  g_assert_true (cs_test_server_restart (fixture->server, &error));
  restarted_at = g_get_monotonic_time ();

  wait_for_state (client, CS_XMPP_STATE_ONLINE);
  seconds = (g_get_monotonic_time () - restarted_at) / (double) G_USEC_PER_SEC;
  g_test_message ("Back online %.1f s after the server restarted", seconds);
  g_assert_cmpfloat (seconds, <, 10.0);
}

static gboolean
on_measure_done (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_idle_wakeups (Fixture *fixture, gconstpointer data)
{
  g_autoptr (CsXmppClient) client = new_client (fixture, "heidi", TRUE);
  g_autoptr (GError) error = NULL;
  const char *env = g_getenv ("CS_IDLE_SECONDS");
  guint seconds = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 10;
  gboolean done = FALSE;
  guint64 before, after;
  double per_second;

  g_assert_true (cs_test_client_sign_in (client, "heidi", TRUE, &error));

  before = cs_xmpp_client_get_wakeups (client);
  g_timeout_add_seconds (seconds, on_measure_done, &done);
  iterate_until (&done, "the end of the idle measurement", seconds + CS_TEST_TIMEOUT_SECONDS);
  after = cs_xmpp_client_get_wakeups (client);

  per_second = (after - before) / (double) seconds;
  /* Machine-readable for the benchmark notes. */
  g_print ("{\"idle_seconds\": %u, \"wakeups\": %" G_GUINT64_FORMAT ", \"per_second\": %.2f}\n",
           seconds, after - before, per_second);
  g_assert_cmpint (cs_xmpp_client_get_state (client), ==, CS_XMPP_STATE_ONLINE);
  g_assert_cmpfloat (per_second, <=, 1.2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, closed) \
  g_test_add (path, Fixture, GINT_TO_POINTER (closed), fixture_set_up, func, fixture_tear_down)

  ADD ("/xmpp-client/register-and-sign-in", test_register_and_sign_in, 0);
  ADD ("/xmpp-client/wrong-password", test_wrong_password, 0);
  ADD ("/xmpp-client/unreachable", test_unreachable, 0);
  ADD ("/xmpp-client/name-taken", test_name_taken, 0);
  ADD ("/xmpp-client/registration-closed", test_registration_closed, 1);
  ADD ("/xmpp-client/untrusted-certificate", test_untrusted_certificate, 0);
  ADD ("/xmpp-client/reconnects-after-restart", test_reconnects_after_restart, 0);
  ADD ("/xmpp-client/idle-wakeups", test_idle_wakeups, 0);

#undef ADD

  return g_test_run ();
}
