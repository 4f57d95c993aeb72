/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-test-turn"

#include "config.h"

#include "cs-test-turn.h"

#include "cs-test-process.h"

#include <string.h>

#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_REALM "cousinade.test"
#define DEFAULT_MIN_RELAY_PORT 50000
#define DEFAULT_MAX_RELAY_PORT 50199

#define PROBE_TIMEOUT_MS 200

/* RFC 5389: a binding request and its success response, and the magic cookie. */
#define STUN_BINDING_REQUEST 0x0001
#define STUN_BINDING_SUCCESS 0x0101
#define STUN_MAGIC_COOKIE 0x2112A442
#define STUN_HEADER_LENGTH 20

struct _CsTestTurn
{
  char *address;
  guint16 port;
  char *secret;
  char *realm;
  guint16 min_relay_port;
  guint16 max_relay_port;

  char *dir;
  char *config_file;
  char *log_file;
  char *console_file;

  GSubprocess *process;
};

/* coturn's own words are what tell why it did not start. */
static void
propagate_with_logs (CsTestTurn *self, GError **error, GError *cause)
{
  cs_test_process_propagate_with_logs (error, cause, "coturn", self->dir, "turnserver output",
                                       self->console_file, self->log_file);
}

static gboolean
port_is_free (GInetAddress *address, guint16 port, GSocketType type, GError **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, port);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, type, G_SOCKET_PROTOCOL_DEFAULT, error);
  return socket != NULL && g_socket_bind (socket, socket_address, TRUE, error);
}

/* A port free for both UDP and TCP on the address, since coturn listens on both. */
static guint16
pick_free_port (const char *address_string, GError **error)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (address_string);

  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autoptr (GSocket) socket = NULL;
      g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (address, 0);
      g_autoptr (GSocketAddress) bound = NULL;
      guint16 port;

      socket =
        g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
      if (socket == NULL || !g_socket_bind (socket, any_port, FALSE, error))
        return 0;
      bound = g_socket_get_local_address (socket, error);
      if (bound == NULL)
        return 0;
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      g_clear_object (&socket);

      if (port_is_free (address, port, G_SOCKET_TYPE_STREAM, NULL))
        return port;
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
               "No port free for both UDP and TCP on %s", address_string);
  return 0;
}

static void
replace (GString *config, const char *name, const char *value)
{
  g_autofree char *placeholder = g_strdup_printf ("@%s@", name);

  g_string_replace (config, placeholder, value, 0);
}

static gboolean
write_config (CsTestTurn *self, GError **error)
{
  g_autofree char *template_file = NULL;
  g_autofree char *template = NULL;
  g_autoptr (GString) config = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autofree char *min_port = g_strdup_printf ("%u", self->min_relay_port);
  g_autofree char *max_port = g_strdup_printf ("%u", self->max_relay_port);
  g_autoptr (GMatchInfo) left = NULL;
  g_autoptr (GRegex) placeholder = NULL;

  template_file = g_build_filename (CS_TEST_FIXTURES_DIR, "turnserver.conf.in", NULL);
  if (!g_file_get_contents (template_file, &template, NULL, error))
    return FALSE;

  config = g_string_new (template);
  replace (config, "ADDRESS", self->address);
  replace (config, "PORT", port);
  replace (config, "MIN_PORT", min_port);
  replace (config, "MAX_PORT", max_port);
  replace (config, "SECRET", self->secret);
  replace (config, "REALM", self->realm);
  replace (config, "DIR", self->dir);
  replace (config, "LOG_FILE", self->log_file);

  placeholder = g_regex_new ("@[A-Z_]+@", 0, 0, NULL);
  if (g_regex_match (placeholder, config->str, 0, &left))
    {
      g_autofree char *name = g_match_info_fetch (left, 0);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s uses %s, which the test harness does not fill in", template_file, name);
      return FALSE;
    }

  return g_file_set_contents_full (self->config_file, config->str, config->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* Ready means the server answers STUN, not only that its port is bound. */
static gboolean
probe_binding (gpointer data, GError **error)
{
  CsTestTurn *self = data;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) server = NULL;
  guint8 request[STUN_HEADER_LENGTH] = { 0 };
  guint8 response[1500];
  guint32 cookie = g_htonl (STUN_MAGIC_COOKIE);
  guint16 type = g_htons (STUN_BINDING_REQUEST);
  gssize length;

  server = g_inet_socket_address_new_from_string (self->address, self->port);
  socket =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_timeout (socket, 0);

  memcpy (request, &type, 2);
  memcpy (request + 4, &cookie, 4);
  for (guint i = 8; i < STUN_HEADER_LENGTH; i++)
    request[i] = (guint8) g_random_int_range (0, 256);

  if (g_socket_send_to (socket, server, (const char *) request, sizeof request, NULL, error) < 0)
    return FALSE;

  if (!g_socket_condition_timed_wait (socket, G_IO_IN, PROBE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND,
                                      NULL, error))
    return FALSE;

  length = g_socket_receive (socket, (char *) response, sizeof response, NULL, error);
  if (length < 0)
    return FALSE;

  if (length < STUN_HEADER_LENGTH || response[0] != (STUN_BINDING_SUCCESS >> 8) ||
      response[1] != (STUN_BINDING_SUCCESS & 0xff) ||
      memcmp (response + 4, request + 4, STUN_HEADER_LENGTH - 4) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the answer to a STUN binding request is not a success response for it");
      return FALSE;
    }

  return TRUE;
}

static gboolean
terminate (CsTestTurn *self, GError **error)
{
  g_autoptr (GSubprocess) process = g_steal_pointer (&self->process);

  return cs_test_process_terminate (process, "coturn", error);
}

static gboolean
launch (CsTestTurn *self, GError **error)
{
  g_autofree char *turnserver = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *expectation = NULL;
  GError *failure = NULL;

  turnserver = cs_test_process_find_program ("turnserver", "coturn", error);
  if (turnserver == NULL)
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->console_file);
  cs_test_process_launcher_setup (launcher);

  self->process =
    g_subprocess_launcher_spawn (launcher, error, turnserver, "-c", self->config_file, NULL);
  if (self->process == NULL)
    return FALSE;

  expectation = g_strdup_printf ("answer STUN on %s:%u", self->address, self->port);
  if (cs_test_process_wait_ready (self->process, probe_binding, self, "coturn", expectation,
                                  &failure))
    return TRUE;

  terminate (self, NULL);
  propagate_with_logs (self, error, failure);
  return FALSE;
}

CsTestTurn *
cs_test_turn_start (const CsTestTurnOptions *options, GError **error)
{
  g_autoptr (CsTestTurn) self = g_new0 (CsTestTurn, 1);
  const CsTestTurnOptions defaults = { 0 };

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  g_return_val_if_fail (options->min_relay_port <= options->max_relay_port, NULL);

  self->address = g_strdup (options->address != NULL ? options->address : DEFAULT_ADDRESS);
  self->realm = g_strdup (options->realm != NULL ? options->realm : DEFAULT_REALM);
  /* Random, so a test cannot pass with credentials that did not come from this server's secret. */
  self->secret = options->secret != NULL ? g_strdup (options->secret) : g_uuid_string_random ();
  self->min_relay_port =
    options->max_relay_port != 0 ? options->min_relay_port : DEFAULT_MIN_RELAY_PORT;
  self->max_relay_port =
    options->max_relay_port != 0 ? options->max_relay_port : DEFAULT_MAX_RELAY_PORT;

  if (!g_hostname_is_ip_address (self->address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "coturn needs an IPv4 address to listen on, not “%s”", self->address);
      return NULL;
    }

  self->dir = g_dir_make_tmp ("cs-test-turn-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;

  self->config_file = g_build_filename (self->dir, "turnserver.conf", NULL);
  self->log_file = g_build_filename (self->dir, "turnserver.log", NULL);
  self->console_file = g_build_filename (self->dir, "turnserver.out", NULL);

  self->port = options->port != 0 ? options->port : pick_free_port (self->address, error);
  if (self->port == 0)
    return NULL;

  if (!write_config (self, error) || !launch (self, error))
    return NULL;

  g_debug ("coturn runs on %s:%u from %s", self->address, self->port, self->dir);
  return g_steal_pointer (&self);
}

const char *
cs_test_turn_get_address (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->address;
}

guint16
cs_test_turn_get_port (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

const char *
cs_test_turn_get_secret (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->secret;
}

const char *
cs_test_turn_get_realm (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->realm;
}

const char *
cs_test_turn_get_dir (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->dir;
}

const char *
cs_test_turn_get_log_file (CsTestTurn *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_file;
}

void
cs_test_turn_make_credentials (const char *secret,
                               const char *name,
                               gint64 expiry,
                               char **username,
                               char **password)
{
  g_autoptr (GHmac) hmac = NULL;
  g_autofree char *user = NULL;
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  g_return_if_fail (secret != NULL);
  g_return_if_fail (username != NULL && password != NULL);

  user = name != NULL && *name != '\0' ? g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expiry, name)
                                       : g_strdup_printf ("%" G_GINT64_FORMAT, expiry);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  g_hmac_update (hmac, (const guchar *) user, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);

  *password = g_base64_encode (digest, digest_length);
  *username = g_steal_pointer (&user);
}

void
cs_test_turn_free (CsTestTurn *self)
{
  if (self == NULL)
    return;

  if (self->process != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!terminate (self, &error))
        g_warning ("Could not stop coturn: %s", error->message);
    }

  if (self->dir != NULL)
    {
      g_autoptr (GError) remove_error = NULL;

      if (!cs_test_process_remove_tree (self->dir, &remove_error))
        g_warning ("Could not delete %s: %s", self->dir, remove_error->message);
    }

  g_free (self->address);
  g_free (self->secret);
  g_free (self->realm);
  g_free (self->dir);
  g_free (self->config_file);
  g_free (self->log_file);
  g_free (self->console_file);
  g_free (self);
}
