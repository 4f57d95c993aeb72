/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real coturn started by a test, with its own temporary directory
 * (configuration, database, pid and log), listening on one address only,
 * UDP and TCP, without TLS or CLI. Clients authenticate the TURN REST API
 * way, with credentials made from a shared secret, as Prosody's
 * mod_turn_external hands them out (see cs_test_turn_make_credentials()). */
typedef struct _CsTestTurn CsTestTurn;

typedef struct
{
  /* Where to listen and relay; NULL for 127.0.0.1. Another address must be
   * the calling thread's, e.g. 10.77.0.254 after cs_lab_enter_servers(). */
  const char *address;
  /* 0 for a free port. */
  guint16 port;
  /* NULL for a random one. */
  const char *secret;
  /* NULL for "cousinade.test". */
  const char *realm;
  /* Relay ports; 0 and 0 for 50000–50199. */
  guint16 min_relay_port;
  guint16 max_relay_port;
} CsTestTurnOptions;

/**
 * cs_test_turn_start:
 * @options: (nullable): how to configure the server; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Starts coturn and returns once it answers a STUN binding request. Call it
 * from the thread that outlives the server (normally the test's main
 * thread): the server is killed when that thread exits.
 *
 * Returns: (transfer full): the running server, or %NULL with @error set
 * (its message includes the end of coturn's log)
 */
CsTestTurn *cs_test_turn_start (const CsTestTurnOptions *options, GError **error);

const char *cs_test_turn_get_address (CsTestTurn *self);
guint16 cs_test_turn_get_port (CsTestTurn *self);
const char *cs_test_turn_get_secret (CsTestTurn *self);
const char *cs_test_turn_get_realm (CsTestTurn *self);
const char *cs_test_turn_get_dir (CsTestTurn *self);
const char *cs_test_turn_get_log_file (CsTestTurn *self);

/* TURN REST API credentials for @name valid until @expiry (seconds since the
 * epoch): username "<expiry>:<name>", password base64(HMAC-SHA1(@secret, username)). */
void cs_test_turn_make_credentials (const char *secret,
                                    const char *name,
                                    gint64 expiry,
                                    char **username,
                                    char **password);

/* Stops the server and deletes its directory. */
void cs_test_turn_free (CsTestTurn *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsTestTurn, cs_test_turn_free)

G_END_DECLS
