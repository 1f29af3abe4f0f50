/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interface ioctls, answered from the loopback-only view that netlink
 * shows (sandlock-sv-netlink.c): SIOCGIFCONF lists lo alone, SIOCGIFFLAGS,
 * SIOCGIFADDR, SIOCGIFINDEX and the like know lo and nothing else (ENODEV),
 * SIOCGIFNAME names index 1 only. The program's sockets stay in the host's
 * network namespace, where the kernel would answer these from the host's
 * interfaces; so they are trapped, by request number only (every other
 * ioctl, on terminals and files, never leaves the kernel), and the
 * supervisor makes the same request on a socket of its own in the view,
 * of the program's socket's family (the answers differ by family: an IPv6
 * socket has no SIOCGIFADDR), with the argument copied in and the answer
 * copied out. The kernel answers; nothing is made up, apart from
 * ethtool's variable-size reports (EOPNOTSUPP) and the errno of a few
 * requests that need a capability, worked out as noted below.
 *
 * Only GET requests go to the view. The supervisor's user owns the view's
 * user namespace, so there it may change things the program may not: SET
 * requests are never trapped, the host's kernel refuses them as it would
 * (EPERM: the sandbox holds no CAP_NET_ADMIN over the host's network, and
 * the capability is checked before the interface is looked up, so the
 * errno tells nothing); the GET requests that need a capability
 * (SIOCGMIIPHY, SIOCGMIIREG, SIOCGSKNS) are not trapped either. The
 * wireless, ethtool and VLAN requests that share a number with GET ones
 * and need a capability are answered here, without going to the view,
 * with the errno the kernel would give (EPERM, or ENODEV first where it
 * looks the interface up first: looked up in the view).
 *
 * A request whose argument carries a pointer (ethtool's data, the wireless
 * extensions' buffers, driver-private ioctls) is never passed on as it is:
 * the pointer would name the supervisor's memory. Ethtool's fixed-size GET
 * reports are copied through a buffer of ours; the rest go with the
 * interface name alone, which is all lo needs to say it does not support
 * them (lo is neither wireless nor a driver with private ioctls).
 *
 * The program's file descriptor is only looked at (is it a socket, of
 * which family), through a duplicate, and the request made on our own
 * socket: a racing thread that swaps the descriptor changes nothing but
 * the family whose answer it gets. A file that is not a socket answers
 * ENOTTY, as the kernel says for every file but a tun device.
 *
 * Without a view (no user namespace of the sandbox's own, as for netlink,
 * or the maker failed) every trapped request is refused with EPERM and
 * reported: the supervisor cannot show lo without a network namespace, and
 * will not show the host's.
 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/sockios.h>
#include <linux/wireless.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-supervisor-private.h"

#define ONE(request) { request, request }

/* Every GET request that names or lists interfaces and needs no
 * capability; the numbers the kernel answers ENOTTY to whatever the
 * interface (SIOCGIFCOUNT, SIOCGIFMEM, SIOCGIFENCAP) are left out. */
static const SandlockArgRange interface_requests[] = {
  ONE (SIOCGIFNAME),
  ONE (SIOCGIFCONF),
  ONE (SIOCGIFFLAGS),
  ONE (SIOCGIFADDR),
  ONE (SIOCGIFDSTADDR),
  ONE (SIOCGIFBRDADDR),
  ONE (SIOCGIFNETMASK),
  ONE (SIOCGIFMETRIC),
  ONE (SIOCGIFMTU),
  ONE (SIOCGIFHWADDR),
  ONE (SIOCGIFSLAVE),
  ONE (SIOCGIFINDEX),
  ONE (SIOCGIFPFLAGS),
  ONE (SIOCGIFTXQLEN),
  ONE (SIOCETHTOOL),
  ONE (SIOCWANDEV),
  ONE (SIOCGARP),
  ONE (SIOCGIFMAP),
  /* One handler for both numbers, GET and SET commands alike. */
  ONE (SIOCGIFVLAN),
  ONE (SIOCSIFVLAN),
  ONE (SIOCGHWTSTAMP),
  { SIOCDEVPRIVATE, SIOCDEVPRIVATE + 15 },
  /* The wireless extensions, SET requests included: the kernel checks
   * the capability for them, but we answer the whole range. */
  { SIOCIWFIRST, SIOCIWLAST },
};

typedef enum {
  KIND_UNKNOWN,    /* not ours: refused */
  KIND_IFREQ,      /* a struct ifreq in, the kernel's out */
  KIND_IFCONF,     /* struct ifconf and the buffer it points to */
  KIND_ARP,        /* a struct arpreq in, the kernel's out */
  KIND_NAME,       /* an ifreq whose rest may be a pointer: the name only */
  KIND_WIRELESS,   /* a struct iwreq, likewise; SET requests refused */
  KIND_ETHTOOL,
  KIND_VLAN,
} Kind;

static Kind
classify (guint32 request)
{
  switch (request)
    {
    case SIOCGIFNAME:
    case SIOCGIFFLAGS:
    case SIOCGIFADDR:
    case SIOCGIFDSTADDR:
    case SIOCGIFBRDADDR:
    case SIOCGIFNETMASK:
    case SIOCGIFMETRIC:
    case SIOCGIFMTU:
    case SIOCGIFHWADDR:
    case SIOCGIFSLAVE:
    case SIOCGIFINDEX:
    case SIOCGIFPFLAGS:
    case SIOCGIFTXQLEN:
    case SIOCGIFMAP:
      return KIND_IFREQ;
    case SIOCGIFCONF:
      return KIND_IFCONF;
    case SIOCGARP:
      return KIND_ARP;
    case SIOCETHTOOL:
      return KIND_ETHTOOL;
    case SIOCGIFVLAN:
    case SIOCSIFVLAN:
      return KIND_VLAN;
    case SIOCWANDEV:
    case SIOCGHWTSTAMP:
      return KIND_NAME;
    default:
      break;
    }
  if (request >= SIOCDEVPRIVATE && request <= SIOCDEVPRIVATE + 15)
    return KIND_NAME;
  if (request >= SIOCIWFIRST && request <= SIOCIWLAST)
    return KIND_WIRELESS;
  /* A request added to the table but not here: its argument may hold a
   * pointer, which must never reach the view unchecked. */
  return KIND_UNKNOWN;
}

/* For reports: "SIOCGIFCONF". */
static void
format_request (guint32  request,
                char    *out,
                gsize    size)
{
#define NAME(r) case r: g_strlcpy (out, #r, size); return;
  switch (request)
    {
    NAME (SIOCGIFNAME) NAME (SIOCGIFCONF) NAME (SIOCGIFFLAGS) NAME (SIOCGIFADDR)
    NAME (SIOCGIFDSTADDR) NAME (SIOCGIFBRDADDR) NAME (SIOCGIFNETMASK)
    NAME (SIOCGIFMETRIC) NAME (SIOCGIFMTU) NAME (SIOCGIFHWADDR) NAME (SIOCGIFSLAVE)
    NAME (SIOCGIFINDEX) NAME (SIOCGIFPFLAGS) NAME (SIOCGIFTXQLEN) NAME (SIOCETHTOOL)
    NAME (SIOCWANDEV) NAME (SIOCGARP) NAME (SIOCGIFMAP) NAME (SIOCGIFVLAN)
    NAME (SIOCSIFVLAN) NAME (SIOCGHWTSTAMP)
    default:
      break;
    }
#undef NAME
  if (request >= SIOCDEVPRIVATE && request <= SIOCDEVPRIVATE + 15)
    g_snprintf (out, size, "SIOCDEVPRIVATE+%u", request - SIOCDEVPRIVATE);
  else if (request >= SIOCIWFIRST && request <= SIOCIWLAST)
    g_snprintf (out, size, "wireless 0x%04x", request);
  else
    g_snprintf (out, size, "0x%08x", request);
}

/* Ethtool's GET reports of a fixed size, which we copy through a buffer of
 * ours: all lo gives besides "not supported". */
static const struct {
  guint32 cmd;
  guint32 size;
} ethtool_fixed[] = {
  { ETHTOOL_GSET,        sizeof (struct ethtool_cmd) },
  { ETHTOOL_GDRVINFO,    sizeof (struct ethtool_drvinfo) },
  { ETHTOOL_GMSGLVL,     sizeof (struct ethtool_value) },
  { ETHTOOL_GLINK,       sizeof (struct ethtool_value) },
  { ETHTOOL_GCOALESCE,   sizeof (struct ethtool_coalesce) },
  { ETHTOOL_GRINGPARAM,  sizeof (struct ethtool_ringparam) },
  { ETHTOOL_GPAUSEPARAM, sizeof (struct ethtool_pauseparam) },
  { ETHTOOL_GRXCSUM,     sizeof (struct ethtool_value) },
  { ETHTOOL_GTXCSUM,     sizeof (struct ethtool_value) },
  { ETHTOOL_GSG,         sizeof (struct ethtool_value) },
  { ETHTOOL_GTSO,        sizeof (struct ethtool_value) },
  { ETHTOOL_GUFO,        sizeof (struct ethtool_value) },
  { ETHTOOL_GGSO,        sizeof (struct ethtool_value) },
  { ETHTOOL_GGRO,        sizeof (struct ethtool_value) },
  { ETHTOOL_GFLAGS,      sizeof (struct ethtool_value) },
  { ETHTOOL_GPFLAGS,     sizeof (struct ethtool_value) },
  { ETHTOOL_GCHANNELS,   sizeof (struct ethtool_channels) },
  { ETHTOOL_GET_TS_INFO, sizeof (struct ethtool_ts_info) },
  { ETHTOOL_GEEE,        sizeof (struct ethtool_eee) },
  { ETHTOOL_GFECPARAM,   sizeof (struct ethtool_fecparam) },
};

/* The other commands anyone may give (net/ethtool/ioctl.c): their reports
 * have a size of their own making (string sets, statistics, features, the
 * permanent address, RSS tables), so lo answers them EOPNOTSUPP here. The
 * kernel wants CAP_NET_ADMIN for every command not listed. */
static const guint32 ethtool_unprivileged[] = {
  ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS, ETHTOOL_GSTATS, ETHTOOL_GPHYSTATS,
  ETHTOOL_GPERMADDR, ETHTOOL_GRXFH, ETHTOOL_GRXRINGS, ETHTOOL_GRXCLSRLCNT,
  ETHTOOL_GRXCLSRULE, ETHTOOL_GRXCLSRLALL, ETHTOOL_GRXFHINDIR, ETHTOOL_GRSSH,
  ETHTOOL_GFEATURES, ETHTOOL_GTUNABLE, ETHTOOL_PHY_GTUNABLE, ETHTOOL_GLINKSETTINGS,
};

/* The view's answer to @request, made on @arg (ours): 0 or -errno. */
static int
view_ioctl (int          view,
            guint32      request,
            void        *arg)
{
  return ioctl (view, request, arg) < 0 ? -errno : 0;
}

/* Does the view have @ifr's interface? 0, or the errno SIOCGIFINDEX gives
 * (ENODEV), as -errno. */
static int
view_lookup (int                 view,
             const struct ifreq *ifr)
{
  struct ifreq probe = { 0 };

  memcpy (probe.ifr_name, ifr->ifr_name, IFNAMSIZ);
  return view_ioctl (view, SIOCGIFINDEX, &probe);
}

static gint64
answer_ifreq (SandlockSupervisor         *sv,
              const struct seccomp_notif *req,
              int                         view,
              guint32                     request,
              guint64                     arg)
{
  struct ifreq ifr;
  int ret;

  if (!sandlock_supervisor_read (sv, req, arg, &ifr, sizeof ifr))
    return -EFAULT;
  if ((ret = view_ioctl (view, request, &ifr)) < 0)
    return ret;
  return sandlock_supervisor_write (sv, req, arg, &ifr, sizeof ifr) ? 0 : -EFAULT;
}

/* As many entries as the view could ever list (it has one): a longer
 * buffer of the program's gets as much as the kernel would write. */
#define IFCONF_MAX_ENTRIES 64

static gint64
answer_ifconf (SandlockSupervisor         *sv,
               const struct seccomp_notif *req,
               int                         view,
               guint64                     arg)
{
  struct ifreq entries[IFCONF_MAX_ENTRIES];
  struct ifconf ifc;
  guint64 buffer;
  int ret;

  if (!sandlock_supervisor_read (sv, req, arg, &ifc, sizeof ifc))
    return -EFAULT;
  /* Without a buffer the kernel tells the length it needs; with a
   * negative length it writes nothing and says 0. */
  buffer = (guintptr) ifc.ifc_buf;
  if (buffer != 0)
    {
      ifc.ifc_buf = (char *) entries;
      ifc.ifc_len = MIN (ifc.ifc_len, (int) sizeof entries);
    }
  if ((ret = view_ioctl (view, SIOCGIFCONF, &ifc)) < 0)
    return ret;
  if (ifc.ifc_len < 0 || (buffer != 0 && (gsize) ifc.ifc_len > sizeof entries))
    return -EPERM;   /* cannot be: the kernel wrote what fits */
  if (buffer != 0 && ifc.ifc_len > 0 &&
      !sandlock_supervisor_write (sv, req, buffer, entries, ifc.ifc_len))
    return -EFAULT;
  /* Then the length, as put_user() does: the pointer stays the program's. */
  if (!sandlock_supervisor_write (sv, req, arg + offsetof (struct ifconf, ifc_len),
                                  &ifc.ifc_len, sizeof ifc.ifc_len))
    return -EFAULT;
  return 0;
}

static gint64
answer_arp (SandlockSupervisor         *sv,
            const struct seccomp_notif *req,
            int                         view,
            guint64                     arg)
{
  struct arpreq arp;
  int ret;

  if (!sandlock_supervisor_read (sv, req, arg, &arp, sizeof arp))
    return -EFAULT;
  if ((ret = view_ioctl (view, SIOCGARP, &arp)) < 0)
    return ret;
  return sandlock_supervisor_write (sv, req, arg, &arp, sizeof arp) ? 0 : -EFAULT;
}

/* The name goes to the view, nothing else; only the result comes back (lo
 * supports none of these, so there is no report to copy). @size is what
 * the kernel reads (an ifreq, or an iwreq, which is shorter). */
static gint64
answer_name_only (SandlockSupervisor         *sv,
                  const struct seccomp_notif *req,
                  int                         view,
                  guint32                     request,
                  guint64                     arg,
                  gsize                       size)
{
  struct ifreq ifr = { 0 };

  g_assert (size <= sizeof ifr && size >= IFNAMSIZ);
  if (!sandlock_supervisor_read (sv, req, arg, &ifr, size))
    return -EFAULT;
  memset ((char *) &ifr + IFNAMSIZ, 0, sizeof ifr - IFNAMSIZ);
  return view_ioctl (view, request, &ifr);
}

static gint64
answer_wireless (SandlockSupervisor         *sv,
                 const struct seccomp_notif *req,
                 int                         view,
                 guint32                     request,
                 guint64                     arg)
{
  struct iwreq probe = { 0 };
  int ret;

  /* SET requests and the keys need CAP_NET_ADMIN, checked first (before
   * the interface is looked up) on a kernel with the wireless
   * extensions; without them every request is ENOTTY, which asking the
   * view for an interface's protocol name tells. */
  if (IW_IS_SET (request) || request == SIOCGIWENCODE || request == SIOCGIWENCODEEXT)
    {
      struct iwreq iwr;

      if (!sandlock_supervisor_read (sv, req, arg, &iwr, sizeof iwr))
        return -EFAULT;
      memcpy (probe.ifr_name, iwr.ifr_name, IFNAMSIZ);
      ret = view_ioctl (view, SIOCGIWNAME, &probe);
      return ret == -ENOTTY ? -ENOTTY : -EPERM;
    }
  return answer_name_only (sv, req, view, request, arg, sizeof (struct iwreq));
}

static gint64
answer_ethtool (SandlockSupervisor         *sv,
                const struct seccomp_notif *req,
                int                         view)
{
  guint64 arg = req->data.args[2];
  guint64 data;
  struct ifreq ifr;
  guint32 cmd;
  int ret;

  if (!sandlock_supervisor_read (sv, req, arg, &ifr, sizeof ifr))
    return -EFAULT;
  data = (guintptr) ifr.ifr_data;
  if (!sandlock_supervisor_read (sv, req, data, &cmd, sizeof cmd))
    return -EFAULT;

  for (guint i = 0; i < G_N_ELEMENTS (ethtool_fixed); i++)
    if (ethtool_fixed[i].cmd == cmd)
      {
        /* The largest of them, struct ethtool_drvinfo, is 196 bytes. */
        union {
          guint32                cmd;
          struct ethtool_drvinfo drvinfo;
          char                   bytes[256];
        } report;
        gsize size = ethtool_fixed[i].size;

        g_assert (size <= sizeof report);
        if (!sandlock_supervisor_read (sv, req, data, &report, size))
          return -EFAULT;
        /* Read twice: another thread of the program may have changed it
         * between the reads. The request checked is the one that goes
         * (another could be a SET, or write past @report). */
        report.cmd = cmd;
        ifr.ifr_data = (void *) &report;
        if ((ret = view_ioctl (view, SIOCETHTOOL, &ifr)) < 0)
          return ret;
        return sandlock_supervisor_write (sv, req, data, &report, size) ? 0 : -EFAULT;
      }

  /* The kernel looks the interface up first, then checks the capability. */
  if ((ret = view_lookup (view, &ifr)) < 0)
    return ret;
  for (guint i = 0; i < G_N_ELEMENTS (ethtool_unprivileged); i++)
    if (ethtool_unprivileged[i] == cmd)
      return -EOPNOTSUPP;
  return -EPERM;
}

/* The VLAN ioctl: the two GET commands go to the view (a struct without
 * pointers). The others look the interface up before checking the
 * capability, so their errno would tell whether the host has it; the
 * view has no VLAN, so asking it one GET with the same name says what the
 * kernel would answer them. */
static gint64
answer_vlan (SandlockSupervisor         *sv,
             const struct seccomp_notif *req,
             int                         view,
             guint32                     request,
             guint64                     arg)
{
  struct vlan_ioctl_args args;
  struct vlan_ioctl_args probe = { .cmd = GET_VLAN_VID_CMD };
  int ret;

  if (!sandlock_supervisor_read (sv, req, arg, &args, sizeof args))
    return -EFAULT;
  if (args.cmd == GET_VLAN_REALDEV_NAME_CMD || args.cmd == GET_VLAN_VID_CMD)
    {
      if ((ret = view_ioctl (view, request, &args)) < 0)
        return ret;
      return sandlock_supervisor_write (sv, req, arg, &args, sizeof args) ? 0 : -EFAULT;
    }

  memcpy (probe.device1, args.device1, sizeof probe.device1);
  ret = view_ioctl (view, SIOCGIFVLAN, &probe);
  if (ret == 0)
    return -EPERM;   /* a VLAN in the view: cannot be, refuse */
  if (ret == -ENOPKG)
    return ret;      /* no VLAN support loaded: the same for every command */
  switch (args.cmd)
    {
    case SET_VLAN_INGRESS_PRIORITY_CMD:
    case SET_VLAN_EGRESS_PRIORITY_CMD:
    case SET_VLAN_FLAG_CMD:
    case DEL_VLAN_CMD:
      return ret;    /* ENODEV, or EINVAL: not a VLAN */
    case ADD_VLAN_CMD:
      return ret == -ENODEV ? ret : -EPERM;
    case SET_VLAN_NAME_TYPE_CMD:
      return -EPERM;
    default:
      return -EOPNOTSUPP;
    }
}

/* The family of the socket @fd is, as a positive number, or -errno: what
 * the kernel would answer for a file that is no socket. */
static int
socket_family (int fd)
{
  struct stat st;
  int family;
  socklen_t length = sizeof family;

  if (fstat (fd, &st) < 0)
    return -EPERM;
  if (!S_ISSOCK (st.st_mode))
    return -ENOTTY;
  /* EBADF for an O_PATH descriptor, which ioctl() refuses likewise. */
  if (getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &family, &length) < 0)
    return errno == EBADF ? -EBADF : -EPERM;
  return family;
}

static gint64
answer (SandlockSupervisor         *sv,
        const struct seccomp_notif *req,
        int                         view)
{
  guint32 request = (guint32) req->data.args[1];
  guint64 arg = req->data.args[2];

  switch (classify (request))
    {
    case KIND_IFCONF:
      return answer_ifconf (sv, req, view, arg);
    case KIND_ARP:
      return answer_arp (sv, req, view, arg);
    case KIND_NAME:
      return answer_name_only (sv, req, view, request, arg, sizeof (struct ifreq));
    case KIND_WIRELESS:
      return answer_wireless (sv, req, view, request, arg);
    case KIND_ETHTOOL:
      return answer_ethtool (sv, req, view);
    case KIND_VLAN:
      return answer_vlan (sv, req, view, request, arg);
    case KIND_IFREQ:
      return answer_ifreq (sv, req, view, request, arg);
    case KIND_UNKNOWN:
    default:
      return -EPERM;
    }
}

static void
on_ioctl (SandlockSupervisor         *sv,
          const struct seccomp_notif *req,
          struct seccomp_notif_resp  *resp)
{
  guint32 request = (guint32) req->data.args[1];
  SandlockVerdict verdict = SANDLOCK_VERDICT_ALLOW;
  sandlock_autofd int fd = -1;
  const char *how;
  char name[32];
  char detail[128];
  gint64 result;
  int family, view;

  /* The kernel reads the descriptor as an unsigned int. */
  fd = sandlock_supervisor_steal_fd (req, (int) (guint32) req->data.args[0]);
  if (fd < 0)
    {
      result = errno == EBADF ? -EBADF : -EPERM;
      how = "a descriptor we cannot look at";
    }
  else if ((family = socket_family (fd)) < 0)
    {
      result = family;
      how = "not a socket";
    }
  else if ((view = sandlock_sv_netlink_view_socket (sv, family)) < 0)
    {
      /* Refused by the policy: reported even when nobody observes. */
      result = -EPERM;
      verdict = SANDLOCK_VERDICT_DENY;
      how = family != AF_INET && family != AF_INET6 && family != AF_UNIX &&
            family != AF_NETLINK ? "a socket of another family" : "no loopback-only view";
    }
  else
    {
      result = answer (sv, req, view);
      how = "loopback only";
    }
  /* Nothing more is asked of the program's own file. */
  sandlock_close_fd (&fd);

  if (result < 0)
    sandlock_resp_deny (resp, (int) -result);
  else
    sandlock_resp_return (resp, result);
  if (verdict == SANDLOCK_VERDICT_DENY || (sv->flags & SANDLOCK_SPAWN_OBSERVE))
    {
      format_request (request, name, sizeof name);
      g_snprintf (detail, sizeof detail, "interface ioctl %s (%s)", name, how);
      sandlock_supervisor_emit (sv, req, "network", detail, verdict,
                                verdict == SANDLOCK_VERDICT_DENY ? EPERM : 0, "netlink");
    }
}

void
sandlock_sv_ifioctl_install (SandlockSupervisor *sv)
{
  sandlock_supervisor_trap_arg1_in (sv, __NR_ioctl, on_ioctl, interface_requests,
                                    G_N_ELEMENTS (interface_requests));
}
