/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-window"

#include "config.h"

#include "cs-call-window-private.h"

#include <glib/gi18n.h>

/* Above these, a link is called weak. */
#define WEAK_LOSS_PERCENT 5.0
#define WEAK_ROUND_TRIP_MS 400.0

/*
 * The peer id -> paintable table. CsCall asks for sinks on GStreamer's threads while the
 * window adds and drops paintables on the main one, hence the mutex; the call holds a
 * reference of its own (through the sink function's user data) so that a late sink request
 * never reads a freed window.
 */
struct _CsCallWindowPaintables
{
  gatomicrefcount ref_count;
  GMutex mutex;
  GHashTable *paintables; /* char *id -> CsVideoPaintable */
};

static CsCallWindowPaintables *
paintable_table_new (void)
{
  CsCallWindowPaintables *table = g_new0 (CsCallWindowPaintables, 1);

  g_atomic_ref_count_init (&table->ref_count);
  g_mutex_init (&table->mutex);
  table->paintables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  return table;
}

static CsCallWindowPaintables *
paintable_table_ref (CsCallWindowPaintables *table)
{
  g_atomic_ref_count_inc (&table->ref_count);
  return table;
}

static void
paintable_table_unref (CsCallWindowPaintables *table)
{
  if (!g_atomic_ref_count_dec (&table->ref_count))
    return;

  g_mutex_clear (&table->mutex);
  g_hash_table_unref (table->paintables);
  g_free (table);
}

/* One person in the call and the tile that shows them. */
typedef struct
{
  CsCallPeer *peer;
  CsCallTile *tile;
} PeerBinding;

static void
peer_binding_free (PeerBinding *binding)
{
  g_clear_object (&binding->peer);
  g_clear_object (&binding->tile);
  g_free (binding);
}

static GstElement *
make_video_sink (CsCall *call, CsCallPeer *peer, gpointer user_data)
{
  CsCallWindowPaintables *table = user_data;
  g_autoptr (CsVideoPaintable) paintable = NULL;

  g_mutex_lock (&table->mutex);
  paintable = g_hash_table_lookup (table->paintables, cs_call_peer_get_id (peer));
  if (paintable != NULL)
    g_object_ref (paintable);
  g_mutex_unlock (&table->mutex);

  /* Paintables are made on the main thread, when the peer joins the call's list, which
   * happens before its media arrives. */
  if (paintable == NULL)
    {
      g_message ("No picture for %s: it left already", cs_call_peer_get_id (peer));
      return NULL;
    }
  return cs_video_paintable_make_sink (paintable);
}

static char *
dup_peer_name (CsCallWindow *self, CsCallPeer *peer)
{
  char *name = NULL;

  if (self->name_func != NULL)
    name = self->name_func (peer, self->name_data);
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = g_strdup (cs_call_peer_get_display_name (peer));
    }
  return name;
}

static void
update_codes (CsCallWindow *self)
{
  GtkWidget *child;
  GListModel *peers = cs_call_get_peers (self->call);
  guint n = g_list_model_get_n_items (peers);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->codes_grid))) != NULL)
    gtk_grid_remove (self->codes_grid, child);

  if (n == 0)
    {
      GtkWidget *label = gtk_label_new (_ ("Nobody else is in the call yet."));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->codes_grid, label, 0, 0, 2, 1);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (peers, i);
      g_autofree char *name = dup_peer_name (self, peer);
      const char *code = cs_call_peer_get_verification_code (peer);
      GtkWidget *name_label = gtk_label_new (name);
      GtkWidget *code_label = gtk_label_new (code != NULL ? code : "…");

      gtk_label_set_xalign (GTK_LABEL (name_label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (name_label), 20);
      gtk_widget_set_hexpand (name_label, TRUE);
      gtk_label_set_xalign (GTK_LABEL (code_label), 1);
      gtk_label_set_selectable (GTK_LABEL (code_label), FALSE);
      gtk_widget_add_css_class (code_label, "cs-verification-code");
      gtk_widget_add_css_class (code_label, "numeric");
      gtk_grid_attach (self->codes_grid, name_label, 0, (int) i, 1, 1);
      gtk_grid_attach (self->codes_grid, code_label, 1, (int) i, 1, 1);
    }
}

static CsCallTileLink
link_of (CsCallPeer *peer, const CsCallStatsValues *values)
{
  if (cs_call_peer_get_state (peer) == CS_CALL_PEER_STATE_LOST)
    return CS_CALL_TILE_LINK_RECONNECTING;
  if (values != NULL && (MAX (values->loss_sent, values->loss_received) * 100 > WEAK_LOSS_PERCENT ||
                         values->rtt_ms > WEAK_ROUND_TRIP_MS))
    return CS_CALL_TILE_LINK_WEAK;
  return CS_CALL_TILE_LINK_GOOD;
}

static void
update_tile_link (PeerBinding *binding)
{
  CsCallStats *stats = cs_call_peer_get_stats (binding->peer);
  const CsCallStatsValues *values = stats != NULL ? cs_call_stats_get_values (stats) : NULL;

  if (values == NULL)
    cs_call_tile_set_link (binding->tile, link_of (binding->peer, NULL), -1, -1, 0, FALSE);
  else
    cs_call_tile_set_link (binding->tile, link_of (binding->peer, values), values->rtt_ms,
                           MAX (values->loss_sent, values->loss_received) * 100,
                           (guint) (values->receive_kbps + 0.5),
                           values->candidate_type == CS_CANDIDATE_TYPE_RELAY);
}

static void
on_peer_notify (CsCallPeer *peer, GParamSpec *pspec, CsCallWindow *self)
{
  PeerBinding *binding = g_hash_table_lookup (self->bindings, cs_call_peer_get_id (peer));
  const char *name = g_param_spec_get_name (pspec);

  if (binding == NULL)
    return;

  if (g_str_equal (name, "speaking"))
    cs_call_tile_set_speaking (binding->tile, cs_call_peer_get_speaking (peer));
  else if (g_str_equal (name, "muted"))
    cs_call_tile_set_muted (binding->tile, cs_call_peer_get_muted (peer));
  else if (g_str_equal (name, "camera-off"))
    cs_call_tile_set_camera_off (binding->tile, cs_call_peer_get_camera_off (peer));
  else if (g_str_equal (name, "state") || g_str_equal (name, "stats"))
    update_tile_link (binding);
  else if (g_str_equal (name, "verification-code"))
    update_codes (self);
}

static void
bind_peer (CsCallWindow *self, CsCallPeer *peer)
{
  PeerBinding *binding = g_new0 (PeerBinding, 1);
  const char *id = cs_call_peer_get_id (peer);
  g_autofree char *name = dup_peer_name (self, peer);
  static const char *const details[] = {
    "notify::speaking", "notify::muted", "notify::camera-off",
    "notify::state",    "notify::stats", "notify::verification-code",
  };

  binding->peer = g_object_ref (peer);
  binding->tile = g_object_ref_sink (cs_call_tile_new ());
  cs_call_tile_set_name (binding->tile, name);
  cs_call_tile_set_paintable (binding->tile,
                              GDK_PAINTABLE (cs_call_window_get_paintable (self, id)));
  cs_call_tile_set_muted (binding->tile, cs_call_peer_get_muted (peer));
  cs_call_tile_set_camera_off (binding->tile, cs_call_peer_get_camera_off (peer));
  cs_call_tile_set_speaking (binding->tile, cs_call_peer_get_speaking (peer));
  update_tile_link (binding);
  for (guint i = 0; i < G_N_ELEMENTS (details); i++)
    g_signal_connect_object (peer, details[i], G_CALLBACK (on_peer_notify), self, 0);

  cs_call_grid_add (self->grid, GTK_WIDGET (binding->tile));
  g_hash_table_insert (self->bindings, g_strdup (id), binding);
}

static void
unbind_peer (CsCallWindow *self, PeerBinding *binding)
{
  const char *id = cs_call_peer_get_id (binding->peer);

  g_signal_handlers_disconnect_by_func (binding->peer, on_peer_notify, self);
  cs_call_grid_remove (self->grid, GTK_WIDGET (binding->tile));
  g_mutex_lock (&self->table->mutex);
  g_hash_table_remove (self->table->paintables, id);
  g_mutex_unlock (&self->table->mutex);
}

static void
on_peers_changed (GListModel *peers, guint position, guint removed, guint added, CsCallWindow *self)
{
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (peers);
  GHashTableIter iter;
  gpointer value;

  /* Reconciled as a whole: simpler than tracking positions, and a call has few people. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CsCallPeer) peer = g_list_model_get_item (peers, i);

      g_hash_table_add (present, (gpointer) cs_call_peer_get_id (peer));
      if (!g_hash_table_contains (self->bindings, cs_call_peer_get_id (peer)))
        bind_peer (self, peer);
    }

  g_hash_table_iter_init (&iter, self->bindings);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PeerBinding *binding = value;

      if (g_hash_table_contains (present, cs_call_peer_get_id (binding->peer)))
        continue;
      unbind_peer (self, binding);
      g_hash_table_iter_remove (&iter);
    }

  update_codes (self);
  _cs_call_window_update_status (self);
}

void
_cs_call_window_peers_init (CsCallWindow *self)
{
  self->table = paintable_table_new ();
  self->bindings =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) peer_binding_free);
}

/* The call keeps its own reference to the table: sinks asked for on GStreamer's threads never
 * find it freed, whenever the window goes. */
void
_cs_call_window_peers_set_sink_func (CsCallWindow *self)
{
  cs_call_set_video_sink_func (self->call, make_video_sink, paintable_table_ref (self->table),
                               (GDestroyNotify) paintable_table_unref);
}

void
_cs_call_window_peers_follow (CsCallWindow *self)
{
  GListModel *peers = cs_call_get_peers (self->call);

  g_signal_connect_object (peers, "items-changed", G_CALLBACK (on_peers_changed), self, 0);
  on_peers_changed (peers, 0, 0, g_list_model_get_n_items (peers), self);
}

void
_cs_call_window_peers_dispose (CsCallWindow *self)
{
  if (self->call != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_signal_handlers_disconnect_by_data (cs_call_get_peers (self->call), self);
      g_hash_table_iter_init (&iter, self->bindings);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_signal_handlers_disconnect_by_data (((PeerBinding *) value)->peer, self);
    }
  g_clear_pointer (&self->bindings, g_hash_table_unref);
}

void
_cs_call_window_peers_finalize (CsCallWindow *self)
{
  g_clear_pointer (&self->table, paintable_table_unref);
}

void
cs_call_window_set_name_func (CsCallWindow *self,
                              CsCallWindowNameFunc func,
                              gpointer user_data,
                              GDestroyNotify destroy)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (CS_IS_CALL_WINDOW (self));

  if (self->name_destroy != NULL)
    g_clear_pointer (&self->name_data, self->name_destroy);
  self->name_func = func;
  self->name_data = user_data;
  self->name_destroy = destroy;

  g_hash_table_iter_init (&iter, self->bindings);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PeerBinding *binding = value;
      g_autofree char *name = dup_peer_name (self, binding->peer);

      cs_call_tile_set_name (binding->tile, name);
    }
  update_codes (self);
}

GtkWidget *
cs_call_window_get_tile (CsCallWindow *self, const char *peer_id)
{
  PeerBinding *binding;

  g_return_val_if_fail (CS_IS_CALL_WINDOW (self), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  binding = g_hash_table_lookup (self->bindings, peer_id);
  return binding != NULL ? GTK_WIDGET (binding->tile) : NULL;
}

CsVideoPaintable *
cs_call_window_get_paintable (CsCallWindow *self, const char *peer_id)
{
  CsVideoPaintable *paintable;

  g_return_val_if_fail (CS_IS_CALL_WINDOW (self), NULL);
  g_return_val_if_fail (peer_id != NULL, NULL);

  g_mutex_lock (&self->table->mutex);
  paintable = g_hash_table_lookup (self->table->paintables, peer_id);
  if (paintable == NULL)
    {
      paintable = cs_video_paintable_new ();
      g_hash_table_insert (self->table->paintables, g_strdup (peer_id), paintable);
    }
  g_mutex_unlock (&self->table->mutex);
  return paintable;
}
