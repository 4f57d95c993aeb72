/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-ring-sound"

#include "config.h"

#include "cs-ring-sound.h"

#include <glib/gi18n.h>
#include <gsound.h>

/* The sound theme's ring lasts a few seconds; between two rings, a short silence. */
#define RING_PAUSE_MS 1000
/* With no sound played (tests), a ring counts as this long. */
#define SILENT_RING_MS 2000

struct _CsRingSound
{
  GObject parent_instance;

  GSoundContext *context;
  GCancellable *cancellable;
  guint timeout_id;
  gboolean playing;
  guint plays;
};

G_DEFINE_FINAL_TYPE (CsRingSound, cs_ring_sound, G_TYPE_OBJECT)

static void play_once (CsRingSound *self);

static gboolean
silent (void)
{
  return g_strcmp0 (g_getenv ("COUSINADE_MEDIA"), "test") == 0;
}

static gboolean
on_ring_again (gpointer user_data)
{
  CsRingSound *self = user_data;

  self->timeout_id = 0;
  play_once (self);
  return G_SOURCE_REMOVE;
}

static void
on_played (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CsRingSound *self = user_data;
  g_autoptr (GError) error = NULL;

  /* Stopped (and maybe gone): the cancellation says so before anything else is read. */
  if (!gsound_context_play_full_finish (GSOUND_CONTEXT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("The ring sound did not play: %s", error->message);
    }
  if (self->playing)
    self->timeout_id = g_timeout_add (RING_PAUSE_MS, on_ring_again, self);
}

static void
play_once (CsRingSound *self)
{
  g_autoptr (GError) error = NULL;

  if (!self->playing)
    return;
  self->plays++;

  if (!silent () && self->context == NULL)
    {
      self->context = gsound_context_new (NULL, &error);
      if (self->context == NULL)
        g_debug ("No sound for ringing: %s", error->message);
    }
  if (silent () || self->context == NULL)
    {
      self->timeout_id = g_timeout_add (SILENT_RING_MS, on_ring_again, self);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gsound_context_play_full (self->context, self->cancellable, on_played, self, GSOUND_ATTR_EVENT_ID,
                            "phone-incoming-call", GSOUND_ATTR_EVENT_DESCRIPTION,
                            _ ("Incoming call"), GSOUND_ATTR_MEDIA_ROLE, "event", NULL);
}

static void
cs_ring_sound_dispose (GObject *object)
{
  CsRingSound *self = CS_RING_SOUND (object);

  cs_ring_sound_set_playing (self, FALSE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (cs_ring_sound_parent_class)->dispose (object);
}

static void
cs_ring_sound_class_init (CsRingSoundClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cs_ring_sound_dispose;
}

static void
cs_ring_sound_init (CsRingSound *self)
{
}

CsRingSound *
cs_ring_sound_new (void)
{
  return g_object_new (CS_TYPE_RING_SOUND, NULL);
}

void
cs_ring_sound_set_playing (CsRingSound *self, gboolean playing)
{
  g_return_if_fail (CS_IS_RING_SOUND (self));

  if (self->playing == !!playing)
    return;
  self->playing = !!playing;
  if (self->playing)
    {
      play_once (self);
      return;
    }
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

gboolean
cs_ring_sound_get_playing (CsRingSound *self)
{
  g_return_val_if_fail (CS_IS_RING_SOUND (self), FALSE);

  return self->playing;
}

guint
cs_ring_sound_get_plays (CsRingSound *self)
{
  g_return_val_if_fail (CS_IS_RING_SOUND (self), 0);

  return self->plays;
}
