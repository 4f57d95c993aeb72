/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-test-client"

#include "config.h"

#include "cs-test-client.h"

/* What the network tests share: waiting on the default main context with a time limit (a test
 * that hangs tells nobody what it was waiting for), signing clients in on the test server, and
 * the log of what each participant saw. */

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* What a call (cs-call-signals.h) tells the media engine, as log lines. */

static void
on_call_roster (GObject *call, GStrv ids, GStrv names, CsTestLog *log)
{
  g_autofree char *joined = g_strjoinv (",", ids);

  cs_test_log_add (log, g_strdup_printf ("roster %s", joined));
}

static void
on_call_joined (GObject *call, const char *id, const char *name, CsTestLog *log)
{
  cs_test_log_add (log, g_strdup_printf ("joined %s %s", id, name));
}

static void
on_call_left (GObject *call, const char *id, CsTestLog *log)
{
  cs_test_log_add (log, g_strdup_printf ("left %s", id));
}

static void
on_call_description (GObject *call,
                     const char *from,
                     const char *type,
                     const char *sdp,
                     CsTestLog *log)
{
  g_free (log->last_sdp);
  log->last_sdp = g_strdup (sdp);
  cs_test_log_add (log, g_strdup_printf ("%s %s", type, from));
}

static void
on_call_candidate (GObject *call,
                   const char *from,
                   guint index,
                   const char *candidate,
                   CsTestLog *log)
{
  cs_test_log_add (log, g_strdup_printf ("candidate %s %u %s", from, index, candidate));
}

static void
on_call_media_state (GObject *call,
                     const char *from,
                     gboolean muted,
                     gboolean camera_off,
                     CsTestLog *log)
{
  cs_test_log_add (log,
                   g_strdup_printf ("media %s muted=%d camera_off=%d", from, muted, camera_off));
}

void
cs_test_on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the default main context until @check says yes or @timeout_seconds pass; returns what
 * @check says last. */
gboolean
cs_test_iterate_until (CsTestCheck check, gpointer data, guint timeout_seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (timeout_seconds, on_timeout, &timed_out);
  gboolean ok;

  while (!check (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  ok = check (data);
  if (!timed_out)
    g_source_remove (id);
  return ok;
}

void
cs_test_wait_until (CsTestCheck check, gpointer data, const char *what)
{
  if (!cs_test_iterate_until (check, data, CS_TEST_TIMEOUT_SECONDS))
    g_error ("Timed out waiting for %s", what);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Waits for the result cs_test_on_done() stores in *@result. Signing in and requests answered
 * by another client may take a reconnection or two, hence the longer limit. */
GAsyncResult *
cs_test_wait_result (GAsyncResult **result)
{
  cs_test_iterate_until (has_result, result, CS_TEST_TIMEOUT_SECONDS + 15);
  g_assert_nonnull (*result);
  return *result;
}

/* Lets the server pass on what is in flight. */
void
cs_test_settle (guint ms)
{
  gboolean timed_out = FALSE;

  g_timeout_add (ms, on_timeout, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* The text of tests/fixtures/sdp/@name: SDP as webrtcbin makes it. */
char *
cs_test_read_sdp_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (CS_TEST_FIXTURES_DIR, "sdp", name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Runs the tests added so far against one Prosody started for all of them, reachable through
 * *@server while they run; for main(). */
int
cs_test_run_with_server (CsTestServer **server)
{
  g_autoptr (GError) error = NULL;
  int status;

  *server = cs_test_server_start (NULL, &error);
  g_assert_no_error (error);

  status = g_test_run ();
  g_clear_pointer (server, cs_test_server_free);
  return status;
}

/* A client for @local on @server's domain that trusts the server's test CA, not signed in. */
CsXmppClient *
cs_test_client_new (CsTestServer *server, const char *local)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", local, cs_test_server_get_domain (server));
  CsXmppClient *client = cs_xmpp_client_new (address);

  cs_xmpp_client_set_server (client, cs_test_server_get_host (server),
                             cs_test_server_get_port (server));
  cs_xmpp_client_set_ca_file (client, cs_test_server_get_ca_file (server));
  return client;
}

/* Signs in (registering the account first if @register_first) and waits for the outcome. */
gboolean
cs_test_client_sign_in (CsXmppClient *client,
                        const char *password,
                        gboolean register_first,
                        GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  if (register_first)
    cs_xmpp_client_register_async (client, password, NULL, cs_test_on_done, &result);
  else
    cs_xmpp_client_connect_async (client, password, NULL, cs_test_on_done, &result);

  if (!cs_test_iterate_until (has_result, &result, CS_TEST_TIMEOUT_SECONDS + 15))
    g_error ("Timed out signing in");

  return register_first ? cs_xmpp_client_register_finish (client, result, error)
                        : cs_xmpp_client_connect_finish (client, result, error);
}

/* A new account "@local" with the password "password", signed in. */
CsXmppClient *
cs_test_client_new_registered (CsTestServer *server, const char *local)
{
  g_autoptr (CsXmppClient) client = cs_test_client_new (server, local);
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_test_client_sign_in (client, "password", TRUE, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static gboolean
has_muc_service (gpointer data)
{
  return cs_xmpp_client_get_muc_service (data) != NULL;
}

/* Waits until service discovery found where rooms live; FALSE if it did not in time. */
gboolean
cs_test_client_wait_muc_service (CsXmppClient *client)
{
  return cs_test_iterate_until (has_muc_service, client, CS_TEST_TIMEOUT_SECONDS);
}

CsTestLog *
cs_test_log_new (const char *who)
{
  CsTestLog *log = g_new0 (CsTestLog, 1);

  log->who = g_strdup (who);
  log->lines = g_ptr_array_new_with_free_func (g_free);
  return log;
}

void
cs_test_log_free (CsTestLog *log)
{
  g_ptr_array_unref (log->lines);
  g_free (log->who);
  g_free (log->last_sdp);
  g_free (log);
}

/* Takes @line. */
void
cs_test_log_add (CsTestLog *log, char *line)
{
  g_test_message ("%s: %s", log->who, line);
  g_ptr_array_add (log->lines, line);
}

void
cs_test_log_clear (CsTestLog *log)
{
  g_ptr_array_set_size (log->lines, 0);
}

static guint
count_matching (CsTestLog *log, const char *text, gboolean whole_line)
{
  guint count = 0;

  for (guint i = 0; i < log->lines->len; i++)
    {
      const char *line = g_ptr_array_index (log->lines, i);

      count += whole_line ? g_str_equal (line, text) : g_str_has_prefix (line, text);
    }
  return count;
}

gboolean
cs_test_log_has (CsTestLog *log, const char *prefix)
{
  return count_matching (log, prefix, FALSE) > 0;
}

gboolean
cs_test_log_has_line (CsTestLog *log, const char *line)
{
  return count_matching (log, line, TRUE) > 0;
}

guint
cs_test_log_count (CsTestLog *log, const char *prefix)
{
  return count_matching (log, prefix, FALSE);
}

typedef struct
{
  CsTestLog *log;
  const char *text;
  gboolean whole_line;
  guint count;
} LogWait;

static gboolean
log_wait_done (gpointer data)
{
  LogWait *wait = data;

  return count_matching (wait->log, wait->text, wait->whole_line) >= wait->count;
}

static void
log_wait (CsTestLog *log, const char *text, gboolean whole_line, guint count)
{
  LogWait wait = { log, text, whole_line, count };

  if (!cs_test_iterate_until (log_wait_done, &wait, CS_TEST_TIMEOUT_SECONDS))
    {
      if (count > 1)
        g_error ("%s never saw “%s” %u times", log->who, text, count);
      g_error ("%s never saw “%s”", log->who, text);
    }
}

/* Waits until a line starting with @prefix was seen. */
void
cs_test_log_wait (CsTestLog *log, const char *prefix)
{
  log_wait (log, prefix, FALSE, 1);
}

/* Waits until exactly @line was seen. */
void
cs_test_log_wait_line (CsTestLog *log, const char *line)
{
  log_wait (log, line, TRUE, 1);
}

void
cs_test_log_wait_count (CsTestLog *log, const char *prefix, guint count)
{
  log_wait (log, prefix, FALSE, count);
}

/* Records what @call (a CsMujiCall or CsDirectCall) tells the media engine: "roster a,b",
 * "joined ID NAME", "left ID", "offer ID" or "answer ID" (the SDP kept in last_sdp),
 * "candidate ID INDEX CANDIDATE", "media ID muted=0 camera_off=1". @call must go before @log. */
void
cs_test_log_watch_call (CsTestLog *log, gpointer call)
{
  g_signal_connect (call, "roster", G_CALLBACK (on_call_roster), log);
  g_signal_connect (call, "participant-joined", G_CALLBACK (on_call_joined), log);
  g_signal_connect (call, "participant-left", G_CALLBACK (on_call_left), log);
  g_signal_connect (call, "description", G_CALLBACK (on_call_description), log);
  g_signal_connect (call, "candidate", G_CALLBACK (on_call_candidate), log);
  g_signal_connect (call, "media-state", G_CALLBACK (on_call_media_state), log);
}
