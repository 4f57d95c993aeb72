/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cs-jingle-sdp.h"

G_BEGIN_DECLS

/*
 * The one model both sides are read into and written from (cs-jingle-sdp-text.c for SDP,
 * cs-jingle-sdp.c for Jingle). Readers check every value against the rules below, so
 * writers can trust what they are given: nothing that reaches an SDP line or an XML attribute
 * holds a line break, a NUL or more than the limits allow.
 */

/* Far above what a call of two or three streams needs, low enough that a hostile peer
 * cannot make us allocate much. */
#define CS_JS_MAX_SDP_LENGTH (64 * 1024)
#define CS_JS_MAX_MEDIA 16
#define CS_JS_MAX_PAYLOADS 64
#define CS_JS_MAX_PARAMS 32
#define CS_JS_MAX_FEEDBACK 32
#define CS_JS_MAX_HDREXTS 32
#define CS_JS_MAX_SOURCES 64
#define CS_JS_MAX_SSRC_GROUPS 16
#define CS_JS_MAX_GROUP_SIZE 16
#define CS_JS_MAX_CANDIDATES 64
#define CS_JS_MAX_BANDWIDTHS 4
#define CS_JS_MAX_GROUPS 4
#define CS_JS_MAX_TOKEN 64
#define CS_JS_MAX_VALUE 512

typedef enum
{
  CS_JS_SENDERS_BOTH,
  CS_JS_SENDERS_INITIATOR,
  CS_JS_SENDERS_RESPONDER,
  CS_JS_SENDERS_NONE,
} CsJsSenders;

typedef struct
{
  char *name;
  char *value; /* NULL for a bare fmtp token such as "0-15" */
} CsJsParam;

typedef struct
{
  char *type;
  char *subtype; /* nullable */
} CsJsFeedback;

typedef struct
{
  guint id;
  char *name; /* nullable: static payload types need no rtpmap */
  guint clockrate;
  guint channels; /* 0: not said */
  guint ptime;
  guint maxptime;
  GPtrArray *params;   /* CsJsParam */
  GPtrArray *feedback; /* CsJsFeedback */
  gint trr_int;        /* -1: none */
} CsJsPayload;

typedef struct
{
  guint id;
  char *uri;
  CsJsSenders senders;
} CsJsHdrExt;

typedef struct
{
  guint32 ssrc;
  GPtrArray *params; /* CsJsParam */
} CsJsSource;

typedef struct
{
  char *semantics;
  GArray *ssrcs; /* guint32 */
} CsJsSsrcGroup;

typedef struct
{
  char *foundation;
  guint component;
  guint32 priority;
  char *ip;
  guint port;
  char *type;
  char *rel_addr; /* nullable */
  guint rel_port;
  guint generation;
  guint network;
  char *id; /* nullable: made from the other fields when written to Jingle */
} CsJsCandidate;

typedef struct
{
  char *type;
  guint value;
} CsJsBandwidth;

typedef struct
{
  char *media; /* "audio" or "video" */
  char *mid;
  CsJsSenders senders;
  char *ufrag;
  char *pwd;
  char *fp_hash;
  char *fp_value;
  char *setup;
  gboolean rtcp_mux;
  gboolean extmap_allow_mixed;
  GPtrArray *payloads; /* CsJsPayload */
  GPtrArray *feedback; /* CsJsFeedback, for every payload type ("*") */
  gint trr_int;
  GPtrArray *hdrexts;     /* CsJsHdrExt */
  GPtrArray *sources;     /* CsJsSource */
  GPtrArray *ssrc_groups; /* CsJsSsrcGroup */
  GPtrArray *candidates;  /* CsJsCandidate */
  GPtrArray *bandwidths;  /* CsJsBandwidth */
} CsJsMedia;

typedef struct
{
  char *semantics;
  GPtrArray *mids; /* char * */
} CsJsGroup;

typedef struct
{
  GPtrArray *medias; /* CsJsMedia */
  GPtrArray *groups; /* CsJsGroup */
} CsJsSession;

CsJsSession *cs_js_session_new (void);
void cs_js_session_free (CsJsSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJsSession, cs_js_session_free)
CsJsMedia *cs_js_media_new (void);
CsJsPayload *cs_js_payload_new (guint id);
CsJsSource *cs_js_source_new (guint32 ssrc);
CsJsSsrcGroup *cs_js_ssrc_group_new (const char *semantics);
CsJsGroup *cs_js_group_new (const char *semantics);
CsJsParam *cs_js_param_new (const char *name, const char *value);
CsJsFeedback *cs_js_feedback_new (const char *type, const char *subtype);
void cs_js_candidate_free (CsJsCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJsCandidate, cs_js_candidate_free)

/* Checks of single values, shared by both readers. */
gboolean cs_js_is_token (const char *text, gsize max_length);
gboolean cs_js_is_value (const char *text, gboolean allow_space);
gboolean cs_js_is_ice_chars (const char *text, gsize min_length, gsize max_length);
gboolean cs_js_is_fingerprint (const char *text);
gboolean cs_js_is_address (const char *text);
gboolean cs_js_parse_uint (const char *text, guint64 max, guint64 *out);
gboolean cs_js_check_setup (const char *setup);
gboolean cs_js_check_candidate_type (const char *type);

/* Rules on a whole session, once read from either side: every m-line has what webrtcbin
 * needs (mid, ICE credentials, a fingerprint, a payload type), mids are unique and groups
 * name only existing mids. Fills a=setup with @default_setup where it is missing. */
gboolean cs_js_session_check (CsJsSession *session, const char *default_setup, GError **error);

/* SDP text (cs-jingle-sdp-text.c). */
CsJsSession *cs_js_session_from_sdp (const char *sdp, gboolean author_is_initiator, GError **error);
char *cs_js_session_to_sdp (CsJsSession *session, gboolean author_is_initiator);
CsJsCandidate *cs_js_candidate_from_sdp (const char *line, GError **error);
char *cs_js_candidate_to_sdp (const CsJsCandidate *candidate);

G_END_DECLS
