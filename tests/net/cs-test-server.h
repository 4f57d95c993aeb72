/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real Prosody started by a test on 127.0.0.1 (or another address of the
 * calling thread's namespace, such as 10.77.0.254 once the test entered a
 * lab with cs_lab_enter_servers()), with its own temporary directory
 * (configuration, data, a freshly made test CA and certificate, pid and log)
 * and a free port. Nothing is shared with a Prosody the machine may run
 * itself. */
typedef struct _CsTestServer CsTestServer;

typedef struct
{
  gboolean allow_registration;
  /* Where to listen; NULL for 127.0.0.1. */
  const char *address;
  /* When set, the server announces this TURN server through XEP-0215 (external service
   * discovery, Prosody's mod_turn_external), with credentials made from turn_secret the
   * TURN REST API way, as coturn (tests/net/cs-test-turn.h) checks them. */
  const char *turn_host;
  guint16 turn_port;
  const char *turn_secret;
  /* When set, the server makes account invites (XEP-0401) as a deployment would: Prosody's
   * mod_invites, mod_invites_adhoc and mod_invites_register, normal users allowed to invite
   * (allow_user_invites), registration by invitation only unless allow_registration is set.
   * invite_expiry is the invites' lifetime in seconds, 0 for Prosody's default (7 days). */
  gboolean invites;
  guint invite_expiry;
  /* With invites: only administrators may invite new users (allow_user_invites = false). */
  gboolean invites_admins_only;
} CsTestServerOptions;

/**
 * cs_test_server_start:
 * @options: (nullable): how to configure the server; %NULL allows in-band registration
 * @error: return location for a #GError
 *
 * Starts Prosody and returns once it answers a stream header with stream
 * features. Call it from the thread that outlives the server (normally the
 * test's main thread): the server is killed when that thread exits, so an
 * aborted test never leaves it behind.
 *
 * Returns: (transfer full): the running server, or %NULL with @error set
 * (its message includes the end of Prosody's log)
 */
CsTestServer *cs_test_server_start (const CsTestServerOptions *options, GError **error);

const char *cs_test_server_get_domain (CsTestServer *self);
const char *cs_test_server_get_muc_domain (CsTestServer *self);
const char *cs_test_server_get_host (CsTestServer *self);
guint16 cs_test_server_get_port (CsTestServer *self);
const char *cs_test_server_get_ca_file (CsTestServer *self);
const char *cs_test_server_get_dir (CsTestServer *self);
const char *cs_test_server_get_turn_host (CsTestServer *self);
guint16 cs_test_server_get_turn_port (CsTestServer *self);
const char *cs_test_server_get_turn_secret (CsTestServer *self);

/* Creates the account @local@domain as the server's administrator would (prosodyctl), for
 * servers where only invitations let people register. */
gboolean cs_test_server_add_user (CsTestServer *self,
                                  const char *local,
                                  const char *password,
                                  GError **error);

/* Stops the server and keeps its data, certificate and port for a restart. */
gboolean cs_test_server_stop (CsTestServer *self, GError **error);
/* Starts it again (stopping it first if it runs) on the same port, with the same data. */
gboolean cs_test_server_restart (CsTestServer *self, GError **error);
/* Stops the server if it runs and deletes its directory. */
void cs_test_server_free (CsTestServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestServer, cs_test_server_free)

G_END_DECLS
