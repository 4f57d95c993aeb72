/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-lab"

#include "config.h"

#include "cs-bot-runner.h"
#include "cs-lab.h"
#include "cs-lab-helper.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Inside our own namespaces, so no other program can hold it. */
#define UDP_PORT "40000"
#define UDP_MAGIC "cs-lab-test"
/* Once the sender is done, a receiver stops when nothing came for this
 * long: more than a rate-limited link holds in its queue (100 ms). */
#define UDP_SETTLE_MS 300
#define UDP_TIMEOUT_MS 10000
#define REAPER_DEADLINE_MS 2000
#define BOT_TIMEOUT_MS 5000

/* This test program, run again inside a namespace for the modes below. */
static char *self_exe;

/* Helper modes, run inside a namespace by the tests. */

static GSocket *
udp_socket (void)
{
  g_autoptr (GError) error = NULL;
  GSocket *socket =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);

  if (socket == NULL)
    g_error ("Cannot create a UDP socket: %s", error->message);

  return socket;
}

/* --udp-recv PORT EXPECTED TIMEOUT_MS: prints "ready" once bound, then
 * "received N" when EXPECTED datagrams came, or when none came for
 * UDP_SETTLE_MS after its stdin closed (the sender is done), or after
 * TIMEOUT_MS. Only what the receiver sees decides, so a sender or a
 * receiver stalled on a busy machine does not cut the count short. */
static int
udp_recv_main (int argc, char *argv[])
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GError) error = NULL;
  GPollFD fds[2];
  guint expected;
  gint64 deadline;
  gint64 settle_deadline = G_MAXINT64;
  guint received = 0;

  if (argc != 5)
    g_error ("Usage: %s --udp-recv PORT EXPECTED TIMEOUT_MS", argv[0]);

  expected = (guint) g_ascii_strtoull (argv[3], NULL, 10);
  deadline = g_get_monotonic_time () + g_ascii_strtoll (argv[4], NULL, 10) * 1000;

  socket = udp_socket ();
  /* Every datagram must wait for us, even if we are scheduled late: as
   * root, a buffer larger than net.core.rmem_max is allowed. */
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUFFORCE, 8 * 1024 * 1024, NULL);
  g_socket_set_blocking (socket, FALSE);
  address = g_inet_socket_address_new (any, (guint16) g_ascii_strtoull (argv[2], NULL, 10));
  if (!g_socket_bind (socket, address, TRUE, &error))
    g_error ("Cannot bind port %s: %s", argv[2], error->message);

  fds[0].fd = g_socket_get_fd (socket);
  fds[0].events = G_IO_IN;
  fds[1].fd = STDIN_FILENO;
  fds[1].events = G_IO_IN | G_IO_HUP;

  printf ("ready\n");
  fflush (stdout);

  while (received < expected)
    {
      gint64 wait_until = MIN (deadline, settle_deadline);
      gint64 now = g_get_monotonic_time ();
      char buffer[2048];
      gssize length;

      if (now >= wait_until)
        break;

      fds[0].revents = fds[1].revents = 0;
      if (g_poll (fds, settle_deadline == G_MAXINT64 ? 2 : 1,
                  (int) ((wait_until - now + 999) / 1000)) < 0)
        continue;

      if (fds[1].revents != 0)
        {
          /* Whatever the test writes, or end of file: the sender is done. */
          (void) !read (STDIN_FILENO, buffer, sizeof buffer);
          settle_deadline = g_get_monotonic_time () + UDP_SETTLE_MS * G_TIME_SPAN_MILLISECOND;
        }

      while ((length = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL)) >= 0)
        {
          if ((gsize) length >= strlen (UDP_MAGIC) &&
              memcmp (buffer, UDP_MAGIC, strlen (UDP_MAGIC)) == 0)
            received++;
          if (settle_deadline != G_MAXINT64)
            settle_deadline = g_get_monotonic_time () + UDP_SETTLE_MS * G_TIME_SPAN_MILLISECOND;
        }
    }

  printf ("received %u\n", received);
  return 0;
}

/* --udp-send ADDRESS PORT COUNT SIZE INTERVAL_US: prints "sent N failed M". */
static int
udp_send_main (int argc, char *argv[])
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *payload = NULL;
  guint count;
  gsize size;
  gulong interval_us;
  guint sent = 0;
  guint failed = 0;

  if (argc != 7)
    g_error ("Usage: %s --udp-send ADDRESS PORT COUNT SIZE INTERVAL_US", argv[0]);

  address =
    g_inet_socket_address_new_from_string (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));
  if (address == NULL)
    g_error ("Not an address: %s", argv[2]);
  count = (guint) g_ascii_strtoull (argv[4], NULL, 10);
  size = MAX ((gsize) g_ascii_strtoull (argv[5], NULL, 10), strlen (UDP_MAGIC));
  interval_us = (gulong) g_ascii_strtoull (argv[6], NULL, 10);

  payload = g_malloc0 (size);
  memcpy (payload, UDP_MAGIC, strlen (UDP_MAGIC));

  socket = udp_socket ();
  for (guint i = 0; i < count; i++)
    {
      /* A dead link or a full queue fails a send: count it, as the network would drop it. */
      if (g_socket_send_to (socket, address, payload, size, NULL, NULL) < 0)
        failed++;
      else
        sent++;

      if (interval_us > 0)
        g_usleep (interval_us);
    }

  printf ("sent %u failed %u\n", sent, failed);
  return 0;
}

/* --make-lab-and-hang: prints the lab's namespaces (one host behind a NAT), then "ready", then
 * waits to be killed, never freeing the lab. */
static int
make_lab_and_hang_main (void)
{
  const gboolean behind_nat[] = { FALSE, TRUE };
  g_autoptr (GError) error = NULL;
  /* A NAT'd host, so that its router's namespace is reaped too. */
  CsLab *lab = cs_lab_new_full (2, behind_nat, &error);

  if (lab == NULL)
    g_error ("%s", error->message);

  printf ("%s\n", cs_lab_get_netns (lab, CS_LAB_SERVERS));
  for (guint i = 0; i < cs_lab_get_n_hosts (lab); i++)
    {
      printf ("%s\n", cs_lab_get_netns (lab, i));
      if (cs_lab_is_behind_nat (lab, i))
        printf ("%s\n", cs_lab_get_router_netns (lab, i));
    }
  printf ("ready\n");
  fflush (stdout);

  /* Killed long before; exiting without cs_lab_free() would test the reaper too. */
  g_usleep (60 * G_USEC_PER_SEC);
  return 0;
}

/* Helpers for the tests. */

/* Runs this program with the NULL-terminated arguments, in @host's namespace when @lab is set. */
G_GNUC_NULL_TERMINATED static CsLabHelper *
helper_start (CsLab *lab, guint host, ...)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) command = NULL;
  const char *arg;
  va_list args;

  g_strv_builder_add (builder, self_exe);
  va_start (args, host);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, arg);
  va_end (args);
  command = g_strv_builder_end (builder);

  return cs_lab_helper_start (lab, host, (const char *const *) command);
}

/* Sends @count datagrams of @size bytes, one every @interval_us, from @from
 * to @to_address, received by @to, and returns how many arrived. */
static guint
exchange_udp_to (CsLab *lab,
                 guint from,
                 guint to,
                 const char *to_address,
                 guint count,
                 guint size,
                 guint interval_us,
                 guint timeout_ms)
{
  g_autofree char *count_string = g_strdup_printf ("%u", count);
  g_autofree char *size_string = g_strdup_printf ("%u", size);
  g_autofree char *interval_string = g_strdup_printf ("%u", interval_us);
  g_autofree char *timeout_string = g_strdup_printf ("%u", timeout_ms);
  g_autofree char *ready = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *result = NULL;
  CsLabHelper *receiver;
  CsLabHelper *sender;
  guint received;

  receiver = helper_start (lab, to, "--udp-recv", UDP_PORT, count_string, timeout_string, NULL);
  ready = cs_lab_helper_read_line (receiver);
  g_assert_cmpstr (ready, ==, "ready");

  sender = helper_start (lab, from, "--udp-send", to_address, UDP_PORT, count_string, size_string,
                         interval_string, NULL);
  sent = cs_lab_helper_read_line (sender);
  g_assert_nonnull (sent);
  cs_lab_helper_finish (sender);
  g_output_stream_close (g_subprocess_get_stdin_pipe (receiver->process), NULL, NULL);

  result = cs_lab_helper_read_line (receiver);
  g_assert_nonnull (result);
  g_assert_true (g_str_has_prefix (result, "received "));
  received = (guint) g_ascii_strtoull (result + strlen ("received "), NULL, 10);
  cs_lab_helper_finish (receiver);

  g_test_message ("%s → %s: %s, %u received", cs_lab_get_address (lab, from), to_address, sent,
                  received);
  return received;
}

/* Sends @count datagrams of @size bytes, one every @interval_us, from @from
 * to @to's own address, and returns how many arrived. */
static guint
exchange_udp (CsLab *lab,
              guint from,
              guint to,
              guint count,
              guint size,
              guint interval_us,
              guint timeout_ms)
{
  return exchange_udp_to (lab, from, to, cs_lab_get_address (lab, to), count, size, interval_us,
                          timeout_ms);
}

static char *
run_ip (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;
  const char *arg;
  int wait_status;
  va_list args;

  g_ptr_array_add (argv, (char *) "ip");
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &output, NULL,
                &wait_status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (wait_status, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&output);
}

static gboolean
netns_exists (const char *name)
{
  g_autofree char *listing = run_ip ("netns", "list", NULL);
  g_auto (GStrv) lines = g_strsplit (listing, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *listed = g_strndup (lines[i], strcspn (lines[i], " "));

      if (g_str_equal (listed, name))
        return TRUE;
    }

  return FALSE;
}

static guint
count_existing (const char *const *names)
{
  guint count = 0;

  for (guint i = 0; names[i] != NULL; i++)
    if (netns_exists (names[i]))
      count++;

  return count;
}

static ino_t
inode_of (const char *path)
{
  struct stat info;

  g_assert_cmpint (stat (path, &info), ==, 0);
  return info.st_ino;
}

/* Tests. */

static void
test_namespaces (void)
{
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *prefix = g_strdup_printf ("cs%d-", (int) getpid ());

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new (2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_lab_get_n_hosts (lab), ==, 2);
  g_assert_cmpstr (cs_lab_get_address (lab, 0), ==, "10.77.0.1");
  g_assert_cmpstr (cs_lab_get_address (lab, 1), ==, "10.77.0.2");
  g_assert_cmpstr (cs_lab_get_address (lab, CS_LAB_SERVERS), ==, "10.77.0.254");

  for (guint host = 0; host < 2; host++)
    {
      const char *netns = cs_lab_get_netns (lab, host);
      g_autofree char *address = NULL;
      g_autofree char *expected = g_strdup_printf ("%s/24", cs_lab_get_address (lab, host));
      g_autofree char *default_route = NULL;

      g_assert_true (g_str_has_prefix (netns, prefix));
      g_assert_true (netns_exists (netns));

      /* libnice skips interfaces named veth*: ours must be eth0. */
      address = run_ip ("-n", netns, "-o", "-4", "addr", "show", "dev", "eth0", "up", NULL);
      g_assert_nonnull (strstr (address, expected));

      /* Without a default route, nothing a test sends can leave the lab. */
      default_route = run_ip ("-n", netns, "route", "show", "default", NULL);
      g_assert_cmpstr (default_route, ==, "");
    }
  g_assert_true (g_str_has_prefix (cs_lab_get_netns (lab, CS_LAB_SERVERS), prefix));
  g_assert_cmpstr (cs_lab_get_netns (lab, 0), !=, cs_lab_get_netns (lab, 1));

  g_assert_cmpuint (exchange_udp (lab, 0, 1, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
  g_assert_cmpuint (exchange_udp (lab, 1, 0, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
  g_assert_cmpuint (exchange_udp (lab, 1, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
}

static void
test_cleanup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CsLabHelper) hang = NULL;
  CsLab *lab;
  gint64 killed_at;
  guint elapsed_ms;
  int status;

  if (!cs_lab_require_for_test ())
    return;

  /* Freed by the test. */
  lab = cs_lab_new (2, &error);
  g_assert_no_error (error);
  g_ptr_array_add (names, g_strdup (cs_lab_get_netns (lab, CS_LAB_SERVERS)));
  g_ptr_array_add (names, g_strdup (cs_lab_get_netns (lab, 0)));
  g_ptr_array_add (names, g_strdup (cs_lab_get_netns (lab, 1)));
  g_ptr_array_add (names, NULL);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 3);
  cs_lab_free (lab);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 0);

  /* Left behind by a process killed outright. */
  g_ptr_array_set_size (names, 0);
  hang = helper_start (NULL, 0, "--make-lab-and-hang", NULL);
  for (;;)
    {
      char *line = cs_lab_helper_read_line (hang);

      g_assert_nonnull (line);
      if (g_str_equal (line, "ready"))
        {
          g_free (line);
          break;
        }
      g_ptr_array_add (names, line);
    }
  g_assert_cmpuint (names->len, ==, 4);
  g_ptr_array_add (names, NULL);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 4);

  g_subprocess_send_signal (hang->process, SIGKILL);
  killed_at = g_get_monotonic_time ();
  g_subprocess_wait (hang->process, NULL, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_status (hang->process);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  while (count_existing ((const char *const *) names->pdata) > 0 &&
         g_get_monotonic_time () - killed_at < REAPER_DEADLINE_MS * G_TIME_SPAN_MILLISECOND)
    g_usleep (20 * G_TIME_SPAN_MILLISECOND);

  elapsed_ms = (guint) ((g_get_monotonic_time () - killed_at) / G_TIME_SPAN_MILLISECOND);
  g_test_message ("The reaper deleted the namespaces %u ms after the kill", elapsed_ms);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 0);
}

static void
test_loss (void)
{
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (GError) error = NULL;
  guint received;

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new (2, &error);
  g_assert_no_error (error);

  /* The second setting replaces the first: 90% then 50% must not make 95%. */
  cs_lab_set_loss (lab, 1, 0.9, &error);
  g_assert_no_error (error);
  cs_lab_set_loss (lab, 1, 0.5, &error);
  g_assert_no_error (error);

  received = exchange_udp (lab, 0, 1, 200, 64, 1000, UDP_TIMEOUT_MS);
  g_assert_cmpuint (received, >=, 60);
  g_assert_cmpuint (received, <=, 140);

  /* Only what arrives at host 1 is dropped. */
  g_assert_cmpuint (exchange_udp (lab, 1, 0, 200, 64, 1000, UDP_TIMEOUT_MS), ==, 200);

  cs_lab_set_loss (lab, 1, 0.0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 0, 1, 200, 64, 1000, UDP_TIMEOUT_MS), ==, 200);
}

static void
test_rate (void)
{
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (GError) error = NULL;
  guint received;

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new (2, &error);
  g_assert_no_error (error);

  /* About 8 Mbit/s offered for a second on an 800 kbit/s link: around 100 kB
   * get through, plus what the queue held. */
  cs_lab_set_rate (lab, 0, 800, &error);
  g_assert_no_error (error);
  received = exchange_udp (lab, 0, 1, 1000, 1000, 1000, UDP_TIMEOUT_MS);
  g_assert_cmpuint (received, >=, 50);
  g_assert_cmpuint (received, <=, 400);

  cs_lab_set_rate (lab, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 0, 1, 1000, 1000, 1000, UDP_TIMEOUT_MS), ==, 1000);
}

static void
test_cut (void)
{
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (GError) error = NULL;

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new (2, &error);
  g_assert_no_error (error);

  cs_lab_cut (lab, 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 0, 1, 20, 64, 1000, 1000), ==, 0);

  cs_lab_cut (lab, 1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 0, 1, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
}

static void
test_bot_runner (void)
{
  const char *const joins_then_sleeps[] = {
    "/bin/sh", "-c", "echo '{\"event\":\"joined\",\"id\":\"x\"}'; echo not-json; sleep 30", NULL
  };
  const char *const busy[] = { "/bin/sh", "-c",
                               "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; "
                               "echo '{\"event\":\"done\",\"n\":1}'; exec sleep 30",
                               NULL };
  g_autoptr (CsLab) lab = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *proc_path = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *netns_path = NULL;
  CsBot *bot;
  GPid pid;
  double cpu;
  int status = 0;

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new (1, &error);
  g_assert_no_error (error);

  bot = cs_bot_spawn (lab, 0, "x", joins_then_sleeps, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_bot_get_name (bot), ==, "x");
  g_assert_true (cs_bot_wait_for_event (bot, "joined", "id", "x", BOT_TIMEOUT_MS));
  g_assert_nonnull (cs_bot_find_event (bot, "joined", NULL, NULL));
  g_assert_nonnull (cs_bot_find_event (bot, "joined", "id", NULL));
  g_assert_null (cs_bot_find_event (bot, "joined", "id", "y"));
  g_assert_null (cs_bot_find_event (bot, "left", NULL, NULL));
  g_assert_cmpuint (cs_bot_count_events (bot, "joined", "id", "x"), ==, 1);

  /* `ip netns exec` execs the bot in place: the pid we signal is the bot's
   * own, and it lives in the host's namespace. */
  pid = cs_bot_get_pid (bot);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (pid, ==, atoi (cs_bot_get_pid_string (bot)));
  proc_path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_assert_true (g_file_get_contents (proc_path, &cmdline, NULL, NULL));
  g_assert_cmpstr (cmdline, ==, "/bin/sh");
  g_free (proc_path);
  proc_path = g_strdup_printf ("/proc/%d/ns/net", (int) pid);
  netns_path = g_build_filename ("/run/netns", cs_lab_get_netns (lab, 0), NULL);
  g_assert_cmpuint (inode_of (proc_path), ==, inode_of (netns_path));

  cpu = cs_bot_get_cpu_seconds (bot);
  g_assert_cmpfloat (cpu, >=, 0.0);

  cs_bot_kill (bot, SIGKILL);
  g_assert_true (cs_bot_wait_exit (bot, BOT_TIMEOUT_MS, &status));
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
  /* The line that is not JSON was read but is no event. */
  g_assert_cmpuint (cs_bot_get_events (bot)->len, ==, 1);
  g_assert_finalize_object (bot);

  /* Outside any namespace; its CPU time is counted, and a bot still running
   * when dropped is stopped. */
  bot = cs_bot_spawn (NULL, 0, "busy", busy, &error);
  g_assert_no_error (error);
  g_assert_true (cs_bot_wait_for_event (bot, "done", "n", NULL, BOT_TIMEOUT_MS));
  cpu = cs_bot_get_cpu_seconds (bot);
  g_test_message ("The busy bot used %.2f s of CPU", cpu);
  g_assert_cmpfloat (cpu, >=, 0.05);
  g_assert_null (cs_bot_find_event (bot, "done", "n", "1"));
  pid = cs_bot_get_pid (bot);
  g_assert_finalize_object (bot);
  g_assert_cmpint (kill (pid, 0), <, 0);
}

static void
test_nat (void)
{
  const gboolean behind_nat[] = { FALSE, TRUE, TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *default_route = NULL;
  g_autofree char *address = NULL;
  CsLab *lab;

  if (!cs_lab_require_for_test ())
    return;

  lab = cs_lab_new_full (3, behind_nat, &error);
  g_assert_no_error (error);

  g_assert_false (cs_lab_is_behind_nat (lab, 0));
  g_assert_null (cs_lab_get_router_netns (lab, 0));
  g_assert_cmpstr (cs_lab_get_address (lab, 0), ==, "10.77.0.1");
  g_assert_cmpstr (cs_lab_get_public_address (lab, 0), ==, "10.77.0.1");
  g_assert_true (cs_lab_is_behind_nat (lab, 1));
  g_assert_cmpstr (cs_lab_get_address (lab, 1), ==, "192.168.2.2");
  g_assert_cmpstr (cs_lab_get_public_address (lab, 1), ==, "10.77.0.2");
  g_assert_cmpstr (cs_lab_get_address (lab, 2), ==, "192.168.3.2");
  g_assert_cmpstr (cs_lab_get_public_address (lab, 2), ==, "10.77.0.3");
  g_assert_true (netns_exists (cs_lab_get_router_netns (lab, 1)));

  /* libnice sees eth0 with the private address, and the way out is the router. */
  address =
    run_ip ("-n", cs_lab_get_netns (lab, 1), "-o", "-4", "addr", "show", "dev", "eth0", "up", NULL);
  g_assert_nonnull (strstr (address, "192.168.2.2/24"));
  default_route = run_ip ("-n", cs_lab_get_netns (lab, 1), "route", "show", "default", NULL);
  g_assert_nonnull (strstr (default_route, "via 192.168.2.1"));
  g_free (default_route);
  /* The router has no way out of the lab. */
  default_route = run_ip ("-n", cs_lab_get_router_netns (lab, 1), "route", "show", "default", NULL);
  g_assert_cmpstr (default_route, ==, "");

  /* The servers are reachable from behind the NAT... */
  g_assert_cmpuint (exchange_udp (lab, 1, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
  g_assert_cmpuint (exchange_udp (lab, 2, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
  /* ...but no other host, NAT'd or not, by any address. */
  g_assert_cmpuint (exchange_udp (lab, 1, 2, 20, 64, 1000, 1000), ==, 0);
  g_assert_cmpuint (exchange_udp_to (lab, 1, 2, cs_lab_get_public_address (lab, 2), 20, 64, 1000,
                                     1000),
                    ==, 0);
  g_assert_cmpuint (exchange_udp (lab, 1, 0, 20, 64, 1000, 1000), ==, 0);
  g_assert_cmpuint (exchange_udp_to (lab, 0, 1, cs_lab_get_public_address (lab, 1), 20, 64, 1000,
                                     1000),
                    ==, 0);
  /* Plain hosts still talk to each other and to the servers. */
  g_assert_cmpuint (exchange_udp (lab, 0, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);

  /* The link settings act on the NAT'd host's own link (nothing can be sent to it from
   * outside, so loss, which drops what arrives, has nothing to show here). */
  cs_lab_cut (lab, 1, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 1, CS_LAB_SERVERS, 20, 64, 1000, 1000), ==, 0);
  cs_lab_cut (lab, 1, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 1, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS), ==, 20);
  cs_lab_set_rate (lab, 1, 800, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (exchange_udp (lab, 1, CS_LAB_SERVERS, 1000, 1000, 1000, UDP_TIMEOUT_MS), <=,
                    400);

  g_ptr_array_add (names, g_strdup (cs_lab_get_netns (lab, CS_LAB_SERVERS)));
  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (names, g_strdup (cs_lab_get_netns (lab, i)));
  g_ptr_array_add (names, g_strdup (cs_lab_get_router_netns (lab, 1)));
  g_ptr_array_add (names, g_strdup (cs_lab_get_router_netns (lab, 2)));
  g_ptr_array_add (names, NULL);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 6);
  cs_lab_free (lab);
  g_assert_cmpuint (count_existing ((const char *const *) names->pdata), ==, 0);
}

/* --enter-servers: builds a lab, enters it, and checks from inside that the
 * thread's sockets live there and the hosts are still reachable by name. Run
 * in a process of its own, since entering changes the thread for good. */
static int
enter_servers_main (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *netns_path = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) bridge = NULL;
  g_autoptr (GSocketAddress) address = NULL;
  g_autofree char *thread_ns = NULL;
  ino_t home;
  CsLab *lab = cs_lab_new (1, &error);

  if (lab == NULL)
    g_error ("%s", error->message);

  home = inode_of ("/proc/thread-self/ns/net");
  if (!cs_lab_enter_servers (lab, &error))
    g_error ("%s", error->message);
  netns_path = g_build_filename ("/run/netns", cs_lab_get_netns (lab, CS_LAB_SERVERS), NULL);
  if (inode_of ("/proc/thread-self/ns/net") != inode_of (netns_path))
    g_error ("The thread is not in the lab's namespace");

  /* The bridge's address is ours now: a server could bind it. */
  bridge = g_inet_address_new_from_string (cs_lab_get_address (lab, CS_LAB_SERVERS));
  address = g_inet_socket_address_new (bridge, (guint16) g_ascii_strtoull (UDP_PORT, NULL, 10));
  socket = udp_socket ();
  if (!g_socket_bind (socket, address, TRUE, &error))
    g_error ("Cannot bind the bridge's address inside the lab: %s", error->message);
  g_clear_object (&socket);

  /* Hosts are reached by name, from inside as from outside. */
  if (exchange_udp (lab, 0, CS_LAB_SERVERS, 20, 64, 1000, UDP_TIMEOUT_MS) != 20)
    g_error ("Host 0 cannot reach the servers once we entered the lab");

  printf ("%s\n", cs_lab_get_netns (lab, CS_LAB_SERVERS));
  cs_lab_free (lab);
  /* Back home, so the deleted lab is not kept alive by us. */
  if (inode_of ("/proc/thread-self/ns/net") != home)
    g_error ("cs_lab_free() did not take the thread back to its namespace");
  printf ("ok\n");
  return 0;
}

static void
test_enter_servers (void)
{
  g_autoptr (CsLabHelper) helper = NULL;
  g_autofree char *lab_name = NULL;
  g_autofree char *result = NULL;

  if (!cs_lab_require_for_test ())
    return;

  helper = helper_start (NULL, 0, "--enter-servers", NULL);
  /* Its test messages come first. */
  while ((lab_name = cs_lab_helper_read_line (helper)) != NULL && lab_name[0] == '#')
    g_clear_pointer (&lab_name, g_free);
  g_assert_nonnull (lab_name);
  result = cs_lab_helper_read_line (helper);
  g_assert_cmpstr (result, ==, "ok");
  g_subprocess_wait_check (helper->process, NULL, NULL);
  g_assert_true (g_subprocess_get_successful (helper->process));
  g_assert_false (netns_exists (lab_name));
}

/* Where the lab cannot work, its tests skip, except on CI, where they fail:
 * what the test runner sees of /lab/namespaces run without root. */
static void
test_unavailable (gboolean ci)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto (GStrv) lines = NULL;

  if (ci)
    g_subprocess_launcher_setenv (launcher, "CI", "true", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "CI");

  process = g_subprocess_launcher_spawn (launcher, &error, self_exe, "--drop-root", "-p",
                                         "/lab/namespaces", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "ok 1 /lab/namespaces") != NULL)
      g_test_message ("Without root%s: %s", ci ? " on CI" : "", lines[i]);

  if (ci)
    {
      /* GLib aborts at the first failure unless told to keep going. */
      g_assert_false (g_subprocess_get_successful (process));
      g_assert_true (
        g_pattern_match_simple ("*not ok 1 /lab/namespaces*needed on CI*root*", output));
    }
  else
    {
      int status;

      g_assert_true (g_subprocess_get_if_exited (process));
      status = g_subprocess_get_exit_status (process);
      /* Newer GLib exits with 77 when every test it ran was skipped. */
      g_assert_true (status == 0 || status == 77);
      g_assert_true (
        g_pattern_match_simple ("*ok 1 /lab/namespaces # SKIP Network lab unavailable*root*",
                                output));
    }
}

static void
test_unavailable_skips (void)
{
  test_unavailable (FALSE);
}

static void
test_unavailable_fails_on_ci (void)
{
  test_unavailable (TRUE);
}

int
main (int argc, char *argv[])
{
  /* Read while we may: a process that gave up root cannot read its own /proc/self/exe. */
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

  if (argc >= 2 && g_str_equal (argv[1], "--udp-recv"))
    return udp_recv_main (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "--udp-send"))
    return udp_send_main (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "--make-lab-and-hang"))
    return make_lab_and_hang_main ();
  if (argc >= 2 && g_str_equal (argv[1], "--enter-servers"))
    return enter_servers_main ();
  if (argc >= 2 && g_str_equal (argv[1], "--drop-root"))
    {
      /* --drop-root TEST-ARGS...: runs the tests as nobody. */
      if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
        g_error ("Cannot become nobody: %s", g_strerror (errno));
      argv[1] = argv[0];
      argv++;
      argc--;
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lab/namespaces", test_namespaces);
  g_test_add_func ("/lab/cleanup", test_cleanup);
  g_test_add_func ("/lab/loss", test_loss);
  g_test_add_func ("/lab/rate", test_rate);
  g_test_add_func ("/lab/cut", test_cut);
  g_test_add_func ("/lab/bot-runner", test_bot_runner);
  g_test_add_func ("/lab/nat", test_nat);
  g_test_add_func ("/lab/enter-servers", test_enter_servers);
  g_test_add_func ("/lab/unavailable/skips", test_unavailable_skips);
  g_test_add_func ("/lab/unavailable/fails-on-ci", test_unavailable_fails_on_ci);

  return g_test_run ();
}
