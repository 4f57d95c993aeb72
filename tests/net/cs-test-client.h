/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-test-server.h"
#include "cs-xmpp-client.h"

G_BEGIN_DECLS

/* How long a network test waits for one thing it expects before it fails. */
#define CS_TEST_TIMEOUT_SECONDS 20

typedef gboolean (*CsTestCheck) (gpointer data);

/* A GAsyncReadyCallback that stores a reference to the result in the GAsyncResult * pointed
 * to by @user_data, for cs_test_wait_result(). */
void cs_test_on_done (GObject *source, GAsyncResult *result, gpointer user_data);

gboolean cs_test_iterate_until (CsTestCheck check, gpointer data, guint timeout_seconds);
void cs_test_wait_until (CsTestCheck check, gpointer data, const char *what);
GAsyncResult *cs_test_wait_result (GAsyncResult **result);
void cs_test_settle (guint ms);

char *cs_test_read_sdp_fixture (const char *name);
int cs_test_run_with_server (CsTestServer **server);

CsXmppClient *cs_test_client_new (CsTestServer *server, const char *local);
gboolean cs_test_client_sign_in (CsXmppClient *client,
                                 const char *password,
                                 gboolean register_first,
                                 GError **error);
CsXmppClient *cs_test_client_new_registered (CsTestServer *server, const char *local);
gboolean cs_test_client_wait_muc_service (CsXmppClient *client);

/* What one participant of a test saw, one line per event ("joined bob Bob", "offer bob"). */
typedef struct
{
  char *who;
  GPtrArray *lines;
  /* The SDP of the last description a watched call gave (cs_test_log_watch_call()). */
  char *last_sdp;
} CsTestLog;

CsTestLog *cs_test_log_new (const char *who);
void cs_test_log_free (CsTestLog *log);
void cs_test_log_add (CsTestLog *log, char *line);
void cs_test_log_clear (CsTestLog *log);
gboolean cs_test_log_has (CsTestLog *log, const char *prefix);
gboolean cs_test_log_has_line (CsTestLog *log, const char *line);
guint cs_test_log_count (CsTestLog *log, const char *prefix);
void cs_test_log_wait (CsTestLog *log, const char *prefix);
void cs_test_log_wait_line (CsTestLog *log, const char *line);
void cs_test_log_wait_count (CsTestLog *log, const char *prefix, guint count);
void cs_test_log_watch_call (CsTestLog *log, gpointer call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestLog, cs_test_log_free)

G_END_DECLS
