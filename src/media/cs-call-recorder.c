/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-recorder"

#include "config.h"

#include "cs-call-recorder.h"

struct _CsCallRecorder
{
  GObject parent_instance;

  CsStore *store;
  CsCall *call;
  char *call_id;
  gint64 circle_id;
  CsCallRecorderResolveFunc resolve;
  gpointer user_data;
  GDestroyNotify destroy;

  GDateTime *started;
  gint64 started_monotonic;
  gboolean someone_came;
  GArray *contacts;
  gint64 entry;
};

G_DEFINE_FINAL_TYPE (CsCallRecorder, cs_call_recorder, G_TYPE_OBJECT)

static void
write_entry (CsCallRecorder *self)
{
  g_autoptr (GError) error = NULL;
  guint seconds;

  /* Only a call that happened: joined, and someone else was there. */
  if (self->started == NULL || !self->someone_came || self->entry != 0)
    return;

  seconds = (guint) ((g_get_monotonic_time () - self->started_monotonic) / G_USEC_PER_SEC);
  self->entry =
    cs_store_record_call (self->store, self->call_id, self->circle_id, self->started, seconds,
                          (const gint64 *) self->contacts->data, self->contacts->len, &error);
  if (self->entry == 0)
    g_warning ("The call could not be written to the history: %s", error->message);
}

static void
on_state (CsCall *call, GParamSpec *pspec, CsCallRecorder *self)
{
  switch (cs_call_get_state (call))
    {
    case CS_CALL_STATE_IN_CALL:
      if (self->started == NULL)
        {
          self->started = g_date_time_new_now_utc ();
          self->started_monotonic = g_get_monotonic_time ();
        }
      break;

    case CS_CALL_STATE_LEFT:
    case CS_CALL_STATE_FAILED:
      write_entry (self);
      break;

    case CS_CALL_STATE_IDLE:
    case CS_CALL_STATE_JOINING:
    default:
      break;
    }
}

static void
on_peer_added (CsCall *call, CsCallPeer *peer, CsCallRecorder *self)
{
  gint64 contact = self->resolve != NULL ? self->resolve (peer, self->user_data) : 0;

  self->someone_came = TRUE;
  if (contact <= 0)
    return;
  for (guint i = 0; i < self->contacts->len; i++)
    if (g_array_index (self->contacts, gint64, i) == contact)
      return;
  g_array_append_val (self->contacts, contact);
}

static void
cs_call_recorder_dispose (GObject *object)
{
  CsCallRecorder *self = CS_CALL_RECORDER (object);

  /* A call dropped without leaving (the app closing, say) still counts. */
  if (self->call != NULL)
    {
      write_entry (self);
      g_signal_handlers_disconnect_by_data (self->call, self);
    }
  g_clear_object (&self->call);
  g_clear_object (&self->store);
  if (self->destroy != NULL)
    g_clear_pointer (&self->user_data, self->destroy);

  G_OBJECT_CLASS (cs_call_recorder_parent_class)->dispose (object);
}

static void
cs_call_recorder_finalize (GObject *object)
{
  CsCallRecorder *self = CS_CALL_RECORDER (object);

  g_free (self->call_id);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_array_unref (self->contacts);

  G_OBJECT_CLASS (cs_call_recorder_parent_class)->finalize (object);
}

static void
cs_call_recorder_class_init (CsCallRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_call_recorder_dispose;
  object_class->finalize = cs_call_recorder_finalize;
}

static void
cs_call_recorder_init (CsCallRecorder *self)
{
  self->contacts = g_array_new (FALSE, FALSE, sizeof (gint64));
}

CsCallRecorder *
cs_call_recorder_new (CsStore *store,
                      CsCall *call,
                      const char *call_id,
                      gint64 circle_id,
                      CsCallRecorderResolveFunc resolve,
                      gpointer user_data,
                      GDestroyNotify destroy)
{
  CsCallRecorder *self;

  g_return_val_if_fail (CS_IS_STORE (store), NULL);
  g_return_val_if_fail (CS_IS_CALL (call), NULL);
  g_return_val_if_fail (call_id != NULL, NULL);

  self = g_object_new (CS_TYPE_CALL_RECORDER, NULL);
  self->store = g_object_ref (store);
  self->call = g_object_ref (call);
  self->call_id = g_strdup (call_id);
  self->circle_id = circle_id;
  self->resolve = resolve;
  self->user_data = user_data;
  self->destroy = destroy;
  g_signal_connect (call, "notify::state", G_CALLBACK (on_state), self);
  g_signal_connect (call, "peer-added", G_CALLBACK (on_peer_added), self);
  return self;
}

gint64
cs_call_recorder_get_entry (CsCallRecorder *self)
{
  g_return_val_if_fail (CS_IS_CALL_RECORDER (self), 0);

  return self->entry;
}
