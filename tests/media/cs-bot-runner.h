/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-lab.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One call participant process (normally cousinade-bot) run by a test,
 * whose stdout carries one JSON object per line, such as
 * {"event":"joined","id":"p1","ms":0}. Lines are read on the main context
 * that was the thread's default at spawn, while a test waits with
 * cs_bot_wait_for_event() or cs_bot_wait_exit(). */
#define CS_TYPE_BOT (cs_bot_get_type ())

G_DECLARE_FINAL_TYPE (CsBot, cs_bot, CS, BOT, GObject)

/**
 * cs_bot_spawn:
 * @lab: (nullable): the lab whose namespace runs the bot, or %NULL for none
 * @host: the host index in @lab (or %CS_LAB_SERVERS); ignored without a lab
 * @name: what test messages call the bot, such as "alice"
 * @argv: (array zero-terminated=1): the bot's command line
 * @error: return location for a #GError
 *
 * Starts the bot with its stdout read by the returned object and its stderr
 * going to the test's stderr. It is killed if the calling thread exits, so
 * call this from the test's main thread. Dropping the last reference stops a
 * bot that still runs (SIGTERM, then SIGKILL after 2 s) and waits for it.
 *
 * Returns: (transfer full): the running bot, or %NULL with @error set
 */
CsBot *cs_bot_spawn (CsLab *lab,
                     guint host,
                     const char *name,
                     const char *const *argv,
                     GError **error);

const char *cs_bot_get_name (CsBot *self);
GPid cs_bot_get_pid (CsBot *self);
const char *cs_bot_get_pid_string (CsBot *self);

/* Every JSON object the bot printed so far, oldest first. */
GPtrArray *cs_bot_get_events (CsBot *self);

/**
 * cs_bot_find_event:
 * @self: a bot
 * @event: the "event" member to look for
 * @key: (nullable): a member the event must have too, or %NULL
 * @value: (nullable): the string @key must hold, or %NULL for any value
 *
 * Returns: (transfer none) (nullable): the latest matching event
 */
JsonObject *cs_bot_find_event (CsBot *self, const char *event, const char *key, const char *value);
guint cs_bot_count_events (CsBot *self, const char *event, const char *key, const char *value);

/* Iterates the bot's main context until a matching event has arrived (at
 * once if one already has), the bot's stdout closes, or @timeout_ms pass. */
gboolean cs_bot_wait_for_event (CsBot *self,
                                const char *event,
                                const char *key,
                                const char *value,
                                guint timeout_ms);

/**
 * cs_bot_wait_exit:
 * @self: a bot
 * @timeout_ms: how long to wait
 * @exit_status: (out) (optional): the wait status, as from waitpid(): use
 *   WIFEXITED(), WEXITSTATUS(), WIFSIGNALED() and WTERMSIG() on it
 *
 * Waits for the bot to exit, then up to a second more for its last output
 * lines (a child it left behind may hold its stdout open).
 *
 * Returns: %TRUE when the bot exited within @timeout_ms
 */
gboolean cs_bot_wait_exit (CsBot *self, guint timeout_ms, int *exit_status);

/* Sends @signum to the bot process itself (not to its children). Does
 * nothing once the bot has exited. */
void cs_bot_kill (CsBot *self, int signum);

/* User plus system CPU time the bot used so far, from /proc/<pid>/stat. Once
 * it has exited, the value read when its stdout closed (normally as it
 * exited), or else by a background poll up to a second older. */
double cs_bot_get_cpu_seconds (CsBot *self);

/**
 * cs_bot_spawn_participant:
 * @lab: the lab whose host @host runs the bot
 * @host: the host index in @lab, which names the participant (see cs_bot_participant_id())
 * @bot_path: the cousinade-bot program
 * @hub_path: the socket of the local signalling hub (CsLocalHub) the call goes through
 * @fps: the frame rate the bot sends at
 * @env: (array zero-terminated=1) (nullable): VARIABLE=value settings for the bot, or %NULL
 * @extra: (array zero-terminated=1) (nullable): more arguments for the bot, or %NULL
 * @error: return location for a #GError
 *
 * Starts a call participant of the local hub, "p<host>" named "Participant <host>". It is
 * not held to fatal warnings: what a test checks is what a user sees (pictures, sound and
 * events).
 *
 * Returns: (transfer full): the running bot, or %NULL with @error set
 */
CsBot *cs_bot_spawn_participant (CsLab *lab,
                                 guint host,
                                 const char *bot_path,
                                 const char *hub_path,
                                 int fps,
                                 const char *const *env,
                                 const char *const *extra,
                                 GError **error);

/* The participant id cs_bot_spawn_participant() gives the bot on @host (below 8), "p<host>". */
const char *cs_bot_participant_id (guint host);

G_END_DECLS
