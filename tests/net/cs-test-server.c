/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-test-server"

#include "config.h"

#include "cs-test-server.h"

#include "cs-test-process.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>

#define DOMAIN "localhost"
#define MUC_DOMAIN "rooms.localhost"
#define DEFAULT_ADDRESS "127.0.0.1"

#define PROBE_TIMEOUT_SECONDS 2

struct _CsTestServer
{
  gboolean allow_registration;
  char *address;
  guint16 port;

  /* XEP-0215 through mod_turn_external; turn_host is NULL when disabled. */
  char *turn_host;
  guint16 turn_port;
  gboolean invites;
  guint invite_expiry;
  gboolean invites_admins_only;
  char *turn_secret;

  char *dir;
  char *config_file;
  char *data_dir;
  char *cert_dir;
  char *ca_file;
  char *pid_file;
  char *log_file;
  char *console_file;

  GSubprocess *process;
};

/* Prosody's own words are what tell why it did not start. */
static void
propagate_with_logs (CsTestServer *self, GError **error, GError *cause)
{
  cs_test_process_propagate_with_logs (error, cause, "Prosody", self->dir, "prosody output",
                                       self->console_file, self->log_file);
}

static gboolean
make_certificates (CsTestServer *self, GError **error)
{
  g_autofree char *openssl = NULL;
  g_autofree char *script = g_build_filename (CS_TEST_FIXTURES_DIR, "make-test-certs.sh", NULL);
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *output = NULL;

  openssl = cs_test_process_find_program ("openssl", "openssl", error);
  if (openssl == NULL)
    return FALSE;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                              error, "/bin/sh", script, self->cert_dir, NULL);
  if (process == NULL)
    return FALSE;

  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, error))
    return FALSE;

  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed:\n%s", script, output);
      return FALSE;
    }

  return TRUE;
}

static guint16
pick_free_port (const char *address, GError **error)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) inet_address = g_inet_address_new_from_string (address);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (inet_address, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;

  if (!g_socket_bind (socket, any_port, FALSE, error))
    return 0;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  /* Closed when the socket is freed: Prosody binds the port right after,
   * with SO_REUSEADDR, so it does not matter that nobody listened on it. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
escape_lua_string (const char *value)
{
  g_autoptr (GString) escaped = g_string_new (value);

  g_string_replace (escaped, "\\", "\\\\", 0);
  g_string_replace (escaped, "\"", "\\\"", 0);
  g_string_replace (escaped, "\n", "\\n", 0);
  return g_string_free (g_steal_pointer (&escaped), FALSE);
}

static void
replace_string (GString *config, const char *name, const char *value)
{
  g_autofree char *escaped = escape_lua_string (value);
  g_autofree char *placeholder = g_strdup_printf ("@%s@", name);

  /* Every string value sits between double quotes in the Lua template. */
  g_string_replace (config, placeholder, escaped, 0);
}

static void
replace_literal (GString *config, const char *name, const char *value)
{
  g_autofree char *placeholder = g_strdup_printf ("@%s@", name);

  g_string_replace (config, placeholder, value, 0);
}

static gboolean
write_config (CsTestServer *self, GError **error)
{
  g_autofree char *template_file = NULL;
  g_autofree char *template = NULL;
  g_autoptr (GString) config = NULL;
  g_autofree char *cert = g_build_filename (self->cert_dir, "server.pem", NULL);
  g_autofree char *key = g_build_filename (self->cert_dir, "server.key", NULL);
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autoptr (GMatchInfo) left = NULL;
  g_autoptr (GRegex) placeholder = NULL;

  template_file = g_build_filename (CS_TEST_FIXTURES_DIR, "prosody.cfg.lua.in", NULL);
  if (!g_file_get_contents (template_file, &template, NULL, error))
    return FALSE;

  config = g_string_new (template);
  replace_string (config, "DATA_DIR", self->data_dir);
  replace_string (config, "PID_FILE", self->pid_file);
  replace_string (config, "LOG_FILE", self->log_file);
  replace_string (config, "LOG_LEVEL", g_getenv ("CS_TEST_SERVER_DEBUG") ? "debug" : "info");
  replace_string (config, "CERT", cert);
  replace_string (config, "KEY", key);
  replace_string (config, "ADDRESS", self->address);
  replace_literal (config, "PORT", port);
  replace_literal (config, "ALLOW_REGISTRATION", self->allow_registration ? "true" : "false");
  if (self->turn_host != NULL)
    {
      g_autofree char *host = escape_lua_string (self->turn_host);
      g_autofree char *secret = escape_lua_string (self->turn_secret);
      g_autofree char *options = g_strdup_printf ("turn_external_secret = \"%s\"\n"
                                                  "turn_external_host = \"%s\"\n"
                                                  "turn_external_port = %u\n",
                                                  secret, host, self->turn_port);

      replace_literal (config, "TURN_MODULE", "\"turn_external\";");
      replace_literal (config, "TURN_OPTIONS", options);
    }
  else
    {
      replace_literal (config, "TURN_MODULE", "");
      replace_literal (config, "TURN_OPTIONS", "-- (none: this server announces no TURN server)");
    }

  if (self->invites)
    {
      g_autofree char *options =
        g_strdup_printf ("allow_user_invites = %s\n%s%u\n",
                         self->invites_admins_only ? "false" : "true",
                         self->invite_expiry != 0 ? "invite_expiry = "
                                                  : "-- invite_expiry: Prosody's default, ",
                         self->invite_expiry != 0 ? self->invite_expiry : 7 * 86400);

      replace_literal (config, "INVITE_MODULES",
                       "\"invites\"; \"invites_adhoc\"; \"invites_register\";");
      replace_literal (config, "INVITE_OPTIONS", options);
    }
  else
    {
      replace_literal (config, "INVITE_MODULES", "");
      replace_literal (config, "INVITE_OPTIONS", "-- (none: this server makes no account invites)");
    }

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

/* Reads until `until` has arrived, or fails after the socket's timeout. */
static gboolean
read_until (GInputStream *input, GString *buffer, const char *until, GError **error)
{
  char chunk[4096];

  while (strstr (buffer->str, until) == NULL)
    {
      gssize n_read = g_input_stream_read (input, chunk, sizeof chunk, NULL, error);

      if (n_read < 0)
        return FALSE;
      if (n_read == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                       "the server closed the stream before %s; it sent: %s", until, buffer->str);
          return FALSE;
        }
      g_string_append_len (buffer, chunk, n_read);
    }

  return TRUE;
}

/* Ready means more than a bound port: Prosody answers a stream header with
 * its stream features, so its hosts and modules are loaded. */
static gboolean
probe_stream_features (gpointer data, GError **error)
{
  CsTestServer *self = data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address =
    g_inet_socket_address_new_from_string (self->address, self->port);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GString) received = g_string_new (NULL);
  const char *header = "<?xml version='1.0'?><stream:stream to='" DOMAIN "' version='1.0' "
                       "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

  g_socket_client_set_timeout (client, PROBE_TIMEOUT_SECONDS);
  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, error);
  if (connection == NULL)
    return FALSE;

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), header,
                                  strlen (header), NULL, NULL, error))
    return FALSE;

  return read_until (g_io_stream_get_input_stream (G_IO_STREAM (connection)), received,
                     "</stream:features>", error);
}

static gsize
get_log_size (CsTestServer *self)
{
  GStatBuf info;

  return g_stat (self->log_file, &info) == 0 ? (gsize) info.st_size : 0;
}

/* Prosody keeps running when a module fails to load; a test would then fail
 * far from the cause, so such a start counts as failed. Only what this start
 * logged counts: an earlier run may have logged a client's mistakes. */
static gboolean
check_log_for_errors (CsTestServer *self, gsize log_start, GError **error)
{
  g_autofree char *log = NULL;
  gsize length = 0;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (self->log_file, &log, &length, error))
    return FALSE;

  lines = g_strsplit (log + MIN (log_start, length), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], "\terror\t") != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Prosody logged an error: %s",
                       lines[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
terminate (CsTestServer *self, GError **error)
{
  g_autoptr (GSubprocess) process = g_steal_pointer (&self->process);

  return cs_test_process_terminate (process, "Prosody", error);
}

static gboolean
launch (CsTestServer *self, GError **error)
{
  g_autofree char *prosody = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *expectation = NULL;
  GError *failure = NULL;
  gsize log_start;

  g_assert (self->process == NULL);

  prosody = cs_test_process_find_program ("prosody", "prosody", error);
  if (prosody == NULL)
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->console_file);
  cs_test_process_launcher_setup (launcher);
  log_start = get_log_size (self);

  /* -F keeps it in the foreground: the "daemonize" option is deprecated in 0.12. */
  self->process = g_subprocess_launcher_spawn (launcher, error, prosody, "-F", "--config",
                                               self->config_file, NULL);
  if (self->process == NULL)
    return FALSE;

  expectation = g_strdup_printf ("answer on %s:%u", self->address, self->port);
  if (cs_test_process_wait_ready (self->process, probe_stream_features, self, "Prosody",
                                  expectation, &failure) &&
      check_log_for_errors (self, log_start, &failure))
    return TRUE;

  /* The first error tells what went wrong; a failure to stop would only add noise. */
  terminate (self, NULL);
  propagate_with_logs (self, error, g_steal_pointer (&failure));
  return FALSE;
}

gboolean
cs_test_server_add_user (CsTestServer *self,
                         const char *local,
                         const char *password,
                         GError **error)
{
  g_autofree char *prosodyctl = NULL;
  g_autofree char *output = NULL;
  int status;

  g_return_val_if_fail (self != NULL && local != NULL && password != NULL, FALSE);

  prosodyctl = cs_test_process_find_program ("prosodyctl", "prosody", error);
  if (prosodyctl == NULL)
    return FALSE;

  {
    const char *argv[] = {
      prosodyctl, "--config", self->config_file, "register", local, DOMAIN, password, NULL,
    };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &output,
                       NULL, &status, error))
      return FALSE;
  }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "prosodyctl register %s failed: %s", local,
                   output);
      return FALSE;
    }
  return TRUE;
}

CsTestServer *
cs_test_server_start (const CsTestServerOptions *options, GError **error)
{
  g_autoptr (CsTestServer) self = g_new0 (CsTestServer, 1);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->allow_registration = options != NULL ? options->allow_registration : TRUE;
  self->invites = options != NULL && options->invites;
  self->invite_expiry = options != NULL ? options->invite_expiry : 0;
  self->invites_admins_only = options != NULL && options->invites_admins_only;
  self->address =
    g_strdup (options != NULL && options->address != NULL ? options->address : DEFAULT_ADDRESS);
  if (options != NULL && options->turn_host != NULL)
    {
      g_return_val_if_fail (options->turn_port != 0, NULL);
      g_return_val_if_fail (options->turn_secret != NULL, NULL);

      self->turn_host = g_strdup (options->turn_host);
      self->turn_port = options->turn_port;
      self->turn_secret = g_strdup (options->turn_secret);
    }

  self->dir = g_dir_make_tmp ("cs-test-server-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;

  self->config_file = g_build_filename (self->dir, "prosody.cfg.lua", NULL);
  self->data_dir = g_build_filename (self->dir, "data", NULL);
  self->cert_dir = g_build_filename (self->dir, "certs", NULL);
  self->ca_file = g_build_filename (self->cert_dir, "ca.pem", NULL);
  self->pid_file = g_build_filename (self->dir, "prosody.pid", NULL);
  self->log_file = g_build_filename (self->dir, "prosody.log", NULL);
  self->console_file = g_build_filename (self->dir, "prosody.out", NULL);

  if (g_mkdir (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", self->data_dir, g_strerror (saved_errno));
      return NULL;
    }

  if (!make_certificates (self, error))
    return NULL;

  self->port = pick_free_port (self->address, error);
  if (self->port == 0)
    return NULL;

  if (!write_config (self, error) || !launch (self, error))
    return NULL;

  g_debug ("Prosody runs on %s:%u from %s", self->address, self->port, self->dir);
  return g_steal_pointer (&self);
}

const char *
cs_test_server_get_domain (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return DOMAIN;
}

const char *
cs_test_server_get_muc_domain (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return MUC_DOMAIN;
}

const char *
cs_test_server_get_host (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->address;
}

guint16
cs_test_server_get_port (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

const char *
cs_test_server_get_ca_file (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ca_file;
}

const char *
cs_test_server_get_dir (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->dir;
}

/* The TURN server announced through XEP-0215, or NULL when there is none. */
const char *
cs_test_server_get_turn_host (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->turn_host;
}

guint16
cs_test_server_get_turn_port (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->turn_port;
}

/* The secret Prosody makes TURN credentials from, as coturn checks them. */
const char *
cs_test_server_get_turn_secret (CsTestServer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->turn_secret;
}

gboolean
cs_test_server_stop (CsTestServer *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->process == NULL)
    return TRUE;

  return terminate (self, error);
}

gboolean
cs_test_server_restart (CsTestServer *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cs_test_server_stop (self, error))
    return FALSE;

  return launch (self, error);
}

void
cs_test_server_free (CsTestServer *self)
{
  g_autoptr (GError) error = NULL;

  if (self == NULL)
    return;

  if (!cs_test_server_stop (self, &error))
    g_warning ("Could not stop Prosody: %s", error->message);

  if (self->dir != NULL)
    {
      g_autoptr (GError) remove_error = NULL;

      if (!cs_test_process_remove_tree (self->dir, &remove_error))
        g_warning ("Could not delete %s: %s", self->dir, remove_error->message);
    }

  g_free (self->address);
  g_free (self->turn_host);
  g_free (self->turn_secret);
  g_free (self->dir);
  g_free (self->config_file);
  g_free (self->data_dir);
  g_free (self->cert_dir);
  g_free (self->ca_file);
  g_free (self->pid_file);
  g_free (self->log_file);
  g_free (self->console_file);
  g_free (self);
}
