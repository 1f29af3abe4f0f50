/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supervisor through `sandlock run`: limits, events. Real sandboxes,
 * exact answers from the probe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include <glib/gstdio.h>

#include "test-common.h"

static void
test_max_processes (void)
{
  g_autofree char *out = NULL;

  /* The probe itself is one process: two children fit under -P 3. */
  g_assert_cmpint (tc_probe_in (&out, "-P", "3", NULL, "forks", "10", NULL), ==, EAGAIN);
  g_assert_cmpstr (out, ==, "2\n");
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (tc_probe_in (&out, "-P", "11", NULL, "forks", "10", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "10\n");
  g_clear_pointer (&out, g_free);

  /* Without a limit nothing is counted. */
  g_assert_cmpint (tc_probe_in (&out, NULL, "forks", "10", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "10\n");
}

static void
test_max_processes_threads_are_not_processes (void)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (tc_probe_in (NULL, "-P", "1", NULL, "threads", "8", NULL), ==, 0);
  /* ... while a fork under the same limit fails, as the shell reports. */
  g_assert_cmpint (tc_sandlock (NULL, &err, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-P", "1", "--", "/bin/sh", "-c",
                                "/bin/true", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "fork"));
}

static void
test_max_memory (void)
{
  g_assert_cmpint (tc_probe_in (NULL, "-m", "64M", NULL, "alloc", "10", NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-m", "64M", NULL, "alloc", "200", NULL), ==, ENOMEM);
  /* The same allocation without the limit works: the limit made the
   * difference. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "alloc", "200", NULL), ==, 0);
}

static void
test_max_memory_across_processes (void)
{
  g_autofree char *out = NULL;
  g_autofree char *script = g_strdup_printf ("%s alloc 40 1 & %s alloc 40 1 & "
                                             "wait %%1; a=$?; wait %%2; echo $a $?",
                                             tc_probe (), tc_probe ());

  /* Two processes of 40 MiB each run at the same time: together they pass
   * 64 MiB only if the limit covers the whole sandbox. */
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", "/dev/null", "-r", tc_probe (),
                                "-m", "64M", "--", "/bin/sh", "-c", script, NULL), ==, 0);
  g_assert_true (g_str_equal (out, "0 12\n") || g_str_equal (out, "12 0\n"));
}

/* connect() is performed by the supervisor, outside Landlock: the TCP port
 * rules must hold there as they would in the kernel. */
static void
test_tcp_ports_on_behalf (void)
{
  int number;
  int fd = tc_listen_loopback (&number);
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *allow = g_strdup_printf (":%s", port);

  g_assert_cmpint (tc_probe_in (NULL, NULL, "connect", port, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", allow, NULL, "connect", port, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", ":1", NULL, "connect", port, NULL), ==, EACCES);
  close (fd);
}

static void
test_net_allow_hosts (void)
{
  int number;
  int fd = tc_listen_loopback (&number);
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *other = g_strdup_printf ("%d", number == 65535 ? 1 : number + 1);
  g_autofree char *exact = g_strdup_printf ("127.0.0.1:%s", port);
  g_autofree char *other_port = g_strdup_printf ("127.0.0.1:%s", other);
  g_autofree char *other_ip = g_strdup_printf ("127.0.0.2:%s", port);
  g_autofree char *cidr = g_strdup_printf ("127.0.0.0/8:%s", port);
  g_autofree char *name = g_strdup_printf ("localhost:%s", port);
  g_autofree char *both = g_strdup_printf ("127.0.0.1:%s,%s", other, port);

  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", exact, NULL, "connect-to", "127.0.0.1", port, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", both, NULL, "connect-to", "127.0.0.1", port, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", cidr, NULL, "connect-to", "127.0.0.1", port, NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", name, NULL, "connect-to", "127.0.0.1", port, NULL), ==, 0);
  /* The same host on another port, the same port on another address. */
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", other_port, NULL, "connect-to", "127.0.0.1", port, NULL), ==, ECONNREFUSED);
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", other_ip, NULL, "connect-to", "127.0.0.1", port, NULL), ==, ECONNREFUSED);
  /* IPv4-mapped IPv6 is the same address, and gets the same answer. */
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", other_ip, NULL, "connect-to", "::ffff:127.0.0.1", port, NULL), ==, ECONNREFUSED);
  close (fd);
}

static void
test_net_allow_pinned_names (void)
{
  g_autofree char *hosts = NULL;
  g_autofree char *found = NULL;
  const char *grants[] = { "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin", "-r", "/etc", NULL };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, "run");
  for (guint i = 0; grants[i] != NULL; i++)
    g_ptr_array_add (args, (char *) grants[i]);
  g_ptr_array_add (args, "--net-allow");
  g_ptr_array_add (args, "localhost:80");
  g_ptr_array_add (args, "--");
  g_ptr_array_add (args, "/bin/cat");
  g_ptr_array_add (args, "/etc/hosts");
  g_ptr_array_add (args, NULL);

  /* The sandbox's /etc/hosts holds the pinned names only. */
  g_assert_cmpint (tc_sandlockv (&hosts, NULL, (const char * const *) args->pdata), ==, 0);
  g_assert_nonnull (strstr (hosts, "Written by sandlock"));
  g_assert_nonnull (strstr (hosts, "localhost"));

  /* A listed name resolves; another one does not. */
  args->pdata[args->len - 3] = "/usr/bin/getent";
  args->pdata[args->len - 2] = "hosts";
  g_ptr_array_insert (args, args->len - 1, "localhost");
  g_assert_cmpint (tc_sandlockv (&found, NULL, (const char * const *) args->pdata), ==, 0);
  g_assert_nonnull (strstr (found, "localhost"));
  /* A name the machine's own /etc/hosts knows, but net_allow does not. */
  {
    g_autofree char *real = NULL;
    g_auto(GStrv) lines = NULL;
    const char *known = NULL;

    if (g_file_get_contents ("/etc/hosts", &real, NULL, NULL))
      lines = g_strsplit (real, "\n", -1);
    for (guint i = 0; lines != NULL && lines[i] != NULL && known == NULL; i++)
      {
        g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);

        for (guint w = 1; words[0] != NULL && words[0][0] != '#' && words[w] != NULL; w++)
          if (*words[w] != '\0' && !g_str_has_prefix (words[w], "localhost") &&
              !g_str_has_prefix (words[w], "ip6-"))
            {
              known = g_intern_string (words[w]);
              break;
            }
      }
    if (known != NULL)
      {
        g_test_message ("the machine knows %s; the sandbox must not", known);
        args->pdata[args->len - 2] = (char *) known;
        g_assert_cmpint (tc_sandlockv (NULL, NULL, (const char * const *) args->pdata), ==, 2);
      }
  }

  /* A name that does not resolve at start is an error: nothing runs. */
  g_assert_cmpint (tc_sandlock (NULL, NULL, "run", "--net-allow", "sandlock-unlisted.invalid:80",
                                "--", "true", NULL), ==, 125);
}

static GPid
spawn_cli (const char * const *args,
           int                *out_fd)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, (char *) tc_cli ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                           NULL, out_fd, NULL, &error));
  g_assert_no_error (error);
  return pid;
}

static char *
read_line (int fd)
{
  GString *line = g_string_new (NULL);
  char c;

  while (read (fd, &c, 1) == 1 && c != '\n')
    g_string_append_c (line, c);
  return g_string_free (line, FALSE);
}

static void
test_port_remap_two_sandboxes (void)
{
  g_autofree char *runtime = tc_make_tmpdir ();
  int port_number;
  int taken = tc_listen_loopback (&port_number);   /* the host holds it too */
  g_autofree char *port = g_strdup_printf ("%d", port_number);
  const char *a_args[] = { "run", "--name", "a.remap", "--port-remap", "--net-bind", port,
                           "-r", tc_probe (), "--", tc_probe (), "listen", port, "30", NULL };
  const char *b_args[] = { "run", "--name", "b.remap", "--port-remap", "--net-bind", port,
                           "-r", tc_probe (), "--", tc_probe (), "listen", port, "30", NULL };
  g_autofree char *a_port = NULL;
  g_autofree char *b_port = NULL;
  g_autofree char *ps = NULL;
  g_autofree char *mapping = NULL;
  int a_out, b_out, status;
  GPid a, b;

  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  a = spawn_cli (a_args, &a_out);
  b = spawn_cli (b_args, &b_out);
  a_port = read_line (a_out);
  b_port = read_line (b_out);
  /* Both bound the port the host already has, and both see it as theirs. */
  g_assert_cmpstr (a_port, ==, port);
  g_assert_cmpstr (b_port, ==, port);

  g_assert_cmpint (tc_sandlock (&ps, NULL, "ps", NULL), ==, 0);
  mapping = g_strdup_printf ("%s -> ", port);
  g_assert_nonnull (strstr (ps, "a.remap"));
  g_assert_nonnull (strstr (ps, "b.remap"));
  g_assert_nonnull (strstr (ps, mapping));

  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", "a.remap", NULL), ==, 0);
  g_assert_cmpint (waitpid (a, &status, 0), ==, a);
  g_assert_cmpint (tc_sandlock (NULL, NULL, "kill", "b.remap", NULL), ==, 0);
  g_assert_cmpint (waitpid (b, &status, 0), ==, b);
  close (a_out);
  close (b_out);
  close (taken);
  g_unsetenv ("XDG_RUNTIME_DIR");
}

static void
test_port_remap_inside (void)
{
  int port_number;
  int taken = tc_listen_loopback (&port_number);
  g_autofree char *port = g_strdup_printf ("%d", port_number);
  g_autofree char *allow = g_strdup_printf (":%d", port_number);
  g_autofree char *out = NULL;
  g_autofree char *script = g_strdup_printf (
    "%s listen %s 3 >/dev/null & sleep 0.5; %s connect %s; echo connect=$?; cat /proc/net/tcp",
    tc_probe (), port, tc_probe (), port);
  g_autofree char *hex = g_strdup_printf (":%04X ", port_number);
  g_auto(GStrv) lines = NULL;

  /* Its own listener answers on the virtual port; /proc/net/tcp shows
   * its sockets only, with the port it asked for. */
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "--port-remap", "--net-bind", port,
                                "--net-allow", allow, "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", "/proc", "-w", "/dev/null", "-r", tc_probe (),
                                "--", "/bin/sh", "-c", script, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "connect=0"));
  lines = g_strsplit (strstr (out, "\n") + 1, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    g_assert_nonnull (strstr (lines[i], hex));

  /* Binding needs --net-bind, remapped or not. */
  g_assert_cmpint (tc_probe_in (NULL, "--port-remap", NULL, "listen", port, "0", NULL), ==, EACCES);
  close (taken);
}

static int
udp_socket (int *port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  *port = ntohs (addr.sin_port);
  return fd;
}

static int
datagrams_waiting (int fd)
{
  char buf[16];
  int n = 0;

  while (recv (fd, buf, sizeof buf, MSG_DONTWAIT) == 2)
    n++;
  return n;
}

static void
test_udp (void)
{
  int number;
  int fd = udp_socket (&number);
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *exact = g_strdup_printf ("127.0.0.1:%d", number);
  g_autofree char *any = g_strdup_printf (":%d", number);
  g_autofree char *other = g_strdup_printf ("127.0.0.1:%d", number == 65535 ? 1 : number + 1);
  const char *hows[] = { "udp", "udp-msg", "udp-connect" };

  /* Refused by default: no UDP socket at all. */
  g_assert_cmpint (tc_probe_in (NULL, "--net-allow", exact, NULL, "udp", "127.0.0.1", port, NULL), ==, EPERM);

  for (guint i = 0; i < G_N_ELEMENTS (hows); i++)
    {
      g_test_message ("%s", hows[i]);
      g_assert_cmpint (tc_probe_in (NULL, "--allow-udp", "--net-allow", exact, NULL,
                                    hows[i], "127.0.0.1", port, NULL), ==, 0);
      g_assert_cmpint (datagrams_waiting (fd), ==, 1);
      g_assert_cmpint (tc_probe_in (NULL, "--allow-udp", "--net-allow", any, NULL,
                                    hows[i], "127.0.0.1", port, NULL), ==, 0);
      g_assert_cmpint (datagrams_waiting (fd), ==, 1);
      /* Another destination: refused, nothing arrives. */
      g_assert_cmpint (tc_probe_in (NULL, "--allow-udp", "--net-allow", other, NULL,
                                    hows[i], "127.0.0.1", port, NULL), ==, ECONNREFUSED);
      g_assert_cmpint (datagrams_waiting (fd), ==, 0);
    }

  /* An absurd address length gets EINVAL, and the supervisor carries on. */
  g_assert_cmpint (tc_probe_in (NULL, "--allow-udp", "--net-allow", exact, NULL,
                                "udp-badlen", "127.0.0.1", port, NULL), ==, 0);
  g_assert_cmpint (datagrams_waiting (fd), ==, 1);
  close (fd);
}

static void
test_max_cpu (void)
{
  g_autofree char *out = NULL;

  /* A busy loop held to a quarter of a core, with room for measuring. */
  g_assert_cmpint (tc_probe_in (&out, "-c", "25", NULL, "spin", "2", NULL), ==, 0);
  g_test_message ("got %s%% of a core", g_strchomp (out));
  g_assert_cmpint (atoi (out), <=, 40);
  g_assert_cmpint (atoi (out), >, 5);
}

static char *
draw (const char *how,
      const char *seed)
{
  char *out = NULL;

  if (seed != NULL)
    g_assert_cmpint (tc_probe_in (&out, "-r", "/dev/urandom", "--random-seed", seed, NULL,
                                  how, "32", NULL), ==, 0);
  else
    g_assert_cmpint (tc_probe_in (&out, "-r", "/dev/urandom", NULL, how, "32", NULL), ==, 0);
  g_assert_cmpuint (strlen (out), ==, 65);
  return out;
}

static void
test_random_seed (void)
{
  const char *hows[] = { "random", "urandom" };

  for (guint i = 0; i < G_N_ELEMENTS (hows); i++)
    {
      g_autofree char *a = draw (hows[i], "42");
      g_autofree char *b = draw (hows[i], "42");
      g_autofree char *c = draw (hows[i], "43");
      g_autofree char *d = draw (hows[i], NULL);
      g_autofree char *e = draw (hows[i], NULL);

      g_assert_cmpstr (a, ==, b);     /* a seed repeats */
      g_assert_cmpstr (a, !=, c);     /* another seed differs */
      g_assert_cmpstr (d, !=, e);     /* without one, real randomness */
    }
  /* The device stays subject to the policy. */
  g_assert_cmpint (tc_probe_in (NULL, "--random-seed", "42", NULL, "urandom", "8", NULL), ==, EACCES);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
test_deterministic_dirs (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *natural = NULL;
  g_autofree char *sorted = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  GRand *rand = g_rand_new_with_seed (7);

  /* Enough names that a listing takes several getdents64 calls. */
  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *name = g_strdup_printf ("%08x-%u", g_rand_int (rand), i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, "", 0, NULL));
      g_ptr_array_add (names, g_steal_pointer (&name));
    }
  g_rand_free (rand);

  g_assert_cmpint (tc_sandlock (&natural, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", dir, "--", "/bin/ls", "-U", dir, NULL), ==, 0);
  g_assert_cmpint (tc_sandlock (&sorted, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", dir, "--deterministic-dirs", "--",
                                "/bin/ls", "-U", dir, NULL), ==, 0);

  g_ptr_array_sort (names, compare_names);
  g_strchomp (natural);
  lines = g_strsplit (g_strchomp (sorted), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, names->len);
  for (guint i = 0; i < names->len; i++)
    g_assert_cmpstr (lines[i], ==, names->pdata[i]);
  /* ... where the filesystem's own order was not sorted. */
  g_assert_cmpstr (natural, !=, sorted);
}

static void
test_time_start (void)
{
  g_autofree char *out = NULL;
  g_autofree char *date = NULL;
  g_auto(GStrv) seconds = NULL;

  /* A static C program: clock_gettime and gettimeofday through the vDSO,
   * and time(). The clock starts at the instant and runs on. */
  g_assert_cmpint (tc_probe_in (&out, "--time-start", "2000-01-01T00:00:00Z", NULL,
                                "clock", NULL), ==, 0);
  seconds = g_strsplit (g_strchomp (out), " ", -1);
  g_assert_cmpuint (g_strv_length (seconds), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      gint64 t = g_ascii_strtoll (seconds[i], NULL, 10);
      g_assert_cmpint (t, >=, 946684800);
      g_assert_cmpint (t, <, 946684800 + 60);
    }

  /* A dynamic program, as a person would check it. */
  g_assert_cmpint (tc_sandlock (&date, NULL, "run", "--time-start", "2000-01-01T00:00:00Z",
                                "-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin",
                                "-r", "/etc", "--", "/bin/date", "-u", "+%Y", NULL), ==, 0);
  g_assert_cmpstr (date, ==, "2000\n");

  /* Without it, the real year. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tc_probe_in (&out, NULL, "clock", NULL), ==, 0);
  g_assert_cmpint (g_ascii_strtoll (out, NULL, 10), >, 1700000000);
}

static void
test_num_cpus (void)
{
  g_autofree char *out = NULL;
  g_autofree char *affinity = NULL;

  if (g_get_num_processors () < 2)
    {
      g_test_skip ("one CPU: nothing to hide");
      return;
    }
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "--num-cpus", "1", "-r", "/usr", "-r", "/lib",
                                "-r", "/lib64", "-r", "/bin", "-r", "/proc", "-r", "/sys", "--",
                                "/bin/sh", "-c",
                                "nproc; grep -c ^processor /proc/cpuinfo; cat /sys/devices/system/cpu/online",
                                NULL), ==, 0);
  g_assert_cmpstr (out, ==, "1\n1\n0\n");
  g_assert_cmpint (tc_probe_in (&affinity, "--num-cpus", "1", NULL, "affinity", NULL), ==, 0);
  g_assert_cmpstr (affinity, ==, "0\n");
}

static void
test_proc_and_sys (void)
{
  const char *kernel_files[] = { "/proc/kcore", "/proc/kallsyms", "/proc/kmsg", "/proc/keys",
                                 "/proc/sysrq-trigger" };
  g_autofree char *mine = g_strdup_printf ("/proc/%d/status", getpid ());
  g_autofree char *out = NULL;
  g_autofree char *meminfo = NULL;
  g_autofree char *mounts = NULL;
  guint checked = 0;
  g_auto(GStrv) pids = NULL;

  /* The kernel's sensitive files are unreadable (where this kernel has
   * them), though /proc is granted. */
  for (guint i = 0; i < G_N_ELEMENTS (kernel_files); i++)
    {
      if (!g_file_test (kernel_files[i], G_FILE_TEST_EXISTS))
        continue;
      g_assert_cmpint (tc_probe_in (NULL, "-r", "/proc", NULL, "read", kernel_files[i], NULL), ==, EACCES);
      g_assert_cmpint (tc_probe_in (NULL, "-w", "/proc", NULL, "write", kernel_files[i], NULL), ==, EACCES);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  if (g_file_test ("/sys/firmware", G_FILE_TEST_IS_DIR))
    g_assert_cmpint (tc_probe_in (NULL, "-r", "/sys", NULL, "list", "/sys/firmware", NULL), ==, EACCES);

  /* Other processes are not there; its own are. */
  g_assert_cmpint (tc_probe_in (NULL, "-r", "/proc", NULL, "read", mine, NULL), ==, ENOENT);
  g_assert_cmpint (tc_probe_in (NULL, "-r", "/proc", NULL, "read", "/proc/self/status", NULL), ==, 0);
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", "/proc", "--", "/bin/sh", "-c",
                                "ls /proc | grep '^[0-9]'", NULL), ==, 0);
  pids = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (pids), <=, 6);   /* init, sh, ls, grep... */

  /* meminfo tells the limit; the mount table tells nothing of the host. */
  g_assert_cmpint (tc_sandlock (&meminfo, NULL, "run", "-m", "256M", "-r", "/usr", "-r", "/lib",
                                "-r", "/lib64", "-r", "/bin", "-r", "/proc", "--",
                                "/bin/grep", "MemTotal", "/proc/meminfo", NULL), ==, 0);
  g_assert_nonnull (strstr (meminfo, " 262144 kB"));
  g_assert_cmpint (tc_sandlock (&mounts, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", "/proc", "--", "/bin/cat", "/proc/mounts", NULL), ==, 0);
  g_assert_null (strstr (mounts, "/dev"));
  g_assert_null (strstr (mounts, "/sys"));
}

static void
test_fs_denied (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *links = tc_make_tmpdir ();
  g_autofree char *secret = tc_make_file (dir, "secret", "s");
  g_autofree char *sibling = tc_make_file (dir, "sibling", "ok");
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *secret_dir = g_build_filename (dir, "secretdir", NULL);
  g_autofree char *inner = NULL;
  g_autofree char *inner_new = NULL;
  g_autofree char *symlinked = g_build_filename (links, "link", NULL);
  g_autofree char *chain = g_build_filename (links, "chain", NULL);
  g_autofree char *dot = g_strdup_printf ("%s/./secret", dir);
  g_autofree char *slashes = g_strdup_printf ("%s//secret", dir);
  g_autofree char *dotdot = g_strdup_printf ("%s/sub/../secret", dir);
  g_autofree char *hard = g_build_filename (dir, "hard", NULL);
  g_autofree char *contents = NULL;
  const char *spellings[6];

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (secret_dir, 0755), ==, 0);
  inner = tc_make_file (secret_dir, "inner", "i");
  inner_new = g_build_filename (secret_dir, "new", NULL);
  g_assert_cmpint (symlink (secret, symlinked), ==, 0);
  g_assert_cmpint (symlink (symlinked, chain), ==, 0);
  spellings[0] = secret; spellings[1] = dot; spellings[2] = slashes;
  spellings[3] = dotdot; spellings[4] = symlinked; spellings[5] = chain;

  /* Every spelling of the denied file fails; its sibling reads. */
  for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
    g_assert_cmpint (tc_probe_in (NULL, "-r", dir, "-r", links, "--fs-deny", secret, NULL,
                                  "read", spellings[i], NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, "--fs-deny", secret, NULL,
                                "read-at", dir, "secret", NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, "--fs-deny", secret, NULL,
                                "read", sibling, NULL), ==, 0);

  /* In a writable tree: no truncate, unlink, rename onto, link or exec. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "truncate", secret, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "write", secret, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "unlink", secret, NULL), !=, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "rename", sibling, secret, NULL), !=, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "link", secret, hard, NULL), !=, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret, NULL, "exec", secret, NULL), ==, EACCES);
  g_assert_true (g_file_get_contents (secret, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "s");
  g_assert_false (g_file_test (hard, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (sibling, G_FILE_TEST_EXISTS));

  /* A denied directory: not listed, not read, nothing made in it. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret_dir, NULL, "list", secret_dir, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret_dir, NULL, "read", inner, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret_dir, NULL, "create", inner_new, NULL), !=, 0);
  g_assert_false (g_file_test (inner_new, G_FILE_TEST_EXISTS));
  /* ... while the rest of the tree works. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, "--fs-deny", secret_dir, NULL, "read", sibling, NULL), ==, 0);

  /* A file with another name would stay readable by it: refused. */
  g_assert_cmpint (link (sibling, hard), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, "--fs-deny", sibling, NULL, "read", sibling, NULL), ==, 2);
  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, "--fs-deny", sibling, "--fs-deny", hard, NULL,
                                "read", hard, NULL), ==, EACCES);
}

static JsonObject *
find_event (GPtrArray  *events,
            const char *syscall,
            const char *detail_part)
{
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = json_node_get_object (events->pdata[i]);

      if (g_str_equal (json_object_get_string_member (event, "syscall"), syscall) &&
          strstr (json_object_get_string_member (event, "detail"), detail_part) != NULL)
        return event;
    }
  return NULL;
}

static GPtrArray *
read_events (const char *path)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (events, node);
    }
  return events;
}

/* ---- netlink: loopback only ---------------------------------------------- */

/* What a sandbox may see of the interfaces: lo and its two addresses (::1
 * unless IPv6 is off), by netlink, and lo's IPv4 address by SIOCGIFCONF. */
static gboolean
is_loopback_line (const char *line)
{
  return g_str_equal (line, "if lo") || g_str_equal (line, "addr lo 127.0.0.1") ||
         g_str_equal (line, "addr lo ::1") || g_str_equal (line, "ifconf lo 127.0.0.1") ||
         *line == '\0';
}

static void
assert_loopback_only (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (!is_loopback_line (lines[i]))
      g_error ("the sandbox sees \"%s\"; it must see lo alone", lines[i]);
  g_assert_true (g_strv_contains ((const char * const *) lines, "if lo"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "addr lo 127.0.0.1"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "ifconf lo 127.0.0.1"));
}

/* The machine's own interfaces and addresses, by the same probe unconfined;
 * NULL (and the test skipped) when it has nothing but lo, where a sandbox
 * seeing the host's interfaces would look the same. */
static char *
host_interfaces (void)
{
  const char *argv[] = { tc_probe (), "interfaces", NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!is_loopback_line (lines[i]))
      return g_steal_pointer (&out);
  g_test_skip ("this machine has no interface but lo: nothing to hide");
  return NULL;
}

static void
test_netlink_loopback_only (void)
{
  g_autofree char *host = host_interfaces ();
  g_autofree char *out = NULL;
  g_autofree char *dynamic = NULL;

  if (host == NULL)
    return;
  g_test_message ("the machine sees:\n%s", host);

  /* if_nameindex() and getifaddrs(), static glibc. */
  g_assert_cmpint (tc_probe_in (&out, NULL, "interfaces", NULL), ==, 0);
  assert_loopback_only (out);

  /* A dynamic program, as a person would look. */
  if (g_file_test ("/usr/bin/ip", G_FILE_TEST_IS_EXECUTABLE) ||
      g_file_test ("/usr/sbin/ip", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_auto(GStrv) lines = NULL;

      g_assert_cmpint (tc_sandlock (&dynamic, NULL, "run", "-r", "/usr", "-r", "/lib",
                                    "-r", "/lib64", "-r", "/bin", "-r", "/sbin", "-r", "/etc",
                                    "--", "ip", "-o", "addr", NULL), ==, 0);
      lines = g_strsplit (g_strchomp (dynamic), "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), >=, 1);
      for (guint i = 0; lines[i] != NULL; i++)
        g_assert_true (g_str_has_prefix (lines[i], "1: lo "));
    }
}

/* The program cannot change the view: the namespace the view's sockets
 * come from belongs to a user namespace beside the sandbox's, where it has
 * no capabilities. */
static void
test_netlink_view_read_only (void)
{
  const char *ip = g_file_test ("/usr/sbin/ip", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/sbin/ip"
                   : g_file_test ("/usr/bin/ip", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/ip"
                   : NULL;
  const char *changes[][8] = {
    { "addr", "add", "10.9.9.9/32", "dev", "lo", NULL },
    { "link", "set", "lo", "down", NULL },
    { "link", "add", "sandlock0", "type", "dummy", NULL },
  };
  g_autofree char *host = host_interfaces ();
  g_autofree char *out = NULL;

  if (host == NULL)
    return;
  if (ip == NULL)
    {
      g_test_skip ("no ip(8) here");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autofree char *err = NULL;
      const char * const system[] = { "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                      "-r", "/bin", "-r", "/sbin", "-r", "/etc", "--", ip };

      for (guint j = 0; j < G_N_ELEMENTS (system); j++)
        g_ptr_array_add (args, (gpointer) system[j]);
      for (guint j = 0; changes[i][j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) changes[i][j]);
      g_ptr_array_add (args, NULL);
      g_assert_cmpint (tc_sandlockv (NULL, &err, (const char * const *) args->pdata), !=, 0);
      g_assert_nonnull (strstr (err, "Operation not permitted"));
    }
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/bin", "-r", "/sbin", "-r", "/etc",
                                "--", ip, "-o", "addr", NULL), ==, 0);
  g_assert_null (strstr (out, "10.9.9.9"));
  g_assert_null (strstr (out, "sandlock0"));
}

/* The view is netlink's alone: TCP goes on through the host's network,
 * on both the supervisor's path and Landlock's. */
static void
test_netlink_and_tcp (void)
{
  int number;
  int fd = tc_listen_loopback (&number);
  g_autofree char *port = g_strdup_printf ("%d", number);
  g_autofree char *exact = g_strdup_printf ("127.0.0.1:%s", port);
  g_autofree char *any = g_strdup_printf (":%s", port);
  g_autofree char *out = NULL;

  g_assert_cmpint (tc_probe_in (&out, "--net-allow", exact, NULL, "interfaces", port, NULL), ==, 0);
  assert_loopback_only (out);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (tc_probe_in (&out, "--net-allow", any, NULL, "interfaces", port, NULL), ==, 0);
  assert_loopback_only (out);
  /* ... and net_allow still decides. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "interfaces", port, NULL), ==, EACCES);
  close (fd);
}

/* The socket is made elsewhere and handed over: it must be what the
 * program asked for, and fail as socket() would. */
static void
test_netlink_socket_flags (void)
{
  static const struct {
    const char *flags;
    int         status;
    const char *out;
  } cases[] = {
    { "raw",                  0, "type=3 cloexec=0 nonblock=0 names=lo\n" },
    { "dgram",                0, "type=2 cloexec=0 nonblock=0 names=lo\n" },
    { "raw,cloexec",          0, "type=3 cloexec=1 nonblock=0 names=lo\n" },
    { "raw,nonblock",         0, "type=3 cloexec=0 nonblock=1 names=lo\n" },
    { "dgram,cloexec,nonblock", 0, "type=2 cloexec=1 nonblock=1 names=lo\n" },
    /* The kernel reads the family as an int: still netlink, still ours. */
    { "raw,high",             0, "type=3 cloexec=0 nonblock=0 names=lo\n" },
    { "stream",               ESOCKTNOSUPPORT, "" },
    { "raw,badflag",          EINVAL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;

      g_test_message ("netlink %s", cases[i].flags);
      g_assert_cmpint (tc_probe_in (&out, NULL, "netlink", cases[i].flags, NULL), ==,
                       cases[i].status);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

/* Without a user namespace (here: new PID namespaces refused, so the
 * sandbox falls back to a subreaper init, with a supervisor), the view's
 * namespace would be the program's to change: NETLINK_ROUTE is refused, and
 * the refusal reported. */
static void
test_netlink_without_user_namespace (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *events_path = g_build_filename (dir, "events.jsonl", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *event;
  const char *args[] = { "no-pidns", tc_cli (), "run", "--events", events_path,
                         "-r", tc_probe (), "--", tc_probe (), "interfaces", NULL };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (char *) tc_probe ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (err, "user namespaces are unavailable"));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, EAFNOSUPPORT);

  events = read_events (events_path);
  event = find_event (events, "socket", "netlink");
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "verdict"), ==, "deny");
  g_assert_cmpstr (json_object_get_string_member (event, "rule"), ==, "netlink");
  g_assert_cmpint (json_object_get_int_member (event, "errno"), ==, EAFNOSUPPORT);
}

/* getaddrinfo() with AI_ADDRCONFIG and AF_UNSPEC (getent ahosts, as most
 * clients ask) still resolves a pinned name when only loopback addresses
 * show: glibc then filters neither family. */
static void
test_netlink_getaddrinfo (void)
{
  g_autofree char *out = NULL;
  g_autofree char *v4 = NULL;
  int status;

  if (!g_file_test ("/usr/bin/getent", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no getent");
      return;
    }
  g_assert_cmpint (tc_sandlock (&out, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                                "-r", "/etc", "--net-allow", "localhost:80", "--",
                                "/usr/bin/getent", "ahosts", "localhost", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "127.0.0.1"));
  /* AF_INET with AI_ADDRCONFIG wants an IPv4 address other than
   * 127.0.0.1 and finds none (glibc's check_pf.c): documented, not
   * asserted, as another glibc may differ. */
  status = tc_sandlock (&v4, NULL, "run", "-r", "/usr", "-r", "/lib", "-r", "/lib64",
                        "-r", "/etc", "--net-allow", "localhost:80", "--",
                        "/usr/bin/getent", "ahostsv4", "localhost", NULL);
  g_test_message ("getent ahostsv4 localhost: status %d", status);
}

/* ---- interface ioctls: the same view ------------------------------------ */

/* SIOCGIFCONF lists lo alone (the "interfaces" probe, as in the netlink
 * tests), and the machine's own interfaces are unknown by name whatever
 * the socket's family, while lo answers. */
static void
test_ifioctl_loopback_only (void)
{
  static const char * const families[] = { "inet", "inet6", "unix" };
  g_autofree char *host = host_interfaces ();
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint checked = 0;

  if (host == NULL)
    return;
  g_assert_cmpint (tc_probe_in (&out, NULL, "interfaces", NULL), ==, 0);
  assert_loopback_only (out);

  lines = g_strsplit (host, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *name = lines[i] + strlen ("if ");
      const char *argv[] = { tc_probe (), "ifreq", "index", name, NULL };
      g_autoptr(GError) error = NULL;
      int status;

      if (!g_str_has_prefix (lines[i], "if ") || g_str_equal (name, "lo"))
        continue;
      /* The machine knows it... */
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                   NULL, NULL, NULL, NULL, &status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      /* ... the sandbox does not. */
      for (guint f = 0; f < G_N_ELEMENTS (families); f++)
        {
          g_test_message ("SIOCGIFINDEX %s on a %s socket", name, families[f]);
          g_assert_cmpint (tc_probe_in (NULL, NULL, "ifreq", "index", name, families[f], NULL),
                           ==, ENODEV);
        }
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
}

static void
test_ifioctl_lo_answers (void)
{
  g_autofree char *flags = NULL;
  g_autofree char *index = NULL;
  g_autofree char *name = NULL;
  g_autofree char *link = NULL;

  g_assert_cmpint (tc_probe_in (&flags, NULL, "ifreq", "flags", "lo", NULL), ==, 0);
  g_assert_cmpstr (flags, ==, "up=1 loopback=1\n");
  g_assert_cmpint (tc_probe_in (&index, NULL, "ifreq", "index", "lo", "inet6", NULL), ==, 0);
  g_assert_cmpstr (index, ==, "1\n");
  g_assert_cmpint (tc_probe_in (&name, NULL, "ifreq", "name", "1", "unix", NULL), ==, 0);
  g_assert_cmpstr (name, ==, "lo\n");
  /* Ethtool, through a buffer of the supervisor's. */
  g_assert_cmpint (tc_probe_in (&link, NULL, "ifreq", "link", "lo", NULL), ==, 0);
  g_assert_cmpstr (link, ==, "1\n");
  /* Changing lo (to what it is) is the kernel's to refuse, as for any
   * unprivileged program. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "ifreq", "setflags", "lo", NULL), ==, EPERM);
  /* A file that is no socket answers as files do. */
  g_assert_cmpint (tc_probe_in (NULL, NULL, "ifreq", "flags", "lo", "pipe", NULL), ==, ENOTTY);
}

/* Other ioctls never reach the supervisor: observed, a terminal ioctl
 * makes no event, an interface ioctl does. */
static void
test_ifioctl_others_untrapped (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *tcgets_path = g_build_filename (dir, "tcgets.jsonl", NULL);
  g_autofree char *flags_path = g_build_filename (dir, "flags.jsonl", NULL);
  g_autoptr(GPtrArray) tcgets_events = NULL;
  g_autoptr(GPtrArray) flags_events = NULL;

  g_assert_cmpint (tc_probe_in (NULL, "--events", tcgets_path, NULL, "tcgets", NULL), ==, ENOTTY);
  tcgets_events = read_events (tcgets_path);
  g_assert_null (find_event (tcgets_events, "ioctl", ""));

  g_assert_cmpint (tc_probe_in (NULL, "--events", flags_path, NULL,
                                "ifreq", "flags", "lo", NULL), ==, 0);
  flags_events = read_events (flags_path);
  g_assert_nonnull (find_event (flags_events, "ioctl", "SIOCGIFFLAGS (loopback only)"));
}

/* Without a user namespace there is no view: refused (EPERM) and
 * reported, while other ioctls are the kernel's as ever. */
static void
test_ifioctl_without_user_namespace (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *events_path = g_build_filename (dir, "events.jsonl", NULL);
  const char *flags[] = { tc_probe (), "no-pidns", tc_cli (), "run", "--events", events_path,
                          "-r", tc_probe (), "--", tc_probe (), "ifreq", "flags", "lo", NULL };
  const char *tcgets[] = { tc_probe (), "no-pidns", tc_cli (), "run", "-r", tc_probe (), "--",
                           tc_probe (), "tcgets", NULL };
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  JsonObject *event;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) flags, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (err, "user namespaces are unavailable"));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, EPERM);
  events = read_events (events_path);
  event = find_event (events, "ioctl", "SIOCGIFFLAGS");
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "verdict"), ==, "deny");
  g_assert_cmpstr (json_object_get_string_member (event, "rule"), ==, "netlink");
  g_assert_cmpint (json_object_get_int_member (event, "errno"), ==, EPERM);

  g_assert_true (g_spawn_sync (NULL, (char **) tcgets, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, ENOTTY);
}

static void
test_events_file (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *events_path = g_build_filename (dir, "events.jsonl", NULL);
  g_autofree char *secret = tc_make_file (dir, "secret", "s");
  g_autoptr(GPtrArray) events = NULL;
  JsonObject *event;

  g_assert_cmpint (tc_probe_in (NULL, "--events", events_path, "-P", "2", NULL,
                                "read", secret, NULL), ==, EACCES);
  events = read_events (events_path);

  event = find_event (events, "execve", tc_probe ());
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "category"), ==, "process");
  g_assert_cmpstr (json_object_get_string_member (event, "verdict"), ==, "allow");
  g_assert_cmpint (json_object_get_int_member (event, "pid"), >, 0);
  g_assert_cmpint (json_object_get_int_member (event, "ppid"), >, 0);
  g_assert_cmpint (json_object_get_int_member (event, "time_ns"), >, 0);
  g_assert_true (json_object_has_member (event, "errno"));
  g_assert_true (json_object_has_member (event, "rule"));

  event = find_event (events, "openat", secret);
  g_assert_nonnull (event);
  g_assert_cmpstr (json_object_get_string_member (event, "category"), ==, "file");
  g_assert_cmpstr (json_object_get_string_member (event, "verdict"), ==, "deny");
  g_assert_cmpint (json_object_get_int_member (event, "errno"), ==, EACCES);
}

static void
test_events_for_limits (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *events_path = g_build_filename (dir, "events.jsonl", NULL);
  g_autoptr(GPtrArray) events = NULL;
  gboolean denied = FALSE;

  g_assert_cmpint (tc_probe_in (NULL, "--events", events_path, "-P", "2", NULL,
                                "forks", "3", NULL), ==, EAGAIN);
  events = read_events (events_path);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = json_node_get_object (events->pdata[i]);

      if (g_str_equal (json_object_get_string_member (event, "rule"), "max_processes") &&
          g_str_equal (json_object_get_string_member (event, "verdict"), "deny"))
        {
          g_assert_cmpstr (json_object_get_string_member (event, "category"), ==, "process");
          g_assert_cmpint (json_object_get_int_member (event, "errno"), ==, EAGAIN);
          denied = TRUE;
        }
    }
  g_assert_true (denied);
}

static void
test_trace (void)
{
  g_autofree char *err = NULL;
  const char *args[] = { "run", "--trace", "-r", tc_probe (), "--", tc_probe (), "exit", "0", NULL };

  g_assert_cmpint (tc_sandlockv (NULL, &err, args), ==, 0);
  g_assert_nonnull (strstr (err, "execve"));
  g_assert_nonnull (strstr (err, tc_probe ()));
}

/* A listening (stream) or bound (datagram) unix socket at @path. */
static int
unix_socket_at (const char *path,
                int         type)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, type | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  if (type == SOCK_STREAM)
    g_assert_cmpint (listen (fd, 16), ==, 0);
  return fd;
}

static void
test_unix_connect_needs_writable (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "service", NULL);
  int fd = unix_socket_at (path, SOCK_STREAM);

  /* Control: unconfined, the probe reaches it. */
  {
    g_autofree char *cmd = g_strdup_printf ("%s unix %s", tc_probe (), path);
    int status;
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  }
  g_assert_cmpint (tc_probe_in (NULL, NULL, "unix", path, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-r", dir, NULL, "unix", path, NULL), ==, EACCES);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, NULL, "unix", path, NULL), ==, 0);
  close (fd);
}

static void
test_unix_session_bus_unreachable (void)
{
  g_autofree char *runtime = tc_make_tmpdir ();
  g_autofree char *bus = g_build_filename (runtime, "bus", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", bus);
  int fd = unix_socket_at (bus, SOCK_STREAM);

  /* Even with the runtime directory readable and the address known. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_assert_cmpint (tc_probe_in (NULL, "-r", runtime, "--env", "BUS=1", NULL,
                                "unix", bus, NULL), ==, EACCES);
  /* And with it writable: the bus is never in a grant. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", runtime, NULL, "unix", bus, NULL), ==, EACCES);
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  /* Found by $XDG_RUNTIME_DIR/bus too, when the address is not set. */
  {
    const char *saved = g_getenv ("XDG_RUNTIME_DIR");
    g_autofree char *old = g_strdup (saved);

    g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
    g_assert_cmpint (tc_probe_in (NULL, "-w", runtime, NULL, "unix", bus, NULL), ==, EACCES);
    if (old != NULL)
      g_setenv ("XDG_RUNTIME_DIR", old, TRUE);
    else
      g_unsetenv ("XDG_RUNTIME_DIR");
  }
  close (fd);
}

static void
test_unix_symlink_and_relative (void)
{
  g_autofree char *outside = tc_make_tmpdir ();
  g_autofree char *mine = tc_make_tmpdir ();
  g_autofree char *target = g_build_filename (outside, "service", NULL);
  g_autofree char *link = g_build_filename (mine, "link", NULL);
  g_autofree char *local = g_build_filename (mine, "local", NULL);
  int fd = unix_socket_at (target, SOCK_STREAM);
  int local_fd = unix_socket_at (local, SOCK_STREAM);

  /* A symlink in a writable tree does not carry the grant elsewhere. */
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", mine, NULL, "unix", link, NULL), ==, EACCES);
  /* A relative name resolves from the program's working directory. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", mine, "--cwd", mine, NULL, "unix", "local", NULL), ==, 0);
  g_assert_cmpint (tc_probe_in (NULL, "-w", mine, "-r", outside, "--cwd", outside, NULL,
                                "unix", "service", NULL), ==, EACCES);
  close (fd);
  close (local_fd);
}

static void
test_unix_datagrams_refused (void)
{
  g_autofree char *dir = tc_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "log", NULL);
  int fd = unix_socket_at (path, SOCK_DGRAM);
  char buf[16];

  /* A datagram could name any destination: such sockets are refused, even
   * toward a writable grant. */
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, NULL, "dgram", path, NULL), ==, EPERM);
  g_assert_cmpint (tc_probe_in (NULL, "-w", dir, NULL, "dgram-msg", path, NULL), ==, EPERM);
  g_assert_cmpint (recv (fd, buf, sizeof buf, MSG_DONTWAIT), ==, -1);
  close (fd);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/supervise/max-processes", test_max_processes);
  g_test_add_func ("/supervise/threads-are-not-processes", test_max_processes_threads_are_not_processes);
  g_test_add_func ("/supervise/max-memory", test_max_memory);
  g_test_add_func ("/supervise/max-memory-across-processes", test_max_memory_across_processes);
  g_test_add_func ("/supervise/max-cpu", test_max_cpu);
  g_test_add_func ("/supervise/random-seed", test_random_seed);
  g_test_add_func ("/supervise/deterministic-dirs", test_deterministic_dirs);
  g_test_add_func ("/supervise/time-start", test_time_start);
  g_test_add_func ("/supervise/num-cpus", test_num_cpus);
  g_test_add_func ("/supervise/proc-and-sys", test_proc_and_sys);
  g_test_add_func ("/supervise/fs-denied", test_fs_denied);
  g_test_add_func ("/supervise/events-file", test_events_file);
  g_test_add_func ("/supervise/events-for-limits", test_events_for_limits);
  g_test_add_func ("/supervise/trace", test_trace);
  g_test_add_func ("/supervise/unix/connect-needs-writable", test_unix_connect_needs_writable);
  g_test_add_func ("/supervise/tcp-ports-on-behalf", test_tcp_ports_on_behalf);
  g_test_add_func ("/supervise/net-allow/hosts", test_net_allow_hosts);
  g_test_add_func ("/supervise/net-allow/pinned-names", test_net_allow_pinned_names);
  g_test_add_func ("/supervise/port-remap/two-sandboxes", test_port_remap_two_sandboxes);
  g_test_add_func ("/supervise/port-remap/inside", test_port_remap_inside);
  g_test_add_func ("/supervise/udp", test_udp);
  g_test_add_func ("/supervise/unix/session-bus-unreachable", test_unix_session_bus_unreachable);
  g_test_add_func ("/supervise/unix/symlink-and-relative", test_unix_symlink_and_relative);
  g_test_add_func ("/supervise/unix/datagrams-refused", test_unix_datagrams_refused);
  g_test_add_func ("/supervise/netlink/loopback-only", test_netlink_loopback_only);
  g_test_add_func ("/supervise/netlink/view-read-only", test_netlink_view_read_only);
  g_test_add_func ("/supervise/netlink/tcp-unchanged", test_netlink_and_tcp);
  g_test_add_func ("/supervise/netlink/socket-flags", test_netlink_socket_flags);
  g_test_add_func ("/supervise/netlink/without-user-namespace", test_netlink_without_user_namespace);
  g_test_add_func ("/supervise/netlink/getaddrinfo", test_netlink_getaddrinfo);
  g_test_add_func ("/supervise/ifioctl/loopback-only", test_ifioctl_loopback_only);
  g_test_add_func ("/supervise/ifioctl/lo-answers", test_ifioctl_lo_answers);
  g_test_add_func ("/supervise/ifioctl/others-untrapped", test_ifioctl_others_untrapped);
  g_test_add_func ("/supervise/ifioctl/without-user-namespace",
                   test_ifioctl_without_user_namespace);

  return g_test_run ();
}
