/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-account-secrets"

#include "config.h"

#include "cs-account-secrets.h"

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
lookup (const char *address, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  cs_account_secrets_lookup_async (address, NULL, on_done, &result);
  return cs_account_secrets_lookup_finish (wait_for_result (&result), error);
}

static void
test_store_lookup_clear (void)
{
  g_autoptr (GAsyncResult) stored = NULL;
  g_autoptr (GAsyncResult) cleared = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *other = NULL;
  g_autofree char *after = NULL;

  cs_account_secrets_store_async ("mamie@example.org", "tricot du dimanche", NULL, on_done,
                                  &stored);
  g_assert_true (cs_account_secrets_store_finish (wait_for_result (&stored), &error));
  g_assert_no_error (error);

  found = lookup ("mamie@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "tricot du dimanche");

  /* Another account has no password, and that is not an error. */
  other = lookup ("papy@example.org", &error);
  g_assert_no_error (error);
  g_assert_null (other);

  cs_account_secrets_clear_async ("mamie@example.org", NULL, on_done, &cleared);
  g_assert_true (cs_account_secrets_clear_finish (wait_for_result (&cleared), &error));
  g_assert_no_error (error);
  after = lookup ("mamie@example.org", &error);
  g_assert_no_error (error);
  g_assert_null (after);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account-secrets/store-lookup-clear", test_store_lookup_clear);

  return g_test_run ();
}
