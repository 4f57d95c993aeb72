/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include "cs-test-server.h"

#include <string.h>

#define IO_TIMEOUT_SECONDS 5

#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_REGISTER_FEATURE "http://jabber.org/features/iq-register"

typedef struct
{
  GTlsCertificateFlags errors;
} Verification;

static gboolean
on_accept_certificate (GTlsConnection *connection,
                       GTlsCertificate *certificate,
                       GTlsCertificateFlags errors,
                       gpointer user_data)
{
  Verification *verification = user_data;

  verification->errors = errors;
  return FALSE;
}

static GSocketConnection *
connect_to (CsTestServer *server, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = NULL;

  address = g_inet_socket_address_new_from_string (cs_test_server_get_host (server),
                                                   cs_test_server_get_port (server));
  g_socket_client_set_timeout (client, IO_TIMEOUT_SECONDS);

  return g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
}

/* Reads until `first` and then `then` have arrived; returns the text from `first` on. */
static char *
read_until (GIOStream *stream, GString *received, const char *first, const char *then)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);
  const char *found;

  while ((found = strstr (received->str, first)) == NULL ||
         strstr (found + strlen (first), then) == NULL)
    {
      g_autoptr (GError) error = NULL;
      char chunk[4096];
      gssize n_read = g_input_stream_read (input, chunk, sizeof chunk, NULL, &error);

      if (n_read <= 0)
        g_test_message ("received so far: %s", received->str);
      g_assert_no_error (error);
      g_assert_cmpint (n_read, >, 0);
      g_string_append_len (received, chunk, n_read);
    }

  return g_strdup (found);
}

static void
send (GIOStream *stream, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text), NULL,
                             NULL, &error);
  g_assert_no_error (error);
}

/* Opens a client stream and returns the stream features the server offers. */
static char *
open_stream (GIOStream *stream, const char *domain)
{
  g_autoptr (GString) received = g_string_new (NULL);
  g_autofree char *header = NULL;

  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
                            "xmlns='jabber:client' "
                            "xmlns:stream='http://etherx.jabber.org/streams'>",
                            domain);
  send (stream, header);

  return read_until (stream, received, "<stream:features", "</stream:features>");
}

/* STARTTLS on an open stream; database NULL means the system's trust store.
 * Returns the TLS stream once the handshake succeeded, or NULL with error set. */
static GIOStream *
start_tls (GSocketConnection *connection,
           CsTestServer *server,
           GTlsDatabase *database,
           Verification *verification,
           GError **error)
{
  g_autoptr (GString) received = g_string_new (NULL);
  g_autofree char *proceed = NULL;
  g_autoptr (GSocketConnectable) identity = NULL;
  g_autoptr (GIOStream) tls = NULL;

  send (G_IO_STREAM (connection), "<starttls xmlns='" NS_TLS "'/>");
  proceed = read_until (G_IO_STREAM (connection), received, "<proceed", ">");
  g_assert_nonnull (strstr (proceed, NS_TLS));

  identity =
    g_network_address_new (cs_test_server_get_domain (server), cs_test_server_get_port (server));
  tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, error);
  if (tls == NULL)
    return NULL;
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), verification);

  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;

  return g_steal_pointer (&tls);
}

static GTlsDatabase *
new_test_ca_database (CsTestServer *server)
{
  g_autoptr (GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (cs_test_server_get_ca_file (server), &error);

  g_assert_no_error (error);
  return database;
}

/* Connects, checks what a client sees before TLS, upgrades with only the
 * test CA trusted and returns the stream features offered over TLS. */
static char *
features_over_tls (CsTestServer *server)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GTlsDatabase) database = new_test_ca_database (server);
  g_autoptr (GIOStream) tls = NULL;
  g_autofree char *features = NULL;
  Verification verification = { 0 };

  connection = connect_to (server, &error);
  g_assert_no_error (error);

  features = open_stream (G_IO_STREAM (connection), cs_test_server_get_domain (server));
  g_test_message ("features before TLS: %s", features);
  g_assert_nonnull (strstr (features, "<starttls xmlns='" NS_TLS "'"));
  /* TLS is required: neither registration nor sign-in happen in the clear. */
  g_assert_null (strstr (features, NS_REGISTER_FEATURE));
  g_assert_null (strstr (features, "<mechanism>"));

  tls = start_tls (connection, server, database, &verification, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (verification.errors, ==, 0);
  g_assert_cmpuint (g_tls_connection_get_peer_certificate_errors (G_TLS_CONNECTION (tls)), ==, 0);

  g_free (features);
  features = open_stream (tls, cs_test_server_get_domain (server));
  g_test_message ("features over TLS: %s", features);
  /* Accounts use SCRAM with salted hashes (internal_hashed). */
  g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1</mechanism>"));

  send (tls, "</stream:stream>");
  return g_steal_pointer (&features);
}

/* In-band registration on a fresh TLS stream; returns the server's <iq> reply. */
static char *
register_account (CsTestServer *server, const char *username, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GTlsDatabase) database = new_test_ca_database (server);
  g_autoptr (GIOStream) tls = NULL;
  g_autofree char *features = NULL;
  g_autofree char *request = NULL;
  g_autoptr (GString) received = g_string_new (NULL);
  g_autofree char *reply = NULL;
  Verification verification = { 0 };

  connection = connect_to (server, &error);
  g_assert_no_error (error);
  g_free (open_stream (G_IO_STREAM (connection), cs_test_server_get_domain (server)));
  tls = start_tls (connection, server, database, &verification, &error);
  g_assert_no_error (error);
  features = open_stream (tls, cs_test_server_get_domain (server));
  g_assert_nonnull (strstr (features, NS_REGISTER_FEATURE));

  request = g_markup_printf_escaped ("<iq type='set' id='register'>"
                                     "<query xmlns='jabber:iq:register'>"
                                     "<username>%s</username><password>%s</password>"
                                     "</query></iq>",
                                     username, password);
  send (tls, request);
  /* A result is an empty <iq/>; an error carries its condition inside. */
  reply = read_until (tls, received, "<iq", ">");
  if (strstr (reply, "type='error'") != NULL)
    {
      g_free (reply);
      reply = read_until (tls, received, "<iq", "</iq>");
    }

  send (tls, "</stream:stream>");
  return g_steal_pointer (&reply);
}

static void
assert_port_closed (guint16 port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", port);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GError) error = NULL;

  g_socket_client_set_timeout (client, IO_TIMEOUT_SECONDS);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (connection);
}

static void
test_start_stop (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = NULL;
  g_autofree char *features = NULL;
  guint16 port;

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_test_server_get_domain (server), ==, "localhost");
  g_assert_cmpstr (cs_test_server_get_muc_domain (server), ==, "rooms.localhost");
  g_assert_cmpstr (cs_test_server_get_host (server), ==, "127.0.0.1");
  port = cs_test_server_get_port (server);
  g_assert_cmpuint (port, >, 0);
  g_assert_cmpuint (port, !=, 5222);
  g_assert_true (g_file_test (cs_test_server_get_ca_file (server), G_FILE_TEST_IS_REGULAR));

  features = features_over_tls (server);
  g_assert_nonnull (strstr (features, "<register xmlns='" NS_REGISTER_FEATURE "'/>"));

  cs_test_server_stop (server, &error);
  g_assert_no_error (error);
  assert_port_closed (port);
  /* Stopping twice is harmless. */
  cs_test_server_stop (server, &error);
  g_assert_no_error (error);
}

static void
test_closed_registration (void)
{
  CsTestServerOptions options = { .allow_registration = FALSE };
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = NULL;
  g_autofree char *features = NULL;

  server = cs_test_server_start (&options, &error);
  g_assert_no_error (error);

  features = features_over_tls (server);
  g_assert_null (strstr (features, NS_REGISTER_FEATURE));
}

static void
test_restart (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *account_file = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *features = NULL;
  guint16 port;

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);
  port = cs_test_server_get_port (server);
  dir = g_strdup (cs_test_server_get_dir (server));
  account_file = g_build_filename (dir, "data", "localhost", "accounts", "alice.dat", NULL);

  first = register_account (server, "alice", "correct horse");
  g_test_message ("first registration: %s", first);
  g_assert_nonnull (strstr (first, "type='result'"));

  cs_test_server_stop (server, &error);
  g_assert_no_error (error);
  assert_port_closed (port);
  g_assert_true (g_file_test (account_file, G_FILE_TEST_IS_REGULAR));

  cs_test_server_restart (server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_server_get_port (server), ==, port);
  g_assert_cmpstr (cs_test_server_get_dir (server), ==, dir);

  features = features_over_tls (server);
  g_assert_nonnull (strstr (features, NS_REGISTER_FEATURE));

  /* The restarted server still knows the account. */
  again = register_account (server, "alice", "another password");
  g_test_message ("second registration: %s", again);
  g_assert_nonnull (strstr (again, "type='error'"));
  g_assert_nonnull (strstr (again, "<conflict"));

  /* Restarting a running server works too. */
  cs_test_server_restart (server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_test_server_get_port (server), ==, port);

  g_clear_pointer (&server, cs_test_server_free);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  assert_port_closed (port);
}

static void
test_untrusted_by_system (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CsTestServer) server = NULL;
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autofree char *features = NULL;
  Verification verification = { 0 };

  server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  connection = connect_to (server, &error);
  g_assert_no_error (error);
  features = open_stream (G_IO_STREAM (connection), cs_test_server_get_domain (server));

  tls = start_tls (connection, server, NULL, &verification, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (tls);
  g_assert_cmpuint (verification.errors & G_TLS_CERTIFICATE_UNKNOWN_CA, ==,
                    G_TLS_CERTIFICATE_UNKNOWN_CA);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/test-server/start-stop", test_start_stop);
  g_test_add_func ("/test-server/closed-registration", test_closed_registration);
  g_test_add_func ("/test-server/restart", test_restart);
  g_test_add_func ("/test-server/untrusted-by-system", test_untrusted_by_system);

  return g_test_run ();
}
