/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-jingle-sdp"

#include "config.h"

#include "cs-jingle-sdp.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static xmpp_ctx_t *ctx;

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

static xmpp_stanza_t *
new_jingle (void)
{
  xmpp_stanza_t *jingle = xmpp_stanza_new (ctx);

  xmpp_stanza_set_name (jingle, "jingle");
  xmpp_stanza_set_ns (jingle, "urn:xmpp:jingle:1");
  xmpp_stanza_set_attribute (jingle, "action", "session-initiate");
  return jingle;
}

/* SDP from the engine: whatever maps to Jingle maps back, and the round trip is stable. */
static void
fuzz_sdp (const char *text)
{
  xmpp_stanza_t *first = new_jingle ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = cs_jingle_sdp_dup_content_names (text);
  g_autofree char *sdp = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  g_autoptr (GPtrArray) candidates = NULL;
  xmpp_stanza_t *second;
  xmpp_stanza_t *trickle = new_jingle ();

  g_assert_nonnull (names);
  /* The input also serves as a trickled candidate of m-line 0. */
  if (cs_jingle_sdp_candidate_to_jingle (text, 0, text, trickle, &error))
    {
      candidates =
        cs_jingle_sdp_candidates_from_jingle (trickle, (const char *const *) names, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (candidates->len, ==, 1);
    }
  g_clear_error (&error);
  xmpp_stanza_release (trickle);

  if (!cs_jingle_sdp_to_jingle (text, first, &error))
    {
      g_assert_nonnull (error);
      g_assert_null (xmpp_stanza_get_children (first));
      xmpp_stanza_release (first);
      return;
    }
  sdp = cs_jingle_sdp_from_jingle (first, "offer", &error);
  g_assert_no_error (error);
  g_assert_nonnull (sdp);
  second = new_jingle ();
  g_assert_true (cs_jingle_sdp_to_jingle (sdp, second, &error));
  g_assert_no_error (error);
  first_text = to_text (first);
  second_text = to_text (second);
  g_assert_cmpstr (first_text, ==, second_text);
  xmpp_stanza_release (first);
  xmpp_stanza_release (second);
}

/* Jingle from a peer: an error or an SDP that maps to Jingle and back to the same SDP. */
static void
fuzz_jingle (const char *text)
{
  const char *const names[] = { "a", "audio", "video", "audio0", "video1", NULL };
  xmpp_stanza_t *jingle = xmpp_stanza_new_from_string (ctx, text);
  xmpp_stanza_t *again;
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = NULL;
  g_autofree char *second = NULL;
  g_autoptr (GPtrArray) candidates = NULL;

  if (jingle == NULL)
    return;
  candidates = cs_jingle_sdp_candidates_from_jingle (jingle, names, &error);
  g_assert_true ((candidates == NULL) == (error != NULL));
  g_clear_error (&error);

  sdp = cs_jingle_sdp_from_jingle (jingle, "answer", &error);
  if (sdp == NULL)
    {
      g_assert_nonnull (error);
      xmpp_stanza_release (jingle);
      return;
    }
  again = new_jingle ();
  xmpp_stanza_set_attribute (again, "action", "session-accept");
  g_assert_true (cs_jingle_sdp_to_jingle (sdp, again, &error));
  g_assert_no_error (error);
  second = cs_jingle_sdp_from_jingle (again, "answer", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sdp, ==, second);
  xmpp_stanza_release (again);
  xmpp_stanza_release (jingle);
}

/* Both directions from one input: text that starts with '<' is read as XML, the rest as
 * SDP, so the corpus can hold real examples of each. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  if (ctx == NULL)
    {
      xmpp_initialize ();
      ctx = xmpp_ctx_new (NULL, NULL);
    }
  if (text[0] == '<')
    fuzz_jingle (text);
  else
    fuzz_sdp (text);
  return 0;
}
