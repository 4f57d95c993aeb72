/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-jingle-sdp"

#include "config.h"

#include "cs-jingle-sdp.h"
#include "cs-jingle-sdp-private.h"

#include <string.h>

#define NS_RTP "urn:xmpp:jingle:apps:rtp:1"
#define NS_ICE_UDP "urn:xmpp:jingle:transports:ice-udp:1"
#define NS_DTLS "urn:xmpp:jingle:apps:dtls:0"
#define NS_RTCP_FB "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
#define NS_HDREXT "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
#define NS_SSMA "urn:xmpp:jingle:apps:rtp:ssma:0"
#define NS_GROUPING "urn:xmpp:jingle:apps:grouping:0"

/* Children looked at under one element, known or not: a stanza of a million empty elements
 * costs a bounded walk. */
#define MAX_CHILDREN 1024

typedef struct
{
  xmpp_stanza_t *parent;
  xmpp_stanza_t *cursor;
  guint seen;
  gboolean *too_many;
} Children;

/* Moves to the next element child, or returns FALSE at the end (or past MAX_CHILDREN, with
 * *too_many set). Text and whitespace between elements are skipped. */
static gboolean
next_child (Children *children)
{
  xmpp_stanza_t *child = children->cursor == NULL ? xmpp_stanza_get_children (children->parent)
                                                  : xmpp_stanza_get_next (children->cursor);

  for (; child != NULL; child = xmpp_stanza_get_next (child))
    {
      if (++children->seen > MAX_CHILDREN)
        {
          *children->too_many = TRUE;
          return FALSE;
        }
      if (xmpp_stanza_is_tag (child) && xmpp_stanza_get_name (child) != NULL)
        break;
    }
  children->cursor = child;
  return child != NULL;
}

/* The inner loop only gives the child a name; "continue" still moves to the next one. */
#define FOR_EACH_CHILD(parent, child, too_many)                                             \
  for (Children child##_it = { (parent), NULL, 0, &(too_many) }; next_child (&child##_it);) \
    for (xmpp_stanza_t *child = child##_it.cursor; child != NULL; child = NULL)

static gboolean
is_element (xmpp_stanza_t *stanza, const char *name, const char *ns)
{
  return g_strcmp0 (xmpp_stanza_get_name (stanza), name) == 0 &&
         (ns == NULL || g_strcmp0 (xmpp_stanza_get_ns (stanza), ns) == 0);
}

static gboolean G_GNUC_PRINTF (2, 3) invalid (GError **error, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  *error = g_error_new_valist (CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID, format, args);
  va_end (args);
  return FALSE;
}

static gboolean
too_many_children (GError **error, const char *where)
{
  return invalid (error, "Too many elements in %s", where);
}

/* A number attribute: absent gives @fallback (or an error when @fallback is -1). */
static gboolean
get_uint (xmpp_stanza_t *stanza,
          const char *name,
          guint64 max,
          gint64 fallback,
          guint64 *out,
          GError **error)
{
  const char *text = xmpp_stanza_get_attribute (stanza, name);

  if (text == NULL && fallback >= 0)
    {
      *out = fallback;
      return TRUE;
    }
  if (!cs_js_parse_uint (text, max, out))
    {
      g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                   "Bad or missing “%s” in <%s>", name, xmpp_stanza_get_name (stanza));
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_senders (xmpp_stanza_t *stanza, CsJsSenders *senders, GError **error)
{
  const char *text = xmpp_stanza_get_attribute (stanza, "senders");

  if (text == NULL || strcmp (text, "both") == 0)
    *senders = CS_JS_SENDERS_BOTH;
  else if (strcmp (text, "initiator") == 0)
    *senders = CS_JS_SENDERS_INITIATOR;
  else if (strcmp (text, "responder") == 0)
    *senders = CS_JS_SENDERS_RESPONDER;
  else if (strcmp (text, "none") == 0)
    *senders = CS_JS_SENDERS_NONE;
  else
    return invalid (error, "Bad senders value");
  return TRUE;
}

static const char *
senders_to_string (CsJsSenders senders)
{
  switch (senders)
    {
    case CS_JS_SENDERS_INITIATOR:
      return "initiator";
    case CS_JS_SENDERS_RESPONDER:
      return "responder";
    case CS_JS_SENDERS_NONE:
      return "none";
    case CS_JS_SENDERS_BOTH:
    default:
      return "both";
    }
}

/* <parameter name value/>, as both XEP-0167 (fmtp) and XEP-0339 (source) write them. */
static gboolean
read_parameters (xmpp_stanza_t *parent, GPtrArray *params, gboolean source, GError **error)
{
  gboolean too_many = FALSE;

  FOR_EACH_CHILD (parent, child, too_many)
  {
    const char *name = xmpp_stanza_get_attribute (child, "name");
    const char *value = xmpp_stanza_get_attribute (child, "value");
    gboolean valid;

    if (!is_element (child, "parameter", NULL))
      continue;
    if (params->len >= CS_JS_MAX_PARAMS)
      return invalid (error, "Too many parameters");
    if (source)
      valid =
        cs_js_is_token (name, CS_JS_MAX_TOKEN) && (value == NULL || cs_js_is_value (value, TRUE));
    else
      valid = cs_js_is_value (name, FALSE) && strchr (name, '=') == NULL &&
              (value == NULL || cs_js_is_value (value, FALSE));
    if (!valid)
      return invalid (error, "Bad parameter");
    g_ptr_array_add (params, cs_js_param_new (name, value));
  }
  if (too_many)
    return too_many_children (error, "a payload type or source");
  return TRUE;
}

/* XEP-0293: <rtcp-fb type subtype/> and <rtcp-fb-trr-int value/>; FALSE when @child is
 * neither. */
static gboolean
read_feedback (xmpp_stanza_t *child,
               GPtrArray *feedback,
               gint *trr_int,
               gboolean *handled,
               GError **error)
{
  *handled = TRUE;
  if (is_element (child, "rtcp-fb", NS_RTCP_FB))
    {
      const char *type = xmpp_stanza_get_attribute (child, "type");
      const char *subtype = xmpp_stanza_get_attribute (child, "subtype");

      if (!cs_js_is_token (type, CS_JS_MAX_TOKEN) || strcmp (type, "trr-int") == 0 ||
          (subtype != NULL && !cs_js_is_token (subtype, CS_JS_MAX_TOKEN)))
        return invalid (error, "Bad rtcp-fb");
      if (feedback->len >= CS_JS_MAX_FEEDBACK)
        return invalid (error, "Too many rtcp-fb");
      g_ptr_array_add (feedback, cs_js_feedback_new (type, subtype));
      return TRUE;
    }
  if (is_element (child, "rtcp-fb-trr-int", NS_RTCP_FB))
    {
      guint64 value;

      if (!get_uint (child, "value", G_MAXINT, -1, &value, error))
        return FALSE;
      *trr_int = value;
      return TRUE;
    }
  *handled = FALSE;
  return TRUE;
}

static gboolean
read_payload (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  const char *name = xmpp_stanza_get_attribute (stanza, "name");
  CsJsPayload *payload;
  guint64 value;
  gboolean too_many = FALSE;

  if (!get_uint (stanza, "id", 127, -1, &value, error))
    return FALSE;
  for (guint i = 0; i < media->payloads->len; i++)
    if (((CsJsPayload *) g_ptr_array_index (media->payloads, i))->id == value)
      return invalid (error, "Two payload types with the same id");
  if (media->payloads->len >= CS_JS_MAX_PAYLOADS)
    return invalid (error, "Too many payload types");
  payload = cs_js_payload_new (value);
  g_ptr_array_add (media->payloads, payload);

  if (name != NULL)
    {
      if (!cs_js_is_token (name, CS_JS_MAX_TOKEN))
        return invalid (error, "Bad payload type name");
      payload->name = g_strdup (name);
      /* A static payload type (below 96) is known without its clock rate. */
      if (!get_uint (stanza, "clockrate", 10000000, 0, &value, error))
        return FALSE;
      if (value == 0 && payload->id >= 96)
        return invalid (error, "A dynamic payload type needs a clock rate");
      payload->clockrate = value;
      if (!get_uint (stanza, "channels", 255, 0, &value, error))
        return FALSE;
      payload->channels = value;
    }
  if (!get_uint (stanza, "ptime", 10000, 0, &value, error))
    return FALSE;
  payload->ptime = value;
  if (!get_uint (stanza, "maxptime", 10000, 0, &value, error))
    return FALSE;
  payload->maxptime = value;

  if (!read_parameters (stanza, payload->params, FALSE, error))
    return FALSE;
  FOR_EACH_CHILD (stanza, child, too_many)
  {
    gboolean handled;

    if (!read_feedback (child, payload->feedback, &payload->trr_int, &handled, error))
      return FALSE;
  }
  if (too_many)
    return too_many_children (error, "a payload type");
  return TRUE;
}

static gboolean
read_source (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  CsJsSource *source;
  guint64 ssrc;

  if (!get_uint (stanza, "ssrc", G_MAXUINT32, -1, &ssrc, error))
    return FALSE;
  for (guint i = 0; i < media->sources->len; i++)
    if (((CsJsSource *) g_ptr_array_index (media->sources, i))->ssrc == ssrc)
      return invalid (error, "Two sources with the same ssrc");
  if (media->sources->len >= CS_JS_MAX_SOURCES)
    return invalid (error, "Too many sources");
  source = cs_js_source_new (ssrc);
  g_ptr_array_add (media->sources, source);
  return read_parameters (stanza, source->params, TRUE, error);
}

static gboolean
read_ssrc_group (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  const char *semantics = xmpp_stanza_get_attribute (stanza, "semantics");
  CsJsSsrcGroup *group;
  gboolean too_many = FALSE;

  if (!cs_js_is_token (semantics, CS_JS_MAX_TOKEN))
    return invalid (error, "Bad ssrc-group semantics");
  if (media->ssrc_groups->len >= CS_JS_MAX_SSRC_GROUPS)
    return invalid (error, "Too many ssrc groups");
  group = cs_js_ssrc_group_new (semantics);
  g_ptr_array_add (media->ssrc_groups, group);
  FOR_EACH_CHILD (stanza, child, too_many)
  {
    guint64 ssrc;

    if (!is_element (child, "source", NULL))
      continue;
    if (group->ssrcs->len >= CS_JS_MAX_GROUP_SIZE)
      return invalid (error, "Too many sources in an ssrc group");
    if (!get_uint (child, "ssrc", G_MAXUINT32, -1, &ssrc, error))
      return FALSE;
    g_array_append_val (group->ssrcs, (guint32){ ssrc });
  }
  if (too_many)
    return too_many_children (error, "an ssrc group");
  if (group->ssrcs->len == 0)
    return invalid (error, "An empty ssrc group");
  return TRUE;
}

static gboolean
read_hdrext (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  const char *uri = xmpp_stanza_get_attribute (stanza, "uri");
  CsJsHdrExt *hdrext;
  guint64 id;
  CsJsSenders senders;

  if (!get_uint (stanza, "id", 255, -1, &id, error) || !get_senders (stanza, &senders, error))
    return FALSE;
  if (id == 0 || !cs_js_is_value (uri, FALSE))
    return invalid (error, "Bad rtp-hdrext");
  if (media->hdrexts->len >= CS_JS_MAX_HDREXTS)
    return invalid (error, "Too many rtp-hdrext");
  hdrext = g_new0 (CsJsHdrExt, 1);
  hdrext->id = id;
  hdrext->uri = g_strdup (uri);
  hdrext->senders = senders;
  g_ptr_array_add (media->hdrexts, hdrext);
  return TRUE;
}

static char *
dup_text (xmpp_stanza_t *stanza)
{
  char *text = xmpp_stanza_get_text (stanza);
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  xmpp_free (xmpp_stanza_get_context (stanza), text);
  return copy;
}

static gboolean
read_bandwidth (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  const char *type = xmpp_stanza_get_attribute (stanza, "type");
  g_autofree char *text = dup_text (stanza);
  CsJsBandwidth *bandwidth;
  guint64 value;

  if (!cs_js_is_token (type, 16) || !cs_js_parse_uint (text, G_MAXUINT32, &value))
    return invalid (error, "Bad bandwidth");
  if (media->bandwidths->len >= CS_JS_MAX_BANDWIDTHS)
    return invalid (error, "Too many bandwidths");
  bandwidth = g_new0 (CsJsBandwidth, 1);
  bandwidth->type = g_strdup (type);
  bandwidth->value = value;
  g_ptr_array_add (media->bandwidths, bandwidth);
  return TRUE;
}

static gboolean
read_description (xmpp_stanza_t *stanza, CsJsMedia *media, GError **error)
{
  const char *kind = xmpp_stanza_get_attribute (stanza, "media");
  gboolean too_many = FALSE;

  if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0)
    return invalid (error, "Only audio and video can be mapped to SDP");
  media->media = g_strdup (kind);
  FOR_EACH_CHILD (stanza, child, too_many)
  {
    gboolean handled;
    gboolean ok = TRUE;

    if (is_element (child, "payload-type", NULL))
      ok = read_payload (child, media, error);
    else if (!read_feedback (child, media->feedback, &media->trr_int, &handled, error))
      ok = FALSE;
    else if (handled)
      continue;
    else if (is_element (child, "rtp-hdrext", NS_HDREXT))
      ok = read_hdrext (child, media, error);
    else if (is_element (child, "extmap-allow-mixed", NS_HDREXT))
      media->extmap_allow_mixed = TRUE;
    else if (is_element (child, "rtcp-mux", NULL))
      media->rtcp_mux = TRUE;
    else if (is_element (child, "source", NS_SSMA))
      ok = read_source (child, media, error);
    else if (is_element (child, "ssrc-group", NS_SSMA))
      ok = read_ssrc_group (child, media, error);
    else if (is_element (child, "bandwidth", NULL))
      ok = read_bandwidth (child, media, error);
    if (!ok)
      return FALSE;
  }
  if (too_many)
    return too_many_children (error, "a description");
  return TRUE;
}

/* NULL with @error unset for a candidate ICE-UDP should not hold (TCP): skip it. */
static CsJsCandidate *
read_candidate (xmpp_stanza_t *stanza, GError **error)
{
  g_autoptr (CsJsCandidate) candidate = g_new0 (CsJsCandidate, 1);
  const char *protocol = xmpp_stanza_get_attribute (stanza, "protocol");
  const char *foundation = xmpp_stanza_get_attribute (stanza, "foundation");
  const char *ip = xmpp_stanza_get_attribute (stanza, "ip");
  const char *type = xmpp_stanza_get_attribute (stanza, "type");
  const char *id = xmpp_stanza_get_attribute (stanza, "id");
  const char *rel_addr = xmpp_stanza_get_attribute (stanza, "rel-addr");
  guint64 value;

  if (protocol != NULL && g_ascii_strcasecmp (protocol, "udp") != 0)
    {
      if (g_ascii_strcasecmp (protocol, "tcp") == 0)
        return NULL;
      invalid (error, "Bad candidate protocol");
      return NULL;
    }
  if (!cs_js_is_ice_chars (foundation, 1, 32) || !cs_js_is_address (ip) ||
      !cs_js_check_candidate_type (type) || (id != NULL && !cs_js_is_token (id, CS_JS_MAX_TOKEN)) ||
      (rel_addr != NULL && !cs_js_is_address (rel_addr)))
    {
      invalid (error, "Bad candidate");
      return NULL;
    }
  candidate->foundation = g_strdup (foundation);
  candidate->ip = g_strdup (ip);
  candidate->type = g_strdup (type);
  candidate->id = g_strdup (id);
  candidate->rel_addr = g_strdup (rel_addr);

  if (!get_uint (stanza, "component", 256, -1, &value, error))
    return NULL;
  candidate->component = value;
  if (!get_uint (stanza, "priority", G_MAXUINT32, -1, &value, error))
    return NULL;
  candidate->priority = value;
  if (!get_uint (stanza, "port", 65535, -1, &value, error))
    return NULL;
  candidate->port = value;
  if (!get_uint (stanza, "generation", G_MAXUINT16, 0, &value, error))
    return NULL;
  candidate->generation = value;
  if (!get_uint (stanza, "network", G_MAXUINT16, 0, &value, error))
    return NULL;
  candidate->network = value;
  if (!get_uint (stanza, "rel-port", 65535, 0, &value, error))
    return NULL;
  candidate->rel_port = rel_addr != NULL ? value : 0;
  if (candidate->component == 0 || candidate->port == 0)
    {
      invalid (error, "Bad candidate");
      return NULL;
    }
  return g_steal_pointer (&candidate);
}

/* Reads an ICE-UDP transport; @candidates NULL skips its candidates. */
static gboolean
read_transport (xmpp_stanza_t *stanza, CsJsMedia *media, GPtrArray *candidates, GError **error)
{
  const char *ufrag = xmpp_stanza_get_attribute (stanza, "ufrag");
  const char *pwd = xmpp_stanza_get_attribute (stanza, "pwd");
  gboolean too_many = FALSE;

  /* Both or neither: a transport-info may leave them out, and BUNDLE lets later contents
   * share the first one's. */
  if ((ufrag != NULL || pwd != NULL) &&
      (!cs_js_is_ice_chars (ufrag, 4, 256) || !cs_js_is_ice_chars (pwd, 22, 256)))
    return invalid (error, "Bad ICE ufrag or password");
  if (media != NULL)
    {
      media->ufrag = g_strdup (ufrag);
      media->pwd = g_strdup (pwd);
    }
  FOR_EACH_CHILD (stanza, child, too_many)
  {
    if (is_element (child, "fingerprint", NS_DTLS) && media != NULL)
      {
        const char *hash = xmpp_stanza_get_attribute (child, "hash");
        const char *setup = xmpp_stanza_get_attribute (child, "setup");
        g_autofree char *value = dup_text (child);

        if (!cs_js_is_token (hash, 16) || !cs_js_is_fingerprint (value) ||
            (setup != NULL && !cs_js_check_setup (setup)))
          return invalid (error, "Bad DTLS fingerprint");
        g_free (media->fp_hash);
        g_free (media->fp_value);
        g_free (media->setup);
        media->fp_hash = g_ascii_strdown (hash, -1);
        media->fp_value = g_steal_pointer (&value);
        media->setup = g_strdup (setup);
      }
    else if (is_element (child, "candidate", NULL) && candidates != NULL)
      {
        g_autoptr (GError) local_error = NULL;
        CsJsCandidate *candidate = read_candidate (child, &local_error);

        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
        if (candidate == NULL)
          continue;
        if (candidates->len >= CS_JS_MAX_CANDIDATES)
          {
            cs_js_candidate_free (candidate);
            return invalid (error, "Too many candidates");
          }
        g_ptr_array_add (candidates, candidate);
      }
  }
  if (too_many)
    return too_many_children (error, "a transport");
  return TRUE;
}

static gboolean
read_content (xmpp_stanza_t *stanza, CsJsSession *session, GError **error)
{
  const char *name = xmpp_stanza_get_attribute (stanza, "name");
  xmpp_stanza_t *description = NULL;
  xmpp_stanza_t *transport = NULL;
  CsJsMedia *media;
  gboolean too_many = FALSE;

  if (!cs_js_is_token (name, CS_JS_MAX_TOKEN))
    return invalid (error, "A content has a bad name");
  if (session->medias->len >= CS_JS_MAX_MEDIA)
    return invalid (error, "Too many contents");
  media = cs_js_media_new ();
  g_ptr_array_add (session->medias, media);
  media->mid = g_strdup (name);
  if (!get_senders (stanza, &media->senders, error))
    return FALSE;

  FOR_EACH_CHILD (stanza, child, too_many)
  {
    if (is_element (child, "description", NS_RTP))
      description = child;
    else if (is_element (child, "transport", NS_ICE_UDP))
      transport = child;
  }
  if (too_many)
    return too_many_children (error, "a content");
  if (description == NULL)
    return invalid (error, "Content “%s” has no RTP description", name);
  if (!read_description (description, media, error))
    return FALSE;
  if (transport != NULL && !read_transport (transport, media, media->candidates, error))
    return FALSE;
  return TRUE;
}

static gboolean
read_group (xmpp_stanza_t *stanza, CsJsSession *session, GError **error)
{
  const char *semantics = xmpp_stanza_get_attribute (stanza, "semantics");
  CsJsGroup *group;
  gboolean too_many = FALSE;

  if (!cs_js_is_token (semantics, CS_JS_MAX_TOKEN))
    return invalid (error, "Bad group semantics");
  if (session->groups->len >= CS_JS_MAX_GROUPS)
    return invalid (error, "Too many groups");
  group = cs_js_group_new (semantics);
  g_ptr_array_add (session->groups, group);
  FOR_EACH_CHILD (stanza, child, too_many)
  {
    const char *name = xmpp_stanza_get_attribute (child, "name");

    if (!is_element (child, "content", NULL))
      continue;
    if (!cs_js_is_token (name, CS_JS_MAX_TOKEN))
      return invalid (error, "Bad content name in a group");
    if (group->mids->len >= CS_JS_MAX_MEDIA)
      return invalid (error, "Too many contents in a group");
    g_ptr_array_add (group->mids, g_strdup (name));
  }
  if (too_many)
    return too_many_children (error, "a group");
  return TRUE;
}

static CsJsSession *
session_from_jingle (xmpp_stanza_t *jingle, GError **error)
{
  g_autoptr (CsJsSession) session = cs_js_session_new ();
  gboolean too_many = FALSE;

  FOR_EACH_CHILD (jingle, child, too_many)
  {
    if (is_element (child, "content", NULL))
      {
        if (!read_content (child, session, error))
          return NULL;
      }
    else if (is_element (child, "group", NS_GROUPING))
      {
        if (!read_group (child, session, error))
          return NULL;
      }
  }
  if (too_many)
    {
      too_many_children (error, "the Jingle element");
      return NULL;
    }
  return g_steal_pointer (&session);
}

/* Writing Jingle. Every value was checked when the model was read. */

static xmpp_stanza_t *
add_child (xmpp_stanza_t *parent, const char *name, const char *ns)
{
  xmpp_stanza_t *child = xmpp_stanza_new (xmpp_stanza_get_context (parent));

  xmpp_stanza_set_name (child, name);
  if (ns != NULL)
    xmpp_stanza_set_ns (child, ns);
  xmpp_stanza_add_child_ex (parent, child, 0);
  return child;
}

static void
set_uint (xmpp_stanza_t *stanza, const char *name, guint64 value)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  xmpp_stanza_set_attribute (stanza, name, text);
}

static void
add_text (xmpp_stanza_t *parent, const char *text)
{
  xmpp_stanza_t *node = xmpp_stanza_new (xmpp_stanza_get_context (parent));

  xmpp_stanza_set_text (node, text);
  xmpp_stanza_add_child_ex (parent, node, 0);
}

static void
write_parameters (xmpp_stanza_t *parent, GPtrArray *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      CsJsParam *param = g_ptr_array_index (params, i);
      xmpp_stanza_t *child = add_child (parent, "parameter", NULL);

      xmpp_stanza_set_attribute (child, "name", param->name);
      if (param->value != NULL)
        xmpp_stanza_set_attribute (child, "value", param->value);
    }
}

static void
write_feedback (xmpp_stanza_t *parent, GPtrArray *feedback, gint trr_int)
{
  for (guint i = 0; i < feedback->len; i++)
    {
      CsJsFeedback *fb = g_ptr_array_index (feedback, i);
      xmpp_stanza_t *child = add_child (parent, "rtcp-fb", NS_RTCP_FB);

      xmpp_stanza_set_attribute (child, "type", fb->type);
      if (fb->subtype != NULL)
        xmpp_stanza_set_attribute (child, "subtype", fb->subtype);
    }
  if (trr_int >= 0)
    set_uint (add_child (parent, "rtcp-fb-trr-int", NS_RTCP_FB), "value", trr_int);
}

/* The same candidate always gets the same id, so a round trip through SDP (which has no
 * place for ids) gives the same Jingle. */
static char *
make_candidate_id (const char *mid, const CsJsCandidate *candidate)
{
  g_autofree char *key =
    g_strdup_printf ("%s/%s/%u/%s/%u/%s/%u", mid, candidate->foundation, candidate->component,
                     candidate->ip, candidate->port, candidate->type, candidate->priority);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key, -1);

  return g_strndup (sum, 12);
}

static void
write_candidate (xmpp_stanza_t *transport, const char *mid, const CsJsCandidate *candidate)
{
  xmpp_stanza_t *child = add_child (transport, "candidate", NULL);
  g_autofree char *id =
    candidate->id != NULL ? g_strdup (candidate->id) : make_candidate_id (mid, candidate);

  set_uint (child, "component", candidate->component);
  xmpp_stanza_set_attribute (child, "foundation", candidate->foundation);
  set_uint (child, "generation", candidate->generation);
  xmpp_stanza_set_attribute (child, "id", id);
  xmpp_stanza_set_attribute (child, "ip", candidate->ip);
  set_uint (child, "network", candidate->network);
  set_uint (child, "port", candidate->port);
  set_uint (child, "priority", candidate->priority);
  xmpp_stanza_set_attribute (child, "protocol", "udp");
  xmpp_stanza_set_attribute (child, "type", candidate->type);
  if (candidate->rel_addr != NULL)
    {
      xmpp_stanza_set_attribute (child, "rel-addr", candidate->rel_addr);
      set_uint (child, "rel-port", candidate->rel_port);
    }
}

static xmpp_stanza_t *
write_transport (xmpp_stanza_t *content, const char *ufrag, const char *pwd)
{
  xmpp_stanza_t *transport = add_child (content, "transport", NS_ICE_UDP);

  xmpp_stanza_set_attribute (transport, "ufrag", ufrag);
  xmpp_stanza_set_attribute (transport, "pwd", pwd);
  return transport;
}

static void
write_description (xmpp_stanza_t *content, CsJsMedia *media)
{
  xmpp_stanza_t *description = add_child (content, "description", NS_RTP);

  xmpp_stanza_set_attribute (description, "media", media->media);
  for (guint i = 0; i < media->payloads->len; i++)
    {
      CsJsPayload *payload = g_ptr_array_index (media->payloads, i);
      xmpp_stanza_t *child = add_child (description, "payload-type", NULL);

      set_uint (child, "id", payload->id);
      if (payload->name != NULL)
        {
          xmpp_stanza_set_attribute (child, "name", payload->name);
          if (payload->clockrate != 0)
            set_uint (child, "clockrate", payload->clockrate);
          if (payload->channels != 0)
            set_uint (child, "channels", payload->channels);
        }
      if (payload->ptime != 0)
        set_uint (child, "ptime", payload->ptime);
      if (payload->maxptime != 0)
        set_uint (child, "maxptime", payload->maxptime);
      write_parameters (child, payload->params);
      write_feedback (child, payload->feedback, payload->trr_int);
    }
  write_feedback (description, media->feedback, media->trr_int);
  for (guint i = 0; i < media->hdrexts->len; i++)
    {
      CsJsHdrExt *hdrext = g_ptr_array_index (media->hdrexts, i);
      xmpp_stanza_t *child = add_child (description, "rtp-hdrext", NS_HDREXT);

      set_uint (child, "id", hdrext->id);
      xmpp_stanza_set_attribute (child, "uri", hdrext->uri);
      if (hdrext->senders != CS_JS_SENDERS_BOTH)
        xmpp_stanza_set_attribute (child, "senders", senders_to_string (hdrext->senders));
    }
  if (media->extmap_allow_mixed)
    add_child (description, "extmap-allow-mixed", NS_HDREXT);
  if (media->rtcp_mux)
    add_child (description, "rtcp-mux", NULL);
  for (guint i = 0; i < media->bandwidths->len; i++)
    {
      CsJsBandwidth *bandwidth = g_ptr_array_index (media->bandwidths, i);
      xmpp_stanza_t *child = add_child (description, "bandwidth", NULL);
      char value[16];

      xmpp_stanza_set_attribute (child, "type", bandwidth->type);
      g_snprintf (value, sizeof value, "%u", bandwidth->value);
      add_text (child, value);
    }
  for (guint i = 0; i < media->sources->len; i++)
    {
      CsJsSource *source = g_ptr_array_index (media->sources, i);
      xmpp_stanza_t *child = add_child (description, "source", NS_SSMA);

      set_uint (child, "ssrc", source->ssrc);
      write_parameters (child, source->params);
    }
  for (guint i = 0; i < media->ssrc_groups->len; i++)
    {
      CsJsSsrcGroup *group = g_ptr_array_index (media->ssrc_groups, i);
      xmpp_stanza_t *child = add_child (description, "ssrc-group", NS_SSMA);

      xmpp_stanza_set_attribute (child, "semantics", group->semantics);
      for (guint j = 0; j < group->ssrcs->len; j++)
        set_uint (add_child (child, "source", NULL), "ssrc",
                  g_array_index (group->ssrcs, guint32, j));
    }
}

static void
session_to_jingle (CsJsSession *session, xmpp_stanza_t *jingle)
{
  for (guint i = 0; i < session->medias->len; i++)
    {
      CsJsMedia *media = g_ptr_array_index (session->medias, i);
      xmpp_stanza_t *content = add_child (jingle, "content", NULL);
      xmpp_stanza_t *transport;
      xmpp_stanza_t *fingerprint;

      xmpp_stanza_set_attribute (content, "creator", "initiator");
      xmpp_stanza_set_attribute (content, "name", media->mid);
      xmpp_stanza_set_attribute (content, "senders", senders_to_string (media->senders));
      write_description (content, media);
      transport = write_transport (content, media->ufrag, media->pwd);
      fingerprint = add_child (transport, "fingerprint", NS_DTLS);
      xmpp_stanza_set_attribute (fingerprint, "hash", media->fp_hash);
      xmpp_stanza_set_attribute (fingerprint, "setup", media->setup);
      add_text (fingerprint, media->fp_value);
      for (guint j = 0; j < media->candidates->len; j++)
        write_candidate (transport, media->mid, g_ptr_array_index (media->candidates, j));
    }
  for (guint g = 0; g < session->groups->len; g++)
    {
      CsJsGroup *group = g_ptr_array_index (session->groups, g);
      xmpp_stanza_t *child = add_child (jingle, "group", NS_GROUPING);

      xmpp_stanza_set_attribute (child, "semantics", group->semantics);
      for (guint i = 0; i < group->mids->len; i++)
        xmpp_stanza_set_attribute (add_child (child, "content", NULL), "name",
                                   g_ptr_array_index (group->mids, i));
    }
}

/* Who wrote the description @jingle carries: the responder only in an accept. */
static gboolean
author_is_initiator (xmpp_stanza_t *jingle, const char *type)
{
  const char *action = xmpp_stanza_get_attribute (jingle, "action");

  if (action == NULL)
    return g_strcmp0 (type, "answer") != 0;
  return strcmp (action, "session-accept") != 0 && strcmp (action, "content-accept") != 0;
}

gboolean
cs_jingle_sdp_to_jingle (const char *sdp, xmpp_stanza_t *jingle, GError **error)
{
  g_autoptr (CsJsSession) session = NULL;
  gboolean initiator;

  g_return_val_if_fail (sdp != NULL, FALSE);
  g_return_val_if_fail (jingle != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  initiator = author_is_initiator (jingle, NULL);
  session = cs_js_session_from_sdp (sdp, initiator, error);
  if (session == NULL || !cs_js_session_check (session, initiator ? "actpass" : "active", error))
    return FALSE;
  session_to_jingle (session, jingle);
  return TRUE;
}

char *
cs_jingle_sdp_from_jingle (xmpp_stanza_t *jingle, const char *type, GError **error)
{
  g_autoptr (CsJsSession) session = NULL;
  gboolean offer;

  g_return_val_if_fail (jingle != NULL, NULL);
  g_return_val_if_fail (g_strcmp0 (type, "offer") == 0 || g_strcmp0 (type, "answer") == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  offer = strcmp (type, "offer") == 0;
  session = session_from_jingle (jingle, error);
  /* RFC 8842: an offer must let the answerer choose its DTLS role. */
  if (session == NULL || !cs_js_session_check (session, offer ? "actpass" : "active", error))
    return NULL;
  return cs_js_session_to_sdp (session, author_is_initiator (jingle, type));
}

char **
cs_jingle_sdp_dup_content_names (const char *sdp)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (CsJsSession) session = NULL;

  g_return_val_if_fail (sdp != NULL, NULL);

  session = cs_js_session_from_sdp (sdp, TRUE, NULL);
  if (session != NULL)
    for (guint i = 0; i < session->medias->len; i++)
      {
        CsJsMedia *media = g_ptr_array_index (session->medias, i);

        /* An m-line without a mid keeps its place, under a name no content can have. */
        g_strv_builder_add (builder, media->mid != NULL ? media->mid : "");
      }
  return g_strv_builder_end (builder);
}

gboolean
cs_jingle_sdp_candidate_to_jingle (const char *local_sdp,
                                   guint mline_index,
                                   const char *candidate,
                                   xmpp_stanza_t *jingle,
                                   GError **error)
{
  g_autoptr (CsJsSession) session = NULL;
  g_autoptr (CsJsCandidate) parsed = NULL;
  CsJsMedia *media;
  xmpp_stanza_t *content;
  xmpp_stanza_t *transport;

  g_return_val_if_fail (local_sdp != NULL, FALSE);
  g_return_val_if_fail (candidate != NULL, FALSE);
  g_return_val_if_fail (jingle != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  session = cs_js_session_from_sdp (local_sdp, TRUE, error);
  if (session == NULL)
    return FALSE;
  if (mline_index >= session->medias->len)
    {
      g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                   "The local description has no m-line %u", mline_index);
      return FALSE;
    }
  media = g_ptr_array_index (session->medias, mline_index);
  if (media->mid == NULL || media->ufrag == NULL || media->pwd == NULL)
    {
      g_set_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID,
                   "M-line %u of the local description has no mid or ICE credentials", mline_index);
      return FALSE;
    }
  parsed = cs_js_candidate_from_sdp (candidate, error);
  if (parsed == NULL)
    return FALSE;

  content = add_child (jingle, "content", NULL);
  xmpp_stanza_set_attribute (content, "creator", "initiator");
  xmpp_stanza_set_attribute (content, "name", media->mid);
  transport = write_transport (content, media->ufrag, media->pwd);
  write_candidate (transport, media->mid, parsed);
  return TRUE;
}

void
cs_jingle_candidate_free (CsJingleCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->candidate);
  g_free (candidate);
}

GPtrArray *
cs_jingle_sdp_candidates_from_jingle (xmpp_stanza_t *jingle,
                                      const char *const *content_names,
                                      GError **error)
{
  g_autoptr (GPtrArray) result = NULL;
  gboolean too_many = FALSE;
  guint contents = 0;

  g_return_val_if_fail (jingle != NULL, NULL);
  g_return_val_if_fail (content_names != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_jingle_candidate_free);
  FOR_EACH_CHILD (jingle, content, too_many)
  {
    const char *name = xmpp_stanza_get_attribute (content, "name");
    g_autoptr (GPtrArray) candidates = NULL;
    gboolean too_many_in_content = FALSE;
    guint index;

    if (!is_element (content, "content", NULL))
      continue;
    if (++contents > CS_JS_MAX_MEDIA)
      {
        invalid (error, "Too many contents");
        return NULL;
      }
    if (!cs_js_is_token (name, CS_JS_MAX_TOKEN) ||
        !g_strv_contains ((const char *const *) content_names, name))
      {
        invalid (error, "Candidates for an unknown content “%s”",
                 cs_js_is_token (name, CS_JS_MAX_TOKEN) ? name : "");
        return NULL;
      }
    for (index = 0; strcmp (content_names[index], name) != 0; index++)
      ;

    candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_js_candidate_free);
    FOR_EACH_CHILD (content, transport, too_many_in_content)
    {
      if (is_element (transport, "transport", NS_ICE_UDP) &&
          !read_transport (transport, NULL, candidates, error))
        return NULL;
    }
    if (too_many_in_content)
      {
        too_many_children (error, "a content");
        return NULL;
      }
    for (guint i = 0; i < candidates->len; i++)
      {
        CsJingleCandidate *candidate = g_new0 (CsJingleCandidate, 1);

        candidate->mline_index = index;
        candidate->candidate = cs_js_candidate_to_sdp (g_ptr_array_index (candidates, i));
        g_ptr_array_add (result, candidate);
      }
  }
  if (too_many)
    {
      too_many_children (error, "the Jingle element");
      return NULL;
    }
  return g_steal_pointer (&result);
}
