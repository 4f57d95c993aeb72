/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-schedule-payload"

#include "config.h"

#include "cs-schedule-sync.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Shared schedule payloads (urn:cousinade:schedule:1) as a circle's room relays them from its
 * owner, applied to a real store: nothing crashes, and a stored series' sequence never goes
 * down whatever arrives. The input is a <schedule/> element or a whole <message/>. */

#define ROOM "family@rooms.example.org"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static CsXmppClient *client;
static CsStore *store;
static CsScheduleSync *sync_;
static char *dir;

/* Leaves nothing in the temporary directory, also when the corpus replays as a test. */
static void
cleanup (void)
{
  g_autofree char *db = g_build_filename (dir, "cousinade.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&sync_);
  g_clear_object (&client);
  g_clear_object (&store);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
  g_clear_pointer (&dir, g_free);
}

static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (CsCircle) draft = cs_circle_new ();

  dir = g_dir_make_tmp ("cs-fuzz-schedule-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (cleanup);
  path = g_build_filename (dir, "cousinade.db", NULL);
  store = cs_store_open (path, &error);
  g_assert_no_error (error);
  cs_circle_set_name (draft, "Family");
  cs_circle_set_room_address (draft, ROOM);
  cs_store_save_circle (store, draft, &error);
  g_assert_no_error (error);

  client = cs_xmpp_client_new ("member@example.org");
  sync_ = cs_schedule_sync_new (client, store);
  /* The room said the owner is there, as it does before anything else. */
  g_signal_emit_by_name (client, "occupant-changed", ROOM, "owner", "owner@example.org", "owner",
                         TRUE);
}

static guint
stored_sequence (const char *uid, gboolean *found)
{
  g_autoptr (CsScheduledCall) call = NULL;

  *found = FALSE;
  if (uid == NULL || (call = cs_store_find_scheduled_call_by_uid (store, uid, NULL)) == NULL)
    return 0;
  *found = TRUE;
  return cs_scheduled_call_get_sequence (call);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  xmpp_ctx_t *ctx;
  g_autofree char *text = NULL;
  xmpp_stanza_t *input;
  xmpp_stanza_t *message;
  xmpp_stanza_t *schedule;
  g_autofree char *uid = NULL;
  gboolean found_before, found_after;
  guint before, after;

  if (store == NULL)
    setup ();
  ctx = cs_xmpp_client_get_context (client);

  text = g_strndup ((const char *) data, size);
  input = xmpp_stanza_new_from_string (ctx, text);
  if (input == NULL)
    return 0;

  if (g_strcmp0 (xmpp_stanza_get_name (input), "message") == 0)
    {
      message = input;
    }
  else
    {
      message = xmpp_message_new (ctx, "groupchat", "member@example.org", "fuzz");
      xmpp_stanza_add_child (message, input);
      xmpp_stanza_release (input);
    }
  xmpp_stanza_set_from (message, ROOM "/owner");
  xmpp_stanza_set_type (message, "groupchat");

  schedule = xmpp_stanza_get_child_by_name_and_ns (message, "schedule", CS_SCHEDULE_SYNC_NS);
  if (schedule != NULL)
    uid = g_strdup (xmpp_stanza_get_attribute (schedule, "uid"));
  before = stored_sequence (uid, &found_before);

  g_signal_emit_by_name (client, "stanza-received", message);

  after = stored_sequence (uid, &found_after);
  if (found_before && found_after)
    g_assert_cmpuint (after, >=, before);

  xmpp_stanza_release (message);
  return 0;
}
