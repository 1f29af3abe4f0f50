/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe: performs one operation a sandbox should allow or deny and exits
 * with the errno it got (0 on success), so tests can be exact. Linked
 * statically: a sandbox needs to grant nothing but this file to run it.
 *
 *   probe read PATH | write PATH | create PATH | truncate PATH | mkdir PATH
 *   probe unlink PATH | rename FROM TO | link FROM TO | symlink TARGET PATH
 *   probe exec PATH | list DIR
 *   probe read-at DIR NAME     openat() relative to a directory fd
 *   probe connect PORT | bind PORT           (TCP on 127.0.0.1)
 *   probe connect-to IP PORT                 (TCP, IPv4 or IPv6)
 *   probe udp IP PORT | udp-msg IP PORT | udp-connect IP PORT
 *                              sends "hi" by sendto / sendmsg / connect+send
 *   probe udp-badlen IP PORT   sendto with an absurd address length must get
 *                              EINVAL, then a good one must go: 0 when so
 *   probe listen PORT SECS     listens on 127.0.0.1:PORT, prints the port
 *                              getsockname() reports, then holds it SECS
 *   probe abstract NAME                      (connect to @NAME)
 *   probe unix PATH                          (connect to a pathname socket)
 *   probe dgram PATH | dgram-msg PATH        (sendto / sendmsg "hi" to a
 *                                             pathname datagram socket)
 *   probe kill PID [SIG]
 *   probe fds                 prints the open fds above 2, exits 0
 *   probe daemon PIDFILE      double-forks a sleeper, writes its pid (in its
 *                             own PID namespace), exits 0
 *   probe daemon-then-sleep PIDFILE   the same, then sleeps ignoring SIGTERM
 *   probe sleep SECS | ignore-term SECS
 *   probe env NAME            prints the value, exits 1 when unset
 *   probe status FIELD        prints a /proc/self/status field
 *   probe nofile | core       prints the soft limit
 *   probe personality | affinity | hostname | uid | cwd | sid
 *   probe exit CODE | signal SIG
 *   probe forks N             forks N sleepers; prints how many, exits with
 *                             the errno of the first fork that failed
 *   probe alloc MIB [SECS]    allocates and touches MIB MiB, holds it SECS;
 *                             ENOMEM or 0
 *   probe threads N           starts and joins N threads; their error or 0
 *   probe clock                the realtime clock by clock_gettime(),
 *                              gettimeofday() and time(), in seconds
 *   probe random N | urandom N   N bytes from getrandom() / /dev/urandom, hex
 *   probe spin SECS           busy for SECS of wall time; prints the CPU
 *                             time it got, in percent of that
 *   probe interfaces [PORT]   prints "if NAME" per if_nameindex() entry and
 *                             "addr NAME IP" per getifaddrs() address, then
 *                             connects to 127.0.0.1:PORT when given
 *   probe netlink FLAGS       a NETLINK_ROUTE socket; FLAGS joins raw, dgram,
 *                             stream, cloexec, nonblock, badflag (an unknown
 *                             type flag), high (high bits on the family) with
 *                             commas. Prints "type=T cloexec=C nonblock=N
 *                             names=lo,..." (SIOCGIFNAME of indexes 1-64)
 *                             and "ifconf NAME IP" per SIOCGIFCONF entry
 *                             (an IPv4 socket's interface ioctl)
 *   probe ifreq REQUEST NAME [inet6|unix|pipe]   one interface ioctl on
 *                             a stream socket (IPv4 unless told), or on a
 *                             pipe: flags
 *                             (prints "up=U loopback=L"), index (prints
 *                             it), name (NAME is an index; prints the
 *                             name), link (ethtool's link state), setflags
 *                             (reads the flags and sets the same ones, a
 *                             change of nothing)
 *   probe tcgets              TCGETS on a pipe (a terminal ioctl)
 *   probe no-pidns PROG ARGS...   runs PROG under a seccomp filter that
 *                             refuses new PID namespaces (EPERM) and clone3
 *                             (ENOSYS): a sandlock there has a supervisor
 *                             but no user namespace
 */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/audit.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
result (int ret)
{
  return ret < 0 ? errno : 0;
}

static int
tcp (const char *port_text,
     int         do_bind)
{
  struct sockaddr_in addr = { .sin_family = AF_INET,
                              .sin_port = htons (atoi (port_text)) };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int ret;

  if (fd < 0)
    return errno;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &(int) { 1 }, sizeof (int));
  ret = do_bind ? bind (fd, (struct sockaddr *) &addr, sizeof addr)
                : connect (fd, (struct sockaddr *) &addr, sizeof addr);
  ret = result (ret);
  close (fd);
  return ret;
}

static int
tcp_to (const char *ip,
        const char *port)
{
  struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons (atoi (port)) };
  struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons (atoi (port)) };
  int v6 = inet_pton (AF_INET, ip, &in.sin_addr) != 1;
  int fd, ret;

  if (v6 && inet_pton (AF_INET6, ip, &in6.sin6_addr) != 1)
    return EINVAL;
  fd = socket (v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return errno;
  ret = v6 ? connect (fd, (struct sockaddr *) &in6, sizeof in6)
           : connect (fd, (struct sockaddr *) &in, sizeof in);
  ret = result (ret);
  close (fd);
  return ret;
}

static int
udp_send (const char *ip,
          const char *port,
          const char *how)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (atoi (port)) };
  struct iovec iov = { "hi", 2 };
  struct msghdr msg = { .msg_name = &addr, .msg_namelen = sizeof addr,
                        .msg_iov = &iov, .msg_iovlen = 1 };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  ssize_t n = -1;

  if (fd < 0)
    return errno;
  inet_pton (AF_INET, ip, &addr.sin_addr);
  if (!strcmp (how, "udp"))
    n = sendto (fd, "hi", 2, 0, (struct sockaddr *) &addr, sizeof addr);
  else if (!strcmp (how, "udp-msg"))
    n = sendmsg (fd, &msg, 0);
  else if (!strcmp (how, "udp-connect"))
    n = connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0 ? -1 : send (fd, "hi", 2, 0);
  else if (!strcmp (how, "udp-badlen"))
    {
      n = sendto (fd, "hi", 2, 0, (struct sockaddr *) &addr, 1 << 20);
      if (n >= 0 || errno != EINVAL)
        return n >= 0 ? EIO : errno;
      n = sendto (fd, "hi", 2, 0, (struct sockaddr *) &addr, sizeof addr);
    }
  n = n < 0 ? errno : (n == 2 ? 0 : EIO);
  close (fd);
  return n;
}

static int
unix_connect (const char *name,
              int         abstract)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  size_t len = strlen (name);
  int fd = socket (AF_UNIX, SOCK_STREAM, 0);
  int ret;

  if (fd < 0)
    return errno;
  if (len + 2 > sizeof addr.sun_path)
    return ENAMETOOLONG;
  memcpy (addr.sun_path + (abstract ? 1 : 0), name, len);
  ret = result (connect (fd, (struct sockaddr *) &addr,
                         offsetof (struct sockaddr_un, sun_path) + len + (abstract ? 1 : 0)));
  close (fd);
  return ret;
}

static int
unix_send (const char *path,
           int         use_sendmsg)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  struct iovec iov = { "hi", 2 };
  struct msghdr msg = { .msg_name = &addr, .msg_namelen = sizeof addr,
                        .msg_iov = &iov, .msg_iovlen = 1 };
  int fd = socket (AF_UNIX, SOCK_DGRAM, 0);
  ssize_t n;

  if (fd < 0)
    return errno;
  strncpy (addr.sun_path, path, sizeof addr.sun_path - 1);
  n = use_sendmsg ? sendmsg (fd, &msg, 0)
                  : sendto (fd, "hi", 2, 0, (struct sockaddr *) &addr, sizeof addr);
  n = n < 0 ? errno : (n == 2 ? 0 : EIO);
  close (fd);
  return n;
}

static int
list_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *entry;
  int self;

  if (dir == NULL)
    {
      /* No /proc in the sandbox: probe each number instead. */
      for (int fd = 3; fd < 1024; fd++)
        if (fcntl (fd, F_GETFD) >= 0)
          printf ("%d\n", fd);
      return 0;
    }
  self = dirfd (dir);
  while ((entry = readdir (dir)) != NULL)
    {
      int fd = atoi (entry->d_name);
      if (entry->d_name[0] != '.' && fd > 2 && fd != self)
        printf ("%d\n", fd);
    }
  closedir (dir);
  return 0;
}

/* Double-forks a sleeper that ignores SIGTERM and SIGHUP; returns once the
 * sleeper has written its pid (as the host sees it, from /proc when
 * granted) to @pidfile, so the caller knows it exists. */
static int
daemonize (const char *pidfile)
{
  int ready[2];
  char byte;
  pid_t pid;

  if (pipe (ready) < 0)
    return errno;
  pid = fork ();
  if (pid < 0)
    return errno;
  if (pid > 0)
    {
      int status;

      close (ready[1]);
      waitpid (pid, &status, 0);
      return read (ready[0], &byte, 1) == 1 ? 0 : EIO;
    }

  close (ready[0]);
  setsid ();
  pid = fork ();
  if (pid != 0)
    _exit (pid < 0 ? 1 : 0);

  signal (SIGTERM, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  {
    char self[64] = "";
    ssize_t n = readlink ("/proc/self", self, sizeof self - 1);
    FILE *f = fopen (pidfile, "w");

    if (f != NULL)
      {
        fprintf (f, "%s\n", n > 0 ? self : "unknown");
        fclose (f);
      }
  }
  if (write (ready[1], "", 1) != 1)
    _exit (1);
  close (ready[1]);
  for (;;)
    pause ();
}

static int
print_status_field (const char *field)
{
  char line[512];
  size_t len = strlen (field);
  FILE *f = fopen ("/proc/self/status", "r");

  if (f == NULL)
    return errno;
  while (fgets (line, sizeof line, f) != NULL)
    if (strncmp (line, field, len) == 0 && line[len] == ':')
      {
        char *value = line + len + 1;
        value += strspn (value, " \t");
        fputs (value, stdout);
        fclose (f);
        return 0;
      }
  fclose (f);
  return ENOENT;
}

static void *
nap (void *data)
{
  usleep (100000);
  return data;
}

static int
start_threads (int n)
{
  pthread_t threads[64];
  int ret = 0, made;

  for (made = 0; made < n && made < 64; made++)
    if ((ret = pthread_create (&threads[made], NULL, nap, NULL)) != 0)
      break;
  for (int i = 0; i < made; i++)
    pthread_join (threads[i], NULL);
  return ret;
}

static int
print_limit (int resource)
{
  struct rlimit rl;

  if (getrlimit (resource, &rl) < 0)
    return errno;
  if (rl.rlim_cur == RLIM_INFINITY)
    printf ("unlimited\n");
  else
    printf ("%llu\n", (unsigned long long) rl.rlim_cur);
  return 0;
}

static int
print_affinity (void)
{
  cpu_set_t set;
  int first = 1;

  if (sched_getaffinity (0, sizeof set, &set) < 0)
    return errno;
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET (i, &set))
      {
        printf (first ? "%d" : ",%d", i);
        first = 0;
      }
  printf ("\n");
  return 0;
}

/* SIOCGIFCONF on an IPv4 socket, as ifconfig lists the interfaces. */
static int
list_ifconf (void)
{
  struct ifreq entries[64];
  struct ifconf ifc = { .ifc_len = sizeof entries, .ifc_req = entries };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || ioctl (fd, SIOCGIFCONF, &ifc) < 0)
    return errno;
  for (int i = 0; i < ifc.ifc_len / (int) sizeof (struct ifreq); i++)
    {
      char ip[INET_ADDRSTRLEN];

      inet_ntop (AF_INET, &((struct sockaddr_in *) &entries[i].ifr_addr)->sin_addr,
                 ip, sizeof ip);
      printf ("ifconf %s %s\n", entries[i].ifr_name, ip);
    }
  close (fd);
  return 0;
}

static int
interface_request (const char *request,
                   const char *name,
                   const char *family_name)
{
  int family = !strcmp (family_name, "inet6") ? AF_INET6
             : !strcmp (family_name, "unix") ? AF_UNIX : AF_INET;
  int fd, fds[2];
  struct ifreq ifr;

  if (!strcmp (family_name, "pipe"))
    fd = pipe (fds) < 0 ? -1 : fds[0];
  else
    fd = socket (family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return errno;
  memset (&ifr, 0, sizeof ifr);
  strncpy (ifr.ifr_name, name, IFNAMSIZ - 1);
  if (!strcmp (request, "flags"))
    {
      if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
        return errno;
      printf ("up=%d loopback=%d\n", (ifr.ifr_flags & IFF_UP) != 0,
              (ifr.ifr_flags & IFF_LOOPBACK) != 0);
    }
  else if (!strcmp (request, "index"))
    {
      if (ioctl (fd, SIOCGIFINDEX, &ifr) < 0)
        return errno;
      printf ("%d\n", ifr.ifr_ifindex);
    }
  else if (!strcmp (request, "name"))
    {
      memset (&ifr, 0, sizeof ifr);
      ifr.ifr_ifindex = atoi (name);
      if (ioctl (fd, SIOCGIFNAME, &ifr) < 0)
        return errno;
      printf ("%s\n", ifr.ifr_name);
    }
  else if (!strcmp (request, "link"))
    {
      struct ethtool_value value = { .cmd = ETHTOOL_GLINK };

      ifr.ifr_data = (void *) &value;
      if (ioctl (fd, SIOCETHTOOL, &ifr) < 0)
        return errno;
      printf ("%u\n", value.data);
    }
  else if (!strcmp (request, "setflags"))
    {
      if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0 || ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
        return errno;
    }
  else
    return EINVAL;
  close (fd);
  return 0;
}

static int
list_interfaces (const char *port)
{
  int error;

  struct if_nameindex *names = if_nameindex ();
  struct ifaddrs *addrs;

  if (names == NULL)
    return errno;
  for (struct if_nameindex *n = names; n->if_index != 0; n++)
    printf ("if %s\n", n->if_name);
  if_freenameindex (names);

  if (getifaddrs (&addrs) < 0)
    return errno;
  for (struct ifaddrs *a = addrs; a != NULL; a = a->ifa_next)
    {
      char ip[INET6_ADDRSTRLEN];

      if (a->ifa_addr == NULL)
        continue;
      if (a->ifa_addr->sa_family == AF_INET)
        inet_ntop (AF_INET, &((struct sockaddr_in *) a->ifa_addr)->sin_addr, ip, sizeof ip);
      else if (a->ifa_addr->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr, ip, sizeof ip);
      else
        continue;
      printf ("addr %s %s\n", a->ifa_name, ip);
    }
  freeifaddrs (addrs);
  if ((error = list_ifconf ()) != 0)
    return error;
  fflush (stdout);
  return *port != '\0' ? tcp (port, 0) : 0;
}

static int
netlink_socket (const char *flags)
{
  long family = AF_NETLINK;
  long type = 0;
  int value;
  socklen_t len = sizeof value;
  const char *sep = "";
  int fd;

  if (strstr (flags, "raw"))
    type |= SOCK_RAW;
  if (strstr (flags, "dgram"))
    type |= SOCK_DGRAM;
  if (strstr (flags, "stream"))
    type |= SOCK_STREAM;
  if (strstr (flags, "cloexec"))
    type |= SOCK_CLOEXEC;
  if (strstr (flags, "nonblock"))
    type |= SOCK_NONBLOCK;
  if (strstr (flags, "badflag"))
    type |= 0x100;
  if (strstr (flags, "high"))
    family |= 0x100000000L;

  fd = syscall (SYS_socket, family, type, (long) NETLINK_ROUTE);
  if (fd < 0)
    return errno;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &value, &len) < 0)
    return errno;
  printf ("type=%d cloexec=%d nonblock=%d names=", value,
          (fcntl (fd, F_GETFD) & FD_CLOEXEC) != 0, (fcntl (fd, F_GETFL) & O_NONBLOCK) != 0);
  /* Through the socket's own network namespace. */
  for (int index = 1; index <= 64; index++)
    {
      struct ifreq ifr = { .ifr_ifindex = index };

      if (ioctl (fd, SIOCGIFNAME, &ifr) == 0)
        {
          printf ("%s%s", sep, ifr.ifr_name);
          sep = ",";
        }
    }
  printf ("\n");
  return 0;
}

static int
exec_without_pid_namespaces (char **argv)
{
#if defined(__x86_64__)
  const unsigned int arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  const unsigned int arch = AUDIT_ARCH_AARCH64;
#endif
  struct sock_filter insns[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 3),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0])),
    BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWPID, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { sizeof insns / sizeof insns[0], insns };

  if (argv[0] == NULL)
    return EINVAL;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    return errno;
  execv (argv[0], argv);
  return errno;
}

int
main (int    argc,
      char **argv)
{
  const char *op = argc > 1 ? argv[1] : "";
  const char *a = argc > 2 ? argv[2] : "";
  const char *b = argc > 3 ? argv[3] : "";
  int fd;

  if (!strcmp (op, "read"))
    {
      char buf[1];
      if ((fd = open (a, O_RDONLY | O_CLOEXEC)) < 0)
        return errno;
      fd = read (fd, buf, 1) < 0 ? errno : 0;
      return fd;
    }
  if (!strcmp (op, "read-at"))
    {
      int dir = open (a, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0)
        return errno;
      return result (openat (dir, b, O_RDONLY | O_CLOEXEC));
    }
  if (!strcmp (op, "write"))
    return result (fd = open (a, O_WRONLY | O_APPEND | O_CLOEXEC)) ? errno
           : result (write (fd, "x", 1));
  if (!strcmp (op, "create"))
    return result (open (a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!strcmp (op, "truncate"))
    return result (truncate (a, 0));
  if (!strcmp (op, "mkdir"))
    return result (mkdir (a, 0755));
  if (!strcmp (op, "unlink"))
    return result (unlink (a));
  if (!strcmp (op, "rename"))
    return result (rename (a, b));
  if (!strcmp (op, "link"))
    return result (link (a, b));
  if (!strcmp (op, "symlink"))
    return result (symlink (a, b));
  if (!strcmp (op, "exec"))
    {
      execl (a, a, "exit", "0", (char *) NULL);
      return errno;
    }
  if (!strcmp (op, "list"))
    {
      DIR *dir = opendir (a);
      if (dir == NULL)
        return errno;
      closedir (dir);
      return 0;
    }
  if (!strcmp (op, "listen"))
    {
      struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (atoi (a)) };
      socklen_t len = sizeof addr;
      int lfd = socket (AF_INET, SOCK_STREAM, 0);

      addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      if (lfd < 0 || bind (lfd, (struct sockaddr *) &addr, sizeof addr) < 0 ||
          listen (lfd, 16) < 0 || getsockname (lfd, (struct sockaddr *) &addr, &len) < 0)
        return errno;
      printf ("%u\n", ntohs (addr.sin_port));
      fflush (stdout);
      sleep (atoi (b));
      return 0;
    }
  if (!strncmp (op, "udp", 3))
    return udp_send (a, b, op);
  if (!strcmp (op, "connect-to"))
    return tcp_to (a, b);
  if (!strcmp (op, "connect") || !strcmp (op, "bind"))
    return tcp (a, !strcmp (op, "bind"));
  if (!strcmp (op, "abstract") || !strcmp (op, "unix"))
    return unix_connect (a, !strcmp (op, "abstract"));
  if (!strcmp (op, "dgram") || !strcmp (op, "dgram-msg"))
    return unix_send (a, !strcmp (op, "dgram-msg"));
  if (!strcmp (op, "kill"))
    return result (kill (atoi (a), argc > 3 ? atoi (b) : 0));
  if (!strcmp (op, "fds"))
    return list_fds ();
  if (!strcmp (op, "daemon"))
    return daemonize (a);
  if (!strcmp (op, "daemon-then-sleep"))
    {
      daemonize (a);
      signal (SIGTERM, SIG_IGN);
      return sleep (60), 0;
    }
  if (!strcmp (op, "sleep"))
    return sleep (atoi (a)), 0;
  if (!strcmp (op, "ignore-term"))
    {
      signal (SIGTERM, SIG_IGN);
      return sleep (atoi (a)), 0;
    }
  if (!strcmp (op, "env"))
    {
      const char *v = getenv (a);
      if (v == NULL)
        return 1;
      printf ("%s\n", v);
      return 0;
    }
  if (!strcmp (op, "status"))
    return print_status_field (a);
  if (!strcmp (op, "nofile"))
    return print_limit (RLIMIT_NOFILE);
  if (!strcmp (op, "core"))
    return print_limit (RLIMIT_CORE);
  if (!strcmp (op, "personality"))
    return printf ("%#x\n", personality (0xffffffff)), 0;
  if (!strcmp (op, "affinity"))
    return print_affinity ();
  if (!strcmp (op, "hostname"))
    {
      struct utsname uts;
      uname (&uts);
      printf ("%s\n", uts.nodename);
      return 0;
    }
  if (!strcmp (op, "uid"))
    return printf ("%u %u\n", getuid (), getgid ()), 0;
  if (!strcmp (op, "cwd"))
    {
      char buf[4096];
      if (getcwd (buf, sizeof buf) == NULL)
        return errno;
      printf ("%s\n", buf);
      return 0;
    }
  if (!strcmp (op, "sid"))
    return printf ("%d\n", (int) getsid (0)), 0;
  if (!strcmp (op, "forks"))
    {
      int n = atoi (a), made = 0, failed = 0;

      for (; made < n; made++)
        {
          pid_t pid = fork ();
          if (pid == 0)
            {
              sleep (5);
              _exit (0);
            }
          if (pid < 0)
            {
              failed = errno;
              break;
            }
        }
      printf ("%d\n", made);
      fflush (stdout);
      return failed;
    }
  if (!strcmp (op, "clock"))
    {
      struct timespec ts;
      struct timeval tv;

      clock_gettime (CLOCK_REALTIME, &ts);
      gettimeofday (&tv, NULL);
      printf ("%lld %lld %lld\n", (long long) ts.tv_sec, (long long) tv.tv_sec,
              (long long) time (NULL));
      return 0;
    }
  if (!strcmp (op, "random") || !strcmp (op, "urandom"))
    {
      unsigned char bytes[256];
      size_t n = (size_t) atoi (a) < sizeof bytes ? (size_t) atoi (a) : sizeof bytes;
      ssize_t got;

      if (!strcmp (op, "random"))
        got = getrandom (bytes, n, 0);
      else
        {
          int rfd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
          if (rfd < 0)
            return errno;
          got = read (rfd, bytes, n);
          close (rfd);
        }
      if (got != (ssize_t) n)
        return got < 0 ? errno : EIO;
      for (size_t i = 0; i < n; i++)
        printf ("%02x", bytes[i]);
      printf ("\n");
      return 0;
    }
  if (!strcmp (op, "spin"))
    {
      struct timespec start, now;
      double secs = atof (a), elapsed;
      volatile unsigned long x = 0;

      clock_gettime (CLOCK_MONOTONIC, &start);
      do
        {
          for (int i = 0; i < 100000; i++)
            x++;
          clock_gettime (CLOCK_MONOTONIC, &now);
          elapsed = (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
        }
      while (elapsed < secs);
      printf ("%d\n", (int) (100.0 * clock () / CLOCKS_PER_SEC / elapsed));
      return 0;
    }
  if (!strcmp (op, "threads"))
    return start_threads (atoi (a));
  if (!strcmp (op, "alloc"))
    {
      size_t bytes = (size_t) atoi (a) << 20;
      char *p = malloc (bytes);
      if (p == NULL)
        return ENOMEM;
      memset (p, 1, bytes);
      if (argc > 3)
        sleep (atoi (b));
      return 0;
    }
  if (!strcmp (op, "interfaces"))
    return list_interfaces (a);
  if (!strcmp (op, "netlink"))
    return netlink_socket (a);
  if (!strcmp (op, "ifreq"))
    return interface_request (a, b, argc > 4 ? argv[4] : "");
  if (!strcmp (op, "tcgets"))
    {
      struct termios t;
      int fds[2];

      if (pipe (fds) < 0)
        return errno;
      return result (ioctl (fds[0], TCGETS, &t));
    }
  if (!strcmp (op, "no-pidns"))
    return exec_without_pid_namespaces (argv + 2);
  if (!strcmp (op, "exit"))
    return atoi (a);
  if (!strcmp (op, "signal"))
    {
      signal (atoi (a), SIG_DFL);
      raise (atoi (a));
      return 99;
    }

  fprintf (stderr, "probe: unknown operation \"%s\"\n", op);
  return 255;
}
