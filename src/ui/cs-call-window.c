/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-window"

#include "config.h"

#include "cs-call-window.h"
#include "cs-call-window-private.h"

#include <glib/gi18n.h>

/* Full screen: the controls go away after this long without input. */
#define CONTROLS_TIMEOUT_SECONDS 3
/* The self view's distance from the stage's edges when it floats over the status page. */
#define SELF_VIEW_MARGIN 12

G_DEFINE_FINAL_TYPE (CsCallWindow, cs_call_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_MUTED,
  PROP_CAMERA_OFF,
  PROP_SHOW_SELF_VIEW,
  PROP_SHARING_SCREEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * Over the status page, the self view floats in the stage's corner: there is nobody else to
 * hide. With people in the call it belongs to the grid, which gives it a corner where it covers
 * nobody's face, however narrow the window.
 */
static void
place_self_view (CsCallWindow *self, gboolean in_grid)
{
  GtkWidget *self_view = GTK_WIDGET (self->self_tile);
  gboolean is_in_grid = gtk_widget_get_parent (self_view) == GTK_WIDGET (self->grid);
  int margin = in_grid ? 0 : SELF_VIEW_MARGIN;

  if (in_grid != is_in_grid)
    {
      g_object_ref (self_view);
      if (is_in_grid)
        cs_call_grid_set_self_view (self->grid, NULL);
      else
        gtk_overlay_remove_overlay (self->overlay, self_view);
      if (in_grid)
        cs_call_grid_set_self_view (self->grid, self_view);
      else
        gtk_overlay_add_overlay (self->overlay, self_view);
      g_object_unref (self_view);
    }
  /* In the grid, tiles and the self view are apart by the grid's spacing. */
  gtk_widget_set_margin_end (self_view, margin);
  gtk_widget_set_margin_bottom (self_view, margin);
}

void
_cs_call_window_update_status (CsCallWindow *self)
{
  CsCallState state = cs_call_get_state (self->call);
  guint n_peers = g_list_model_get_n_items (cs_call_get_peers (self->call));
  const char *title = NULL;
  const char *description = NULL;
  const char *icon_name = "call-start-symbolic";
  gboolean waiting = FALSE;
  gboolean ended = FALSE;

  switch (state)
    {
    case CS_CALL_STATE_IDLE:
    case CS_CALL_STATE_JOINING:
      title = self->status != NULL ? self->status : _ ("Connecting…");
      waiting = TRUE;
      break;
    case CS_CALL_STATE_IN_CALL:
      title = _ ("Waiting for the others to join");
      description = _ ("They will appear here as soon as they arrive.");
      icon_name = "system-users-symbolic";
      break;
    case CS_CALL_STATE_FAILED:
      {
        const GError *error = cs_call_get_error (self->call);

        title = _ ("The call stopped");
        description = error != NULL ? error->message : NULL;
        icon_name = "call-stop-symbolic";
        ended = TRUE;
      }
      break;
    case CS_CALL_STATE_LEFT:
    default:
      title = _ ("The call has ended");
      icon_name = "call-stop-symbolic";
      ended = TRUE;
      break;
    }

  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, description);
  adw_status_page_set_icon_name (self->status_page, icon_name);
  gtk_spinner_set_spinning (self->spinner, waiting);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), waiting);
  gtk_widget_set_visible (self->close_button, ended);
  gtk_stack_set_visible_child_name (self->stack, state == CS_CALL_STATE_IN_CALL && n_peers > 0
                                                   ? "grid"
                                                   : "status");
  place_self_view (self, state == CS_CALL_STATE_IN_CALL && n_peers > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->self_tile), self->show_self_view && !ended);
  gtk_widget_set_sensitive (self->controls, !ended);
  gtk_widget_set_visible (GTK_WIDGET (self->encryption_button), !ended);
}

static gboolean
on_duration_tick (gpointer user_data)
{
  CsCallWindow *self = CS_CALL_WINDOW (user_data);
  gint64 join_time = cs_call_get_join_time (self->call);
  guint seconds =
    join_time > 0 ? (guint) ((g_get_monotonic_time () - join_time) / G_USEC_PER_SEC) : 0;
  g_autofree char *text = NULL;

  if (seconds >= 3600)
    text = g_strdup_printf ("%u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  else
    text = g_strdup_printf ("%u:%02u", seconds / 60, seconds % 60);
  adw_window_title_set_subtitle (self->window_title, text);
  return G_SOURCE_CONTINUE;
}

static void
on_call_state_changed (CsCall *call, GParamSpec *pspec, CsCallWindow *self)
{
  if (cs_call_get_state (call) == CS_CALL_STATE_IN_CALL)
    {
      if (self->duration_id == 0)
        self->duration_id = g_timeout_add_seconds (1, on_duration_tick, self);
      on_duration_tick (self);
    }
  else
    {
      g_clear_handle_id (&self->duration_id, g_source_remove);
    }
  _cs_call_window_update_status (self);
}

static void
update_controls (CsCallWindow *self)
{
  gboolean muted = cs_call_get_muted (self->call);
  gboolean camera_off = cs_call_get_camera_off (self->call);
  gboolean fullscreen = gtk_window_is_fullscreen (GTK_WINDOW (self));
  gboolean sharing = self->devices != NULL && cs_call_devices_get_sharing_screen (self->devices);

  gtk_button_set_icon_name (GTK_BUTTON (self->microphone_button),
                            muted ? "microphone-disabled-symbolic"
                                  : "microphone-sensitivity-high-symbolic");
  gtk_widget_set_tooltip_text (self->microphone_button,
                               muted ? _ ("Turn my microphone back on (Ctrl+D)")
                                     : _ ("Turn my microphone off (Ctrl+D)"));
  gtk_button_set_icon_name (GTK_BUTTON (self->camera_button),
                            camera_off ? "camera-disabled-symbolic" : "camera-video-symbolic");
  gtk_widget_set_tooltip_text (self->camera_button, camera_off
                                                      ? _ ("Turn my camera back on (Ctrl+E)")
                                                      : _ ("Turn my camera off (Ctrl+E)"));
  gtk_widget_set_tooltip_text (self->self_view_button,
                               self->show_self_view ? _ ("Hide my own picture (Ctrl+Shift+S)")
                                                    : _ ("Show my own picture (Ctrl+Shift+S)"));
  gtk_widget_set_tooltip_text (self->share_button,
                               sharing
                                 ? _ ("Stop sharing my screen: the others see my camera again")
                                 : _ ("Show my screen to the others instead of my camera"));
  /* A screen reads the right way round; only the camera is a mirror. */
  if (self->self_paintable != NULL)
    cs_video_paintable_set_mirrored (self->self_paintable, !sharing);
  gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button),
                            fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->fullscreen_button, fullscreen ? _ ("Leave full screen (F11)")
                                                                   : _ ("Full screen (F11)"));

  /* No camera (none found, or unplugged) shows her initials too, unless her screen is sent. */
  cs_call_tile_set_muted (self->self_tile, muted || !cs_call_get_has_microphone (self->call));
  gtk_widget_set_sensitive (self->microphone_button, cs_call_get_has_microphone (self->call));
  cs_call_tile_set_camera_off (self->self_tile,
                               !sharing && (camera_off || !cs_call_get_has_camera (self->call)));
  gtk_widget_set_sensitive (self->camera_button, sharing || cs_call_get_has_camera (self->call));
}

static void
on_call_muted_changed (CsCall *call, GParamSpec *pspec, CsCallWindow *self)
{
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

static void
on_call_camera_off_changed (CsCall *call, GParamSpec *pspec, CsCallWindow *self)
{
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
}

static void
on_device_chosen (CsDeviceCheck *check, int kind, GstDevice *device, CsCallWindow *self)
{
  if (self->devices != NULL)
    cs_call_devices_choose (self->devices, (CsDeviceKind) kind, device);
}

static void
on_devices_notice (CsCallDevices *devices, const char *message, CsCallWindow *self)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_devices_note_changed (CsCallDevices *devices, GParamSpec *pspec, CsCallWindow *self)
{
  const char *note = cs_call_devices_get_note (devices);

  gtk_label_set_label (self->device_note, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->device_note), note != NULL);
}

/* The menu's choosers show what the call uses: no camera after one was unplugged, say. */
static void
on_devices_in_use_changed (CsCallDevices *devices, GParamSpec *pspec, CsCallWindow *self)
{
  if (cs_device_settings_get_uses_call_defaults (cs_device_settings_get_default ()))
    return;
  cs_device_check_show_in_use (self->devices_check, CS_DEVICE_CAMERA,
                               cs_call_devices_get_device_id (devices, CS_DEVICE_CAMERA));
  cs_device_check_show_in_use (self->devices_check, CS_DEVICE_MICROPHONE,
                               cs_call_devices_get_device_id (devices, CS_DEVICE_MICROPHONE));
  update_controls (self);
}

static void
on_devices_sharing_changed (CsCallDevices *devices, GParamSpec *pspec, CsCallWindow *self)
{
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING_SCREEN]);
}

static void
set_controls_revealed (CsCallWindow *self, gboolean revealed)
{
  gtk_revealer_set_reveal_child (self->header_revealer, revealed);
  gtk_revealer_set_reveal_child (self->controls_revealer, revealed);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), revealed ? NULL : "none");
}

static gboolean
on_controls_timeout (gpointer user_data)
{
  CsCallWindow *self = CS_CALL_WINDOW (user_data);

  self->controls_timeout_id = 0;
  set_controls_revealed (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* Any input brings the controls back; in full screen they go away again after a while. */
static void
show_controls (CsCallWindow *self)
{
  set_controls_revealed (self, TRUE);
  g_clear_handle_id (&self->controls_timeout_id, g_source_remove);
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    self->controls_timeout_id =
      g_timeout_add_seconds (CONTROLS_TIMEOUT_SECONDS, on_controls_timeout, self);
}

static void
on_fullscreened_changed (CsCallWindow *self)
{
  update_controls (self);
  show_controls (self);
}

static void
on_pointer_motion (GtkEventControllerMotion *controller, double x, double y, CsCallWindow *self)
{
  /* Controls sliding in or out move what is under a still pointer: only real moves count. */
  if (G_APPROX_VALUE (x, self->pointer_x, 0.5) && G_APPROX_VALUE (y, self->pointer_y, 0.5))
    return;

  self->pointer_x = x;
  self->pointer_y = y;
  show_controls (self);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint keyval,
                guint keycode,
                GdkModifierType state,
                CsCallWindow *self)
{
  show_controls (self);
  return GDK_EVENT_PROPAGATE;
}

static void
leave_call (CsCallWindow *self)
{
  g_clear_handle_id (&self->duration_id, g_source_remove);
  if (self->call != NULL)
    cs_call_leave (self->call);
}

static gboolean
on_close_request (GtkWindow *window)
{
  leave_call (CS_CALL_WINDOW (window));
  return FALSE;
}

static void
leave_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  leave_call (CS_CALL_WINDOW (widget));
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
cs_call_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsCallWindow *self = CS_CALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      g_value_set_boolean (value, self->call != NULL && cs_call_get_muted (self->call));
      break;
    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->call != NULL && cs_call_get_camera_off (self->call));
      break;
    case PROP_SHOW_SELF_VIEW:
      g_value_set_boolean (value, self->show_self_view);
      break;
    case PROP_SHARING_SCREEN:
      g_value_set_boolean (value, self->devices != NULL &&
                                    cs_call_devices_get_sharing_screen (self->devices));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsCallWindow *self = CS_CALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MUTED:
      /* The call notifies, and on_call_muted_changed() notifies this property. */
      if (self->call != NULL)
        cs_call_set_muted (self->call, g_value_get_boolean (value));
      break;
    case PROP_CAMERA_OFF:
      if (self->call != NULL)
        cs_call_set_camera_off (self->call, g_value_get_boolean (value));
      break;
    case PROP_SHOW_SELF_VIEW:
      if (self->show_self_view == g_value_get_boolean (value))
        break;
      self->show_self_view = g_value_get_boolean (value);
      update_controls (self);
      _cs_call_window_update_status (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SHARING_SCREEN:
      /* The devices object notifies, and on_devices_sharing_changed() notifies this. */
      if (self->devices == NULL)
        break;
      if (g_value_get_boolean (value))
        cs_call_devices_share_screen (self->devices);
      else
        cs_call_devices_stop_screen_share (self->devices);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_call_window_dispose (GObject *object)
{
  CsCallWindow *self = CS_CALL_WINDOW (object);

  g_clear_handle_id (&self->duration_id, g_source_remove);
  g_clear_handle_id (&self->controls_timeout_id, g_source_remove);
  if (self->call != NULL)
    {
      leave_call (self);
      if (self->devices != NULL)
        g_signal_handlers_disconnect_by_data (self->devices, self);
      g_clear_object (&self->devices);
      g_signal_handlers_disconnect_by_data (self->call, self);
    }
  _cs_call_window_peers_dispose (self);
  g_clear_object (&self->call);
  g_clear_object (&self->self_paintable);
  if (self->name_destroy != NULL)
    g_clear_pointer (&self->name_data, self->name_destroy);
  self->name_func = NULL;
  self->name_destroy = NULL;

  G_OBJECT_CLASS (cs_call_window_parent_class)->dispose (object);
}

static void
cs_call_window_finalize (GObject *object)
{
  CsCallWindow *self = CS_CALL_WINDOW (object);

  g_free (self->status);
  g_free (self->self_name);
  _cs_call_window_peers_finalize (self);

  G_OBJECT_CLASS (cs_call_window_parent_class)->finalize (object);
}

static void
cs_call_window_class_init (CsCallWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = cs_call_window_get_property;
  object_class->set_property = cs_call_window_set_property;
  object_class->dispose = cs_call_window_dispose;
  object_class->finalize = cs_call_window_finalize;
  window_class->close_request = on_close_request;

  /* The call's own state, as properties so that they can be stateful actions. */
  properties[PROP_MUTED] = g_param_spec_boolean ("muted", NULL, NULL, FALSE, flags);
  properties[PROP_CAMERA_OFF] = g_param_spec_boolean ("camera-off", NULL, NULL, FALSE, flags);
  properties[PROP_SHOW_SELF_VIEW] =
    g_param_spec_boolean ("show-self-view", NULL, NULL, TRUE, flags);
  properties[PROP_SHARING_SCREEN] =
    g_param_spec_boolean ("sharing-screen", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CS_TYPE_CALL_GRID);
  g_type_ensure (CS_TYPE_CALL_TILE);
  g_type_ensure (CS_TYPE_DEVICE_CHECK);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cousinade/Cousinade/cs-call-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, header_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, encryption_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, codes_grid);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, absent_label);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, device_note);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, close_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, grid);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, self_tile);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, controls_revealer);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, controls);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, microphone_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, camera_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, share_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, devices_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, devices_check);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, self_view_button);
  gtk_widget_class_bind_template_child (widget_class, CsCallWindow, fullscreen_button);

  gtk_widget_class_install_property_action (widget_class, "call.toggle-microphone", "muted");
  gtk_widget_class_install_property_action (widget_class, "call.toggle-camera", "camera-off");
  gtk_widget_class_install_property_action (widget_class, "call.toggle-self-view",
                                            "show-self-view");
  gtk_widget_class_install_property_action (widget_class, "call.toggle-fullscreen", "fullscreened");
  gtk_widget_class_install_property_action (widget_class, "call.toggle-screen-share",
                                            "sharing-screen");
  gtk_widget_class_bind_template_callback (widget_class, on_device_chosen);
  gtk_widget_class_install_action (widget_class, "call.leave", NULL, leave_activated);
}

static void
cs_call_window_init (CsCallWindow *self)
{
  GtkEventController *controller;

  self->show_self_view = TRUE;
  self->pointer_x = self->pointer_y = -1;
  _cs_call_window_peers_init (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->microphone_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Mute my microphone"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->camera_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Turn my camera off"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->share_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Share my screen"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->self_view_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Show my own picture"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fullscreen_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Full screen"), -1);

  cs_call_tile_set_show_link (self->self_tile, FALSE);
  cs_call_tile_set_name (self->self_tile, _ ("You"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->self_tile), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("My own picture"), -1);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_pointer_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  g_signal_connect (self, "notify::fullscreened", G_CALLBACK (on_fullscreened_changed), NULL);
}

CsCallWindow *
cs_call_window_new (GtkApplication *application, CsCall *call, const char *title)
{
  CsCallWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CS_IS_CALL (call), NULL);

  self = g_object_new (CS_TYPE_CALL_WINDOW, "application", application, NULL);
  self->call = g_object_ref (call);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  self->self_paintable = cs_video_paintable_new ();
  cs_video_paintable_set_mirrored (self->self_paintable, TRUE);
  cs_call_tile_set_paintable (self->self_tile, GDK_PAINTABLE (self->self_paintable));
  if (cs_call_get_state (call) == CS_CALL_STATE_IDLE)
    cs_call_set_self_view_sink (call, cs_video_paintable_make_sink (self->self_paintable));
  _cs_call_window_peers_set_sink_func (self);

  /* The chosen devices and echo setting, before the call joins. */
  self->devices = cs_call_devices_new (call, cs_device_settings_get_default (), GTK_WINDOW (self));
  g_signal_connect_object (self->devices, "notice", G_CALLBACK (on_devices_notice), self, 0);
  g_signal_connect_object (self->devices, "notify::note", G_CALLBACK (on_devices_note_changed),
                           self, 0);
  g_signal_connect_object (self->devices, "notify::sharing-screen",
                           G_CALLBACK (on_devices_sharing_changed), self, 0);
  g_signal_connect_object (self->devices, "notify::camera-id",
                           G_CALLBACK (on_devices_in_use_changed), self, 0);
  g_signal_connect_object (self->devices, "notify::microphone-id",
                           G_CALLBACK (on_devices_in_use_changed), self, 0);
  cs_device_check_set_device_settings (self->devices_check, cs_device_settings_get_default ());
  on_devices_note_changed (self->devices, NULL, self);
  on_devices_in_use_changed (self->devices, NULL, self);

  g_signal_connect_object (call, "notify::state", G_CALLBACK (on_call_state_changed), self, 0);
  g_signal_connect_object (call, "notify::muted", G_CALLBACK (on_call_muted_changed), self, 0);
  g_signal_connect_object (call, "notify::camera-off", G_CALLBACK (on_call_camera_off_changed),
                           self, 0);
  g_signal_connect_object (call, "notify::has-camera", G_CALLBACK (on_call_camera_off_changed),
                           self, 0);
  g_signal_connect_object (call, "notify::has-microphone", G_CALLBACK (on_call_muted_changed), self,
                           0);
  _cs_call_window_peers_follow (self);
  on_call_state_changed (call, NULL, self);
  update_controls (self);
  return self;
}

CsCall *
cs_call_window_get_call (CsCallWindow *self)
{
  g_return_val_if_fail (CS_IS_CALL_WINDOW (self), NULL);

  return self->call;
}

void
cs_call_window_set_absent_members (CsCallWindow *self, const char *const *names)
{
  g_autofree char *list = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CS_IS_CALL_WINDOW (self));

  if (names == NULL || names[0] == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->absent_label), FALSE);
      return;
    }

  /* Translators: what separates names in a list such as "Mamie Jeanne, Paul". */
  list = g_strjoinv (_ (", "), (char **) names);
  /* Translators: %s is a list of names of people who have not joined the call yet. */
  text = g_strdup_printf (_ ("Not here yet: %s"), list);
  gtk_label_set_label (self->absent_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->absent_label), TRUE);
}

void
cs_call_window_set_status (CsCallWindow *self, const char *status)
{
  g_return_if_fail (CS_IS_CALL_WINDOW (self));

  if (g_strcmp0 (self->status, status) == 0)
    return;

  g_free (self->status);
  self->status = g_strdup (status);
  _cs_call_window_update_status (self);
}

/* The user's own name, for the avatar of the self view when the camera is off. */
void
cs_call_window_set_self_name (CsCallWindow *self, const char *name)
{
  g_return_if_fail (CS_IS_CALL_WINDOW (self));

  cs_call_tile_set_name (self->self_tile, name != NULL && *name != '\0' ? name : _ ("You"));
}

CsVideoPaintable *
cs_call_window_get_self_paintable (CsCallWindow *self)
{
  g_return_val_if_fail (CS_IS_CALL_WINDOW (self), NULL);

  return self->self_paintable;
}
