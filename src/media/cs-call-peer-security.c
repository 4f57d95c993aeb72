/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-call-peer"

#include "config.h"

#include "cs-call-peer-private.h"

#include <gio/gio.h>
#define GST_USE_UNSTABLE_API
#include <gst/webrtc/webrtc.h>

#include <string.h>

/*
 * End-to-end media encryption rests on the DTLS certificate: signalling says which one the
 * other side holds (its SHA-256 fingerprint in the SDP), and webrtcbin 1.22 takes whatever
 * certificate comes in the handshake without comparing. So the peer compares here, once
 * connected, and drops a participant whose certificate is not the one announced: someone
 * between us (the signalling server, say) could otherwise read and change the media.
 *
 * Both fingerprints also give a short code that the two people can compare by voice: the
 * same code on both screens means nobody sits in between.
 */

/* Upper-case hex pairs joined by colons, as in SDP; NULL when @text is not a SHA-256 one. */
static char *
normalize_fingerprint (const char *text)
{
  g_autoptr (GString) out = g_string_new (NULL);
  guint digits = 0;

  for (const char *c = text; *c != '\0' && !g_ascii_isspace (*c); c++)
    {
      if (*c == ':')
        continue;
      if (!g_ascii_isxdigit (*c))
        return NULL;
      if (digits > 0 && digits % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (*c));
      digits++;
    }
  return digits == 64 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

char *
cs_call_fingerprint_from_sdp (const char *sdp)
{
  g_auto (GStrv) lines = g_strsplit (sdp, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strchomp (lines[i]);

      if (g_ascii_strncasecmp (line, "a=fingerprint:sha-256 ", 22) == 0)
        return normalize_fingerprint (line + 22);
    }
  return NULL;
}

char *
cs_call_fingerprint_of_pem (const char *pem)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *hex = NULL;

  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  if (certificate == NULL)
    {
      g_debug ("Unreadable certificate: %s", error->message);
      return NULL;
    }
  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return normalize_fingerprint (hex);
}

char *
cs_call_verification_code (const char *fingerprint_a, const char *fingerprint_b)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  guint32 value;
  /* The same on both sides: the order of the two does not matter. */
  gboolean swap = g_strcmp0 (fingerprint_a, fingerprint_b) > 0;

  g_checksum_update (checksum, (const guchar *) "cousinade-verification-1", -1);
  g_checksum_update (checksum, (const guchar *) (swap ? fingerprint_b : fingerprint_a), -1);
  g_checksum_update (checksum, (const guchar *) "|", 1);
  g_checksum_update (checksum, (const guchar *) (swap ? fingerprint_a : fingerprint_b), -1);
  g_checksum_get_digest (checksum, digest, &length);
  value = ((guint32) digest[0] << 16 | (guint32) digest[1] << 8 | digest[2]) % 1000000;
  return g_strdup_printf ("%03u %03u", value / 1000, value % 1000);
}

static char *
remote_certificate (CsCallPeer *self, char **local_pem)
{
  GstWebRTCRTPTransceiver *transceiver = NULL;
  GstWebRTCRTPReceiver *receiver = NULL;
  GstWebRTCDTLSTransport *transport = NULL;
  char *pem = NULL;

  g_signal_emit_by_name (self->webrtc, "get-transceiver", 0, &transceiver);
  if (transceiver == NULL)
    return NULL;
  g_object_get (transceiver, "receiver", &receiver, NULL);
  if (receiver != NULL)
    g_object_get (receiver, "transport", &transport, NULL);
  if (transport != NULL)
    g_object_get (transport, "remote-certificate", &pem, "certificate", local_pem, NULL);

  g_clear_object (&transport);
  g_clear_object (&receiver);
  gst_object_unref (transceiver);
  return pem;
}

gboolean
cs_call_peer_check_certificate (CsCallPeer *self)
{
  g_autofree char *local_pem = NULL;
  g_autofree char *pem = remote_certificate (self, &local_pem);
  g_autofree char *actual = pem != NULL ? cs_call_fingerprint_of_pem (pem) : NULL;
  g_autofree char *local = local_pem != NULL ? cs_call_fingerprint_of_pem (local_pem) : NULL;

  if (self->expected_fingerprint == NULL || actual == NULL ||
      g_strcmp0 (actual, self->expected_fingerprint) != 0)
    {
      g_message ("%s's certificate is not the one announced (announced %s, got %s)",
                 self->display_name, self->expected_fingerprint, actual);
      return FALSE;
    }

  g_free (self->verification_code);
  self->verification_code = local != NULL ? cs_call_verification_code (local, actual) : NULL;
  return TRUE;
}
