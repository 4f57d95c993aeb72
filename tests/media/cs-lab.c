/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "cs-lab"
/* For setns() and CLONE_NEWNET. */
#define _GNU_SOURCE

#include "config.h"

#include "cs-lab.h"

#include <gio/gio.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define SUBNET "10.77.0."
#define BRIDGE_LAST_OCTET 254
#define BRIDGE_ADDRESS SUBNET G_STRINGIFY (BRIDGE_LAST_OCTET)
#define PREFIX_LENGTH "/24"
#define BRIDGE_NAME "br0"
/* libnice skips interfaces named veth*, docker*, virbr* and vnet*. */
#define HOST_IFNAME "eth0"
/* A NAT'd host's side of its router. */
#define ROUTER_LAN_IFNAME "lan0"
#define PRIVATE_PREFIX "192.168."
#define ROUTER_PRIVATE_LAST_OCTET 1
#define HOST_PRIVATE_LAST_OCTET 2
#define LOSS_CHAIN "cs-loss"
/* How long a rate-limited link queues packets before dropping them, and the
 * shortest burst that still lets a full-size Ethernet frame through. */
#define RATE_LATENCY "100ms"
#define RATE_MIN_BURST_BYTES 3200

struct _CsLab
{
  guint n_hosts;
  char *ip;
  char *iptables;
  char *tc;

  char *lab_netns;
  char **host_netns;
  /* What the host's eth0 has: its lab address, or its private one behind a NAT. */
  char **host_addresses;
  /* The address on the bridge: the host's own, or its router's. */
  char **public_addresses;
  gboolean *behind_nat;
  /* NULL for the hosts that are not behind a NAT. */
  char **router_netns;
  /* Names of the namespaces created so far, in order: what to delete, last first. */
  GPtrArray *created;

  /* Set by cs_lab_enter_servers(): where the thread was, to go back there. */
  int home_netns_fd;
  GThread *entered_thread;

  gboolean *loss_chain_ready;
  gboolean *rate_set;

  GPid reaper_pid;
  /* Our end of the reaper's stdin: when it closes, the reaper deletes the namespaces. */
  int reaper_fd;
};

/* The reaper reads one line: "done" when cs_lab_free() deleted everything;
 * end of file when the test process died (or failed to delete something).
 * It sits in a session of its own and ignores the usual signals, so that
 * whatever kills the test (Ctrl-C, meson's timeout) does not kill it too. */
static const char reaper_script[] = "trap '' HUP INT TERM\n"
                                    "ip=$1\n"
                                    "shift\n"
                                    "read -r line\n"
                                    "[ \"$line\" = done ] && exit 0\n"
                                    "for ns; do \"$ip\" netns del \"$ns\"; done\n"
                                    "exit 0\n";

static int next_serial;
static int n_live_labs;

static char *
find_tool (const char *name, const char *package, GError **error)
{
  /* sbin may be missing from PATH in a test environment. */
  static const char *const fallback_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
  char *path = g_find_program_in_path (name);

  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (fallback_dirs); i++)
    {
      g_autofree char *candidate = g_build_filename (fallback_dirs[i], name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        path = g_steal_pointer (&candidate);
    }

  if (path == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s not found: install the %s package",
                 name, package);

  return path;
}

static gboolean
run_argv (const char *const *argv, char **standard_output, GError **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) local_error = NULL;
  int wait_status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &wait_status, &local_error) ||
      !g_spawn_check_wait_status (wait_status, &local_error))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);

      if (err != NULL)
        g_strstrip (err);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "“%s” failed: %s%s%s", command,
                   local_error->message, err != NULL && *err != '\0' ? ": " : "",
                   err != NULL ? err : "");
      return FALSE;
    }

  if (standard_output != NULL)
    *standard_output = g_steal_pointer (&out);

  return TRUE;
}

/* Runs argv0 with the NULL-terminated arguments that follow. */
G_GNUC_NULL_TERMINATED static gboolean
run (GError **error, const char *argv0, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) argv0);
  va_start (args, argv0);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return run_argv ((const char *const *) argv->pdata, NULL, error);
}

/* Namespaces this library names cs<pid>-...; returns the pid, or 0 for other names. */
static pid_t
parse_owner_pid (const char *name)
{
  const char *digits;
  const char *end;
  guint64 pid;

  if (!g_str_has_prefix (name, "cs"))
    return 0;

  digits = name + 2;
  for (end = digits; g_ascii_isdigit (*end); end++)
    ;
  if (end == digits || *end != '-' || end - digits > 10)
    return 0;

  pid = g_ascii_strtoull (digits, NULL, 10);
  return pid > 0 && pid <= G_MAXINT ? (pid_t) pid : 0;
}

static gboolean
is_stale (pid_t pid, gboolean own_pid_is_stale)
{
  if (pid == getpid ())
    return own_pid_is_stale;

  return kill (pid, 0) < 0 && errno == ESRCH;
}

/* Namespaces left by a run that died along with its reaper (a container
 * killed as a whole, say). Our own pid counts as dead when we have no lab,
 * since an earlier process may have had it. */
static void
delete_stale_namespaces (const char *ip, gboolean own_pid_is_stale)
{
  g_autofree char *listing = NULL;
  g_autoptr (GError) error = NULL;
  const char *list_argv[] = { ip, "netns", "list", NULL };
  g_auto (GStrv) lines = NULL;

  if (!run_argv (list_argv, &listing, &error))
    {
      g_debug ("Cannot list network namespaces: %s", error->message);
      return;
    }

  lines = g_strsplit (listing, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (lines[i], strcspn (lines[i], " "));
      g_autoptr (GError) delete_error = NULL;
      pid_t pid = parse_owner_pid (name);

      if (pid == 0 || !is_stale (pid, own_pid_is_stale))
        continue;

      g_debug ("Deleting stale network namespace %s", name);
      /* Its reaper may be deleting it at the same moment. */
      if (!run (&delete_error, ip, "netns", "del", name, NULL))
        g_debug ("%s", delete_error->message);
    }
}

static void
reaper_child_setup (gpointer user_data)
{
  setsid ();
}

static gboolean
start_reaper (CsLab *self, GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  int fds[2];
  gboolean spawned;

  g_assert (self->reaper_pid == 0);

  /* A socket rather than a pipe, so that telling a reaper that has gone away
   * that we are done cannot raise SIGPIPE. Close-on-exec, so that bots and
   * other children never hold our end and delay the cleanup. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create the socket for the namespace reaper: %s",
                   g_strerror (saved_errno));
      return FALSE;
    }

  g_ptr_array_add (argv, (char *) "/bin/sh");
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) reaper_script);
  g_ptr_array_add (argv, (char *) "cs-lab-reaper");
  g_ptr_array_add (argv, self->ip);
  g_ptr_array_add (argv, self->lab_netns);
  for (guint i = 0; i < self->n_hosts; i++)
    {
      g_ptr_array_add (argv, self->host_netns[i]);
      if (self->router_netns[i] != NULL)
        g_ptr_array_add (argv, self->router_netns[i]);
    }
  g_ptr_array_add (argv, NULL);

  spawned =
    g_spawn_async_with_fds (NULL, (char **) argv->pdata, NULL,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                              G_SPAWN_STDERR_TO_DEV_NULL,
                            reaper_child_setup, NULL, &self->reaper_pid, fds[1], -1, -1, error);
  close (fds[1]);
  if (!spawned)
    {
      close (fds[0]);
      g_prefix_error (error, "Cannot start the namespace reaper: ");
      return FALSE;
    }

  self->reaper_fd = fds[0];
  return TRUE;
}

static void
stop_reaper (CsLab *self, gboolean everything_deleted)
{
  int status = 0;

  if (self->reaper_fd >= 0)
    {
      if (everything_deleted)
        (void) !send (self->reaper_fd, "done\n", 5, MSG_NOSIGNAL);
      close (self->reaper_fd);
      self->reaper_fd = -1;
    }

  if (self->reaper_pid > 0)
    {
      while (waitpid (self->reaper_pid, &status, 0) < 0 && errno == EINTR)
        ;
      g_spawn_close_pid (self->reaper_pid);
      self->reaper_pid = 0;
    }
}

static const char *
get_host_netns (CsLab *self, guint host)
{
  return host == CS_LAB_SERVERS ? self->lab_netns : self->host_netns[host];
}

/* Runs `ip -batch` in a namespace, one command a line. */
static gboolean
run_batch (CsLab *self, const char *netns, const char *commands, GError **error)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              error, self->ip, "-n", netns, "-batch", "-", NULL);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, commands, NULL, NULL, &err, error))
    return FALSE;

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "“%s -n %s -batch -” failed: %s\n%s",
                   self->ip, netns, g_strstrip (err), commands);
      return FALSE;
    }

  return TRUE;
}

/* Locally administered, and spelling the address 10.77.0.x. */
static char *
make_mac_address (guint last_octet)
{
  return g_strdup_printf ("02:00:0a:4d:00:%02x", last_octet);
}

/* Locally administered, and spelling the address 192.168.x.y. */
static char *
make_private_mac_address (guint host, guint last_octet)
{
  return g_strdup_printf ("02:00:c0:a8:%02x:%02x", host + 1, last_octet);
}

static char *
make_private_address (guint host, guint last_octet)
{
  return g_strdup_printf (PRIVATE_PREFIX "%u.%u", host + 1, last_octet);
}

/* The namespace whose eth0 is on the bridge: the host's own, or its router's. */
static const char *
get_bridged_netns (CsLab *self, guint host)
{
  if (host == CS_LAB_SERVERS)
    return self->lab_netns;

  return self->behind_nat[host] ? self->router_netns[host] : self->host_netns[host];
}

/* Static neighbours (ARP entries): a saturated or cut link must only drop
 * packets, not leave a host resolving addresses for a second, with
 * datagrams queued meanwhile and delivered late. An interface taken down
 * loses its entries, so this runs again when it comes back. For a NAT'd
 * host, @host's entries on the bridge are its router's. */
static gboolean
add_neighbours (CsLab *self, guint host, GError **error)
{
  g_autoptr (GString) commands = g_string_new (NULL);
  const char *dev = host == CS_LAB_SERVERS ? BRIDGE_NAME : HOST_IFNAME;

  for (guint i = 0; i < self->n_hosts; i++)
    {
      g_autofree char *mac = make_mac_address (i + 1);

      if (i != host)
        g_string_append_printf (commands, "neigh replace %s lladdr %s dev %s nud permanent\n",
                                self->public_addresses[i], mac, dev);
    }

  if (host != CS_LAB_SERVERS)
    {
      g_autofree char *mac = make_mac_address (BRIDGE_LAST_OCTET);

      g_string_append_printf (commands, "neigh replace %s lladdr %s dev %s nud permanent\n",
                              BRIDGE_ADDRESS, mac, dev);
    }

  return commands->len == 0 ||
         run_batch (self, get_bridged_netns (self, host), commands->str, error);
}

/* The private side of a NAT'd host: its neighbour and default route are its router. */
static gboolean
add_private_neighbours (CsLab *self, guint host, GError **error)
{
  g_autofree char *router_address = make_private_address (host, ROUTER_PRIVATE_LAST_OCTET);
  g_autofree char *router_mac = make_private_mac_address (host, ROUTER_PRIVATE_LAST_OCTET);
  g_autofree char *host_mac = make_private_mac_address (host, HOST_PRIVATE_LAST_OCTET);
  g_autofree char *host_commands = NULL;
  g_autofree char *router_commands = NULL;

  g_assert (self->behind_nat[host]);

  host_commands = g_strdup_printf ("neigh replace %s lladdr %s dev " HOST_IFNAME " nud permanent\n"
                                   "route replace default via %s dev " HOST_IFNAME "\n",
                                   router_address, router_mac, router_address);
  router_commands =
    g_strdup_printf ("neigh replace %s lladdr %s dev " ROUTER_LAN_IFNAME " nud permanent\n",
                     self->host_addresses[host], host_mac);

  return run_batch (self, self->host_netns[host], host_commands, error) &&
         run_batch (self, self->router_netns[host], router_commands, error);
}

static gboolean
add_namespace (CsLab *self, const char *name, GError **error)
{
  if (!run (error, self->ip, "netns", "add", name, NULL))
    return FALSE;

  g_ptr_array_add (self->created, g_strdup (name));
  /* IPv4 only: loss rules (iptables) then see every packet, and every address is one the
   * lab gave out. Without IPv6 in the kernel there is nothing to turn off. */
  if (!run (error, self->ip, "netns", "exec", name, "/bin/sh", "-c",
            "for f in all default; do p=/proc/sys/net/ipv6/conf/$f/disable_ipv6; "
            "[ ! -e $p ] || echo 1 > $p; done",
            NULL))
    return FALSE;
  return run (error, self->ip, "-n", name, "link", "set", "lo", "up", NULL);
}

/* The router forwards only between its host and the servers, so two NAT'd
 * hosts have no path to each other but through a relay, and it has no
 * default route: nothing leaves the lab. Replies come back through
 * conntrack; nothing from outside can open a way in. */
static gboolean
set_up_router_firewall (CsLab *self, guint host, GError **error)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *restore = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *err = NULL;

  if (!run (error, self->ip, "netns", "exec", self->router_netns[host], "/bin/sh", "-c",
            "echo 1 > /proc/sys/net/ipv4/ip_forward", NULL))
    return FALSE;

  rules =
    g_strdup_printf ("*nat\n"
                     "-A POSTROUTING -o " HOST_IFNAME " -j MASQUERADE\n"
                     "COMMIT\n"
                     "*filter\n"
                     ":FORWARD DROP [0:0]\n"
                     "-A FORWARD -i " ROUTER_LAN_IFNAME " -o " HOST_IFNAME
                     " -s %s -d " BRIDGE_ADDRESS " -j ACCEPT\n"
                     "-A FORWARD -i " HOST_IFNAME " -o " ROUTER_LAN_IFNAME " -s " BRIDGE_ADDRESS
                     " -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n"
                     "COMMIT\n",
                     self->host_addresses[host]);

  /* One call for the whole table rather than one process per rule. */
  restore = find_tool ("iptables-restore", "iptables", error);
  if (restore == NULL)
    return FALSE;
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              error, self->ip, "netns", "exec", self->router_netns[host], restore,
                              "-w", NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, rules, NULL, NULL, &err, error))
    return FALSE;

  if (!g_subprocess_get_successful (process))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot set up the NAT of %s with iptables-restore: %s\n%s",
                   self->router_netns[host], g_strstrip (err), rules);
      return FALSE;
    }

  return TRUE;
}

/* Host namespace, eth0 192.168.(i+1).2/24, default route via lan0 of the
 * router 192.168.(i+1).1; the router's eth0 is on the bridge at 10.77.0.(i+1). */
static gboolean
build_nat_host (CsLab *self, guint i, GError **error)
{
  const char *lab = self->lab_netns;
  const char *host = self->host_netns[i];
  const char *router = self->router_netns[i];
  g_autofree char *port = g_strdup_printf ("h%u", i);
  g_autofree char *public_address = g_strconcat (self->public_addresses[i], PREFIX_LENGTH, NULL);
  g_autofree char *private_address = g_strconcat (self->host_addresses[i], PREFIX_LENGTH, NULL);
  g_autofree char *router_address = make_private_address (i, ROUTER_PRIVATE_LAST_OCTET);
  g_autofree char *router_lan_address = g_strconcat (router_address, PREFIX_LENGTH, NULL);
  g_autofree char *public_mac = make_mac_address (i + 1);
  g_autofree char *router_lan_mac = make_private_mac_address (i, ROUTER_PRIVATE_LAST_OCTET);
  g_autofree char *host_mac = make_private_mac_address (i, HOST_PRIVATE_LAST_OCTET);

  return add_namespace (self, router, error) && add_namespace (self, host, error) &&
         run (error, self->ip, "-n", router, "link", "add", HOST_IFNAME, "address", public_mac,
              "type", "veth", "peer", "name", port, "netns", lab, NULL) &&
         run (error, self->ip, "-n", lab, "link", "set", port, "master", BRIDGE_NAME, "up", NULL) &&
         run (error, self->ip, "-n", router, "addr", "add", public_address, "dev", HOST_IFNAME,
              NULL) &&
         run (error, self->ip, "-n", router, "link", "set", HOST_IFNAME, "up", NULL) &&
         run (error, self->ip, "-n", router, "link", "add", ROUTER_LAN_IFNAME, "address",
              router_lan_mac, "type", "veth", "peer", "name", HOST_IFNAME, "address", host_mac,
              "netns", host, NULL) &&
         run (error, self->ip, "-n", router, "addr", "add", router_lan_address, "dev",
              ROUTER_LAN_IFNAME, NULL) &&
         run (error, self->ip, "-n", router, "link", "set", ROUTER_LAN_IFNAME, "up", NULL) &&
         run (error, self->ip, "-n", host, "addr", "add", private_address, "dev", HOST_IFNAME,
              NULL) &&
         run (error, self->ip, "-n", host, "link", "set", HOST_IFNAME, "up", NULL) &&
         set_up_router_firewall (self, i, error) && add_private_neighbours (self, i, error);
}

static gboolean
build_network (CsLab *self, GError **error)
{
  const char *lab = self->lab_netns;
  g_autofree char *bridge_mac = make_mac_address (BRIDGE_LAST_OCTET);

  if (!add_namespace (self, lab, error) ||
      !run (error, self->ip, "-n", lab, "link", "add", BRIDGE_NAME, "address", bridge_mac, "type",
            "bridge", NULL) ||
      !run (error, self->ip, "-n", lab, "addr", "add", BRIDGE_ADDRESS PREFIX_LENGTH, "dev",
            BRIDGE_NAME, NULL) ||
      !run (error, self->ip, "-n", lab, "link", "set", BRIDGE_NAME, "up", NULL))
    return FALSE;

  for (guint i = 0; i < self->n_hosts; i++)
    {
      const char *host = self->host_netns[i];
      g_autofree char *port = g_strdup_printf ("h%u", i);
      g_autofree char *address = g_strconcat (self->host_addresses[i], PREFIX_LENGTH, NULL);
      g_autofree char *mac = make_mac_address (i + 1);

      if (self->behind_nat[i])
        {
          if (!build_nat_host (self, i, error))
            return FALSE;
          continue;
        }

      /* Both ends are made inside our namespaces, so no name can clash with
       * an interface of the machine or of another test. */
      if (!add_namespace (self, host, error) ||
          !run (error, self->ip, "-n", host, "link", "add", HOST_IFNAME, "address", mac, "type",
                "veth", "peer", "name", port, "netns", lab, NULL) ||
          !run (error, self->ip, "-n", lab, "link", "set", port, "master", BRIDGE_NAME, "up",
                NULL) ||
          !run (error, self->ip, "-n", host, "addr", "add", address, "dev", HOST_IFNAME, NULL) ||
          !run (error, self->ip, "-n", host, "link", "set", HOST_IFNAME, "up", NULL))
        return FALSE;
    }

  if (!add_neighbours (self, CS_LAB_SERVERS, error))
    return FALSE;
  for (guint i = 0; i < self->n_hosts; i++)
    if (!add_neighbours (self, i, error))
      return FALSE;

  return TRUE;
}

/* Runs the NULL-terminated command line in the host's namespace. */
G_GNUC_NULL_TERMINATED static gboolean
run_in_netns (CsLab *self, guint host, GError **error, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) wrapped = NULL;
  const char *arg;
  va_list args;

  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  wrapped = cs_lab_wrap_argv (self, host, (const char *const *) argv->pdata);
  return run_argv ((const char *const *) wrapped, NULL, error);
}

static gboolean
ensure_loss_chain (CsLab *self, guint host, GError **error)
{
  if (self->loss_chain_ready[host])
    return TRUE;

  /* A chain of our own, so a new probability replaces the old one rather
   * than adding to it, and rules a test adds to INPUT stay untouched. */
  if (!run_in_netns (self, host, error, self->iptables, "-w", "-N", LOSS_CHAIN, NULL) ||
      !run_in_netns (self, host, error, self->iptables, "-w", "-I", "INPUT", "-j", LOSS_CHAIN,
                     NULL))
    return FALSE;

  self->loss_chain_ready[host] = TRUE;
  return TRUE;
}

/**
 * cs_lab_available:
 * @why: (out) (optional): where to put why the lab cannot be used
 *
 * Checks once per process that we are root and that network namespaces,
 * veth pairs and bridges can be created.
 *
 * Returns: %TRUE when cs_lab_new() can work
 */
gboolean
cs_lab_available (char **why)
{
  static gsize probed = 0;
  static char *reason = NULL;

  if (g_once_init_enter (&probed))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *ip = NULL;
      g_autofree char *probe = g_strdup_printf ("cs%d-probe", (int) getpid ());

      if (geteuid () != 0)
        reason = g_strdup ("network namespaces need root: run the test as root, as CI does");
      else if ((ip = find_tool ("ip", "iproute2", &error)) == NULL)
        reason = g_strdup (error->message);
      else if (!run (&error, ip, "netns", "add", probe, NULL))
        reason = g_strdup_printf ("cannot create a network namespace: %s", error->message);
      else
        {
          if (!run (&error, ip, "-n", probe, "link", "add", HOST_IFNAME, "type", "veth", "peer",
                    "name", "p0", NULL) ||
              !run (&error, ip, "-n", probe, "link", "add", BRIDGE_NAME, "type", "bridge", NULL))
            reason = g_strdup_printf ("cannot create veth pairs and bridges: %s", error->message);
          g_clear_error (&error);
          if (!run (&error, ip, "netns", "del", probe, NULL) && reason == NULL)
            reason = g_strdup_printf ("cannot delete a network namespace: %s", error->message);
        }

      g_once_init_leave (&probed, 1);
    }

  if (reason != NULL && why != NULL)
    *why = g_strdup (reason);

  return reason == NULL;
}

/**
 * cs_lab_require_for_test:
 *
 * For the start of a test that needs a lab. When the lab cannot work here,
 * skips the test with the reason, or fails it when the CI environment
 * variable is set: on CI a call test must never pass by not running.
 *
 * Returns: %TRUE when the test can go on
 */
gboolean
cs_lab_require_for_test (void)
{
  g_autofree char *why = NULL;
  const char *ci = g_getenv ("CI");

  if (cs_lab_available (&why))
    return TRUE;

  if (ci != NULL && *ci != '\0' && g_strcmp0 (ci, "false") != 0 && g_strcmp0 (ci, "0") != 0)
    g_test_fail_printf ("The network lab is needed on CI (CI=%s) but unavailable: %s", ci, why);
  else
    g_test_skip_printf ("Network lab unavailable: %s", why);

  return FALSE;
}

/**
 * cs_lab_new:
 * @n_hosts: how many host namespaces, at most %CS_LAB_MAX_HOSTS
 * @error: return location for a #GError
 *
 * Builds a lab of plain hosts: cs_lab_new_full() with no NAT.
 *
 * Returns: (transfer full): the lab, or %NULL with @error quoting the command that failed
 */
CsLab *
cs_lab_new (guint n_hosts, GError **error)
{
  return cs_lab_new_full (n_hosts, NULL, error);
}

/**
 * cs_lab_new_full:
 * @n_hosts: how many host namespaces, at most %CS_LAB_MAX_HOSTS
 * @behind_nat: (nullable) (array length=n_hosts): which hosts sit behind a NAT router
 * @error: return location for a #GError
 *
 * Builds the lab. Its namespaces are deleted by cs_lab_free(), or, if this
 * process dies first, by a reaper process started here. Call it from the
 * process that keeps the lab: a child forked without exec would keep the
 * reaper waiting until it exits too.
 *
 * Returns: (transfer full): the lab, or %NULL with @error quoting the command that failed
 */
CsLab *
cs_lab_new_full (guint n_hosts, const gboolean *behind_nat, GError **error)
{
  g_autoptr (CsLab) self = NULL;
  int pid = (int) getpid ();
  guint serial;

  g_return_val_if_fail (n_hosts <= CS_LAB_MAX_HOSTS, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (CsLab, 1);
  self->reaper_fd = -1;
  self->home_netns_fd = -1;
  self->n_hosts = n_hosts;
  self->created = g_ptr_array_new_with_free_func (g_free);

  self->ip = find_tool ("ip", "iproute2", error);
  if (self->ip == NULL)
    return NULL;

  delete_stale_namespaces (self->ip, g_atomic_int_get (&n_live_labs) == 0);
  g_atomic_int_inc (&n_live_labs);

  serial = (guint) g_atomic_int_add (&next_serial, 1);
  self->lab_netns = g_strdup_printf ("cs%d-%u-lab", pid, serial);
  self->host_netns = g_new0 (char *, n_hosts + 1);
  self->host_addresses = g_new0 (char *, n_hosts + 1);
  self->public_addresses = g_new0 (char *, n_hosts + 1);
  self->router_netns = g_new0 (char *, n_hosts + 1);
  self->behind_nat = g_new0 (gboolean, n_hosts);
  for (guint i = 0; i < n_hosts; i++)
    {
      self->behind_nat[i] = behind_nat != NULL && behind_nat[i];
      self->host_netns[i] = g_strdup_printf ("cs%d-%u-h%u", pid, serial, i);
      self->public_addresses[i] = g_strdup_printf (SUBNET "%u", i + 1);
      if (self->behind_nat[i])
        {
          self->router_netns[i] = g_strdup_printf ("cs%d-%u-r%u", pid, serial, i);
          self->host_addresses[i] = make_private_address (i, HOST_PRIVATE_LAST_OCTET);
        }
      else
        {
          self->host_addresses[i] = g_strdup (self->public_addresses[i]);
        }
    }
  self->loss_chain_ready = g_new0 (gboolean, n_hosts);
  self->rate_set = g_new0 (gboolean, n_hosts);

  /* Before the first namespace exists, so that no crash can leave one behind. */
  if (!start_reaper (self, error) || !build_network (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Takes the thread that entered the lab back where it was, so that it does
 * not keep the deleted lab alive; other threads cannot do that for it. */
static void
leave_servers (CsLab *self)
{
  if (self->home_netns_fd < 0)
    return;

  if (self->entered_thread != g_thread_self ())
    g_warning ("The lab %s is freed from another thread than the one that entered it: that "
               "thread stays in the lab's namespace, which lives on unnamed",
               self->lab_netns);
  else if (setns (self->home_netns_fd, CLONE_NEWNET) < 0)
    g_warning ("Cannot leave the lab's namespace: %s", g_strerror (errno));

  close (self->home_netns_fd);
  self->home_netns_fd = -1;
  self->entered_thread = NULL;
}

/* Deletes the lab's namespaces and waits for its reaper. Processes still
 * running in a namespace keep it alive, unnamed, until they exit. */
void
cs_lab_free (CsLab *self)
{
  gboolean everything_deleted = TRUE;

  if (self == NULL)
    return;

  leave_servers (self);

  for (guint i = self->created->len; i > 0; i--)
    {
      const char *name = g_ptr_array_index (self->created, i - 1);
      g_autoptr (GError) error = NULL;

      if (!run (&error, self->ip, "netns", "del", name, NULL))
        {
          /* The reaper will try again. */
          g_warning ("Cannot delete a lab namespace: %s", error->message);
          everything_deleted = FALSE;
        }
    }

  stop_reaper (self, everything_deleted);

  /* Counted once it could be built at all. */
  if (self->ip != NULL)
    g_atomic_int_add (&n_live_labs, -1);

  g_free (self->ip);
  g_free (self->iptables);
  g_free (self->tc);
  g_free (self->lab_netns);
  g_strfreev (self->host_netns);
  g_strfreev (self->host_addresses);
  g_strfreev (self->public_addresses);
  g_free (self->behind_nat);
  if (self->router_netns != NULL)
    {
      for (guint i = 0; i < self->n_hosts; i++)
        g_free (self->router_netns[i]);
      g_free (self->router_netns);
    }
  g_clear_pointer (&self->created, g_ptr_array_unref);
  g_free (self->loss_chain_ready);
  g_free (self->rate_set);
  g_free (self);
}

guint
cs_lab_get_n_hosts (CsLab *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_hosts;
}

/* The namespace's name, for `ip netns exec`; @host may be %CS_LAB_SERVERS. */
const char *
cs_lab_get_netns (CsLab *self, guint host)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host < self->n_hosts || host == CS_LAB_SERVERS, NULL);

  return get_host_netns (self, host);
}

/* The host's IPv4 address on eth0 (or the bridge's, for %CS_LAB_SERVERS), without prefix
 * length; behind a NAT, its private address, which no other host can reach. */
const char *
cs_lab_get_address (CsLab *self, guint host)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host < self->n_hosts || host == CS_LAB_SERVERS, NULL);

  return host == CS_LAB_SERVERS ? BRIDGE_ADDRESS : self->host_addresses[host];
}

/* The address others on the bridge see the host's traffic come from: its router's, for a
 * NAT'd host; for other hosts and %CS_LAB_SERVERS, cs_lab_get_address(). */
const char *
cs_lab_get_public_address (CsLab *self, guint host)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host < self->n_hosts || host == CS_LAB_SERVERS, NULL);

  return host == CS_LAB_SERVERS ? BRIDGE_ADDRESS : self->public_addresses[host];
}

gboolean
cs_lab_is_behind_nat (CsLab *self, guint host)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host < self->n_hosts, FALSE);

  return self->behind_nat[host];
}

/* The NAT router's namespace, or %NULL when the host is not behind a NAT. */
const char *
cs_lab_get_router_netns (CsLab *self, guint host)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host < self->n_hosts, NULL);

  return self->router_netns[host];
}

/**
 * cs_lab_enter_servers:
 * @self: a lab
 * @error: return location for a #GError
 *
 * Moves the calling thread, and only it, into the lab's namespace (setns()),
 * so that servers it starts afterwards, and its own sockets, live at
 * 10.77.0.254 (and on the lab's own 127.0.0.1), where every host reaches
 * them. Threads it creates afterwards start there too; threads that already
 * exist (GLib's worker, thread pools already running) stay where they were,
 * so call this from the test's main thread before anything makes sockets
 * on other threads.
 *
 * Everything else keeps working: the namespaces are found by name, so
 * cs_lab_wrap_argv() and the other functions still reach every host, and
 * the reaper runs outside. cs_lab_free() takes the thread back where it was
 * when called from the same thread; stop the servers before it, or they
 * keep the lab's namespace alive, unnamed, until they exit.
 *
 * Returns: %TRUE once the thread is in the lab
 */
gboolean
cs_lab_enter_servers (CsLab *self, GError **error)
{
  g_autofree char *path = NULL;
  int home_fd;
  int lab_fd;
  int saved_errno;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->home_netns_fd >= 0)
    {
      if (self->entered_thread == g_thread_self ())
        return TRUE;

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "Another thread already entered the lab %s", self->lab_netns);
      return FALSE;
    }

  /* Where `ip netns add` binds the namespaces it names. */
  path = g_build_filename ("/run/netns", self->lab_netns, NULL);
  home_fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home_fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot open the thread's network namespace: %s", g_strerror (saved_errno));
      return FALSE;
    }

  lab_fd = open (path, O_RDONLY | O_CLOEXEC);
  if (lab_fd < 0 || setns (lab_fd, CLONE_NEWNET) < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot enter the lab's namespace %s: %s", path, g_strerror (saved_errno));
      if (lab_fd >= 0)
        close (lab_fd);
      close (home_fd);
      return FALSE;
    }

  close (lab_fd);
  self->home_netns_fd = home_fd;
  self->entered_thread = g_thread_self ();
  return TRUE;
}

/**
 * cs_lab_wrap_argv:
 * @self: a lab
 * @host: a host index, or %CS_LAB_SERVERS
 * @argv: (array zero-terminated=1): a command line
 *
 * `ip netns exec` execs the command in place, so a process spawned from the
 * result is the command itself: its pid is the one to signal or to inspect.
 *
 * Returns: (transfer full): `ip netns exec NETNS argv...`
 */
char **
cs_lab_wrap_argv (CsLab *self, guint host, const char *const *argv)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (host < self->n_hosts || host == CS_LAB_SERVERS, NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  g_strv_builder_add_many (builder, self->ip, "netns", "exec", get_host_netns (self, host), NULL);
  g_strv_builder_addv (builder, (const char **) argv);

  return g_strv_builder_end (builder);
}

/**
 * cs_lab_set_loss:
 * @self: a lab
 * @host: a host index
 * @probability: the share of UDP datagrams the host drops on arrival, 0 to 1
 * @error: return location for a #GError
 *
 * Replaces any loss set before; 0 removes it. Only incoming UDP is dropped,
 * so each direction of a call between two hosts is set on its receiver.
 *
 * Returns: %TRUE on success
 */
gboolean
cs_lab_set_loss (CsLab *self, guint host, double probability, GError **error)
{
  char formatted[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host < self->n_hosts, FALSE);
  g_return_val_if_fail (probability >= 0.0 && probability <= 1.0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (probability == 0.0 && !self->loss_chain_ready[host])
    return TRUE;

  if (self->iptables == NULL)
    {
      self->iptables = find_tool ("iptables", "iptables", error);
      if (self->iptables == NULL)
        return FALSE;
    }

  if (!ensure_loss_chain (self, host, error))
    return FALSE;

  if (!run_in_netns (self, host, error, self->iptables, "-w", "-F", LOSS_CHAIN, NULL))
    return FALSE;

  if (probability == 0.0)
    return TRUE;

  g_ascii_formatd (formatted, sizeof formatted, "%.6f", probability);
  return run_in_netns (self, host, error, self->iptables, "-w", "-A", LOSS_CHAIN, "-p", "udp", "-m",
                       "statistic", "--mode", "random", "--probability", formatted, "-j", "DROP",
                       NULL);
}

/**
 * cs_lab_set_rate:
 * @self: a lab
 * @host: a host index
 * @kbit: what the host may send, in kilobits per second; 0 for no limit
 * @error: return location for a #GError
 *
 * Limits the host's outgoing traffic with a token bucket (tbf) on its eth0.
 * Packets wait up to 100 ms in the queue, then are dropped, as on a
 * saturated uplink.
 *
 * Returns: %TRUE on success
 */
gboolean
cs_lab_set_rate (CsLab *self, guint host, guint kbit, GError **error)
{
  g_autofree char *rate = NULL;
  g_autofree char *burst = NULL;
  const char *netns;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host < self->n_hosts, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (kbit == 0 && !self->rate_set[host])
    return TRUE;

  if (self->tc == NULL)
    {
      self->tc = find_tool ("tc", "iproute2", error);
      if (self->tc == NULL)
        return FALSE;
    }

  netns = self->host_netns[host];
  if (kbit == 0)
    {
      if (!run (error, self->tc, "-n", netns, "qdisc", "del", "dev", HOST_IFNAME, "root", NULL))
        return FALSE;

      self->rate_set[host] = FALSE;
      return TRUE;
    }

  rate = g_strdup_printf ("%ukbit", kbit);
  /* About 20 ms of traffic at that rate. */
  burst =
    g_strdup_printf ("%" G_GUINT64_FORMAT, MAX ((guint64) kbit * 5 / 2, RATE_MIN_BURST_BYTES));
  if (!run (error, self->tc, "-n", netns, "qdisc", "replace", "dev", HOST_IFNAME, "root", "tbf",
            "rate", rate, "burst", burst, "latency", RATE_LATENCY, NULL))
    return FALSE;

  self->rate_set[host] = TRUE;
  return TRUE;
}

/* Takes the host's eth0 down (@cut) or up again, as when a link dies: what
 * it sends fails, what is sent to it is lost. Its address stays; its route
 * and neighbours come back with the link. Behind a NAT, that is the link to
 * its router, as are the loss and rate settings: the router only forwards. */
gboolean
cs_lab_cut (CsLab *self, guint host, gboolean cut, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host < self->n_hosts, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!run (error, self->ip, "-n", self->host_netns[host], "link", "set", HOST_IFNAME,
            cut ? "down" : "up", NULL))
    return FALSE;

  if (cut)
    return TRUE;

  /* Behind a NAT, the host's link is the one to its router, and the default route went down
   * with it. */
  return self->behind_nat[host] ? add_private_neighbours (self, host, error)
                                : add_neighbours (self, host, error);
}

/* For tests that run every participant in their own process: moves the calling thread (call it
 * first thing in main(), before other threads start) into a network namespace of its own,
 * with loopback up and one interface @name holding @address (CIDR), the first end of a veth
 * pair whose other end stays there too (this kernel has no dummy interfaces). @name must not
 * start with "veth", which libnice skips. FALSE, with @error set, without root. */
gboolean
cs_lab_enter_own_network (const char *name, const char *address, GError **error)
{
  g_autofree char *ip = NULL;
  g_autofree char *peer = NULL;

  g_return_val_if_fail (name != NULL && !g_str_has_prefix (name, "veth"), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (unshare (CLONE_NEWNET) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "No network namespace of our own: %s", g_strerror (saved_errno));
      return FALSE;
    }
  if ((ip = find_tool ("ip", "iproute2", error)) == NULL)
    return FALSE;
  peer = g_strconcat (name, "-peer", NULL);
  return run (error, ip, "link", "set", "lo", "up", NULL) &&
         run (error, ip, "link", "add", name, "type", "veth", "peer", "name", peer, NULL) &&
         run (error, ip, "addr", "add", address, "dev", name, NULL) &&
         run (error, ip, "link", "set", name, "up", NULL) &&
         run (error, ip, "link", "set", peer, "up", NULL);
}
