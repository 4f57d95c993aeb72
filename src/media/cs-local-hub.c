/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-local-hub"

#include "config.h"

#include "cs-local-hub.h"

#include "cs-local-protocol.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#define MAX_LINE_LENGTH CS_LOCAL_PROTOCOL_MAX_LINE_LENGTH
/* Ids and names end up in every roster: keep a roster far below the line limit. */
#define MAX_LABEL_LENGTH 256
#define READ_CHUNK_SIZE (64 * 1024)
/* A participant that stops reading must not make the hub's memory grow without bound. */
#define MAX_QUEUED_BYTES (16 * 1024 * 1024)

typedef struct
{
  /* Unowned; NULL once the client is closed, when pending callbacks only release their ref. */
  CsLocalHub *hub;
  GSocketConnection *connection;
  GCancellable *cancellable;
  GByteArray *input;
  /* Bytes at the start of input already known to hold no newline. */
  gsize scanned;
  GQueue outgoing;
  gsize outgoing_size;
  /* The line being written; the write's callback holds a ref on the client, so it stays
   * valid until the write ends even if the client is closed meanwhile. */
  GBytes *writing;
  gboolean close_when_flushed;
  /* NULL until joined. */
  char *call_id;
  char *id;
  char *name;
} HubClient;

struct _CsLocalHub
{
  GObject parent_instance;

  char *path;
  gboolean announce_departures;
  GSocketService *service;
  /* The socket file is ours to remove. */
  gboolean listening;
  /* Every connected client, owned. */
  GPtrArray *clients;
  /* Call id -> GPtrArray of joined clients in join order, unowned. */
  GHashTable *calls;
};

G_DEFINE_FINAL_TYPE (CsLocalHub, cs_local_hub, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_ANNOUNCE_DEPARTURES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void client_close (HubClient *client, gboolean announce);
static void client_write_next (HubClient *client);

static void
hub_client_clear (HubClient *client)
{
  g_clear_object (&client->connection);
  g_clear_object (&client->cancellable);
  g_clear_pointer (&client->input, g_byte_array_unref);
  g_queue_clear_full (&client->outgoing, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&client->writing, g_bytes_unref);
  g_clear_pointer (&client->call_id, g_free);
  g_clear_pointer (&client->id, g_free);
  g_clear_pointer (&client->name, g_free);
}

static HubClient *
hub_client_ref (HubClient *client)
{
  return g_rc_box_acquire (client);
}

static void
hub_client_unref (HubClient *client)
{
  g_rc_box_release_full (client, (GDestroyNotify) hub_client_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HubClient, hub_client_unref)

static gboolean
is_label (const char *text)
{
  return text != NULL && *text != '\0' && strlen (text) <= MAX_LABEL_LENGTH;
}

static GPtrArray *
get_members (CsLocalHub *self, const char *call_id)
{
  if (call_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->calls, call_id);
}

static HubClient *
find_member (CsLocalHub *self, HubClient *sender, const char *id)
{
  GPtrArray *members = get_members (self, sender->call_id);

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      HubClient *member = g_ptr_array_index (members, i);

      if (member != sender && g_str_equal (member->id, id))
        return member;
    }
  return NULL;
}

static void
client_send (HubClient *client, GBytes *line)
{
  if (client->hub == NULL || client->close_when_flushed)
    return;

  if (client->outgoing_size + g_bytes_get_size (line) > MAX_QUEUED_BYTES)
    {
      g_message ("Disconnecting %s, which stopped reading its messages",
                 client->id != NULL ? client->id : "a client");
      client_close (client, client->hub->announce_departures);
      return;
    }

  g_queue_push_tail (&client->outgoing, g_bytes_ref (line));
  client->outgoing_size += g_bytes_get_size (line);
  client_write_next (client);
}

static void
broadcast (CsLocalHub *self, const char *call_id, HubClient *except, GBytes *line)
{
  GPtrArray *members = get_members (self, call_id);
  g_autoptr (GPtrArray) recipients =
    g_ptr_array_new_with_free_func ((GDestroyNotify) hub_client_unref);

  /* Sending may disconnect a slow reader, which changes the member list. */
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      HubClient *member = g_ptr_array_index (members, i);

      if (member != except)
        g_ptr_array_add (recipients, hub_client_ref (member));
    }

  for (guint i = 0; i < recipients->len; i++)
    client_send (g_ptr_array_index (recipients, i), line);
}

static void
call_remove (CsLocalHub *self, HubClient *client, gboolean announce)
{
  g_autofree char *call_id = g_steal_pointer (&client->call_id);
  GPtrArray *members = get_members (self, call_id);
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GBytes) line = NULL;

  g_assert (members != NULL);
  g_ptr_array_remove (members, client);
  if (members->len == 0)
    {
      g_hash_table_remove (self->calls, call_id);
      return;
    }
  if (!announce)
    return;

  builder = cs_local_protocol_begin ("left");
  cs_local_protocol_add_string (builder, "id", client->id);
  line = cs_local_protocol_end (builder);
  broadcast (self, call_id, client, line);
}

static void
client_close (HubClient *client, gboolean announce)
{
  CsLocalHub *self = client->hub;
  g_autoptr (HubClient) hold = NULL;

  if (self == NULL)
    return;

  hold = hub_client_ref (client);
  client->hub = NULL;
  g_cancellable_cancel (client->cancellable);
  g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL);
  g_queue_clear_full (&client->outgoing, (GDestroyNotify) g_bytes_unref);
  client->outgoing_size = 0;

  if (client->call_id != NULL)
    call_remove (self, client, announce);
  g_ptr_array_remove_fast (self->clients, client);
}

static void
client_reject (HubClient *client, const char *why)
{
  g_message ("Disconnecting %s: %s", client->id != NULL ? client->id : "a client", why);
  client_close (client, client->hub->announce_departures);
}

static gboolean
handle_join (CsLocalHub *self, HubClient *client, JsonObject *message)
{
  const char *call_id = cs_local_protocol_get_string (message, "call");
  const char *id = cs_local_protocol_get_string (message, "id");
  const char *name =
    json_object_has_member (message, "name") ? cs_local_protocol_get_string (message, "name") : "";
  GPtrArray *members = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (GBytes) refusal = NULL;
  g_autoptr (GBytes) roster = NULL;
  g_autoptr (GBytes) joined = NULL;

  if (!is_label (call_id) || !is_label (id) || name == NULL || strlen (name) > MAX_LABEL_LENGTH)
    return FALSE;

  members = get_members (self, call_id);
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      HubClient *member = g_ptr_array_index (members, i);

      if (g_str_equal (member->id, id))
        {
          builder = cs_local_protocol_begin ("error");
          cs_local_protocol_add_string (builder, "message",
                                        "Someone in this call already uses this id");
          refusal = cs_local_protocol_end (builder);
          g_message ("Refusing a second participant with id %s in call %s", id, call_id);
          client_send (client, refusal);
          client->close_when_flushed = TRUE;
          return TRUE;
        }
    }

  builder = cs_local_protocol_begin ("roster");
  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      HubClient *member = g_ptr_array_index (members, i);

      json_builder_begin_object (builder);
      cs_local_protocol_add_string (builder, "id", member->id);
      cs_local_protocol_add_string (builder, "name", member->name);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  roster = cs_local_protocol_end (builder);
  g_clear_object (&builder);

  builder = cs_local_protocol_begin ("joined");
  cs_local_protocol_add_string (builder, "id", id);
  cs_local_protocol_add_string (builder, "name", name);
  joined = cs_local_protocol_end (builder);

  if (members == NULL)
    {
      members = g_ptr_array_new ();
      g_hash_table_insert (self->calls, g_strdup (call_id), members);
    }
  g_ptr_array_add (members, client);
  client->call_id = g_strdup (call_id);
  client->id = g_strdup (id);
  client->name = g_strdup (name);

  client_send (client, roster);
  broadcast (self, call_id, client, joined);
  return TRUE;
}

static void
relay (HubClient *client, const char *to, JsonBuilder *builder)
{
  HubClient *recipient = NULL;
  g_autoptr (GBytes) line = NULL;

  line = cs_local_protocol_end (builder);
  if (g_bytes_get_size (line) - 1 > MAX_LINE_LENGTH)
    {
      g_message ("Dropping a message from %s that would be too long with its sender added",
                 client->id);
      return;
    }

  if (to == NULL)
    {
      broadcast (client->hub, client->call_id, client, line);
      return;
    }

  recipient = find_member (client->hub, client, to);
  if (recipient == NULL)
    {
      /* The addressee may just have left; the sender learns it from "left". */
      g_debug ("Dropping a message from %s to %s, who is not in the call", client->id, to);
      return;
    }
  client_send (recipient, line);
}

static JsonBuilder *
begin_relayed (HubClient *client, const char *type)
{
  JsonBuilder *builder = cs_local_protocol_begin (type);

  cs_local_protocol_add_string (builder, "from", client->id);
  return builder;
}

/* Returns FALSE when the message breaks the protocol. */
static gboolean
handle_message (CsLocalHub *self, HubClient *client, JsonObject *message)
{
  const char *type = cs_local_protocol_get_string (message, "type");
  const char *to = cs_local_protocol_get_string (message, "to");
  g_autoptr (JsonBuilder) builder = NULL;

  if (type == NULL)
    return FALSE;

  if (client->id == NULL)
    return g_str_equal (type, "join") && handle_join (self, client, message);

  if (g_str_equal (type, "description"))
    {
      const char *sdp_type = cs_local_protocol_get_string (message, "sdp_type");
      const char *sdp = cs_local_protocol_get_string (message, "sdp");

      if (to == NULL || sdp_type == NULL || sdp == NULL ||
          (!g_str_equal (sdp_type, "offer") && !g_str_equal (sdp_type, "answer")))
        return FALSE;

      builder = begin_relayed (client, type);
      cs_local_protocol_add_string (builder, "sdp_type", sdp_type);
      cs_local_protocol_add_string (builder, "sdp", sdp);
      relay (client, to, builder);
      return TRUE;
    }

  if (g_str_equal (type, "candidate"))
    {
      const char *candidate = cs_local_protocol_get_string (message, "candidate");
      guint mline;

      if (to == NULL || candidate == NULL || !cs_local_protocol_get_uint (message, "mline", &mline))
        return FALSE;

      builder = begin_relayed (client, type);
      json_builder_set_member_name (builder, "mline");
      json_builder_add_int_value (builder, mline);
      cs_local_protocol_add_string (builder, "candidate", candidate);
      relay (client, to, builder);
      return TRUE;
    }

  if (g_str_equal (type, "media-state"))
    {
      gboolean muted;
      gboolean camera_off;

      if (!cs_local_protocol_get_boolean (message, "muted", &muted) ||
          !cs_local_protocol_get_boolean (message, "camera_off", &camera_off))
        return FALSE;

      builder = begin_relayed (client, type);
      json_builder_set_member_name (builder, "muted");
      json_builder_add_boolean_value (builder, muted);
      json_builder_set_member_name (builder, "camera_off");
      json_builder_add_boolean_value (builder, camera_off);
      relay (client, NULL, builder);
      return TRUE;
    }

  if (g_str_equal (type, "leave"))
    {
      client_close (client, TRUE);
      return TRUE;
    }

  return FALSE;
}

static void
client_handle_input (HubClient *client)
{
  CsLocalHub *self = client->hub;
  gsize start = 0;

  while (client->hub != NULL && !client->close_when_flushed)
    {
      const guint8 *data = client->input->data + start;
      gsize available = client->input->len - start;
      const guint8 *newline = NULL;
      gsize skip = MIN (client->scanned, available);
      g_autoptr (JsonObject) message = NULL;

      newline = memchr (data + skip, '\n', available - skip);
      if (newline == NULL)
        {
          client->scanned = available;
          break;
        }

      if ((gsize) (newline - data) > MAX_LINE_LENGTH)
        {
          client_reject (client, "its message is too long");
          return;
        }

      message = cs_local_protocol_parse ((const char *) data, newline - data);
      start += newline - data + 1;
      client->scanned = 0;
      if (message == NULL)
        {
          client_reject (client, "it sent something that is not a JSON object");
          return;
        }
      if (!handle_message (self, client, message))
        {
          client_reject (client, "it sent a message that breaks the protocol");
          return;
        }
    }

  if (client->hub == NULL)
    return;

  g_byte_array_remove_range (client->input, 0, start);
  client->scanned = MIN (client->scanned, client->input->len);
  if (client->input->len > MAX_LINE_LENGTH)
    client_reject (client, "its message is too long");
}

static void
on_client_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HubClient) client = user_data;
  g_autoptr (GError) error = NULL;
  gboolean written =
    g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);

  g_clear_pointer (&client->writing, g_bytes_unref);
  if (client->hub == NULL)
    return;

  if (!written)
    {
      g_debug ("Could not write to %s: %s", client->id != NULL ? client->id : "a client",
               error->message);
      client_close (client, client->hub->announce_departures);
      return;
    }

  client_write_next (client);
}

static void
client_write_next (HubClient *client)
{
  GOutputStream *output = NULL;
  gconstpointer data;
  gsize size;

  if (client->hub == NULL || client->writing != NULL)
    return;

  client->writing = g_queue_pop_head (&client->outgoing);
  if (client->writing == NULL)
    {
      if (client->close_when_flushed)
        client_close (client, FALSE);
      return;
    }

  data = g_bytes_get_data (client->writing, &size);
  client->outgoing_size -= size;
  output = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
  g_output_stream_write_all_async (output, data, size, G_PRIORITY_DEFAULT, client->cancellable,
                                   on_client_written, hub_client_ref (client));
}

static void client_read_more (HubClient *client);

static void
on_client_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (HubClient) client = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
    g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gconstpointer data;
  gsize size;

  if (client->hub == NULL)
    return;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_debug ("%s disconnected%s%s", client->id != NULL ? client->id : "A client",
               error != NULL ? ": " : "", error != NULL ? error->message : "");
      client_close (client, client->hub->announce_departures);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  g_byte_array_append (client->input, data, size);
  client_handle_input (client);
  if (client->hub != NULL && !client->close_when_flushed)
    client_read_more (client);
}

static void
client_read_more (HubClient *client)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (client->connection));

  g_input_stream_read_bytes_async (input, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT, client->cancellable,
                                   on_client_read, hub_client_ref (client));
}

static gboolean
on_incoming (GSocketService *service,
             GSocketConnection *connection,
             GObject *source_object,
             gpointer user_data)
{
  CsLocalHub *self = user_data;
  HubClient *client = g_rc_box_new0 (HubClient);

  client->hub = self;
  client->connection = g_object_ref (connection);
  client->cancellable = g_cancellable_new ();
  client->input = g_byte_array_new ();
  g_queue_init (&client->outgoing);
  g_ptr_array_add (self->clients, client);
  client_read_more (client);

  return TRUE;
}

static gboolean
listen_on_path (CsLocalHub *self, GError **error)
{
  struct sockaddr_un native;
  GStatBuf status;
  g_autoptr (GSocketAddress) address = NULL;

  if (strlen (self->path) >= sizeof (native.sun_path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The socket path %s is too long: a Unix socket path has at most %zu bytes",
                   self->path, sizeof (native.sun_path) - 1);
      return FALSE;
    }

  /* A hub that was killed leaves its socket file behind, and bind() would fail on it. */
  if (g_lstat (self->path, &status) == 0)
    {
      if (!S_ISSOCK (status.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "%s already exists and is not a socket", self->path);
          return FALSE;
        }
      if (g_unlink (self->path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Could not remove the stale socket %s: %s", self->path,
                       g_strerror (saved_errno));
          return FALSE;
        }
    }

  address = g_unix_socket_address_new (self->path);
  self->service = g_socket_service_new ();
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL,
                                      error))
    return FALSE;

  self->listening = TRUE;
  g_socket_service_start (self->service);
  return TRUE;
}

static void
cs_local_hub_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CsLocalHub *self = CS_LOCAL_HUB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_ANNOUNCE_DEPARTURES:
      g_value_set_boolean (value, self->announce_departures);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_local_hub_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CsLocalHub *self = CS_LOCAL_HUB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    case PROP_ANNOUNCE_DEPARTURES:
      cs_local_hub_set_announce_departures (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cs_local_hub_dispose (GObject *object)
{
  CsLocalHub *self = CS_LOCAL_HUB (object);

  if (self->service != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }

  while (self->clients->len > 0)
    client_close (g_ptr_array_index (self->clients, self->clients->len - 1), FALSE);

  if (self->listening)
    {
      g_unlink (self->path);
      self->listening = FALSE;
    }

  G_OBJECT_CLASS (cs_local_hub_parent_class)->dispose (object);
}

static void
cs_local_hub_finalize (GObject *object)
{
  CsLocalHub *self = CS_LOCAL_HUB (object);

  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (cs_local_hub_parent_class)->finalize (object);
}

static void
cs_local_hub_class_init (CsLocalHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cs_local_hub_get_property;
  object_class->set_property = cs_local_hub_set_property;
  object_class->dispose = cs_local_hub_dispose;
  object_class->finalize = cs_local_hub_finalize;

  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                 G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ANNOUNCE_DEPARTURES] =
    g_param_spec_boolean ("announce-departures", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cs_local_hub_init (CsLocalHub *self)
{
  self->announce_departures = TRUE;
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) hub_client_unref);
  self->calls =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}

CsLocalHub *
cs_local_hub_new (const char *socket_path, GError **error)
{
  g_autoptr (CsLocalHub) self = NULL;

  g_return_val_if_fail (socket_path != NULL && *socket_path != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CS_TYPE_LOCAL_HUB, "path", socket_path, NULL);
  if (!listen_on_path (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
cs_local_hub_get_path (CsLocalHub *self)
{
  g_return_val_if_fail (CS_IS_LOCAL_HUB (self), NULL);

  return self->path;
}

void
cs_local_hub_set_announce_departures (CsLocalHub *self, gboolean announce_departures)
{
  g_return_if_fail (CS_IS_LOCAL_HUB (self));

  announce_departures = !!announce_departures;
  if (self->announce_departures == announce_departures)
    return;

  self->announce_departures = announce_departures;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOUNCE_DEPARTURES]);
}

gboolean
cs_local_hub_get_announce_departures (CsLocalHub *self)
{
  g_return_val_if_fail (CS_IS_LOCAL_HUB (self), FALSE);

  return self->announce_departures;
}

guint
cs_local_hub_get_n_participants (CsLocalHub *self, const char *call_id)
{
  GPtrArray *members = NULL;

  g_return_val_if_fail (CS_IS_LOCAL_HUB (self), 0);
  g_return_val_if_fail (call_id != NULL, 0);

  members = get_members (self, call_id);
  return members != NULL ? members->len : 0;
}
