/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <strophe.h>

G_BEGIN_DECLS

/*
 * The media engine speaks SDP; calls travel as Jingle (XEP-0166) with RTP (0167), ICE-UDP
 * (0176), DTLS-SRTP (0320), RTCP feedback (0293), header extensions (0294), BUNDLE (0338)
 * and sources (0339). These functions map one to the other and nothing else: no state, no
 * network. Whatever comes from outside is checked (sizes, counts, characters) before a byte
 * of it reaches an SDP line, and anything wrong is a CS_JINGLE_SDP_ERROR, never a crash.
 *
 * Both directions go through one model, so SDP -> Jingle -> SDP -> Jingle gives the same
 * Jingle twice. docs/protocol.md ("SDP and Jingle") has the table of what maps to what.
 */

#define CS_JINGLE_SDP_ERROR (cs_jingle_sdp_error_quark ())

typedef enum
{
  CS_JINGLE_SDP_ERROR_INVALID,
  /* Well-formed but not expressible on the other side, such as a TCP candidate, which
   * ICE-UDP cannot carry: skip it quietly. */
  CS_JINGLE_SDP_ERROR_UNSUPPORTED,
} CsJingleSdpError;

GQuark cs_jingle_sdp_error_quark (void);

/* Adds to @jingle (an existing <jingle xmlns='urn:xmpp:jingle:1'> element whose action, sid,
 * initiator/responder the caller sets) one <content> per m-line of @sdp (name = the m-line's
 * a=mid, creator='initiator', senders from the direction), each with its RTP <description>
 * and ICE-UDP <transport> (ufrag, pwd, DTLS <fingerprint hash setup>, and any candidates
 * already in the SDP), and a XEP-0338 <group semantics='BUNDLE'> when the SDP has one.
 * Uses xmpp_stanza_get_context (jingle) to make children.
 *
 * The SDP's author is the initiator unless @jingle's action is session-accept or
 * content-accept: that decides what senders='initiator' means. TCP candidates are left
 * out (ICE-UDP). On error @jingle is left as it was. */
gboolean cs_jingle_sdp_to_jingle (const char *sdp, xmpp_stanza_t *jingle, GError **error);

/* The SDP that @jingle's contents describe (session-initiate/accept contents). Output must be
 * accepted by webrtcbin as a remote description. @type is "offer" or "answer" (only for
 * choices like a=setup defaults). */
char *cs_jingle_sdp_from_jingle (xmpp_stanza_t *jingle, const char *type, GError **error);

/* The a=mid of each m-line, in order (NULL-terminated). An SDP that cannot be read gives
 * an empty array. */
char **cs_jingle_sdp_dup_content_names (const char *sdp);

/* Trickle: adds to @jingle a transport-info <content name=...><transport ufrag pwd><candidate
 * .../></transport></content> for @candidate (a "candidate:..." line without "a=", as webrtcbin
 * emits it) of m-line @mline_index of @local_sdp (which gives the mid, ufrag and pwd).
 * A TCP candidate gives CS_JINGLE_SDP_ERROR_UNSUPPORTED. */
gboolean cs_jingle_sdp_candidate_to_jingle (const char *local_sdp,
                                            guint mline_index,
                                            const char *candidate,
                                            xmpp_stanza_t *jingle,
                                            GError **error);

typedef struct
{
  guint mline_index;
  char *candidate; /* "candidate:..." */
} CsJingleCandidate;

void cs_jingle_candidate_free (CsJingleCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsJingleCandidate, cs_jingle_candidate_free)

/* The candidates in a transport-info (or in session-initiate/accept) @jingle; each content is
 * placed by its name's position in @content_names; unknown names are an error. Returns a
 * GPtrArray of CsJingleCandidate (free func set). */
GPtrArray *cs_jingle_sdp_candidates_from_jingle (xmpp_stanza_t *jingle,
                                                 const char *const *content_names,
                                                 GError **error);

G_END_DECLS
