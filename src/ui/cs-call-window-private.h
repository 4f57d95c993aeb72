/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * CsCallWindow's internals, shared by the files that make up the class: cs-call-window.c (the
 * status, the controls, full screen and leaving) and cs-call-window-peers.c (one tile per
 * person in the call, their pictures and the verification codes).
 */

#include "cs-call-window.h"
#include "cs-call-devices.h"
#include "cs-call-grid.h"
#include "cs-call-tile.h"
#include "cs-device-check.h"

G_BEGIN_DECLS

/* The peer id -> paintable table, shared with GStreamer's threads (cs-call-window-peers.c). */
typedef struct _CsCallWindowPaintables CsCallWindowPaintables;

struct _CsCallWindow
{
  AdwApplicationWindow parent_instance;

  CsCall *call;
  CsCallDevices *devices;
  char *status;
  char *self_name;
  gboolean show_self_view;
  CsCallWindowNameFunc name_func;
  gpointer name_data;
  GDestroyNotify name_destroy;

  CsCallWindowPaintables *table;
  CsVideoPaintable *self_paintable;
  GHashTable *bindings; /* char *peer id -> PeerBinding */
  guint duration_id;
  guint controls_timeout_id;
  double pointer_x;
  double pointer_y;

  GtkRevealer *header_revealer;
  AdwWindowTitle *window_title;
  GtkMenuButton *encryption_button;
  GtkGrid *codes_grid;
  GtkLabel *absent_label;
  GtkLabel *device_note;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkOverlay *overlay;
  AdwStatusPage *status_page;
  GtkSpinner *spinner;
  GtkWidget *close_button;
  CsCallGrid *grid;
  CsCallTile *self_tile;
  GtkRevealer *controls_revealer;
  GtkWidget *controls;
  GtkWidget *microphone_button;
  GtkWidget *camera_button;
  GtkWidget *share_button;
  GtkWidget *devices_button;
  CsDeviceCheck *devices_check;
  GtkWidget *self_view_button;
  GtkWidget *fullscreen_button;
};

/* cs-call-window.c */
void _cs_call_window_update_status (CsCallWindow *self);

/* cs-call-window-peers.c */
void _cs_call_window_peers_init (CsCallWindow *self);
void _cs_call_window_peers_set_sink_func (CsCallWindow *self);
void _cs_call_window_peers_follow (CsCallWindow *self);
void _cs_call_window_peers_dispose (CsCallWindow *self);
void _cs_call_window_peers_finalize (CsCallWindow *self);

G_END_DECLS
