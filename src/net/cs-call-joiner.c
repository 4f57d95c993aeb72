/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-joiner"

#include "config.h"

#include "cs-call-joiner.h"

#include <glib/gi18n-lib.h>

#include <string.h>

/* The room's history follows our entry in a burst: deciding before it is in could miss the
 * call going on. */
#define HISTORY_SETTLE_MS 1000
/* How long our announcement may take to come back from the room. */
#define ECHO_TIMEOUT_SECONDS 10
/* How long a call just announced by someone else may stay without anyone in it. */
#define ACCEPT_TIMEOUT_SECONDS 10

struct _CsCallJoiner
{
  GObject parent_instance;

  CsXmppClient *client;
  CsCallInvites *invites;
  char *circle_room;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CsCallJoiner, cs_call_joiner, G_TYPE_OBJECT)

typedef struct
{
  char *call_room;
  char *invite_id;
  gboolean created;
} Choice;

typedef struct
{
  GCancellable *own_cancellable;
  gulong own_cancelled_id;
  gulong caller_cancelled_id;
  guint settle_id;
  guint timeout_id;
  gulong invite_id;
  gulong participants_id;
  gulong retracted_id;
  /* The call announced by someone else that we wait for someone to accept. */
  char *waiting_for;
  char *waiting_room;
  /* Set once our announcement is sent. */
  char *sent_id;
  char *call_room;
  /* The last invite we knew of when we decided to announce a call. */
  guint64 decided_at;
} Run;

static void
choice_free (gpointer data)
{
  Choice *choice = data;

  g_free (choice->call_room);
  g_free (choice->invite_id);
  g_free (choice);
}

static void
run_free (gpointer data)
{
  Run *run = data;

  g_assert (run->settle_id == 0 && run->timeout_id == 0 && run->invite_id == 0);
  g_assert (run->participants_id == 0 && run->retracted_id == 0);
  g_clear_object (&run->own_cancellable);
  g_free (run->waiting_for);
  g_free (run->waiting_room);
  g_free (run->sent_id);
  g_free (run->call_room);
  g_free (run);
}

/* Stops everything the run waits for, so that it completes exactly once. */
static void
run_stop (GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  g_clear_handle_id (&run->settle_id, g_source_remove);
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_clear_signal_handler (&run->invite_id, self->invites);
  g_clear_signal_handler (&run->participants_id, self->invites);
  g_clear_signal_handler (&run->retracted_id, self->invites);
  /* g_cancellable_disconnect() would wait for a handler running in this very emission. */
  if (run->own_cancelled_id != 0)
    g_signal_handler_disconnect (run->own_cancellable, run->own_cancelled_id);
  run->own_cancelled_id = 0;
  if (cancellable != NULL && run->caller_cancelled_id != 0)
    g_signal_handler_disconnect (cancellable, run->caller_cancelled_id);
  run->caller_cancelled_id = 0;
}

static void
run_return (GTask *task, const char *call_room, const char *invite_id, gboolean created)
{
  Choice *choice = g_new0 (Choice, 1);

  choice->call_room = g_strdup (call_room);
  choice->invite_id = g_strdup (invite_id);
  choice->created = created;
  run_stop (task);
  g_task_return_pointer (task, choice, choice_free);
  g_object_unref (task);
}

static void
run_fail (GTask *task, GError *error)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  run_stop (task);
  /* An announcement that may still come back must not draw anyone in: withdrawn by the id it
   * was sent with, which Cousinade knows it by (it is also its call-message:1 id). */
  if (run->sent_id != NULL)
    cs_call_invites_retract (self->invites, self->circle_room, run->sent_id);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
on_cancelled (GCancellable *cancellable, GTask *task)
{
  run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                       _ ("Joining the call was stopped.")));
}

static gboolean
on_nobody_in_call (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->timeout_id = 0;
  run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       _ ("The person who started the call has not joined it "
                                          "yet. Try again in a moment.")));
  return G_SOURCE_REMOVE;
}

static void decide (GTask *task);

static void
stop_waiting (GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_clear_signal_handler (&run->participants_id, self->invites);
  g_clear_signal_handler (&run->retracted_id, self->invites);
  g_clear_pointer (&run->waiting_for, g_free);
  g_clear_pointer (&run->waiting_room, g_free);
}

static void
on_waited_call_retracted (CsCallInvites *invites,
                          const char *circle_room,
                          const char *invite_id,
                          GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (g_strcmp0 (circle_room, self->circle_room) != 0 ||
      g_strcmp0 (invite_id, run->waiting_for) != 0)
    return;
  stop_waiting (task);
  decide (task);
}

static void
on_waited_call_changed (CsCallInvites *invites,
                        const char *circle_room,
                        const char *invite_id,
                        GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autofree char *id = NULL;
  g_autofree char *room = NULL;

  if (g_strcmp0 (circle_room, self->circle_room) != 0 ||
      g_strcmp0 (invite_id, run->waiting_for) != 0)
    return;

  id = g_strdup (run->waiting_for);
  room = g_strdup (run->waiting_room);
  stop_waiting (task);
  if (cs_call_invites_count_present (invites, circle_room, id) > 0)
    run_return (task, room, id, FALSE);
  else
    decide (task); /* its only participant left already: look again */
}

/* A call announced by someone else: the room it names may not be ready before its author is
 * in it, which the author's <accept/> says. */
static void
take_call (GTask *task, const char *invite_id, const char *call_room)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (cs_call_invites_count_present (self->invites, self->circle_room, invite_id) > 0)
    {
      run_return (task, call_room, invite_id, FALSE);
      return;
    }

  run->waiting_for = g_strdup (invite_id);
  run->waiting_room = g_strdup (call_room);
  run->participants_id = g_signal_connect (self->invites, "participants-changed",
                                           G_CALLBACK (on_waited_call_changed), task);
  run->retracted_id =
    g_signal_connect (self->invites, "retracted", G_CALLBACK (on_waited_call_retracted), task);
  run->timeout_id = g_timeout_add_seconds (ACCEPT_TIMEOUT_SECONDS, on_nobody_in_call, task);
}

static gboolean
on_echo_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->timeout_id = 0;
  run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                       _ ("The circle’s room did not answer, so the call could "
                                          "not start. Check your connection and try again.")));
  return G_SOURCE_REMOVE;
}

static void
on_invite (CsCallInvites *invites,
           const char *circle_room,
           const char *invite_id,
           const char *from_nick,
           const char *call_room,
           gboolean video,
           gboolean live,
           GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  const char *ours;
  const char *earlier;
  const char *earlier_room = NULL;
  g_autofree char *ours_copy = NULL;

  if (g_strcmp0 (circle_room, self->circle_room) != 0)
    return;
  ours = cs_call_invites_find_posted (invites, self->circle_room, run->sent_id, NULL);
  if (ours == NULL)
    return;

  /* Someone else announced a call at the same moment and the room relayed theirs first:
   * everyone takes that one, so ours is withdrawn. */
  earlier =
    cs_call_invites_find_earlier (invites, self->circle_room, ours, run->decided_at, &earlier_room);
  if (earlier != NULL)
    {
      g_autofree char *earlier_copy = g_strdup (earlier);
      g_autofree char *earlier_room_copy = g_strdup (earlier_room);

      g_debug ("Our call %s came after %s: taking that one", run->call_room, earlier_room);
      ours_copy = g_strdup (ours);
      g_clear_pointer (&run->sent_id, g_free);
      g_clear_handle_id (&run->timeout_id, g_source_remove);
      g_clear_signal_handler (&run->invite_id, self->invites);
      cs_call_invites_retract (invites, self->circle_room, ours_copy);
      take_call (task, earlier_copy, earlier_room_copy);
      return;
    }

  ours_copy = g_strdup (ours);
  g_clear_pointer (&run->sent_id, g_free);
  run_return (task, run->call_room, ours_copy, TRUE);
}

static char *
new_call_room (CsCallJoiner *self)
{
  const char *service = cs_xmpp_client_get_muc_service (self->client);
  g_autofree char *uuid = g_uuid_string_random ();

  /* Our own server's service lets us create rooms; the circle's may not (another server's). */
  if (service == NULL)
    service = strchr (self->circle_room, '@') + 1;
  uuid[8] = '\0';
  return g_strdup_printf ("call-%s@%s", uuid, service);
}

static void
decide (GTask *task)
{
  CsCallJoiner *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  const char *call_room = NULL;
  const char *invite_id;

  invite_id = cs_call_invites_find_going_on (self->invites, self->circle_room, &call_room);
  if (invite_id != NULL)
    {
      g_autofree char *id = g_strdup (invite_id);
      g_autofree char *room = g_strdup (call_room);

      take_call (task, id, room);
      return;
    }

  run->decided_at = cs_call_invites_get_position (self->invites);
  g_free (run->call_room);
  run->call_room = new_call_room (self);
  run->invite_id = g_signal_connect (self->invites, "invite", G_CALLBACK (on_invite), task);
  run->timeout_id = g_timeout_add_seconds (ECHO_TIMEOUT_SECONDS, on_echo_timeout, task);
  run->sent_id =
    cs_call_invites_post_with_id (self->invites, self->circle_room, run->call_room, TRUE);
}

static gboolean
on_history_settled (gpointer user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);

  run->settle_id = 0;
  decide (task);
  return G_SOURCE_REMOVE;
}

static void
cs_call_joiner_dispose (GObject *object)
{
  CsCallJoiner *self = CS_CALL_JOINER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->invites);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cs_call_joiner_parent_class)->dispose (object);
}

static void
cs_call_joiner_finalize (GObject *object)
{
  CsCallJoiner *self = CS_CALL_JOINER (object);

  g_clear_object (&self->cancellable);
  g_free (self->circle_room);

  G_OBJECT_CLASS (cs_call_joiner_parent_class)->finalize (object);
}

static void
cs_call_joiner_class_init (CsCallJoinerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_call_joiner_dispose;
  object_class->finalize = cs_call_joiner_finalize;
}

static void
cs_call_joiner_init (CsCallJoiner *self)
{
  self->cancellable = g_cancellable_new ();
}

CsCallJoiner *
cs_call_joiner_new (CsXmppClient *client, CsCallInvites *invites, const char *circle_room)
{
  CsCallJoiner *self;

  g_return_val_if_fail (CS_IS_XMPP_CLIENT (client), NULL);
  g_return_val_if_fail (CS_IS_CALL_INVITES (invites), NULL);
  g_return_val_if_fail (circle_room != NULL && strchr (circle_room, '@') != NULL, NULL);

  self = g_object_new (CS_TYPE_CALL_JOINER, NULL);
  self->client = g_object_ref (client);
  self->invites = g_object_ref (invites);
  self->circle_room = g_strdup (circle_room);
  return self;
}

void
cs_call_joiner_run_async (CsCallJoiner *self,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task;
  Run *run;
  gint64 since;
  gint64 settle_us;

  g_return_if_fail (CS_IS_CALL_JOINER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cs_call_joiner_run_async);
  /* Our own message says it was stopped, not GLib's. */
  g_task_set_check_cancellable (task, FALSE);
  run = g_new0 (Run, 1);
  g_task_set_task_data (task, run, run_free);

  if (g_cancellable_is_cancelled (cancellable) || g_cancellable_is_cancelled (self->cancellable))
    {
      run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _ ("Joining the call was stopped.")));
      return;
    }
  if (cs_xmpp_client_get_state (self->client) != CS_XMPP_STATE_ONLINE)
    {
      run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                                           _ ("You are not connected. Check your internet "
                                              "connection, then try again.")));
      return;
    }
  if (!cs_call_invites_is_in_room (self->invites, self->circle_room))
    {
      run_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                           _ ("You are not connected to the circle’s room yet. "
                                              "Try again in a moment.")));
      return;
    }

  run->own_cancellable = g_object_ref (self->cancellable);
  run->own_cancelled_id =
    g_signal_connect (run->own_cancellable, "cancelled", G_CALLBACK (on_cancelled), task);
  if (cancellable != NULL)
    run->caller_cancelled_id =
      g_signal_connect (cancellable, "cancelled", G_CALLBACK (on_cancelled), task);

  since = cs_call_invites_get_in_room_since (self->invites, self->circle_room);
  settle_us = since + HISTORY_SETTLE_MS * 1000 - g_get_monotonic_time ();
  if (settle_us > 0)
    run->settle_id = g_timeout_add (settle_us / 1000 + 1, on_history_settled, task);
  else
    decide (task);
}

char *
cs_call_joiner_run_finish (CsCallJoiner *self,
                           GAsyncResult *result,
                           char **invite_id,
                           gboolean *created,
                           GError **error)
{
  Choice *choice;
  char *call_room;

  g_return_val_if_fail (CS_IS_CALL_JOINER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cs_call_joiner_run_async, NULL);

  choice = g_task_propagate_pointer (G_TASK (result), error);
  if (choice == NULL)
    return NULL;

  if (invite_id != NULL)
    *invite_id = g_steal_pointer (&choice->invite_id);
  if (created != NULL)
    *created = choice->created;
  call_room = g_steal_pointer (&choice->call_room);
  choice_free (choice);
  return call_room;
}

const char *
cs_call_joiner_get_circle_room (CsCallJoiner *self)
{
  g_return_val_if_fail (CS_IS_CALL_JOINER (self), NULL);

  return self->circle_room;
}
