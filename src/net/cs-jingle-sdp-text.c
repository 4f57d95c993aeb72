/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-jingle-sdp"

#include "config.h"

#include "cs-jingle-sdp-private.h"

#include <string.h>

/* Reading and writing SDP text (RFC 8866 with the WebRTC attributes webrtcbin uses). Only
 * what Jingle can carry is read; other lines are skipped, not refused, since they are
 * harmless and browsers add new ones every year. */

#define MAX_LINE_TOKENS 64

typedef struct
{
  CsJsSession *session;
  gboolean author_is_initiator;
  CsJsMedia *media; /* the m-line being read, or NULL at session level */
  char *direction;
  guint port;
  gboolean bundle_only;
  /* Session-level values, for m-lines that do not repeat them. */
  char *ufrag;
  char *pwd;
  char *fp_hash;
  char *fp_value;
  char *setup;
  gboolean extmap_allow_mixed;
} Reader;

static gboolean
invalid (GError **error, guint line, const char *what)
{
  g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID, "SDP line %u: %s", line,
               what);
  return FALSE;
}

static CsJsSenders
senders_from_direction (const char *direction, gboolean author_is_initiator)
{
  CsJsSenders author = author_is_initiator ? CS_JS_SENDERS_INITIATOR : CS_JS_SENDERS_RESPONDER;
  CsJsSenders other = author_is_initiator ? CS_JS_SENDERS_RESPONDER : CS_JS_SENDERS_INITIATOR;

  if (g_strcmp0 (direction, "sendonly") == 0)
    return author;
  if (g_strcmp0 (direction, "recvonly") == 0)
    return other;
  if (g_strcmp0 (direction, "inactive") == 0)
    return CS_JS_SENDERS_NONE;
  return CS_JS_SENDERS_BOTH;
}

static const char *
direction_from_senders (CsJsSenders senders, gboolean author_is_initiator)
{
  switch (senders)
    {
    case CS_JS_SENDERS_INITIATOR:
      return author_is_initiator ? "sendonly" : "recvonly";
    case CS_JS_SENDERS_RESPONDER:
      return author_is_initiator ? "recvonly" : "sendonly";
    case CS_JS_SENDERS_NONE:
      return "inactive";
    case CS_JS_SENDERS_BOTH:
    default:
      return "sendrecv";
    }
}

static CsJsPayload *
find_payload (CsJsMedia *media, guint id)
{
  for (guint i = 0; i < media->payloads->len; i++)
    {
      CsJsPayload *payload = g_ptr_array_index (media->payloads, i);

      if (payload->id == id)
        return payload;
    }
  return NULL;
}

static CsJsSource *
find_source (CsJsMedia *media, guint32 ssrc)
{
  for (guint i = 0; i < media->sources->len; i++)
    {
      CsJsSource *source = g_ptr_array_index (media->sources, i);

      if (source->ssrc == ssrc)
        return source;
    }
  return NULL;
}

/* Splits on single spaces; NULL when there are too many fields for any line we read. */
static char **
split_fields (const char *text)
{
  g_auto (GStrv) fields = g_strsplit (text, " ", MAX_LINE_TOKENS + 1);

  if (g_strv_length (fields) > MAX_LINE_TOKENS)
    return NULL;
  for (guint i = 0; fields[i] != NULL; i++)
    if (fields[i][0] == '\0')
      return NULL;
  return g_steal_pointer (&fields);
}

static void
finish_media (Reader *reader)
{
  CsJsMedia *media = reader->media;

  if (media == NULL)
    return;
  media->senders = senders_from_direction (reader->direction, reader->author_is_initiator);
  /* Port 0 rejects an m-line, unless it only waits to share the bundle's transport. */
  if (reader->port == 0 && !reader->bundle_only)
    media->senders = CS_JS_SENDERS_NONE;
  if (media->ufrag == NULL && media->pwd == NULL)
    {
      media->ufrag = g_strdup (reader->ufrag);
      media->pwd = g_strdup (reader->pwd);
    }
  if (media->fp_value == NULL)
    {
      media->fp_hash = g_strdup (reader->fp_hash);
      media->fp_value = g_strdup (reader->fp_value);
    }
  if (media->setup == NULL)
    media->setup = g_strdup (reader->setup);
  media->extmap_allow_mixed |= reader->extmap_allow_mixed;
  g_clear_pointer (&reader->direction, g_free);
  reader->media = NULL;
}

static gboolean
read_m_line (Reader *reader, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  g_autofree char *port = NULL;
  CsJsMedia *media;
  guint64 number;

  finish_media (reader);
  if (reader->session->medias->len >= CS_JS_MAX_MEDIA)
    return invalid (error, n, "too many m-lines");
  if (fields == NULL || g_strv_length (fields) < 4)
    return invalid (error, n, "an m-line needs a media, a port, a profile and formats");
  if (strcmp (fields[0], "audio") != 0 && strcmp (fields[0], "video") != 0)
    return invalid (error, n, "only audio and video media can be mapped to Jingle RTP");
  if (strstr (fields[2], "RTP/") == NULL || !cs_js_is_value (fields[2], FALSE))
    return invalid (error, n, "the media profile is not RTP");
  /* "port/count" is legal SDP; the count means nothing to ICE. */
  port = g_strndup (fields[1], strcspn (fields[1], "/"));
  if (!cs_js_parse_uint (port, 65535, &number))
    return invalid (error, n, "bad port");
  reader->port = number;
  reader->bundle_only = FALSE;

  media = cs_js_media_new ();
  media->media = g_strdup (fields[0]);
  g_ptr_array_add (reader->session->medias, media);
  reader->media = media;
  for (guint i = 3; fields[i] != NULL; i++)
    {
      if (!cs_js_parse_uint (fields[i], 127, &number))
        return invalid (error, n, "payload types are numbers from 0 to 127");
      if (find_payload (media, number) != NULL)
        return invalid (error, n, "a payload type is listed twice");
      if (media->payloads->len >= CS_JS_MAX_PAYLOADS)
        return invalid (error, n, "too many payload types");
      g_ptr_array_add (media->payloads, cs_js_payload_new (number));
    }
  return TRUE;
}

static gboolean
read_rtpmap (CsJsMedia *media, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  g_auto (GStrv) parts = NULL;
  CsJsPayload *payload;
  guint64 number;

  if (fields == NULL || g_strv_length (fields) != 2 || !cs_js_parse_uint (fields[0], 127, &number))
    return invalid (error, n, "bad rtpmap");
  payload = find_payload (media, number);
  if (payload == NULL)
    return TRUE;
  parts = g_strsplit (fields[1], "/", 4);
  if (g_strv_length (parts) < 2 || g_strv_length (parts) > 3 ||
      !cs_js_is_token (parts[0], CS_JS_MAX_TOKEN))
    return invalid (error, n, "bad rtpmap encoding");
  g_free (payload->name);
  payload->name = g_strdup (parts[0]);
  if (!cs_js_parse_uint (parts[1], 10000000, &number) || number == 0)
    return invalid (error, n, "bad clock rate");
  payload->clockrate = number;
  payload->channels = 0;
  if (parts[2] != NULL)
    {
      if (!cs_js_parse_uint (parts[2], 255, &number) || number == 0)
        return invalid (error, n, "bad channel count");
      payload->channels = number;
    }
  return TRUE;
}

/* "name=value;name=value" or a bare "0-15" (RFC 4733): both kept, in order. */
static gboolean
read_fmtp_params (GPtrArray *params, const char *text)
{
  g_auto (GStrv) items = g_strsplit (text, ";", CS_JS_MAX_PARAMS + 2);

  if (g_strv_length (items) > CS_JS_MAX_PARAMS + 1)
    return FALSE;
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *equals = strchr (item, '=');

      if (*item == '\0')
        continue;
      if (params->len >= CS_JS_MAX_PARAMS)
        return FALSE;
      if (equals != NULL)
        *equals = '\0';
      if (!cs_js_is_value (item, FALSE) || strchr (item, '=') != NULL ||
          (equals != NULL && !cs_js_is_value (equals + 1, FALSE)))
        return FALSE;
      g_ptr_array_add (params, cs_js_param_new (item, equals != NULL ? equals + 1 : NULL));
    }
  return TRUE;
}

static gboolean
read_fmtp (CsJsMedia *media, const char *value, guint n, GError **error)
{
  const char *space = strchr (value, ' ');
  g_autofree char *pt = g_strndup (value, space != NULL ? (gsize) (space - value) : strlen (value));
  CsJsPayload *payload;
  guint64 number;

  if (space == NULL || !cs_js_parse_uint (pt, 127, &number))
    return invalid (error, n, "bad fmtp");
  payload = find_payload (media, number);
  if (payload == NULL)
    return TRUE;
  g_ptr_array_set_size (payload->params, 0);
  if (!read_fmtp_params (payload->params, space + 1))
    return invalid (error, n, "bad fmtp parameters");
  return TRUE;
}

static gboolean
read_rtcp_fb (CsJsMedia *media, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  GPtrArray *feedback;
  gint *trr_int;
  guint64 number;

  if (fields == NULL || g_strv_length (fields) < 2 || g_strv_length (fields) > 3 ||
      !cs_js_is_token (fields[1], CS_JS_MAX_TOKEN) ||
      (fields[2] != NULL && !cs_js_is_token (fields[2], CS_JS_MAX_TOKEN)))
    return invalid (error, n, "bad rtcp-fb");
  if (strcmp (fields[0], "*") == 0)
    {
      feedback = media->feedback;
      trr_int = &media->trr_int;
    }
  else
    {
      CsJsPayload *payload;

      if (!cs_js_parse_uint (fields[0], 127, &number))
        return invalid (error, n, "bad rtcp-fb payload type");
      payload = find_payload (media, number);
      if (payload == NULL)
        return TRUE;
      feedback = payload->feedback;
      trr_int = &payload->trr_int;
    }

  if (strcmp (fields[1], "trr-int") == 0)
    {
      if (fields[2] == NULL || !cs_js_parse_uint (fields[2], G_MAXINT, &number))
        return invalid (error, n, "bad trr-int");
      *trr_int = number;
      return TRUE;
    }
  if (feedback->len >= CS_JS_MAX_FEEDBACK)
    return invalid (error, n, "too many rtcp-fb lines");
  g_ptr_array_add (feedback, cs_js_feedback_new (fields[1], fields[2]));
  return TRUE;
}

static gboolean
read_extmap (Reader *reader, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  g_auto (GStrv) id = NULL;
  CsJsHdrExt *hdrext;
  guint64 number;

  /* Extension attributes after the URI are left out: XEP-0294 has no place for them. */
  if (fields == NULL || g_strv_length (fields) < 2 || !cs_js_is_value (fields[1], FALSE))
    return invalid (error, n, "bad extmap");
  id = g_strsplit (fields[0], "/", 3);
  if (g_strv_length (id) > 2 || !cs_js_parse_uint (id[0], 255, &number) || number == 0)
    return invalid (error, n, "bad extmap id");
  if (id[1] != NULL && strcmp (id[1], "sendrecv") != 0 && strcmp (id[1], "sendonly") != 0 &&
      strcmp (id[1], "recvonly") != 0 && strcmp (id[1], "inactive") != 0)
    return invalid (error, n, "bad extmap direction");
  if (reader->media->hdrexts->len >= CS_JS_MAX_HDREXTS)
    return invalid (error, n, "too many extmap lines");
  hdrext = g_new0 (CsJsHdrExt, 1);
  hdrext->id = number;
  hdrext->uri = g_strdup (fields[1]);
  hdrext->senders = senders_from_direction (id[1], reader->author_is_initiator);
  g_ptr_array_add (reader->media->hdrexts, hdrext);
  return TRUE;
}

static gboolean
read_ssrc (CsJsMedia *media, const char *value, guint n, GError **error)
{
  const char *space = strchr (value, ' ');
  g_autofree char *ssrc_text =
    g_strndup (value, space != NULL ? (gsize) (space - value) : strlen (value));
  g_autofree char *name = NULL;
  const char *colon;
  CsJsSource *source;
  guint64 ssrc;

  if (space == NULL || !cs_js_parse_uint (ssrc_text, G_MAXUINT32, &ssrc))
    return invalid (error, n, "bad ssrc");
  colon = strchr (space + 1, ':');
  name = g_strndup (space + 1, colon != NULL ? (gsize) (colon - space - 1) : strlen (space + 1));
  if (!cs_js_is_token (name, CS_JS_MAX_TOKEN) ||
      (colon != NULL && !cs_js_is_value (colon + 1, TRUE)))
    return invalid (error, n, "bad ssrc attribute");

  source = find_source (media, ssrc);
  if (source == NULL)
    {
      if (media->sources->len >= CS_JS_MAX_SOURCES)
        return invalid (error, n, "too many sources");
      source = cs_js_source_new (ssrc);
      g_ptr_array_add (media->sources, source);
    }
  if (source->params->len >= CS_JS_MAX_PARAMS)
    return invalid (error, n, "too many source attributes");
  g_ptr_array_add (source->params, cs_js_param_new (name, colon != NULL ? colon + 1 : NULL));
  return TRUE;
}

static gboolean
read_ssrc_group (CsJsMedia *media, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  CsJsSsrcGroup *group;

  if (fields == NULL || g_strv_length (fields) < 2 ||
      g_strv_length (fields) > CS_JS_MAX_GROUP_SIZE + 1 ||
      !cs_js_is_token (fields[0], CS_JS_MAX_TOKEN))
    return invalid (error, n, "bad ssrc-group");
  if (media->ssrc_groups->len >= CS_JS_MAX_SSRC_GROUPS)
    return invalid (error, n, "too many ssrc groups");
  group = cs_js_ssrc_group_new (fields[0]);
  g_ptr_array_add (media->ssrc_groups, group);
  for (guint i = 1; fields[i] != NULL; i++)
    {
      guint64 ssrc;

      if (!cs_js_parse_uint (fields[i], G_MAXUINT32, &ssrc))
        return invalid (error, n, "bad ssrc in a group");
      g_array_append_val (group->ssrcs, (guint32){ ssrc });
    }
  return TRUE;
}

static gboolean
read_group (Reader *reader, const char *value, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);
  CsJsGroup *group;

  if (fields == NULL || g_strv_length (fields) > CS_JS_MAX_MEDIA + 1 ||
      !cs_js_is_token (fields[0], CS_JS_MAX_TOKEN))
    return invalid (error, n, "bad group");
  if (reader->session->groups->len >= CS_JS_MAX_GROUPS)
    return invalid (error, n, "too many groups");
  group = cs_js_group_new (fields[0]);
  g_ptr_array_add (reader->session->groups, group);
  for (guint i = 1; fields[i] != NULL; i++)
    {
      if (!cs_js_is_token (fields[i], CS_JS_MAX_TOKEN))
        return invalid (error, n, "bad mid in a group");
      g_ptr_array_add (group->mids, g_strdup (fields[i]));
    }
  return TRUE;
}

static gboolean
read_fingerprint (const char *value, char **hash, char **fingerprint, guint n, GError **error)
{
  g_auto (GStrv) fields = split_fields (value);

  if (fields == NULL || g_strv_length (fields) != 2 || !cs_js_is_token (fields[0], 16) ||
      !cs_js_is_fingerprint (fields[1]))
    return invalid (error, n, "bad fingerprint");
  g_free (*hash);
  g_free (*fingerprint);
  *hash = g_ascii_strdown (fields[0], -1);
  *fingerprint = g_strdup (fields[1]);
  return TRUE;
}

static gboolean
replace_string (char **field, const char *value, gboolean valid, guint n, GError **error)
{
  if (!valid)
    return invalid (error, n, "bad value");
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
read_attribute (Reader *reader, const char *line, guint n, GError **error)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = g_strndup (line, colon != NULL ? (gsize) (colon - line) : strlen (line));
  const char *value = colon != NULL ? colon + 1 : NULL;
  CsJsMedia *media = reader->media;

  /* Session level, or default for every m-line. */
  if (strcmp (name, "group") == 0 && value != NULL)
    return media == NULL ? read_group (reader, value, n, error) : TRUE;
  if (strcmp (name, "ice-ufrag") == 0 && value != NULL)
    return replace_string (media != NULL ? &media->ufrag : &reader->ufrag, value,
                           cs_js_is_ice_chars (value, 4, 256), n, error);
  if (strcmp (name, "ice-pwd") == 0 && value != NULL)
    return replace_string (media != NULL ? &media->pwd : &reader->pwd, value,
                           cs_js_is_ice_chars (value, 22, 256), n, error);
  if (strcmp (name, "fingerprint") == 0 && value != NULL)
    return media != NULL ? read_fingerprint (value, &media->fp_hash, &media->fp_value, n, error)
                         : read_fingerprint (value, &reader->fp_hash, &reader->fp_value, n, error);
  if (strcmp (name, "setup") == 0 && value != NULL)
    return replace_string (media != NULL ? &media->setup : &reader->setup, value,
                           cs_js_check_setup (value), n, error);
  if (strcmp (name, "extmap-allow-mixed") == 0)
    {
      if (media != NULL)
        media->extmap_allow_mixed = TRUE;
      else
        reader->extmap_allow_mixed = TRUE;
      return TRUE;
    }
  if (media == NULL)
    return TRUE;

  if (strcmp (name, "mid") == 0 && value != NULL)
    return replace_string (&media->mid, value, cs_js_is_token (value, CS_JS_MAX_TOKEN), n, error);
  if (value == NULL && (strcmp (name, "sendrecv") == 0 || strcmp (name, "sendonly") == 0 ||
                        strcmp (name, "recvonly") == 0 || strcmp (name, "inactive") == 0))
    return replace_string (&reader->direction, name, TRUE, n, error);
  if (strcmp (name, "rtcp-mux") == 0)
    media->rtcp_mux = TRUE;
  else if (strcmp (name, "bundle-only") == 0)
    reader->bundle_only = TRUE;
  else if (value == NULL)
    return TRUE;
  else if (strcmp (name, "rtpmap") == 0)
    return read_rtpmap (media, value, n, error);
  else if (strcmp (name, "fmtp") == 0)
    return read_fmtp (media, value, n, error);
  else if (strcmp (name, "rtcp-fb") == 0)
    return read_rtcp_fb (media, value, n, error);
  else if (strcmp (name, "extmap") == 0)
    return read_extmap (reader, value, n, error);
  else if (strcmp (name, "ssrc") == 0)
    return read_ssrc (media, value, n, error);
  else if (strcmp (name, "ssrc-group") == 0)
    return read_ssrc_group (media, value, n, error);
  else if (strcmp (name, "ptime") == 0 || strcmp (name, "maxptime") == 0)
    {
      guint64 number;

      if (!cs_js_parse_uint (value, 10000, &number))
        return invalid (error, n, "bad ptime");
      for (guint i = 0; i < media->payloads->len; i++)
        {
          CsJsPayload *payload = g_ptr_array_index (media->payloads, i);

          if (name[0] == 'p')
            payload->ptime = number;
          else
            payload->maxptime = number;
        }
    }
  else if (strcmp (name, "candidate") == 0)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *text = g_strconcat ("candidate:", value, NULL);
      CsJsCandidate *candidate = cs_js_candidate_from_sdp (text, &local_error);

      /* TCP candidates cannot travel in ICE-UDP: the others are enough. */
      if (g_error_matches (local_error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_UNSUPPORTED))
        return TRUE;
      if (candidate == NULL)
        return invalid (error, n, local_error->message);
      if (media->candidates->len >= CS_JS_MAX_CANDIDATES)
        {
          cs_js_candidate_free (candidate);
          return invalid (error, n, "too many candidates");
        }
      g_ptr_array_add (media->candidates, candidate);
    }
  return TRUE;
}

static gboolean
read_bandwidth (CsJsMedia *media, const char *value, guint n, GError **error)
{
  const char *colon = strchr (value, ':');
  g_autofree char *type = NULL;
  CsJsBandwidth *bandwidth;
  guint64 number;

  if (media == NULL)
    return TRUE;
  if (colon == NULL)
    return invalid (error, n, "bad bandwidth");
  type = g_strndup (value, colon - value);
  if (!cs_js_is_token (type, 16) || !cs_js_parse_uint (colon + 1, G_MAXUINT32, &number))
    return invalid (error, n, "bad bandwidth");
  if (media->bandwidths->len >= CS_JS_MAX_BANDWIDTHS)
    return invalid (error, n, "too many bandwidth lines");
  bandwidth = g_new0 (CsJsBandwidth, 1);
  bandwidth->type = g_steal_pointer (&type);
  bandwidth->value = number;
  g_ptr_array_add (media->bandwidths, bandwidth);
  return TRUE;
}

static void
reader_clear (Reader *reader)
{
  g_free (reader->direction);
  g_free (reader->ufrag);
  g_free (reader->pwd);
  g_free (reader->fp_hash);
  g_free (reader->fp_value);
  g_free (reader->setup);
}

CsJsSession *
cs_js_session_from_sdp (const char *sdp, gboolean author_is_initiator, GError **error)
{
  g_autoptr (CsJsSession) session = cs_js_session_new ();
  g_auto (GStrv) lines = NULL;
  Reader reader = { session, author_is_initiator };
  gboolean ok = TRUE;

  if (strlen (sdp) > CS_JS_MAX_SDP_LENGTH)
    {
      g_set_error_literal (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                           "The SDP is too long");
      return NULL;
    }
  lines = g_strsplit (sdp, "\n", -1);
  for (guint n = 0; ok && lines[n] != NULL; n++)
    {
      char *line = lines[n];
      gsize length = strlen (line);

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (length == 0)
        continue;
      if (length < 2 || line[1] != '=')
        ok = invalid (error, n + 1, "not an SDP line");
      else if (line[0] == 'm')
        ok = read_m_line (&reader, line + 2, n + 1, error);
      else if (line[0] == 'a')
        ok = read_attribute (&reader, line + 2, n + 1, error);
      else if (line[0] == 'b')
        ok = read_bandwidth (reader.media, line + 2, n + 1, error);
    }
  if (ok)
    finish_media (&reader);
  reader_clear (&reader);
  if (!ok)
    return NULL;
  return g_steal_pointer (&session);
}

/* candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
 * [raddr <address>] [rport <port>] [tcptype ...] [generation <n>] [network-id <n>] ... */
CsJsCandidate *
cs_js_candidate_from_sdp (const char *line, GError **error)
{
  g_autoptr (CsJsCandidate) candidate = g_new0 (CsJsCandidate, 1);
  g_auto (GStrv) fields = NULL;
  guint64 number;
  guint count;

  if (line == NULL || !g_str_has_prefix (line, "candidate:") || strlen (line) > 1024 ||
      (fields = split_fields (line + strlen ("candidate:"))) == NULL ||
      (count = g_strv_length (fields)) < 8 || count % 2 != 0 || strcmp (fields[6], "typ") != 0)
    {
      g_set_error_literal (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                           "Not an ICE candidate line");
      return NULL;
    }
  if (g_ascii_strcasecmp (fields[2], "udp") != 0)
    {
      g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_UNSUPPORTED,
                   "ICE-UDP cannot carry a %s candidate", fields[2]);
      return NULL;
    }
  if (!cs_js_is_ice_chars (fields[0], 1, 32))
    goto bad;
  candidate->foundation = g_strdup (fields[0]);
  if (!cs_js_parse_uint (fields[1], 256, &number) || number == 0)
    goto bad;
  candidate->component = number;
  if (!cs_js_parse_uint (fields[3], G_MAXUINT32, &number))
    goto bad;
  candidate->priority = number;
  if (!cs_js_is_address (fields[4]))
    goto bad;
  candidate->ip = g_strdup (fields[4]);
  if (!cs_js_parse_uint (fields[5], 65535, &number) || number == 0)
    goto bad;
  candidate->port = number;
  if (!cs_js_check_candidate_type (fields[7]))
    goto bad;
  candidate->type = g_strdup (fields[7]);

  for (guint i = 8; i < count; i += 2)
    {
      const char *key = fields[i];
      const char *value = fields[i + 1];

      if (strcmp (key, "raddr") == 0)
        {
          if (!cs_js_is_address (value))
            goto bad;
          g_free (candidate->rel_addr);
          candidate->rel_addr = g_strdup (value);
        }
      else if (strcmp (key, "rport") == 0)
        {
          if (!cs_js_parse_uint (value, 65535, &number))
            goto bad;
          candidate->rel_port = number;
        }
      else if (strcmp (key, "generation") == 0)
        {
          if (!cs_js_parse_uint (value, G_MAXUINT16, &number))
            goto bad;
          candidate->generation = number;
        }
      else if (strcmp (key, "network-id") == 0)
        {
          if (!cs_js_parse_uint (value, G_MAXUINT16, &number))
            goto bad;
          candidate->network = number;
        }
    }
  /* A related port means nothing without its address. */
  if (candidate->rel_addr == NULL)
    candidate->rel_port = 0;
  return g_steal_pointer (&candidate);

bad:
  g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
               "Bad value in an ICE candidate line");
  return NULL;
}

char *
cs_js_candidate_to_sdp (const CsJsCandidate *candidate)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "candidate:%s %u UDP %u %s %u typ %s", candidate->foundation,
                          candidate->component, candidate->priority, candidate->ip, candidate->port,
                          candidate->type);
  if (candidate->rel_addr != NULL)
    g_string_append_printf (text, " raddr %s rport %u", candidate->rel_addr, candidate->rel_port);
  if (candidate->generation != 0)
    g_string_append_printf (text, " generation %u", candidate->generation);
  if (candidate->network != 0)
    g_string_append_printf (text, " network-id %u", candidate->network);
  return g_string_free (text, FALSE);
}

static void
append_feedback (GString *sdp, const char *pt, GPtrArray *feedback, gint trr_int)
{
  for (guint i = 0; i < feedback->len; i++)
    {
      CsJsFeedback *fb = g_ptr_array_index (feedback, i);

      g_string_append_printf (sdp, "a=rtcp-fb:%s %s%s%s\r\n", pt, fb->type,
                              fb->subtype != NULL ? " " : "",
                              fb->subtype != NULL ? fb->subtype : "");
    }
  if (trr_int >= 0)
    g_string_append_printf (sdp, "a=rtcp-fb:%s trr-int %d\r\n", pt, trr_int);
}

static void
append_media (GString *sdp, CsJsMedia *media, gboolean author_is_initiator)
{
  CsJsPayload *first = g_ptr_array_index (media->payloads, 0);

  /* No port or address travels in Jingle: ICE candidates carry them. 9 is the discard port
   * that RFC 8840 asks for, and keeps the m-line from reading as rejected. */
  g_string_append_printf (sdp, "m=%s 9 UDP/TLS/RTP/SAVPF", media->media);
  for (guint i = 0; i < media->payloads->len; i++)
    g_string_append_printf (sdp, " %u",
                            ((CsJsPayload *) g_ptr_array_index (media->payloads, i))->id);
  g_string_append (sdp, "\r\nc=IN IP4 0.0.0.0\r\n");
  for (guint i = 0; i < media->bandwidths->len; i++)
    {
      CsJsBandwidth *bandwidth = g_ptr_array_index (media->bandwidths, i);

      g_string_append_printf (sdp, "b=%s:%u\r\n", bandwidth->type, bandwidth->value);
    }
  g_string_append_printf (sdp, "a=mid:%s\r\n", media->mid);
  g_string_append_printf (sdp, "a=%s\r\n",
                          direction_from_senders (media->senders, author_is_initiator));
  g_string_append_printf (sdp, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", media->ufrag, media->pwd);
  g_string_append_printf (sdp, "a=fingerprint:%s %s\r\n", media->fp_hash, media->fp_value);
  g_string_append_printf (sdp, "a=setup:%s\r\n", media->setup);
  if (media->rtcp_mux)
    g_string_append (sdp, "a=rtcp-mux\r\n");
  if (media->extmap_allow_mixed)
    g_string_append (sdp, "a=extmap-allow-mixed\r\n");
  for (guint i = 0; i < media->hdrexts->len; i++)
    {
      CsJsHdrExt *hdrext = g_ptr_array_index (media->hdrexts, i);

      if (hdrext->senders == CS_JS_SENDERS_BOTH)
        g_string_append_printf (sdp, "a=extmap:%u %s\r\n", hdrext->id, hdrext->uri);
      else
        g_string_append_printf (sdp, "a=extmap:%u/%s %s\r\n", hdrext->id,
                                direction_from_senders (hdrext->senders, author_is_initiator),
                                hdrext->uri);
    }
  for (guint i = 0; i < media->payloads->len; i++)
    {
      CsJsPayload *payload = g_ptr_array_index (media->payloads, i);
      g_autofree char *pt = g_strdup_printf ("%u", payload->id);

      if (payload->name != NULL && payload->clockrate != 0)
        {
          g_string_append_printf (sdp, "a=rtpmap:%u %s/%u", payload->id, payload->name,
                                  payload->clockrate);
          if (payload->channels != 0)
            g_string_append_printf (sdp, "/%u", payload->channels);
          g_string_append (sdp, "\r\n");
        }
      if (payload->params->len > 0)
        {
          g_string_append_printf (sdp, "a=fmtp:%u ", payload->id);
          for (guint j = 0; j < payload->params->len; j++)
            {
              CsJsParam *param = g_ptr_array_index (payload->params, j);

              g_string_append_printf (sdp, "%s%s%s%s", j > 0 ? ";" : "", param->name,
                                      param->value != NULL ? "=" : "",
                                      param->value != NULL ? param->value : "");
            }
          g_string_append (sdp, "\r\n");
        }
      append_feedback (sdp, pt, payload->feedback, payload->trr_int);
    }
  append_feedback (sdp, "*", media->feedback, media->trr_int);
  if (first->ptime != 0)
    g_string_append_printf (sdp, "a=ptime:%u\r\n", first->ptime);
  if (first->maxptime != 0)
    g_string_append_printf (sdp, "a=maxptime:%u\r\n", first->maxptime);
  for (guint i = 0; i < media->ssrc_groups->len; i++)
    {
      CsJsSsrcGroup *group = g_ptr_array_index (media->ssrc_groups, i);

      g_string_append_printf (sdp, "a=ssrc-group:%s", group->semantics);
      for (guint j = 0; j < group->ssrcs->len; j++)
        g_string_append_printf (sdp, " %u", g_array_index (group->ssrcs, guint32, j));
      g_string_append (sdp, "\r\n");
    }
  for (guint i = 0; i < media->sources->len; i++)
    {
      CsJsSource *source = g_ptr_array_index (media->sources, i);

      for (guint j = 0; j < source->params->len; j++)
        {
          CsJsParam *param = g_ptr_array_index (source->params, j);

          g_string_append_printf (sdp, "a=ssrc:%u %s%s%s\r\n", source->ssrc, param->name,
                                  param->value != NULL ? ":" : "",
                                  param->value != NULL ? param->value : "");
        }
    }
  for (guint i = 0; i < media->candidates->len; i++)
    {
      g_autofree char *line = cs_js_candidate_to_sdp (g_ptr_array_index (media->candidates, i));

      g_string_append_printf (sdp, "a=%s\r\n", line);
    }
}

char *
cs_js_session_to_sdp (CsJsSession *session, gboolean author_is_initiator)
{
  GString *sdp = g_string_new ("v=0\r\n");

  /* The session id only has to stay the same across this session's offers; nothing else in
   * webrtcbin reads it. */
  g_string_append (sdp, "o=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-options:trickle\r\n");
  for (guint g = 0; g < session->groups->len; g++)
    {
      CsJsGroup *group = g_ptr_array_index (session->groups, g);

      g_string_append_printf (sdp, "a=group:%s", group->semantics);
      for (guint i = 0; i < group->mids->len; i++)
        g_string_append_printf (sdp, " %s", (char *) g_ptr_array_index (group->mids, i));
      g_string_append (sdp, "\r\n");
    }
  for (guint i = 0; i < session->medias->len; i++)
    append_media (sdp, g_ptr_array_index (session->medias, i), author_is_initiator);
  return g_string_free (sdp, FALSE);
}
