/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-local-signaling"

#include "config.h"

#include "cs-local-signaling.h"

#include "cs-local-protocol.h"

#include <gio/gunixsocketaddress.h>
#include <json-glib/json-glib.h>

#include <string.h>

#define MAX_LINE_LENGTH CS_LOCAL_PROTOCOL_MAX_LINE_LENGTH

/* These messages only ever reach a developer (this transport serves tests, benchmarks and
 * demos), so they are not translated. */
#define LOST_MESSAGE "The call's signalling connection was lost"

typedef enum
{
  STATE_IDLE,
  STATE_CONNECTING,
  /* Connected, "join" sent or about to be. */
  STATE_CONNECTED,
  STATE_LEFT,
  STATE_FAILED,
} State;

struct _CsLocalSignaling
{
  GObject parent_instance;

  char *socket_path;
  char *call_id;
  char *local_id;
  GMainContext *context;
  GThread *thread;
  GCancellable *cancellable;
  State state;
  gboolean roster_received;
  GSocketConnection *connection;
  GDataInputStream *input;
  gboolean writing;
  /* After leave(): close once the queued lines, "leave" last, are written. */
  gboolean close_when_flushed;

  /* Guards the fields below, which send_*() may touch from other threads. */
  GMutex lock;
  GQueue outgoing;
  /* Nothing more may be queued: after leave() or a failure. */
  gboolean sealed;
  gboolean flush_scheduled;
};

static void cs_local_signaling_iface_init (CsCallSignalingInterface *iface);
static void write_next (CsLocalSignaling *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (CsLocalSignaling,
                               cs_local_signaling,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CS_TYPE_CALL_SIGNALING,
                                                      cs_local_signaling_iface_init))

enum
{
  PROP_0,
  PROP_SOCKET_PATH,
  PROP_CALL_ID,
  PROP_LOCAL_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Async operations hold a weak ref: disposing the object must close its connection at once,
 * as a killed process would, rather than wait for pending reads to end. */
typedef struct
{
  GWeakRef self;
  GBytes *line;
} PendingOp;

static PendingOp *
pending_op_new (CsLocalSignaling *self, GBytes *line)
{
  PendingOp *op = g_new0 (PendingOp, 1);

  g_weak_ref_init (&op->self, self);
  op->line = line;
  return op;
}

/* Frees @op and returns a strong ref on its object, or NULL if the object is gone. */
static CsLocalSignaling *
pending_op_finish (PendingOp *op)
{
  CsLocalSignaling *self = g_weak_ref_get (&op->self);

  g_weak_ref_clear (&op->self);
  g_clear_pointer (&op->line, g_bytes_unref);
  g_free (op);
  return self;
}

static const char *
get_id_member (JsonObject *object, const char *name)
{
  const char *id = cs_local_protocol_get_string (object, name);

  return id != NULL && *id != '\0' ? id : NULL;
}

static void
close_connection (CsLocalSignaling *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
  g_clear_object (&self->input);
  g_clear_object (&self->connection);
  self->writing = FALSE;
}

static void
seal_queue (CsLocalSignaling *self, GBytes *last_line)
{
  g_mutex_lock (&self->lock);
  if (last_line == NULL)
    g_queue_clear_full (&self->outgoing, (GDestroyNotify) g_bytes_unref);
  else
    g_queue_push_tail (&self->outgoing, g_bytes_ref (last_line));
  self->sealed = TRUE;
  g_mutex_unlock (&self->lock);
}

static void
fail (CsLocalSignaling *self, int code, const char *message)
{
  g_autoptr (GError) error = NULL;

  if (self->state == STATE_FAILED)
    return;
  if (self->state == STATE_LEFT)
    {
      /* Nobody is waiting for this connection any more. */
      close_connection (self);
      return;
    }

  g_debug ("%s: %s", self->local_id, message);
  self->state = STATE_FAILED;
  seal_queue (self, NULL);
  close_connection (self);
  error = g_error_new_literal (G_IO_ERROR, code, message);
  g_signal_emit_by_name (self, "failed", error);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsLocalSignaling) self = pending_op_finish (user_data);
  g_autoptr (GError) error = NULL;
  gboolean written =
    g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->writing = FALSE;
  if (!written)
    {
      g_debug ("Could not write to the hub: %s", error->message);
      fail (self, G_IO_ERROR_CONNECTION_CLOSED, LOST_MESSAGE);
      return;
    }

  write_next (self);
}

static void
write_next (CsLocalSignaling *self)
{
  GBytes *line = NULL;
  GOutputStream *output = NULL;
  gconstpointer data;
  gsize size;

  if (self->connection == NULL || self->writing)
    return;

  g_mutex_lock (&self->lock);
  line = g_queue_pop_head (&self->outgoing);
  g_mutex_unlock (&self->lock);

  if (line == NULL)
    {
      if (self->close_when_flushed)
        close_connection (self);
      return;
    }

  self->writing = TRUE;
  data = g_bytes_get_data (line, &size);
  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  g_output_stream_write_all_async (output, data, size, G_PRIORITY_DEFAULT, self->cancellable,
                                   on_written, pending_op_new (self, line));
}

static void
handle_roster (CsLocalSignaling *self, JsonObject *message)
{
  JsonNode *node = json_object_get_member (message, "participants");
  JsonArray *participants = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (self->roster_received || node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_debug ("Ignoring an unexpected or malformed roster");
      return;
    }

  participants = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (participants); i++)
    {
      JsonNode *element = json_array_get_element (participants, i);
      JsonObject *participant = NULL;
      const char *id = NULL;
      const char *name = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      participant = json_node_get_object (element);
      id = get_id_member (participant, "id");
      name = cs_local_protocol_get_string (participant, "name");
      if (id == NULL || name == NULL || g_str_equal (id, self->local_id) ||
          g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        {
          g_debug ("Ignoring a malformed or repeated roster entry");
          continue;
        }
      g_ptr_array_add (ids, g_strdup (id));
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (ids, NULL);
  g_ptr_array_add (names, NULL);

  self->roster_received = TRUE;
  g_signal_emit_by_name (self, "roster", (char **) ids->pdata, (char **) names->pdata);
}

static void
handle_message (CsLocalSignaling *self, const char *type, JsonObject *message)
{
  const char *from = get_id_member (message, "from");

  if (g_str_equal (type, "roster"))
    {
      handle_roster (self, message);
    }
  else if (g_str_equal (type, "joined"))
    {
      const char *id = get_id_member (message, "id");
      const char *name = cs_local_protocol_get_string (message, "name");

      if (id == NULL || name == NULL || g_str_equal (id, self->local_id))
        g_debug ("Ignoring a malformed arrival");
      else
        g_signal_emit_by_name (self, "participant-joined", id, name);
    }
  else if (g_str_equal (type, "left"))
    {
      const char *id = get_id_member (message, "id");

      if (id == NULL || g_str_equal (id, self->local_id))
        g_debug ("Ignoring a malformed departure");
      else
        g_signal_emit_by_name (self, "participant-left", id);
    }
  else if (g_str_equal (type, "description"))
    {
      const char *sdp_type = cs_local_protocol_get_string (message, "sdp_type");
      const char *sdp = cs_local_protocol_get_string (message, "sdp");

      if (from == NULL || sdp == NULL || sdp_type == NULL ||
          (!g_str_equal (sdp_type, "offer") && !g_str_equal (sdp_type, "answer")))
        g_debug ("Ignoring a malformed session description");
      else
        g_signal_emit_by_name (self, "description", from, sdp_type, sdp);
    }
  else if (g_str_equal (type, "candidate"))
    {
      const char *candidate = cs_local_protocol_get_string (message, "candidate");
      guint mline;

      if (from == NULL || candidate == NULL ||
          !cs_local_protocol_get_uint (message, "mline", &mline))
        g_debug ("Ignoring a malformed candidate");
      else
        g_signal_emit_by_name (self, "candidate", from, mline, candidate);
    }
  else if (g_str_equal (type, "media-state"))
    {
      gboolean muted;
      gboolean camera_off;

      if (from == NULL || !cs_local_protocol_get_boolean (message, "muted", &muted) ||
          !cs_local_protocol_get_boolean (message, "camera_off", &camera_off))
        g_debug ("Ignoring a malformed media state");
      else
        g_signal_emit_by_name (self, "media-state", from, muted, camera_off);
    }
  else if (g_str_equal (type, "error"))
    {
      const char *reason = cs_local_protocol_get_string (message, "message");
      g_autofree char *text =
        g_strdup_printf ("The call's signalling hub did not let %s in: %s", self->local_id,
                         reason != NULL ? reason : "no reason given");

      fail (self, G_IO_ERROR_FAILED, text);
    }
  else
    {
      g_debug ("Ignoring a message of unknown type %s", type);
    }
}

static void
handle_line (CsLocalSignaling *self, const char *line, gsize length)
{
  g_autoptr (JsonObject) message = NULL;
  const char *type = NULL;

  if (length > MAX_LINE_LENGTH)
    {
      g_debug ("Ignoring a line that is too long");
      return;
    }

  message = cs_local_protocol_parse (line, length);
  if (message == NULL)
    {
      g_debug ("Ignoring a line that is not a JSON object, too deep or holds a NUL");
      return;
    }

  type = cs_local_protocol_get_string (message, "type");
  if (type == NULL)
    {
      g_debug ("Ignoring a message without a type");
      return;
    }

  handle_message (self, type, message);
}

static void read_next (CsLocalSignaling *self);

static void
on_line_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsLocalSignaling) self = pending_op_finish (user_data);
  g_autoptr (GError) error = NULL;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, &length, &error);

  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (line == NULL && error != NULL && error->domain == G_CONVERT_ERROR)
    {
      g_debug ("Ignoring a line that is not UTF-8");
    }
  else if (line == NULL)
    {
      g_debug ("The hub closed the connection%s%s", error != NULL ? ": " : "",
               error != NULL ? error->message : "");
      fail (self, G_IO_ERROR_CONNECTION_CLOSED, LOST_MESSAGE);
      return;
    }
  else if (self->state == STATE_CONNECTED)
    {
      handle_line (self, line, length);
    }

  /* A signal handler may have left, or dropped the connection. */
  if (self->state == STATE_CONNECTED && self->input != NULL)
    read_next (self);
}

static void
read_next (CsLocalSignaling *self)
{
  g_data_input_stream_read_line_async (self->input, G_PRIORITY_DEFAULT, self->cancellable,
                                       on_line_read, pending_op_new (self, NULL));
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (CsLocalSignaling) self = pending_op_finish (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) connection =
    g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

  /* Also when leave() came first: the connection, if any, just closes. */
  if (self == NULL || self->state != STATE_CONNECTING)
    return;

  if (connection == NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("Could not reach the call's signalling hub at %s: %s", self->socket_path,
                         error->message);

      fail (self, error->domain == G_IO_ERROR ? error->code : G_IO_ERROR_FAILED, message);
      return;
    }

  self->connection = g_steal_pointer (&connection);
  self->input =
    g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)));
  g_data_input_stream_set_newline_type (self->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->input), FALSE);
  self->state = STATE_CONNECTED;
  read_next (self);
  write_next (self);
}

static gboolean
on_flush (gpointer user_data)
{
  CsLocalSignaling *self = user_data;

  g_mutex_lock (&self->lock);
  self->flush_scheduled = FALSE;
  g_mutex_unlock (&self->lock);
  write_next (self);

  return G_SOURCE_REMOVE;
}

static void
enqueue (CsLocalSignaling *self, JsonBuilder *builder)
{
  g_autoptr (GBytes) line = NULL;
  gboolean on_own_thread = g_thread_self () == self->thread;
  gboolean schedule = FALSE;

  line = cs_local_protocol_end (builder);
  if (g_bytes_get_size (line) - 1 > MAX_LINE_LENGTH)
    {
      g_warning ("Not sending a message of %" G_GSIZE_FORMAT " bytes: the hub takes at most %d",
                 g_bytes_get_size (line) - 1, MAX_LINE_LENGTH);
      return;
    }

  g_mutex_lock (&self->lock);
  if (!self->sealed)
    {
      g_queue_push_tail (&self->outgoing, g_steal_pointer (&line));
      if (!on_own_thread && !self->flush_scheduled)
        self->flush_scheduled = schedule = TRUE;
    }
  g_mutex_unlock (&self->lock);

  if (line != NULL)
    {
      g_debug ("Not sending a message after leaving or failing");
      return;
    }

  if (on_own_thread)
    {
      write_next (self);
    }
  else if (schedule)
    {
      g_autoptr (GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, on_flush, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[cousinade] local signalling flush");
      g_source_attach (source, self->context);
    }
}

static const char *
cs_local_signaling_get_local_id (CsCallSignaling *signaling)
{
  return CS_LOCAL_SIGNALING (signaling)->local_id;
}

static void
cs_local_signaling_join (CsCallSignaling *signaling, const char *display_name)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (signaling);
  g_autoptr (JsonBuilder) builder = cs_local_protocol_begin ("join");
  g_autoptr (GSocketClient) client = NULL;
  g_autoptr (GSocketAddress) address = NULL;

  g_return_if_fail (self->state == STATE_IDLE);

  cs_local_protocol_add_string (builder, "call", self->call_id);
  cs_local_protocol_add_string (builder, "id", self->local_id);
  cs_local_protocol_add_string (builder, "name", display_name);

  /* Ahead of anything sent before join(): the hub wants "join" first. */
  g_mutex_lock (&self->lock);
  g_queue_push_head (&self->outgoing, cs_local_protocol_end (builder));
  g_mutex_unlock (&self->lock);

  self->state = STATE_CONNECTING;
  client = g_socket_client_new ();
  address = g_unix_socket_address_new (self->socket_path);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), self->cancellable,
                                 on_connected, pending_op_new (self, NULL));
}

static void
cs_local_signaling_leave (CsCallSignaling *signaling)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (signaling);
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GBytes) line = NULL;

  switch (self->state)
    {
    case STATE_IDLE:
    case STATE_CONNECTING:
      self->state = STATE_LEFT;
      seal_queue (self, NULL);
      g_cancellable_cancel (self->cancellable);
      break;

    case STATE_CONNECTED:
      self->state = STATE_LEFT;
      builder = cs_local_protocol_begin ("leave");
      line = cs_local_protocol_end (builder);
      seal_queue (self, line);
      self->close_when_flushed = TRUE;
      write_next (self);
      break;

    case STATE_LEFT:
    case STATE_FAILED:
    default:
      break;
    }
}

static void
cs_local_signaling_send_description (CsCallSignaling *signaling,
                                     const char *peer_id,
                                     const char *type,
                                     const char *sdp)
{
  g_autoptr (JsonBuilder) builder = cs_local_protocol_begin ("description");

  cs_local_protocol_add_string (builder, "to", peer_id);
  cs_local_protocol_add_string (builder, "sdp_type", type);
  cs_local_protocol_add_string (builder, "sdp", sdp);
  enqueue (CS_LOCAL_SIGNALING (signaling), builder);
}

static void
cs_local_signaling_send_candidate (CsCallSignaling *signaling,
                                   const char *peer_id,
                                   guint mline_index,
                                   const char *candidate)
{
  g_autoptr (JsonBuilder) builder = cs_local_protocol_begin ("candidate");

  cs_local_protocol_add_string (builder, "to", peer_id);
  json_builder_set_member_name (builder, "mline");
  json_builder_add_int_value (builder, mline_index);
  cs_local_protocol_add_string (builder, "candidate", candidate);
  enqueue (CS_LOCAL_SIGNALING (signaling), builder);
}

static void
cs_local_signaling_send_media_state (CsCallSignaling *signaling,
                                     gboolean muted,
                                     gboolean camera_off)
{
  g_autoptr (JsonBuilder) builder = cs_local_protocol_begin ("media-state");

  json_builder_set_member_name (builder, "muted");
  json_builder_add_boolean_value (builder, muted);
  json_builder_set_member_name (builder, "camera_off");
  json_builder_add_boolean_value (builder, camera_off);
  enqueue (CS_LOCAL_SIGNALING (signaling), builder);
}

static void
cs_local_signaling_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (object);

  switch (prop_id)
    {
    case PROP_SOCKET_PATH:
      g_value_set_string (value, self->socket_path);
      break;

    case PROP_CALL_ID:
      g_value_set_string (value, self->call_id);
      break;

    case PROP_LOCAL_ID:
      g_value_set_string (value, self->local_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_local_signaling_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (object);

  switch (prop_id)
    {
    case PROP_SOCKET_PATH:
      self->socket_path = g_value_dup_string (value);
      break;

    case PROP_CALL_ID:
      self->call_id = g_value_dup_string (value);
      break;

    case PROP_LOCAL_ID:
      self->local_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_local_signaling_dispose (GObject *object)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (object);

  g_cancellable_cancel (self->cancellable);
  if (self->state != STATE_FAILED)
    self->state = STATE_LEFT;
  seal_queue (self, NULL);
  close_connection (self);

  G_OBJECT_CLASS (cs_local_signaling_parent_class)->dispose (object);
}

static void
cs_local_signaling_finalize (GObject *object)
{
  CsLocalSignaling *self = CS_LOCAL_SIGNALING (object);

  g_queue_clear_full (&self->outgoing, (GDestroyNotify) g_bytes_unref);
  g_mutex_clear (&self->lock);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->socket_path, g_free);
  g_clear_pointer (&self->call_id, g_free);
  g_clear_pointer (&self->local_id, g_free);

  G_OBJECT_CLASS (cs_local_signaling_parent_class)->finalize (object);
}

static void
cs_local_signaling_class_init (CsLocalSignalingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_local_signaling_get_property;
  object_class->set_property = cs_local_signaling_set_property;
  object_class->dispose = cs_local_signaling_dispose;
  object_class->finalize = cs_local_signaling_finalize;

  properties[PROP_SOCKET_PATH] =
    g_param_spec_string ("socket-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CALL_ID] =
    g_param_spec_string ("call-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOCAL_ID] =
    g_param_spec_string ("local-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS |
                           G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_local_signaling_iface_init (CsCallSignalingInterface *iface)
{
  iface->get_local_id = cs_local_signaling_get_local_id;
  iface->join = cs_local_signaling_join;
  iface->leave = cs_local_signaling_leave;
  iface->send_description = cs_local_signaling_send_description;
  iface->send_candidate = cs_local_signaling_send_candidate;
  iface->send_media_state = cs_local_signaling_send_media_state;
}

static void
cs_local_signaling_init (CsLocalSignaling *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->thread = g_thread_self ();
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
  g_queue_init (&self->outgoing);
}

CsLocalSignaling *
cs_local_signaling_new (const char *socket_path, const char *call_id, const char *local_id)
{
  g_return_val_if_fail (socket_path != NULL && *socket_path != '\0', NULL);
  g_return_val_if_fail (call_id != NULL && *call_id != '\0', NULL);
  g_return_val_if_fail (local_id != NULL && *local_id != '\0', NULL);

  return g_object_new (CS_TYPE_LOCAL_SIGNALING, "socket-path", socket_path, "call-id", call_id,
                       "local-id", local_id, NULL);
}
