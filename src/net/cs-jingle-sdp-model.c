/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-jingle-sdp"

#include "config.h"

#include "cs-jingle-sdp-private.h"

#include <string.h>

G_DEFINE_QUARK (cs - jingle - sdp - error - quark, cs_jingle_sdp_error)

static void
param_free (CsJsParam *param)
{
  g_free (param->name);
  g_free (param->value);
  g_free (param);
}

CsJsParam *
cs_js_param_new (const char *name, const char *value)
{
  CsJsParam *param = g_new0 (CsJsParam, 1);

  param->name = g_strdup (name);
  param->value = g_strdup (value);
  return param;
}

static void
feedback_free (CsJsFeedback *feedback)
{
  g_free (feedback->type);
  g_free (feedback->subtype);
  g_free (feedback);
}

CsJsFeedback *
cs_js_feedback_new (const char *type, const char *subtype)
{
  CsJsFeedback *feedback = g_new0 (CsJsFeedback, 1);

  feedback->type = g_strdup (type);
  feedback->subtype = g_strdup (subtype);
  return feedback;
}

static void
payload_free (CsJsPayload *payload)
{
  g_free (payload->name);
  g_ptr_array_unref (payload->params);
  g_ptr_array_unref (payload->feedback);
  g_free (payload);
}

CsJsPayload *
cs_js_payload_new (guint id)
{
  CsJsPayload *payload = g_new0 (CsJsPayload, 1);

  payload->id = id;
  payload->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  payload->feedback = g_ptr_array_new_with_free_func ((GDestroyNotify) feedback_free);
  payload->trr_int = -1;
  return payload;
}

static void
hdrext_free (CsJsHdrExt *hdrext)
{
  g_free (hdrext->uri);
  g_free (hdrext);
}

static void
source_free (CsJsSource *source)
{
  g_ptr_array_unref (source->params);
  g_free (source);
}

CsJsSource *
cs_js_source_new (guint32 ssrc)
{
  CsJsSource *source = g_new0 (CsJsSource, 1);

  source->ssrc = ssrc;
  source->params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  return source;
}

static void
ssrc_group_free (CsJsSsrcGroup *group)
{
  g_free (group->semantics);
  g_array_unref (group->ssrcs);
  g_free (group);
}

CsJsSsrcGroup *
cs_js_ssrc_group_new (const char *semantics)
{
  CsJsSsrcGroup *group = g_new0 (CsJsSsrcGroup, 1);

  group->semantics = g_strdup (semantics);
  group->ssrcs = g_array_new (FALSE, FALSE, sizeof (guint32));
  return group;
}

void
cs_js_candidate_free (CsJsCandidate *candidate)
{
  g_free (candidate->foundation);
  g_free (candidate->ip);
  g_free (candidate->type);
  g_free (candidate->rel_addr);
  g_free (candidate->id);
  g_free (candidate);
}

static void
bandwidth_free (CsJsBandwidth *bandwidth)
{
  g_free (bandwidth->type);
  g_free (bandwidth);
}

static void
media_free (CsJsMedia *media)
{
  g_free (media->media);
  g_free (media->mid);
  g_free (media->ufrag);
  g_free (media->pwd);
  g_free (media->fp_hash);
  g_free (media->fp_value);
  g_free (media->setup);
  g_ptr_array_unref (media->payloads);
  g_ptr_array_unref (media->feedback);
  g_ptr_array_unref (media->hdrexts);
  g_ptr_array_unref (media->sources);
  g_ptr_array_unref (media->ssrc_groups);
  g_ptr_array_unref (media->candidates);
  g_ptr_array_unref (media->bandwidths);
  g_free (media);
}

CsJsMedia *
cs_js_media_new (void)
{
  CsJsMedia *media = g_new0 (CsJsMedia, 1);

  media->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) payload_free);
  media->feedback = g_ptr_array_new_with_free_func ((GDestroyNotify) feedback_free);
  media->trr_int = -1;
  media->hdrexts = g_ptr_array_new_with_free_func ((GDestroyNotify) hdrext_free);
  media->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);
  media->ssrc_groups = g_ptr_array_new_with_free_func ((GDestroyNotify) ssrc_group_free);
  media->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_js_candidate_free);
  media->bandwidths = g_ptr_array_new_with_free_func ((GDestroyNotify) bandwidth_free);
  return media;
}

static void
group_free (CsJsGroup *group)
{
  g_free (group->semantics);
  g_ptr_array_unref (group->mids);
  g_free (group);
}

CsJsGroup *
cs_js_group_new (const char *semantics)
{
  CsJsGroup *group = g_new0 (CsJsGroup, 1);

  group->semantics = g_strdup (semantics);
  group->mids = g_ptr_array_new_with_free_func (g_free);
  return group;
}

CsJsSession *
cs_js_session_new (void)
{
  CsJsSession *session = g_new0 (CsJsSession, 1);

  session->medias = g_ptr_array_new_with_free_func ((GDestroyNotify) media_free);
  session->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  return session;
}

void
cs_js_session_free (CsJsSession *session)
{
  g_ptr_array_unref (session->medias);
  g_ptr_array_unref (session->groups);
  g_free (session);
}

/* RFC 4566 token characters: what mids, codec names, group semantics and feedback types are
 * made of. No space, no ':' or '=' or ';', so a token never changes how a line is split. */
gboolean
cs_js_is_token (const char *text, gsize max_length)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length == 0 || length > max_length)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`{|}~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* Printable ASCII: a value can never end a line or hide a NUL. ';' would split an fmtp
 * line, so it is never allowed either. */
gboolean
cs_js_is_value (const char *text, gboolean allow_space)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length == 0 || length > CS_JS_MAX_VALUE)
    return FALSE;
  if (text[0] == ' ' || text[length - 1] == ' ')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (*p < (allow_space ? 0x20 : 0x21) || *p > 0x7e || *p == ';')
      return FALSE;
  return TRUE;
}

gboolean
cs_js_is_ice_chars (const char *text, gsize min_length, gsize max_length)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length < min_length || length > max_length)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/')
      return FALSE;
  return TRUE;
}

/* "AB:CD:...": 1 to 64 bytes in hex, as RFC 8122 writes them. */
gboolean
cs_js_is_fingerprint (const char *text)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length < 2 || length > 64 * 3 - 1 || length % 3 != 2)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (i % 3 == 2 ? text[i] != ':' : !g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* An IP address, or an mDNS name ("<uuid>.local") as browsers hide host addresses behind. */
gboolean
cs_js_is_address (const char *text)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length == 0 || length > 253)
    return FALSE;
  if (g_hostname_is_ip_address (text))
    return strchr (text, '%') == NULL;
  if (!g_str_has_suffix (text, ".local") || length == strlen (".local"))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

gboolean
cs_js_parse_uint (const char *text, guint64 max, guint64 *out)
{
  guint64 value;

  if (text == NULL || *text == '\0' || strlen (text) > 20)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &value, NULL))
    return FALSE;
  *out = value;
  return TRUE;
}

gboolean
cs_js_check_setup (const char *setup)
{
  return g_strcmp0 (setup, "actpass") == 0 || g_strcmp0 (setup, "active") == 0 ||
         g_strcmp0 (setup, "passive") == 0 || g_strcmp0 (setup, "holdconn") == 0;
}

gboolean
cs_js_check_candidate_type (const char *type)
{
  return g_strcmp0 (type, "host") == 0 || g_strcmp0 (type, "srflx") == 0 ||
         g_strcmp0 (type, "prflx") == 0 || g_strcmp0 (type, "relay") == 0;
}

static CsJsMedia *
find_media (CsJsSession *session, const char *mid)
{
  for (guint i = 0; i < session->medias->len; i++)
    {
      CsJsMedia *media = g_ptr_array_index (session->medias, i);

      if (g_strcmp0 (media->mid, mid) == 0)
        return media;
    }
  return NULL;
}

/* With BUNDLE, a peer may leave the transport out of every content but the first one: they
 * all share it. */
static void
share_bundle_transport (CsJsSession *session)
{
  for (guint g = 0; g < session->groups->len; g++)
    {
      CsJsGroup *group = g_ptr_array_index (session->groups, g);
      CsJsMedia *first = NULL;

      if (g_strcmp0 (group->semantics, "BUNDLE") != 0)
        continue;
      for (guint i = 0; i < group->mids->len && first == NULL; i++)
        {
          CsJsMedia *media = find_media (session, g_ptr_array_index (group->mids, i));

          if (media != NULL && media->ufrag != NULL && media->fp_value != NULL)
            first = media;
        }
      if (first == NULL)
        continue;
      for (guint i = 0; i < group->mids->len; i++)
        {
          CsJsMedia *media = find_media (session, g_ptr_array_index (group->mids, i));

          if (media == NULL)
            continue;
          if (media->ufrag == NULL && media->pwd == NULL)
            {
              media->ufrag = g_strdup (first->ufrag);
              media->pwd = g_strdup (first->pwd);
            }
          if (media->fp_value == NULL)
            {
              g_free (media->fp_hash);
              media->fp_hash = g_strdup (first->fp_hash);
              media->fp_value = g_strdup (first->fp_value);
              if (media->setup == NULL)
                media->setup = g_strdup (first->setup);
            }
        }
    }
}

gboolean
cs_js_session_check (CsJsSession *session, const char *default_setup, GError **error)
{
  if (session->medias->len == 0)
    {
      g_set_error_literal (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                           "The session has no media");
      return FALSE;
    }

  for (guint g = 0; g < session->groups->len; g++)
    {
      CsJsGroup *group = g_ptr_array_index (session->groups, g);

      for (guint i = 0; i < group->mids->len; i++)
        if (find_media (session, g_ptr_array_index (group->mids, i)) == NULL)
          {
            g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                         "The %s group names “%s”, which is not a media", group->semantics,
                         (char *) g_ptr_array_index (group->mids, i));
            return FALSE;
          }
    }
  share_bundle_transport (session);

  for (guint i = 0; i < session->medias->len; i++)
    {
      CsJsMedia *media = g_ptr_array_index (session->medias, i);
      const char *missing = NULL;

      if (media->mid == NULL)
        missing = "a name (mid)";
      else if (media->ufrag == NULL)
        missing = "an ICE ufrag";
      else if (media->pwd == NULL)
        missing = "an ICE password";
      else if (media->fp_value == NULL)
        missing = "a DTLS fingerprint";
      else if (media->payloads->len == 0)
        missing = "a payload type";
      if (missing != NULL)
        {
          g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                       "Media %u (%s) has no %s", i, media->mid != NULL ? media->mid : "unnamed",
                       missing);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        {
          CsJsMedia *other = g_ptr_array_index (session->medias, j);

          if (strcmp (other->mid, media->mid) == 0)
            {
              g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                           "Two media are named “%s”", media->mid);
              return FALSE;
            }
        }
      if (media->setup == NULL)
        media->setup = g_strdup (default_setup);
    }
  return TRUE;
}
