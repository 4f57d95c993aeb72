/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-jingle-sdp"

#include "config.h"

#include "cs-jingle-sdp.h"

#include <string.h>

/*
 * The SDP <-> Jingle mapping against real webrtcbin descriptions (tests/fixtures/sdp) and
 * Jingle in the shape of the XEPs' examples and of Dino (tests/fixtures/jingle). What a user
 * would notice: a call that does not connect because a codec, a fingerprint, a candidate or
 * the bundle got lost on the way, or a peer that crashes us with a strange stanza.
 */

static xmpp_ctx_t *ctx;

static char *
load_fixture (const char *kind, const char *name)
{
  g_autofree char *path = g_build_filename (CS_TEST_FIXTURES_DIR, kind, name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static xmpp_stanza_t *
new_jingle (const char *action)
{
  xmpp_stanza_t *jingle = xmpp_stanza_new (ctx);

  xmpp_stanza_set_name (jingle, "jingle");
  xmpp_stanza_set_ns (jingle, "urn:xmpp:jingle:1");
  xmpp_stanza_set_attribute (jingle, "action", action);
  xmpp_stanza_set_attribute (jingle, "sid", "s1d");
  return jingle;
}

static xmpp_stanza_t *
parse_xml (const char *xml)
{
  xmpp_stanza_t *stanza = xmpp_stanza_new_from_string (ctx, xml);

  g_assert_nonnull (stanza);
  return stanza;
}

static char *
to_text (xmpp_stanza_t *stanza)
{
  char *buffer = NULL;
  size_t length = 0;
  char *copy;

  g_assert_cmpint (xmpp_stanza_to_text (stanza, &buffer, &length), ==, XMPP_EOK);
  copy = g_strndup (buffer, length);
  xmpp_free (ctx, buffer);
  return copy;
}

static guint
count_children (xmpp_stanza_t *stanza, const char *name)
{
  guint count = 0;

  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_name (child), name) == 0)
      count++;
  return count;
}

/* The @index-th child of @stanza named @name whose @attribute (if given) is @value. */
static xmpp_stanza_t *
find_child (xmpp_stanza_t *stanza, const char *name, const char *attribute, const char *value)
{
  for (xmpp_stanza_t *child = xmpp_stanza_get_children (stanza); child != NULL;
       child = xmpp_stanza_get_next (child))
    if (xmpp_stanza_is_tag (child) && g_strcmp0 (xmpp_stanza_get_name (child), name) == 0 &&
        (attribute == NULL || g_strcmp0 (xmpp_stanza_get_attribute (child, attribute), value) == 0))
      return child;
  return NULL;
}

static void
assert_has_line (const char *sdp, const char *line)
{
  g_autofree char *needle = g_strconcat ("\r\n", line, "\r\n", NULL);

  if (strstr (sdp, needle) == NULL)
    g_error ("SDP lacks “%s”:\n%s", line, sdp);
}

static guint
count_lines (const char *sdp, const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\r\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      count++;
  return count;
}

/* SDP -> Jingle -> SDP -> Jingle: returns the regenerated SDP and checks that the second
 * Jingle is the first one, byte for byte. */
static char *
round_trip (const char *sdp, const char *action, const char *type, xmpp_stanza_t **jingle_out)
{
  xmpp_stanza_t *first = new_jingle (action);
  xmpp_stanza_t *second = new_jingle (action);
  g_autoptr (GError) error = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  char *regenerated;

  g_assert_true (cs_jingle_sdp_to_jingle (sdp, first, &error));
  g_assert_no_error (error);
  regenerated = cs_jingle_sdp_from_jingle (first, type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (regenerated);
  g_assert_true (cs_jingle_sdp_to_jingle (regenerated, second, &error));
  g_assert_no_error (error);

  first_text = to_text (first);
  second_text = to_text (second);
  g_assert_cmpstr (first_text, ==, second_text);

  xmpp_stanza_release (second);
  if (jingle_out != NULL)
    *jingle_out = first;
  else
    xmpp_stanza_release (first);
  return regenerated;
}

static void
test_offer_to_jingle (void)
{
  g_autofree char *sdp = load_fixture ("sdp", "webrtcbin-offer.sdp");
  xmpp_stanza_t *jingle = new_jingle ("session-initiate");
  g_autoptr (GError) error = NULL;
  xmpp_stanza_t *audio, *video, *description, *payload, *transport, *fingerprint, *group;
  g_autofree char *fingerprint_text = NULL;

  g_assert_true (cs_jingle_sdp_to_jingle (sdp, jingle, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_children (jingle, "content"), ==, 2);

  audio = find_child (jingle, "content", "name", "audio0");
  video = find_child (jingle, "content", "name", "video1");
  g_assert_nonnull (audio);
  g_assert_nonnull (video);
  g_assert_cmpstr (xmpp_stanza_get_attribute (audio, "creator"), ==, "initiator");
  g_assert_cmpstr (xmpp_stanza_get_attribute (audio, "senders"), ==, "both");

  /* Opus with in-band FEC, as the engine asks for it. */
  description = find_child (audio, "description", NULL, NULL);
  g_assert_cmpstr (xmpp_stanza_get_ns (description), ==, "urn:xmpp:jingle:apps:rtp:1");
  g_assert_cmpstr (xmpp_stanza_get_attribute (description, "media"), ==, "audio");
  payload = find_child (description, "payload-type", "id", "111");
  g_assert_cmpstr (xmpp_stanza_get_attribute (payload, "name"), ==, "OPUS");
  g_assert_cmpstr (xmpp_stanza_get_attribute (payload, "clockrate"), ==, "48000");
  g_assert_cmpstr (xmpp_stanza_get_attribute (payload, "channels"), ==, "2");
  g_assert_cmpstr (xmpp_stanza_get_attribute (find_child (payload, "parameter", "name",
                                                          "useinbandfec"),
                                              "value"),
                   ==, "1");
  g_assert_nonnull (find_child (payload, "rtcp-fb", "type", "transport-cc"));
  g_assert_nonnull (find_child (description, "rtcp-mux", NULL, NULL));

  /* VP8 with NACK, PLI and FIR, and its RTX companion. */
  description = find_child (video, "description", NULL, NULL);
  payload = find_child (description, "payload-type", "id", "96");
  g_assert_cmpstr (xmpp_stanza_get_attribute (payload, "name"), ==, "VP8");
  g_assert_null (xmpp_stanza_get_attribute (payload, "channels"));
  g_assert_cmpuint (count_children (payload, "rtcp-fb"), ==, 4);
  g_assert_nonnull (find_child (payload, "rtcp-fb", "subtype", "pli"));
  g_assert_nonnull (find_child (payload, "rtcp-fb", "subtype", "fir"));
  payload = find_child (description, "payload-type", "id", "97");
  g_assert_cmpstr (xmpp_stanza_get_attribute (payload, "name"), ==, "rtx");
  g_assert_cmpstr (xmpp_stanza_get_attribute (find_child (payload, "parameter", "name", "apt"),
                                              "value"),
                   ==, "96");
  /* XEP-0339: both video sources with cname and msid, tied by FID. */
  g_assert_cmpuint (count_children (description, "source"), ==, 2);
  g_assert_nonnull (
    find_child (find_child (description, "source", NULL, NULL), "parameter", "name", "msid"));
  group = find_child (description, "ssrc-group", "semantics", "FID");
  g_assert_nonnull (group);
  g_assert_cmpstr (xmpp_stanza_get_ns (group), ==, "urn:xmpp:jingle:apps:rtp:ssma:0");
  g_assert_cmpuint (count_children (group, "source"), ==, 2);

  /* ICE credentials and the DTLS fingerprint, for both contents. */
  transport = find_child (video, "transport", NULL, NULL);
  g_assert_cmpstr (xmpp_stanza_get_ns (transport), ==, "urn:xmpp:jingle:transports:ice-udp:1");
  g_assert_cmpstr (xmpp_stanza_get_attribute (transport, "ufrag"), ==,
                   "lDLwOL4Rw7RyZlK+FfIeMYGHzXOSaRk4");
  g_assert_cmpstr (xmpp_stanza_get_attribute (transport, "pwd"), ==,
                   "rwAaYg9QpT8JpRbFbAfnjhRKwtyohpUg");
  fingerprint = find_child (transport, "fingerprint", NULL, NULL);
  g_assert_cmpstr (xmpp_stanza_get_ns (fingerprint), ==, "urn:xmpp:jingle:apps:dtls:0");
  g_assert_cmpstr (xmpp_stanza_get_attribute (fingerprint, "hash"), ==, "sha-256");
  g_assert_cmpstr (xmpp_stanza_get_attribute (fingerprint, "setup"), ==, "actpass");
  fingerprint_text = xmpp_stanza_get_text (fingerprint);
  g_assert_true (g_str_has_prefix (fingerprint_text, "E1:6B:22:4C"));
  g_assert_cmpuint (count_children (transport, "candidate"), ==, 0);

  /* XEP-0338 BUNDLE, after the contents. */
  group = find_child (jingle, "group", NULL, NULL);
  g_assert_cmpstr (xmpp_stanza_get_ns (group), ==, "urn:xmpp:jingle:apps:grouping:0");
  g_assert_cmpstr (xmpp_stanza_get_attribute (group, "semantics"), ==, "BUNDLE");
  g_assert_cmpuint (count_children (group, "content"), ==, 2);

  xmpp_free (ctx, fingerprint_text);
  fingerprint_text = NULL;
  xmpp_stanza_release (jingle);
}

static void
assert_engine_lines (const char *sdp)
{
  assert_has_line (sdp, "a=group:BUNDLE audio0 video1");
  assert_has_line (sdp, "a=rtpmap:111 OPUS/48000/2");
  g_assert_cmpuint (count_lines (sdp, "a=fmtp:111 useinbandfec=1"), ==, 1);
  assert_has_line (sdp, "a=rtpmap:96 VP8/90000");
  assert_has_line (sdp, "a=rtcp-fb:96 nack");
  assert_has_line (sdp, "a=rtcp-fb:96 nack pli");
  assert_has_line (sdp, "a=rtcp-fb:96 ccm fir");
  assert_has_line (sdp, "a=rtpmap:97 rtx/90000");
  assert_has_line (sdp, "a=fmtp:97 apt=96");
  assert_has_line (sdp, "a=rtcp-mux");
  assert_has_line (sdp, "a=mid:audio0");
  assert_has_line (sdp, "a=mid:video1");
  g_assert_cmpuint (count_lines (sdp, "m=audio 9 UDP/TLS/RTP/SAVPF 111"), ==, 1);
  g_assert_cmpuint (count_lines (sdp, "m=video 9 UDP/TLS/RTP/SAVPF 96 97"), ==, 1);
  g_assert_cmpuint (count_lines (sdp, "a=fingerprint:sha-256 E1:6B:22:4C:"), ==, 2);
  g_assert_cmpuint (count_lines (sdp, "a=ssrc-group:FID "), ==, 1);
  g_assert_cmpuint (count_lines (sdp, "a=sendrecv"), ==, 2);
}

static void
test_offer_round_trip (void)
{
  g_autofree char *sdp = load_fixture ("sdp", "webrtcbin-offer.sdp");
  g_autofree char *regenerated = round_trip (sdp, "session-initiate", "offer", NULL);

  assert_engine_lines (regenerated);
  assert_has_line (regenerated, "a=setup:actpass");
  assert_has_line (regenerated, "a=ice-ufrag:lDLwOL4Rw7RyZlK+FfIeMYGHzXOSaRk4");
  assert_has_line (regenerated, "a=ice-pwd:rwAaYg9QpT8JpRbFbAfnjhRKwtyohpUg");
  assert_has_line (regenerated, "a=ssrc:790877175 cname:user3279138685@host-98bad636");
  assert_has_line (regenerated,
                   "a=ssrc:790877175 msid:user3279138685@host-98bad636 webrtctransceiver3");
  assert_has_line (regenerated, "a=ssrc-group:FID 790877175 2488913073");
}

static void
test_answer_round_trip (void)
{
  g_autofree char *sdp = load_fixture ("sdp", "webrtcbin-answer.sdp");
  xmpp_stanza_t *jingle = NULL;
  g_autofree char *regenerated = round_trip (sdp, "session-accept", "answer", &jingle);
  xmpp_stanza_t *fingerprint =
    find_child (find_child (find_child (jingle, "content", NULL, NULL), "transport", NULL, NULL),
                "fingerprint", NULL, NULL);

  g_assert_cmpstr (xmpp_stanza_get_attribute (fingerprint, "setup"), ==, "active");
  assert_engine_lines (regenerated);
  assert_has_line (regenerated, "a=setup:active");
  assert_has_line (regenerated,
                   "a=fmtp:111 useinbandfec=1;sprop-stereo=0;sprop-maxcapturerate=48000");
  assert_has_line (regenerated, "a=ssrc:3272367800 cname:user3928457484@host-2a68fdea");
  xmpp_stanza_release (jingle);
}

/* Who sends is said from the SDP author's side; Jingle says it by role. */
static void
test_directions (void)
{
  g_autofree char *offer = load_fixture ("sdp", "webrtcbin-offer.sdp");
  g_autofree char *sendonly = NULL;
  xmpp_stanza_t *initiate = new_jingle ("session-initiate");
  xmpp_stanza_t *accept = new_jingle ("session-accept");
  g_autoptr (GError) error = NULL;
  g_autofree char *as_answer = NULL;
  g_autofree char *as_offer = NULL;
  g_auto (GStrv) parts = g_strsplit (offer, "a=sendrecv", -1);

  sendonly = g_strjoinv ("a=sendonly", parts);
  g_assert_true (cs_jingle_sdp_to_jingle (sendonly, initiate, &error));
  g_assert_true (cs_jingle_sdp_to_jingle (sendonly, accept, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_stanza_get_attribute (find_child (initiate, "content", NULL, NULL),
                                              "senders"),
                   ==, "initiator");
  g_assert_cmpstr (xmpp_stanza_get_attribute (find_child (accept, "content", NULL, NULL),
                                              "senders"),
                   ==, "responder");

  /* The initiator sends only: the responder's own SDP for it receives only. */
  xmpp_stanza_del_attribute (initiate, "action");
  as_offer = cs_jingle_sdp_from_jingle (initiate, "offer", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_lines (as_offer, "a=sendonly"), ==, 2);
  as_answer = cs_jingle_sdp_from_jingle (initiate, "answer", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_lines (as_answer, "a=recvonly"), ==, 2);
  assert_has_line (as_answer, "a=setup:actpass");

  xmpp_stanza_release (initiate);
  xmpp_stanza_release (accept);
}

static void
test_candidates_in_sdp (void)
{
  g_autofree char *sdp = load_fixture ("sdp", "webrtcbin-offer-candidates.sdp");
  xmpp_stanza_t *jingle = NULL;
  g_autofree char *regenerated = round_trip (sdp, "session-initiate", "offer", &jingle);
  xmpp_stanza_t *transport =
    find_child (find_child (jingle, "content", "name", "audio0"), "transport", NULL, NULL);
  xmpp_stanza_t *candidate = find_child (transport, "candidate", "ip", "10.99.0.1");
  const char *const names[] = { "audio0", "video1", NULL };
  g_autoptr (GPtrArray) candidates = NULL;
  g_autoptr (GError) error = NULL;

  /* Three UDP candidates; TCP ones have no place in ICE-UDP. */
  g_assert_cmpuint (count_children (transport, "candidate"), ==, 3);
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "component"), ==, "1");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "foundation"), ==, "1");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "generation"), ==, "0");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "network"), ==, "0");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "port"), ==, "34885");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "priority"), ==, "2015363327");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "protocol"), ==, "udp");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "type"), ==, "host");
  g_assert_nonnull (xmpp_stanza_get_attribute (candidate, "id"));
  g_assert_nonnull (find_child (transport, "candidate", "ip", "fe80::984a:eaff:fefd:e7d0"));

  g_assert_cmpuint (count_lines (regenerated, "a=candidate:"), ==, 3);
  assert_has_line (regenerated, "a=candidate:1 1 UDP 2015363327 10.99.0.1 34885 typ host");

  candidates = cs_jingle_sdp_candidates_from_jingle (jingle, names, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 3);
  g_assert_cmpuint (((CsJingleCandidate *) candidates->pdata[0])->mline_index, ==, 0);
  g_assert_cmpstr (((CsJingleCandidate *) candidates->pdata[0])->candidate, ==,
                   "candidate:1 1 UDP 2015363327 10.99.0.1 34885 typ host");
  xmpp_stanza_release (jingle);

  /* The answer's candidates too. */
  g_free (sdp);
  sdp = load_fixture ("sdp", "webrtcbin-answer-candidates.sdp");
  g_free (round_trip (sdp, "session-accept", "answer", NULL));
}

/* Every candidate webrtcbin trickled goes to Jingle and back unchanged (TCP ones are
 * refused with UNSUPPORTED, so the caller can skip them quietly). */
static void
test_candidates_trickle (void)
{
  g_autofree char *offer = load_fixture ("sdp", "webrtcbin-offer.sdp");
  g_autofree char *answer = load_fixture ("sdp", "webrtcbin-answer.sdp");
  g_autofree char *list = load_fixture ("sdp", "webrtcbin-trickled-candidates.txt");
  g_auto (GStrv) names = cs_jingle_sdp_dup_content_names (offer);
  g_auto (GStrv) lines = g_strsplit (list, "\n", -1);
  guint udp = 0;

  g_assert_cmpuint (g_strv_length (lines), >, 10);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i], " ", 3);
      const char *local = strcmp (fields[0], "bob") == 0 ? offer : answer;
      guint index = g_ascii_strtoull (fields[1], NULL, 10);
      xmpp_stanza_t *jingle = new_jingle ("transport-info");
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) back = NULL;
      xmpp_stanza_t *content, *transport;
      gboolean ok;

      ok = cs_jingle_sdp_candidate_to_jingle (local, index, fields[2], jingle, &error);
      if (strstr (fields[2], " TCP ") != NULL)
        {
          g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_UNSUPPORTED);
          g_assert_false (ok);
          g_assert_null (xmpp_stanza_get_children (jingle));
          xmpp_stanza_release (jingle);
          continue;
        }
      g_assert_no_error (error);
      g_assert_true (ok);
      udp++;
      content = find_child (jingle, "content", NULL, NULL);
      g_assert_cmpstr (xmpp_stanza_get_attribute (content, "name"), ==, names[index]);
      transport = find_child (content, "transport", NULL, NULL);
      g_assert_cmpstr (xmpp_stanza_get_attribute (transport, "ufrag"), ==,
                       local == offer ? "lDLwOL4Rw7RyZlK+FfIeMYGHzXOSaRk4"
                                      : "5eeORRScKAUtv7sIa4JeQ1QJJz5eKSWh");
      g_assert_nonnull (xmpp_stanza_get_attribute (transport, "pwd"));

      back = cs_jingle_sdp_candidates_from_jingle (jingle, (const char *const *) names, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (back->len, ==, 1);
      g_assert_cmpuint (((CsJingleCandidate *) back->pdata[0])->mline_index, ==, index);
      g_assert_cmpstr (((CsJingleCandidate *) back->pdata[0])->candidate, ==, fields[2]);
      xmpp_stanza_release (jingle);
    }
  g_assert_cmpuint (udp, ==, 6);
}

static void
test_candidates_srflx (void)
{
  g_autofree char *offer = load_fixture ("sdp", "webrtcbin-offer.sdp");
  const char *line = "candidate:3 1 UDP 1677721855 198.51.100.7 50312 typ srflx raddr 10.99.0.1 "
                     "rport 34885 generation 2";
  const char *const names[] = { "audio0", "video1", NULL };
  xmpp_stanza_t *jingle = new_jingle ("transport-info");
  xmpp_stanza_t *candidate;
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cs_jingle_sdp_candidate_to_jingle (offer, 1, line, jingle, &error));
  g_assert_no_error (error);
  candidate = find_child (find_child (find_child (jingle, "content", "name", "video1"), "transport",
                                      NULL, NULL),
                          "candidate", NULL, NULL);
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "type"), ==, "srflx");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "rel-addr"), ==, "10.99.0.1");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "rel-port"), ==, "34885");
  g_assert_cmpstr (xmpp_stanza_get_attribute (candidate, "generation"), ==, "2");
  back = cs_jingle_sdp_candidates_from_jingle (jingle, names, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((CsJingleCandidate *) back->pdata[0])->candidate, ==, line);
  g_assert_cmpuint (((CsJingleCandidate *) back->pdata[0])->mline_index, ==, 1);
  xmpp_stanza_release (jingle);

  /* An m-line the local description does not have. */
  jingle = new_jingle ("transport-info");
  g_assert_false (cs_jingle_sdp_candidate_to_jingle (offer, 2, line, jingle, &error));
  g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
  xmpp_stanza_release (jingle);
}

/* Candidates are placed by their content's name, whatever order they come in. */
static void
test_content_names (void)
{
  g_autofree char *offer = load_fixture ("sdp", "webrtcbin-offer.sdp");
  g_autofree char *xml = load_fixture ("jingle", "xep-0176-transport-info.xml");
  g_auto (GStrv) names = cs_jingle_sdp_dup_content_names (offer);
  g_auto (GStrv) none = cs_jingle_sdp_dup_content_names ("garbage");
  const char *const dino[] = { "video", "voice", NULL };
  xmpp_stanza_t *jingle = parse_xml (xml);
  g_autoptr (GPtrArray) candidates = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_assert_cmpstr (names[0], ==, "audio0");
  g_assert_cmpstr (names[1], ==, "video1");
  g_assert_cmpuint (g_strv_length (none), ==, 0);

  candidates = cs_jingle_sdp_candidates_from_jingle (jingle, dino, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (candidates->len, ==, 1);
  g_assert_cmpuint (((CsJingleCandidate *) candidates->pdata[0])->mline_index, ==, 1);
  g_assert_cmpstr (((CsJingleCandidate *) candidates->pdata[0])->candidate, ==,
                   "candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport "
                   "8998 network-id 1");
  g_clear_pointer (&candidates, g_ptr_array_unref);

  /* The same transport-info against the offer's names: "voice" is nobody. */
  candidates = cs_jingle_sdp_candidates_from_jingle (jingle, (const char *const *) names, &error);
  g_assert_null (candidates);
  g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
  xmpp_stanza_release (jingle);
}

/* Jingle written by others: it maps to an SDP, and that SDP maps back to the same SDP. */
static char *
jingle_fixture_to_sdp (const char *name, const char *type)
{
  g_autofree char *xml = load_fixture ("jingle", name);
  xmpp_stanza_t *jingle = parse_xml (xml);
  xmpp_stanza_t *again = new_jingle (xmpp_stanza_get_attribute (jingle, "action"));
  g_autoptr (GError) error = NULL;
  g_autofree char *second = NULL;
  char *sdp;

  sdp = cs_jingle_sdp_from_jingle (jingle, type, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sdp);
  g_assert_true (cs_jingle_sdp_to_jingle (sdp, again, &error));
  g_assert_no_error (error);
  second = cs_jingle_sdp_from_jingle (again, type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sdp, ==, second);
  xmpp_stanza_release (again);
  xmpp_stanza_release (jingle);
  return sdp;
}

static void
test_jingle_xep_examples (void)
{
  g_autofree char *audio = jingle_fixture_to_sdp ("xep-0167-0176-0320-audio.xml", "offer");
  g_autofree char *video = jingle_fixture_to_sdp ("xep-0293-0294-video.xml", "offer");
  g_autofree char *bundle = jingle_fixture_to_sdp ("xep-0338-0339-bundle.xml", "answer");

  g_assert_cmpuint (count_lines (audio, "m=audio 9 UDP/TLS/RTP/SAVPF 96 97 18 0 103 98 101"), ==,
                    1);
  assert_has_line (audio, "a=rtpmap:96 speex/16000");
  assert_has_line (audio, "a=rtpmap:103 L16/16000/2");
  assert_has_line (audio, "a=fmtp:101 0-15");
  assert_has_line (audio, "a=ice-ufrag:8hhy");
  assert_has_line (audio, "a=ice-pwd:asd88fgpdd777uzjYhagZg");
  assert_has_line (audio, "a=setup:actpass");
  assert_has_line (audio, "a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ host network-id 1");
  assert_has_line (audio, "a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr "
                          "10.0.1.1 rport 8998 network-id 1");
  g_assert_cmpuint (count_lines (audio, "a=group:"), ==, 0);

  assert_has_line (video, "a=sendonly");
  assert_has_line (video, "a=rtcp-fb:98 nack pli");
  assert_has_line (video, "a=rtcp-fb:98 trr-int 100");
  assert_has_line (video, "a=rtcp-fb:* goog-remb");
  assert_has_line (video, "a=fmtp:99 apt=98");
  assert_has_line (video, "a=extmap:1 urn:ietf:params:rtp-hdrext:toffset");
  assert_has_line (
    video, "a=extmap:2/sendonly http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");

  assert_has_line (bundle, "a=group:BUNDLE audio video");
  assert_has_line (bundle, "a=setup:active");
  assert_has_line (bundle, "a=fmtp:111 minptime=10;useinbandfec=1");
  assert_has_line (bundle, "a=ssrc-group:FID 2433244617 3361627472");
  assert_has_line (bundle, "a=ssrc:2433244617 cname:Yv/wvbCdsDW2Prgd");
  assert_has_line (bundle, "a=ssrc:1656081975 msid:MLTJKIHilGn71fNQoszkQ4jlPTuS5vJyKVIv "
                           "MLTJKIHilGn71fNQoszkQ4jlPTuS5vJyKVIva0");
}

static void
test_jingle_dino (void)
{
  g_autofree char *sdp = jingle_fixture_to_sdp ("dino-session-initiate.xml", "offer");

  /* No BUNDLE: each content keeps its own transport. */
  g_assert_cmpuint (count_lines (sdp, "a=group:"), ==, 0);
  assert_has_line (sdp, "a=ice-ufrag:eHJd");
  assert_has_line (sdp, "a=ice-ufrag:Qv7b");
  g_assert_cmpuint (count_lines (sdp, "a=rtcp-mux"), ==, 2);
  g_assert_cmpuint (count_lines (sdp, "a=setup:actpass"), ==, 2);
  assert_has_line (sdp, "a=rtpmap:111 opus/48000/2");
  assert_has_line (sdp, "a=rtpmap:96 VP8/90000");
  assert_has_line (sdp, "a=rtcp-fb:111 transport-cc");
  assert_has_line (sdp,
                   "a=extmap:1 "
                   "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
  assert_has_line (sdp, "a=candidate:2 1 UDP 1677721855 198.51.100.7 50312 typ srflx raddr "
                        "192.168.1.23 rport 50312");
  g_assert_cmpuint (count_lines (sdp, "a=candidate:"), ==, 3);
}

/* The offer dino-im 0.4.2 sent us (captured under Xvfb against our Prosody): its own payload
 * numbers (VP8 98), no BUNDLE, RTCP candidates, and SDES keys beside the DTLS fingerprint,
 * which we never use: media keys come from DTLS only. */
static void
test_jingle_dino_captured (void)
{
  g_autofree char *sdp = jingle_fixture_to_sdp ("dino-0.4.2-session-initiate.xml", "offer");

  g_assert_cmpuint (count_lines (sdp, "a=group:"), ==, 0);
  assert_has_line (sdp, "a=ice-ufrag:wxWs");
  assert_has_line (sdp, "a=ice-ufrag:4Y6p");
  assert_has_line (sdp, "a=rtpmap:111 opus/48000/2");
  assert_has_line (sdp, "a=rtpmap:98 VP8/90000");
  assert_has_line (sdp, "a=rtcp-fb:98 nack pli");
  g_assert_cmpuint (count_lines (sdp, "a=rtcp-mux"), ==, 2);
  g_assert_cmpuint (count_lines (sdp, "a=fingerprint:sha-256 6C:DB:AD:80"), ==, 2);
  g_assert_cmpuint (count_lines (sdp, "a=crypto"), ==, 0);
  g_assert_cmpuint (count_lines (sdp, "a=candidate:"), ==, 4);
}

/* In a BUNDLE a peer may give the transport once; the other contents share it. */
static void
test_jingle_bundle_shared_transport (void)
{
  g_autofree char *xml = load_fixture ("jingle", "xep-0338-0339-bundle.xml");
  g_autofree char *sdp = NULL;
  g_autoptr (GError) error = NULL;
  char *video = strstr (xml, "name='video'");
  char *start = strstr (video, "<transport");
  char *end = strstr (start, "</transport>") + strlen ("</transport>");
  xmpp_stanza_t *jingle;

  memmove (start, end, strlen (end) + 1);
  jingle = parse_xml (xml);
  g_assert_null (
    find_child (find_child (jingle, "content", "name", "video"), "transport", NULL, NULL));
  sdp = cs_jingle_sdp_from_jingle (jingle, "answer", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_lines (sdp, "a=ice-ufrag:Gxy3"), ==, 2);
  g_assert_cmpuint (count_lines (sdp, "a=fingerprint:sha-256 E8:5C"), ==, 2);
  xmpp_stanza_release (jingle);
}

/* @count copies of @pattern, each "%u" in it replaced by the copy's number. */
static char *
repeat (const char *pattern, guint count)
{
  g_auto (GStrv) pieces = g_strsplit (pattern, "%u", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i);
      g_autofree char *copy = g_strjoinv (number, pieces);

      g_string_append (text, copy);
    }
  return g_string_free (text, FALSE);
}

#define SDP_HEAD "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
#define SDP_ICE                                                  \
  "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwxyz\r\n" \
  "a=fingerprint:sha-256 AB:CD\r\n"
#define SDP_AUDIO "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\n"

static void
test_malformed_sdp (void)
{
  g_autofree char *many_mlines = NULL;
  g_autofree char *many_payloads = NULL;
  g_autofree char *many_candidates = NULL;
  g_autofree char *long_sdp = NULL;
  g_autofree char *part = NULL;
  const char *cases[12];
  guint n = 0;

  part = repeat ("m=audio 9 RTP/AVP 0\r\na=mid:m%u\r\n", 40);
  many_mlines = g_strconcat (SDP_HEAD SDP_ICE, part, NULL);
  g_free (part);
  part = repeat (" %u", 100);
  many_payloads = g_strconcat (SDP_HEAD SDP_ICE "m=audio 9 RTP/AVP", part, "\r\na=mid:a\r\n", NULL);
  g_free (part);
  part = repeat ("a=candidate:%u 1 UDP %u 10.0.0.1 %u typ host\r\n", 100);
  many_candidates = g_strconcat (SDP_HEAD SDP_ICE SDP_AUDIO, part, NULL);
  long_sdp = g_strnfill (70 * 1024, 'a');

  cases[n++] = many_mlines;
  cases[n++] = many_payloads;
  cases[n++] = many_candidates;
  cases[n++] = long_sdp;
  /* Missing ufrag, missing fingerprint, missing mid. */
  cases[n++] =
    SDP_HEAD "a=ice-pwd:abcdefghijklmnopqrstuvwxyz\r\na=fingerprint:sha-256 AB:CD\r\n" SDP_AUDIO;
  cases[n++] = SDP_HEAD "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwxyz\r\n" SDP_AUDIO;
  cases[n++] = SDP_HEAD SDP_ICE "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  /* Bad port, bad payload type, a group naming nobody. */
  cases[n++] = SDP_HEAD SDP_ICE "m=audio 99999 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\n";
  cases[n++] = SDP_HEAD SDP_ICE "m=audio 9 UDP/TLS/RTP/SAVPF 300\r\na=mid:a\r\n";
  cases[n++] = SDP_HEAD "a=group:BUNDLE a b\r\n" SDP_ICE SDP_AUDIO;
  /* Not SDP, and a line break smuggled into nothing. */
  cases[n++] = "hello\r\nworld";
  cases[n++] = SDP_HEAD SDP_ICE SDP_AUDIO "a=candidate:1 1 UDP 1 10.0.0.1 0 typ host\r\n";
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < n; i++)
    {
      xmpp_stanza_t *jingle = new_jingle ("session-initiate");
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_false (cs_jingle_sdp_to_jingle (cases[i], jingle, &error));
      g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
      /* Nothing half-done is left in the stanza. */
      g_assert_null (xmpp_stanza_get_children (jingle));
      xmpp_stanza_release (jingle);
    }

  /* A well-formed minimal one passes, so the cases above fail for their own reason. */
  {
    xmpp_stanza_t *jingle = new_jingle ("session-initiate");
    g_autoptr (GError) error = NULL;

    g_assert_true (cs_jingle_sdp_to_jingle (SDP_HEAD SDP_ICE SDP_AUDIO, jingle, &error));
    g_assert_no_error (error);
    xmpp_stanza_release (jingle);
  }
}

#define J_OPEN "<jingle xmlns='urn:xmpp:jingle:1' action='session-initiate' sid='x'>"
#define J_CONTENT "<content creator='initiator' name='a'>"
#define J_DESC "<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'>"
#define J_PT "<payload-type id='111' name='opus' clockrate='48000' channels='2'/>"
#define J_TRANSPORT_OPEN                                                  \
  "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='abcd' " \
  "pwd='abcdefghijklmnopqrstuvwxyz'>"
#define J_FP "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256'>AB:CD</fingerprint>"
#define J_GOOD_CANDIDATE                                                                      \
  "<candidate component='1' foundation='1' generation='0' id='c1' ip='10.0.0.1' network='0' " \
  "port='5000' priority='1' protocol='udp' type='host'/>"
#define J_WITH(desc_extra, transport_extra)                                                      \
  J_OPEN J_CONTENT J_DESC J_PT desc_extra "</description>" J_TRANSPORT_OPEN J_FP transport_extra \
                                          "</transport></content></jingle>"

static void
test_malformed_jingle (void)
{
  g_autofree char *many_contents = NULL;
  g_autofree char *many_children = NULL;
  g_autofree char *many_candidates = NULL;
  g_autofree char *part = NULL;
  const char *cases[20];
  guint n = 0;

  part = repeat ("<content creator='initiator' name='c%u'>" J_DESC J_PT "</description>"
                 "</content>",
                 40);
  many_contents = g_strconcat (J_OPEN, part, "</jingle>", NULL);
  g_free (part);
  part = repeat ("<x%u/>", 5000);
  many_children =
    g_strconcat (J_OPEN J_CONTENT J_DESC J_PT, part,
                 "</description>" J_TRANSPORT_OPEN J_FP "</transport></content></jingle>", NULL);
  g_free (part);
  part = repeat ("<candidate component='1' foundation='%u' id='c%u' ip='10.0.0.1' port='5000' "
                 "priority='%u' protocol='udp' type='host'/>",
                 100);
  many_candidates =
    g_strconcat (J_OPEN J_CONTENT J_DESC J_PT "</description>" J_TRANSPORT_OPEN J_FP, part,
                 "</transport></content></jingle>", NULL);

  cases[n++] = many_contents;
  cases[n++] = many_children;
  cases[n++] = many_candidates;
  /* Missing ufrag, missing fingerprint, missing description, no payload type. */
  cases[n++] = J_OPEN J_CONTENT J_DESC J_PT "</description><transport "
                                            "xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
                                            "pwd='abcdefghijklmnopqrstuvwxyz'>" J_FP
                                            "</transport></content></jingle>";
  cases[n++] = J_OPEN J_CONTENT J_DESC J_PT "</description>" J_TRANSPORT_OPEN
                                            "</transport></content></jingle>";
  cases[n++] = J_OPEN J_CONTENT J_TRANSPORT_OPEN J_FP "</transport></content></jingle>";
  cases[n++] = J_OPEN J_CONTENT J_DESC "</description>" J_TRANSPORT_OPEN J_FP
                                       "</transport></content></jingle>";
  /* Bad port, bad address, line breaks and spaces where SDP would split on them. */
  cases[n++] = J_WITH ("", "<candidate component='1' foundation='1' id='c' ip='10.0.0.1' "
                           "port='70000' priority='1' protocol='udp' type='host'/>");
  cases[n++] = J_WITH ("", "<candidate component='1' foundation='1' id='c' ip='10.0.0.1 x' "
                           "port='7000' priority='1' protocol='udp' type='host'/>");
  cases[n++] = J_WITH ("", "<candidate component='1' foundation='1' id='c' ip='10.0.0.1' "
                           "port='7000' priority='-1' protocol='udp' type='host'/>");
  cases[n++] = J_WITH ("", "<candidate component='1' foundation='1' id='c' ip='10.0.0.1' "
                           "port='7000' priority='1' protocol='udp' type='magic'/>");
  cases[n++] = J_WITH ("<payload-type id='96' name='VP8&#13;&#10;a=evil' clockrate='90000'/>", "");
  cases[n++] = J_WITH ("<payload-type id='96' name='VP8' clockrate='90000'><parameter name='x' "
                       "value='1;y=2'/></payload-type>",
                       "");
  cases[n++] = J_WITH ("<payload-type id='111' name='opus' clockrate='48000'/>", "");
  cases[n++] = J_WITH ("<source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='99999999999'/>", "");
  cases[n++] = J_WITH ("<rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='1' "
                       "uri='a b'/>",
                       "");
  cases[n++] = J_OPEN J_CONTENT J_DESC J_PT
    "</description>"
    "<transport "
    "xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
    "ufrag='ab&#10;cd' pwd='abcdefghijklmnopqrstuvwxyz'>" J_FP "</transport></content></jingle>";
  cases[n++] = J_OPEN J_CONTENT J_DESC J_PT "</description>" J_TRANSPORT_OPEN
                                            "<fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' "
                                            "hash='sha-256'>AB:CD&#10;a=x</fingerprint>"
                                            "</transport></content></jingle>";
  /* A group naming an unknown content, and a video content with a bad media. */
  cases[n++] = J_OPEN J_CONTENT J_DESC J_PT "</description>" J_TRANSPORT_OPEN J_FP
                                            "</transport></content><group "
                                            "xmlns='urn:xmpp:jingle:apps:grouping:0' "
                                            "semantics='BUNDLE'><content name='zz'/></group>"
                                            "</jingle>";
  cases[n++] = J_OPEN J_CONTENT "<description xmlns='urn:xmpp:jingle:apps:rtp:1' "
                                "media='application'>" J_PT "</description>" J_TRANSPORT_OPEN J_FP
                                "</transport></content></jingle>";
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (cases));

  for (guint i = 0; i < n; i++)
    {
      xmpp_stanza_t *jingle = parse_xml (cases[i]);
      g_autoptr (GError) error = NULL;
      g_autofree char *sdp = NULL;

      g_test_message ("case %u", i);
      sdp = cs_jingle_sdp_from_jingle (jingle, "offer", &error);
      g_assert_null (sdp);
      g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
      xmpp_stanza_release (jingle);
    }

  /* The skeleton itself is fine. */
  {
    xmpp_stanza_t *jingle = parse_xml (J_WITH ("", J_GOOD_CANDIDATE));
    g_autoptr (GError) error = NULL;
    g_autofree char *sdp = cs_jingle_sdp_from_jingle (jingle, "offer", &error);

    g_assert_no_error (error);
    assert_has_line (sdp, "a=candidate:1 1 UDP 1 10.0.0.1 5000 typ host");
    xmpp_stanza_release (jingle);
  }
}

static void
test_malformed_candidates (void)
{
  const char *const names[] = { "a", NULL };
  const char *cases[] = {
    /* Unknown content name, no name, bad port, garbage attributes, too many. */
    "<jingle><content name='zz'><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>" J_GOOD_CANDIDATE
    "</transport></content></jingle>",
    "<jingle><content><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>" J_GOOD_CANDIDATE
    "</transport></content></jingle>",
    "<jingle><content name='a'><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>"
    "<candidate component='1' foundation='1' ip='10.0.0.1' port='0' priority='1' "
    "protocol='udp' type='host'/></transport></content></jingle>",
    "<jingle><content name='a'><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>"
    "<candidate component='x' foundation='@@' ip='::::::::' port='1e3' priority='' "
    "protocol='carrier-pigeon' type='host'/></transport></content></jingle>",
    "<jingle><content name='a'><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'>"
    "<candidate component='1' foundation='1' ip='10.0.0.1' port='5' priority='1' "
    "protocol='udp' type='host' rel-addr='not an address'/></transport></content></jingle>",
    "<jingle><content name='a'><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' "
    "ufrag='x'>" J_GOOD_CANDIDATE "</transport></content></jingle>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      xmpp_stanza_t *jingle = parse_xml (cases[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) candidates = NULL;

      g_test_message ("case %u", i);
      candidates = cs_jingle_sdp_candidates_from_jingle (jingle, names, &error);
      g_assert_null (candidates);
      g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
      xmpp_stanza_release (jingle);
    }

  /* Malformed trickle lines from the engine side. */
  {
    g_autofree char *offer = load_fixture ("sdp", "webrtcbin-offer.sdp");
    const char *lines[] = {
      "",
      "candidate:",
      "candidate:1 1 UDP 1 10.0.0.1 5000 type host",
      "candidate:1 1 UDP 1 10.0.0.1 5000 typ host raddr",
      "candidate:1 1 UDP 99999999999 10.0.0.1 5000 typ host",
      "candidate:1 1 UDP 1 10.0.0.1\r\na=evil 5000 typ host",
      "a=candidate:1 1 UDP 1 10.0.0.1 5000 typ host",
    };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      {
        xmpp_stanza_t *jingle = new_jingle ("transport-info");
        g_autoptr (GError) error = NULL;

        g_assert_false (cs_jingle_sdp_candidate_to_jingle (offer, 0, lines[i], jingle, &error));
        g_assert_error (error, CS_JINGLE_SDP_ERROR, CS_JINGLE_SDP_ERROR_INVALID);
        g_assert_null (xmpp_stanza_get_children (jingle));
        xmpp_stanza_release (jingle);
      }
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  xmpp_initialize ();
  ctx = xmpp_ctx_new (NULL, NULL);

  g_test_add_func ("/jingle-sdp/offer/to-jingle", test_offer_to_jingle);
  g_test_add_func ("/jingle-sdp/offer/round-trip", test_offer_round_trip);
  g_test_add_func ("/jingle-sdp/answer/round-trip", test_answer_round_trip);
  g_test_add_func ("/jingle-sdp/directions", test_directions);
  g_test_add_func ("/jingle-sdp/candidates/in-sdp", test_candidates_in_sdp);
  g_test_add_func ("/jingle-sdp/candidates/trickle", test_candidates_trickle);
  g_test_add_func ("/jingle-sdp/candidates/srflx", test_candidates_srflx);
  g_test_add_func ("/jingle-sdp/candidates/content-names", test_content_names);
  g_test_add_func ("/jingle-sdp/jingle/xep-examples", test_jingle_xep_examples);
  g_test_add_func ("/jingle-sdp/jingle/dino", test_jingle_dino);
  g_test_add_func ("/jingle-sdp/jingle/dino-0.4.2-captured", test_jingle_dino_captured);
  g_test_add_func ("/jingle-sdp/jingle/bundle-shared-transport",
                   test_jingle_bundle_shared_transport);
  g_test_add_func ("/jingle-sdp/malformed/sdp", test_malformed_sdp);
  g_test_add_func ("/jingle-sdp/malformed/jingle", test_malformed_jingle);
  g_test_add_func ("/jingle-sdp/malformed/candidates", test_malformed_candidates);

  status = g_test_run ();
  xmpp_ctx_free (ctx);
  xmpp_shutdown ();
  return status;
}
