/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-device-check"

#include "config.h"

#include "cs-device-check.h"

#include <glib/gi18n.h>
#include <math.h>

/* The meter shows this range of loudness, in dB below full scale. */
#define LEVEL_FLOOR_DB -60.0
#define SILENCE_DB -100.0
/* How often the meter moves. */
#define LEVEL_INTERVAL_MS 50

struct _CsDeviceCheck
{
  GtkBox parent_instance;

  CsDeviceSettings *settings;
  CsDevices *devices;
  gboolean show_preview;
  gboolean updating;
  /* Per kind: whether the chooser shows in_use[kind] rather than the settings' choice. */
  gboolean follows_use[CS_DEVICE_SPEAKERS + 1];
  char *in_use[CS_DEVICE_SPEAKERS + 1];
  /* Per kind: the device the chooser shows, as this widget last set or saw it. */
  GstDevice *shown[CS_DEVICE_SPEAKERS + 1];
  /* Following a call, the camera chooser offers "No camera" before the cameras. */
  GtkFlattenListModel *with_none;

  CsVideoPaintable *paintable;
  GstElement *camera_pipeline;
  GstDevice *previewed_camera;
  GstElement *microphone_pipeline;
  GstElement *sound_pipeline;
  guint sounds_played;
  GstDevice *previewed_microphone;
  double level_db;

  GtkWidget *preview_box;
  GtkPicture *preview;
  GtkLabel *preview_label;
  GtkWidget *level_box;
  GtkLevelBar *level_bar;
  GtkWidget *sound_button;
  AdwComboRow *camera_row;
  AdwComboRow *microphone_row;
  AdwComboRow *speakers_row;
};

G_DEFINE_FINAL_TYPE (CsDeviceCheck, cs_device_check, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_SHOW_PREVIEW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_DEVICE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_preview (CsDeviceCheck *self);

static AdwComboRow *
row_of (CsDeviceCheck *self, CsDeviceKind kind)
{
  switch (kind)
    {
    case CS_DEVICE_CAMERA:
      return self->camera_row;
    case CS_DEVICE_MICROPHONE:
      return self->microphone_row;
    case CS_DEVICE_SPEAKERS:
    default:
      return self->speakers_row;
    }
}

static const char *
none_found_text (CsDeviceKind kind)
{
  switch (kind)
    {
    case CS_DEVICE_CAMERA:
      return _ ("No camera found");
    case CS_DEVICE_MICROPHONE:
      return _ ("No microphone found");
    case CS_DEVICE_SPEAKERS:
    default:
      return _ ("No speakers found: the computer's usual sound output is used");
    }
}

/* A device's name, or the label of the "No camera" item. */
static char *
dup_item_name (GObject *item)
{
  if (GST_IS_DEVICE (item))
    return gst_device_get_display_name (GST_DEVICE (item));
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (GTK_STRING_OBJECT (item)));
  return NULL;
}

/* The devices of @kind, and in a call's camera chooser "No camera" first: with a single
 * camera left after one was unplugged, a list of one could not be opened to choose it. */
static void
set_row_model (CsDeviceCheck *self, CsDeviceKind kind)
{
  GListModel *devices =
    self->devices != NULL ? cs_device_settings_get_model (self->settings, kind) : NULL;
  GListModel *model = devices;

  if (devices != NULL && kind == CS_DEVICE_CAMERA && self->follows_use[kind])
    {
      GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);
      g_autoptr (GtkStringList) none = gtk_string_list_new (NULL);

      gtk_string_list_append (none, _ ("No camera"));
      g_list_store_append (parts, none);
      g_list_store_append (parts, devices);
      g_clear_object (&self->with_none);
      self->with_none = gtk_flatten_list_model_new (G_LIST_MODEL (parts));
      model = G_LIST_MODEL (self->with_none);
    }

  self->updating = TRUE;
  adw_combo_row_set_model (row_of (self, kind), model);
  self->updating = FALSE;
}

/* The row shows the chosen device; a list without one says so in plain words. */
static void
sync_row (CsDeviceCheck *self, CsDeviceKind kind)
{
  AdwComboRow *row = row_of (self, kind);
  GListModel *model = adw_combo_row_get_model (row);
  GstDevice *chosen;
  guint position = GTK_INVALID_LIST_POSITION;
  guint n;

  if (self->devices == NULL || model == NULL)
    return;

  chosen = self->follows_use[kind] ? cs_devices_find (self->devices, kind, self->in_use[kind])
                                   : cs_device_settings_choose (self->settings, kind);
  n = g_list_model_get_n_items (cs_device_settings_get_model (self->settings, kind));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      /* The "No camera" item stands for none. */
      if ((gpointer) item == (gpointer) chosen || (chosen == NULL && !GST_IS_DEVICE (item)))
        {
          position = i;
          break;
        }
    }

  self->updating = TRUE;
  if (adw_combo_row_get_selected (row) != position)
    adw_combo_row_set_selected (row, position);
  self->updating = FALSE;
  g_set_object (&self->shown[kind], chosen);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), n == 0 ? none_found_text (kind) : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (row), n > 0);
}

static void
on_devices_changed (CsDevices *devices, CsDeviceKind kind, CsDeviceCheck *self)
{
  sync_row (self, kind);
  update_preview (self);
}

static void
bind_devices (CsDeviceCheck *self)
{
  CsDevices *devices =
    self->settings != NULL ? cs_device_settings_get_devices (self->settings) : NULL;

  if (devices == self->devices)
    return;

  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  g_set_object (&self->devices, devices);
  for (CsDeviceKind kind = CS_DEVICE_CAMERA; kind <= CS_DEVICE_SPEAKERS; kind++)
    {
      set_row_model (self, kind);
      sync_row (self, kind);
    }
  if (devices != NULL)
    g_signal_connect_object (devices, "changed", G_CALLBACK (on_devices_changed), self, 0);
  update_preview (self);
}

static void
on_settings_devices_changed (CsDeviceSettings *settings, GParamSpec *pspec, CsDeviceCheck *self)
{
  bind_devices (self);
}

static void
on_camera_problem_changed (CsDeviceSettings *settings, GParamSpec *pspec, CsDeviceCheck *self)
{
  update_preview (self);
}

static void
on_row_selected (AdwComboRow *row, GParamSpec *pspec, CsDeviceCheck *self)
{
  CsDeviceKind kind = row == self->camera_row       ? CS_DEVICE_CAMERA
                      : row == self->microphone_row ? CS_DEVICE_MICROPHONE
                                                    : CS_DEVICE_SPEAKERS;
  GObject *item = adw_combo_row_get_selected_item (row);
  GstDevice *device = GST_IS_DEVICE (item) ? GST_DEVICE (item) : NULL;
  GListModel *model = adw_combo_row_get_model (row);
  gboolean shown_present = FALSE;

  if (self->updating || self->settings == NULL || item == NULL || device == self->shown[kind])
    return;

  /* The device shown was unplugged and the list moved the selection by itself: that is no
   * choice of hers. The list's "changed" brings the row back in line with the settings. */
  for (guint i = 0; self->shown[kind] != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GObject) listed = g_list_model_get_item (model, i);

      shown_present = shown_present || (gpointer) listed == (gpointer) self->shown[kind];
    }
  if (self->shown[kind] != NULL && !shown_present)
    return;

  g_set_object (&self->shown[kind], device);

  /* "No camera" is for this call only: the settings keep a camera for the next one. */
  if (device != NULL)
    cs_device_settings_set_choice (self->settings, kind, device);
  update_preview (self);
  g_signal_emit (self, signals[SIGNAL_DEVICE_CHOSEN], 0, kind, device);
}

/* The preview */

static void
stop_pipeline (GstElement **pipeline)
{
  GstBus *bus;

  if (*pipeline == NULL)
    return;

  bus = gst_element_get_bus (*pipeline);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_element_set_state (*pipeline, GST_STATE_NULL);
  gst_clear_object (pipeline);
}

static void
set_level (CsDeviceCheck *self, double db)
{
  self->level_db = db;
  gtk_level_bar_set_value (self->level_bar, CLAMP ((db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 0, 1));
}

static void
on_level (CsDeviceCheck *self, const GstStructure *structure)
{
  const GValue *peaks = gst_structure_get_value (structure, "peak");
  double loudest = SILENCE_DB;
  GValueArray *array;

  /* The level element still posts GValueArray, deprecated in GLib. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (peaks == NULL || !G_VALUE_HOLDS (peaks, g_value_array_get_type ()))
    return;
  array = g_value_get_boxed (peaks);
  for (guint i = 0; array != NULL && i < array->n_values; i++)
    loudest = MAX (loudest, g_value_get_double (g_value_array_get_nth (array, i)));
  G_GNUC_END_IGNORE_DEPRECATIONS
  set_level (self, loudest);
}

static void
show_preview_message (CsDeviceCheck *self, const char *message)
{
  gtk_label_set_label (self->preview_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->preview_label), message != NULL);
}

/* A call going on may hold the camera: many cameras serve one program at a time. */
static const char *
camera_failed_message (void)
{
  return _ ("This camera cannot be opened. A call or another program may be using it; "
            "otherwise, try another camera, or plug it in again.");
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (user_data);
  gboolean from_camera =
    self->camera_pipeline != NULL &&
    gst_object_has_as_ancestor (GST_MESSAGE_SRC (message), GST_OBJECT (self->camera_pipeline));

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (message, "level"))
        on_level (self, gst_message_get_structure (message));
      break;
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_message ("The %s check stopped: %s (%s)", from_camera ? "camera" : "microphone",
                   error->message, debug != NULL ? debug : "");
        /* Removing the pipeline also removes this watch: nothing more is read from it. */
        if (from_camera)
          {
            show_preview_message (self, camera_failed_message ());
            stop_pipeline (&self->camera_pipeline);
          }
        else
          {
            stop_pipeline (&self->microphone_pipeline);
            set_level (self, SILENCE_DB);
          }
        return G_SOURCE_REMOVE;
      }
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static GstElement *
start_pipeline (CsDeviceCheck *self,
                const char *name,
                GstElement **elements,
                guint n_elements,
                GstBusFunc bus_func)
{
  GstElement *pipeline = gst_pipeline_new (name);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  for (guint i = 0; i < n_elements; i++)
    {
      if (elements[i] == NULL)
        {
          for (guint j = 0; j < n_elements; j++)
            if (elements[j] != NULL)
              gst_object_unref (gst_object_ref_sink (elements[j]));
          gst_object_unref (pipeline);
          g_message ("The %s is missing an element: install gstreamer1.0-plugins-good", name);
          return NULL;
        }
    }
  for (guint i = 0; i < n_elements; i++)
    {
      gst_bin_add (GST_BIN (pipeline), elements[i]);
      if (i > 0 && !gst_element_link (elements[i - 1], elements[i]))
        {
          g_message ("The %s could not be linked", name);
          gst_object_unref (pipeline);
          return NULL;
        }
    }
  gst_bus_add_watch (bus, bus_func, self);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_message ("The %s did not start", name);
      gst_bus_remove_watch (bus);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      gst_object_unref (pipeline);
      return NULL;
    }
  return pipeline;
}

static void
start_camera (CsDeviceCheck *self, GstDevice *camera)
{
  GstElement *elements[] = {
    gst_device_create_element (camera, NULL),
    gst_element_factory_make ("videoconvert", NULL),
    cs_video_paintable_make_sink (self->paintable),
  };

  self->camera_pipeline =
    start_pipeline (self, "camera check", elements, G_N_ELEMENTS (elements), on_bus_message);
  g_set_object (&self->previewed_camera, camera);
  if (self->camera_pipeline == NULL)
    show_preview_message (self, camera_failed_message ());
}

static void
start_microphone (CsDeviceCheck *self, GstDevice *microphone)
{
  GstElement *level = gst_element_factory_make ("level", NULL);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstElement *elements[] = {
    gst_device_create_element (microphone, NULL),
    gst_element_factory_make ("audioconvert", NULL),
    level,
    sink,
  };

  if (level != NULL)
    g_object_set (level, "interval", (guint64) LEVEL_INTERVAL_MS * GST_MSECOND, "post-messages",
                  TRUE, NULL);
  /* At the pace of the sound, also from a source that is not live. */
  if (sink != NULL)
    g_object_set (sink, "sync", TRUE, NULL);
  self->microphone_pipeline =
    start_pipeline (self, "microphone check", elements, G_N_ELEMENTS (elements), on_bus_message);
  g_set_object (&self->previewed_microphone, microphone);
}

/* A short tone through the chosen speakers: she hears it, or knows to choose others. */
static gboolean
on_sound_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (user_data);

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      g_message ("The test sound stopped: %s", error->message);
    }
  else if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      self->sounds_played++;
    }
  else
    {
      return G_SOURCE_CONTINUE;
    }
  /* Removing the pipeline also removes this watch. */
  stop_pipeline (&self->sound_pipeline);
  gtk_widget_set_sensitive (self->sound_button, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_sound_clicked (GtkButton *button, CsDeviceCheck *self)
{
  GstDevice *speakers;
  GstElement *source = gst_element_factory_make ("audiotestsrc", NULL);
  GstElement *sink;

  if (self->sound_pipeline != NULL || self->settings == NULL)
    return;

  speakers = cs_device_settings_choose (self->settings, CS_DEVICE_SPEAKERS);
  sink = speakers != NULL ? gst_device_create_element (speakers, NULL)
                          : gst_element_factory_make ("autoaudiosink", NULL);
  /* A second of a gentle 660 Hz tone: ten buffers of a tenth of a second. */
  if (source != NULL)
    g_object_set (source, "freq", 660.0, "volume", 0.3, "samplesperbuffer", 4800, "num-buffers", 10,
                  NULL);
  {
    GstElement *elements[] = {
      source,
      gst_element_factory_make ("audioconvert", NULL),
      gst_element_factory_make ("audioresample", NULL),
      sink,
    };

    self->sound_pipeline =
      start_pipeline (self, "test sound", elements, G_N_ELEMENTS (elements), on_sound_bus_message);
  }
  gtk_widget_set_sensitive (self->sound_button, self->sound_pipeline == NULL);
}

static void
stop_preview (CsDeviceCheck *self)
{
  stop_pipeline (&self->camera_pipeline);
  stop_pipeline (&self->microphone_pipeline);
  stop_pipeline (&self->sound_pipeline);
  gtk_widget_set_sensitive (self->sound_button, TRUE);
  g_clear_object (&self->previewed_camera);
  g_clear_object (&self->previewed_microphone);
  cs_video_paintable_clear (self->paintable);
  set_level (self, SILENCE_DB);
}

/* Runs the pipelines of the chosen devices while shown; follows every change of choice. */
static void
update_preview (CsDeviceCheck *self)
{
  gboolean running =
    self->show_preview && self->devices != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));
  GstDevice *camera = NULL;
  GstDevice *microphone = NULL;
  const char *problem =
    self->settings != NULL ? cs_device_settings_get_camera_problem (self->settings) : NULL;

  if (!running)
    {
      stop_preview (self);
      return;
    }

  camera = cs_device_settings_choose (self->settings, CS_DEVICE_CAMERA);
  microphone = cs_device_settings_choose (self->settings, CS_DEVICE_MICROPHONE);

  if (camera != self->previewed_camera || (camera != NULL && self->camera_pipeline == NULL))
    {
      stop_pipeline (&self->camera_pipeline);
      g_clear_object (&self->previewed_camera);
      cs_video_paintable_clear (self->paintable);
      show_preview_message (self, NULL);
      if (camera != NULL)
        start_camera (self, camera);
    }
  if (camera == NULL)
    {
      if (problem != NULL)
        show_preview_message (self, problem);
      else if (cs_device_settings_get_requesting_cameras (self->settings))
        show_preview_message (self, _ ("Waiting for permission to use the camera…"));
      else
        show_preview_message (self, _ ("No camera found: the others will hear you and see your "
                                       "initials."));
    }

  if (microphone != self->previewed_microphone ||
      (microphone != NULL && self->microphone_pipeline == NULL))
    {
      stop_pipeline (&self->microphone_pipeline);
      g_clear_object (&self->previewed_microphone);
      set_level (self, SILENCE_DB);
      if (microphone != NULL)
        start_microphone (self, microphone);
    }
}

static void
cs_device_check_map (GtkWidget *widget)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (cs_device_check_parent_class)->map (widget);
  if (self->settings == NULL)
    return;

  /* The devices are watched, and in a sandbox the camera asked for, only once someone looks. */
  root = gtk_widget_get_root (widget);
  cs_device_settings_request_cameras (self->settings,
                                      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  if (self->devices == NULL)
    bind_devices (self);
  else
    update_preview (self);
}

static void
cs_device_check_unmap (GtkWidget *widget)
{
  stop_preview (CS_DEVICE_CHECK (widget));
  GTK_WIDGET_CLASS (cs_device_check_parent_class)->unmap (widget);
}

static void
cs_device_check_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (object);

  switch (prop_id)
    {
    case PROP_SHOW_PREVIEW:
      g_value_set_boolean (value, self->show_preview);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_device_check_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (object);

  switch (prop_id)
    {
    case PROP_SHOW_PREVIEW:
      cs_device_check_set_show_preview (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_device_check_dispose (GObject *object)
{
  CsDeviceCheck *self = CS_DEVICE_CHECK (object);

  stop_preview (self);
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_data (self->devices, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->devices);
  g_clear_object (&self->settings);
  g_clear_object (&self->paintable);
  for (CsDeviceKind kind = CS_DEVICE_CAMERA; kind <= CS_DEVICE_SPEAKERS; kind++)
    {
      g_clear_pointer (&self->in_use[kind], g_free);
      g_clear_object (&self->shown[kind]);
    }
  g_clear_object (&self->with_none);

  G_OBJECT_CLASS (cs_device_check_parent_class)->dispose (object);
}

static void
cs_device_check_class_init (CsDeviceCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cs_device_check_get_property;
  object_class->set_property = cs_device_check_set_property;
  object_class->dispose = cs_device_check_dispose;
  widget_class->map = cs_device_check_map;
  widget_class->unmap = cs_device_check_unmap;

  properties[PROP_SHOW_PREVIEW] =
    g_param_spec_boolean ("show-preview", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_DEVICE_CHOSEN] =
    g_signal_new ("device-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, GST_TYPE_DEVICE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/cs-device-check.ui");
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, preview_box);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, preview);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, preview_label);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, level_box);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, level_bar);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, camera_row);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, CsDeviceCheck, speakers_row);
  gtk_widget_class_bind_template_callback (widget_class, on_row_selected);
}

static void
cs_device_check_init (CsDeviceCheck *self)
{
  self->show_preview = TRUE;
  self->level_db = SILENCE_DB;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->paintable = cs_video_paintable_new ();
  /* As in a mirror, like the self view in calls. */
  cs_video_paintable_set_mirrored (self->paintable, TRUE);
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (self->paintable));
  for (CsDeviceKind kind = CS_DEVICE_CAMERA; kind <= CS_DEVICE_SPEAKERS; kind++)
    adw_combo_row_set_expression (row_of (self, kind),
                                  gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                               G_CALLBACK (dup_item_name), NULL,
                                                               NULL));
  self->sound_button = gtk_button_new_from_icon_name ("audio-volume-high-symbolic");
  gtk_widget_set_valign (self->sound_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->sound_button, "flat");
  gtk_widget_set_tooltip_text (self->sound_button, _ ("Play a sound: you should hear it"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sound_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Play a test sound"), -1);
  gtk_widget_set_name (self->sound_button, "sound_button");
  g_signal_connect (self->sound_button, "clicked", G_CALLBACK (on_sound_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->speakers_row), self->sound_button);
  gtk_level_bar_add_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_LOW, 0.1);
  gtk_level_bar_add_offset_value (self->level_bar, GTK_LEVEL_BAR_OFFSET_HIGH, 0.9);
  set_level (self, SILENCE_DB);
}

CsDeviceCheck *
cs_device_check_new (CsDeviceSettings *settings, gboolean show_preview)
{
  CsDeviceCheck *self;

  g_return_val_if_fail (CS_IS_DEVICE_SETTINGS (settings), NULL);

  self = g_object_new (CS_TYPE_DEVICE_CHECK, "show-preview", show_preview, NULL);
  cs_device_check_set_device_settings (self, settings);
  return self;
}

void
cs_device_check_set_device_settings (CsDeviceCheck *self, CsDeviceSettings *settings)
{
  g_return_if_fail (CS_IS_DEVICE_CHECK (self));
  g_return_if_fail (settings == NULL || CS_IS_DEVICE_SETTINGS (settings));

  if (self->settings == settings)
    return;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "notify::devices",
                               G_CALLBACK (on_settings_devices_changed), self, 0);
      g_signal_connect_object (settings, "notify::camera-problem",
                               G_CALLBACK (on_camera_problem_changed), self, 0);
      g_signal_connect_object (settings, "notify::requesting-cameras",
                               G_CALLBACK (on_camera_problem_changed), self, 0);
    }
  if (self->devices != NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    bind_devices (self);
}

void
cs_device_check_set_show_preview (CsDeviceCheck *self, gboolean show_preview)
{
  g_return_if_fail (CS_IS_DEVICE_CHECK (self));

  show_preview = !!show_preview;
  if (self->show_preview == show_preview)
    return;

  self->show_preview = show_preview;
  gtk_widget_set_visible (self->preview_box, show_preview);
  gtk_widget_set_visible (self->level_box, show_preview);
  gtk_widget_set_visible (self->sound_button, show_preview);
  update_preview (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PREVIEW]);
}

gboolean
cs_device_check_get_show_preview (CsDeviceCheck *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_CHECK (self), FALSE);

  return self->show_preview;
}

void
cs_device_check_show_in_use (CsDeviceCheck *self, CsDeviceKind kind, const char *id)
{
  g_return_if_fail (CS_IS_DEVICE_CHECK (self));
  g_return_if_fail (kind <= CS_DEVICE_SPEAKERS);

  g_free (self->in_use[kind]);
  self->in_use[kind] = g_strdup (id);
  if (!self->follows_use[kind])
    {
      self->follows_use[kind] = TRUE;
      set_row_model (self, kind);
    }
  sync_row (self, kind);
}

CsVideoPaintable *
cs_device_check_get_preview (CsDeviceCheck *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_CHECK (self), NULL);

  return self->paintable;
}

gboolean
cs_device_check_get_previewing (CsDeviceCheck *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_CHECK (self), FALSE);

  return self->camera_pipeline != NULL || self->microphone_pipeline != NULL;
}

guint
cs_device_check_get_sounds_played (CsDeviceCheck *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_CHECK (self), 0);

  return self->sounds_played;
}

double
cs_device_check_get_level (CsDeviceCheck *self)
{
  g_return_val_if_fail (CS_IS_DEVICE_CHECK (self), SILENCE_DB);

  return self->level_db;
}
