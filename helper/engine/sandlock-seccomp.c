/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

/*
 * The seccomp-bpf filter: a table-driven blocklist, optionally turned into
 * an allowlist by the policy, compiled once in the parent with libseccomp
 * and loaded in the child with one raw seccomp(2) call.
 *
 * What libseccomp 2.5.4 does, found by trying it (test-seccomp checks the
 * resulting behaviour, so a libseccomp that changes it fails the tests):
 *
 * - A rule may compare each argument only once; two comparisons of the
 *   same argument in one rule are refused with -EINVAL. "Not one of these
 *   values" is therefore built from disjoint masked comparisons, see
 *   add_not_in_set_rules().
 * - An unconditional rule for a syscall swallows every conditional rule
 *   of that syscall, in whichever order they are added and whatever their
 *   actions: seccomp_rule_add() returns 0 and the conditional rule is gone.
 *   So a syscall never gets both; we decide one verdict per syscall first.
 * - A rule whose action equals the default action is refused (-EACCES).
 * - The conditional rules of a syscall form a tree whose siblings are
 *   tried in a fixed order: higher argument index first, then == / &==
 *   before <, <= before >, >=, then larger values first; the first chain
 *   that matches decides, and a chain that fails part way falls through
 *   to the next sibling. An allowlisted syscall with argument rules
 *   therefore gets a catch-all ALLOW "arg0 >= 0", which sorts after every
 *   deny rule as long as no deny rule uses > or >= (none does).
 * - With only the native architecture in the filter, every other
 *   architecture's syscalls (i386 `int $0x80`) and, on x86_64, x32 syscalls
 *   (nr | 0x40000000) take the bad-architecture action.
 * - Numbers libseccomp does not know are accepted as raw numbers.
 */

#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandlock-fd.h"
#include "sandlock-seccomp.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Newer than libseccomp 2.5.4's tables (and Debian 12's headers); the
 * number is the same on every architecture with the unified table. */
#if !defined(__NR_open_tree_attr) && (defined(__x86_64__) || defined(__aarch64__))
#define __NR_open_tree_attr 467
#endif

/* x86_64 and aarch64 number their syscalls below this. */
#define SYSCALL_NR_LIMIT 1024

typedef enum {
  DENY_EPERM,
  DENY_ENOSYS,
  DENY_EAFNOSUPPORT,
  DENY_EOPNOTSUPP,
  N_DENY_ERRNOS,
} DenyErrno;

/* Syscalls denied whatever their arguments. */
typedef struct {
  const char *name;
  DenyErrno   deny;
  int         fallback_nr;    /* when libseccomp does not know the name; 0 = none */
} BlockedSyscall;

static const BlockedSyscall blocked_syscalls[] = {
  /* Newer interfaces userspace retries with an older one on ENOSYS: glibc
   * falls back from clone3 to clone (whose flags we can inspect; clone3
   * keeps them in memory), mount tools from the new mount API to mount(2). */
  { "clone3",           DENY_ENOSYS },
  { "fsopen",           DENY_ENOSYS },
  { "fsconfig",         DENY_ENOSYS },
  { "fsmount",          DENY_ENOSYS },
  { "fspick",           DENY_ENOSYS },
  { "move_mount",       DENY_ENOSYS },
  { "open_tree",        DENY_ENOSYS },
  { "mount_setattr",    DENY_ENOSYS },
#ifdef __NR_open_tree_attr
  { "open_tree_attr",   DENY_ENOSYS, __NR_open_tree_attr },
#endif

  /* Changing the system for everyone: mounts, swap, power, names, kernel
   * code. */
  { "mount",            DENY_EPERM },
  { "umount2",          DENY_EPERM },
  { "pivot_root",       DENY_EPERM },
  { "swapon",           DENY_EPERM },
  { "swapoff",          DENY_EPERM },
  { "reboot",           DENY_EPERM },
  { "sethostname",      DENY_EPERM },
  { "setdomainname",    DENY_EPERM },
  { "kexec_load",       DENY_EPERM },
  { "kexec_file_load",  DENY_EPERM },
  { "init_module",      DENY_EPERM },
  { "finit_module",     DENY_EPERM },
  { "delete_module",    DENY_EPERM },

  /* Namespaces would let the program build its own view of the system;
   * sandlock creates the ones it needs before this filter. */
  { "unshare",          DENY_EPERM },
  { "setns",            DENY_EPERM },

  /* Large kernel attack surface that sandboxed programs rarely need. */
  { "perf_event_open",  DENY_EPERM },
  { "bpf",              DENY_EPERM },
  { "userfaultfd",      DENY_EPERM },
  { "keyctl",           DENY_EPERM },
  { "add_key",          DENY_EPERM },
  { "request_key",      DENY_EPERM },
  { "io_uring_setup",   DENY_EPERM },
  { "io_uring_enter",   DENY_EPERM },
  { "io_uring_register", DENY_EPERM },

  /* Reaching into other processes, or around path-based checks. */
  { "ptrace",           DENY_EPERM },
  { "process_vm_readv", DENY_EPERM },
  { "process_vm_writev", DENY_EPERM },
  { "open_by_handle_at", DENY_EPERM },
  { "name_to_handle_at", DENY_EPERM },

  /* Hardware, quotas, accounting, terminals and obsolete calls. */
  { "ioperm",           DENY_EPERM },
  { "iopl",             DENY_EPERM },
  { "quotactl",         DENY_EPERM },
  { "quotactl_fd",      DENY_EPERM },
  { "acct",             DENY_EPERM },
  { "lookup_dcookie",   DENY_EPERM },
  { "vhangup",          DENY_EPERM },
  { "uselib",           DENY_EPERM },
  { "nfsservctl",       DENY_EPERM },
};

/* Syscalls denied when one argument matches; one comparison per rule. */
typedef struct {
  const char          *name;
  DenyErrno            deny;
  struct scmp_arg_cmp  cmp;
} ArgumentRule;

#define MASKED_EQ(arg_, mask_, value_) \
  { .arg = (arg_), .op = SCMP_CMP_MASKED_EQ, .datum_a = (mask_), .datum_b = (value_) }

static const ArgumentRule argument_rules[] = {
  /* Namespaces through clone(2): the flags are its first argument on
   * x86_64 and aarch64 alike. */
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWNS, CLONE_NEWNS) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWCGROUP, CLONE_NEWCGROUP) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWUTS, CLONE_NEWUTS) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWIPC, CLONE_NEWIPC) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWUSER, CLONE_NEWUSER) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWPID, CLONE_NEWPID) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWNET, CLONE_NEWNET) },
  { "clone", DENY_EPERM, MASKED_EQ (0, CLONE_NEWTIME, CLONE_NEWTIME) },

  /* Typing into, or reconfiguring, the terminal of whoever started the
   * sandbox. The kernel reads the request as 32 bits: compare only those
   * so that high bits cannot slip past. */
  { "ioctl", DENY_EPERM, MASKED_EQ (1, 0xffffffff, TIOCSTI) },
  { "ioctl", DENY_EPERM, MASKED_EQ (1, 0xffffffff, TIOCLINUX) },

  /* TCP Fast Open connects inside a send: the kernel's connect hook (and
   * so Landlock and our connect handler) never sees it, so a sandbox
   * could reach any TCP port. Programs fall back to connect() on the
   * answer a kernel with Fast Open disabled gives. */
  { "sendto",   DENY_EOPNOTSUPP, MASKED_EQ (3, MSG_FASTOPEN, MSG_FASTOPEN) },
  { "sendmsg",  DENY_EOPNOTSUPP, MASKED_EQ (2, MSG_FASTOPEN, MSG_FASTOPEN) },
  { "sendmmsg", DENY_EOPNOTSUPP, MASKED_EQ (3, MSG_FASTOPEN, MSG_FASTOPEN) },
};

/* Syscalls whose 32-bit argument must be one of a few values. */
typedef struct {
  const char *name;
  DenyErrno   deny;
  guint       arg;
  guint       n_values;
  guint32     values[4];
} AllowedValues;

static const AllowedValues allowed_socket_families[] = {
  /* Netlink is how getaddrinfo() and if_nameindex() learn the addresses;
   * the supervisor answers it with a loopback-only view
   * (sandlock-sv-netlink.c). */
  { "socket",     DENY_EAFNOSUPPORT, 0, 4, { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK } },
  /* Only unix sockets come in pairs anyway. */
  { "socketpair", DENY_EAFNOSUPPORT, 0, 1, { AF_UNIX } },
};

/*
 * Always allowed, in allowlist mode too, and never deniable: without them
 * the sandbox cannot start its program (the last step of the spawn is an
 * execve under this filter) or the program cannot exit or return from a
 * signal handler.
 */
static const struct {
  const char *name;
  const char *why;
} always_allowed[] = {
  { "execve",       "the sandbox needs it to start the program" },
  { "exit",         "every program needs it to end" },
  { "exit_group",   "every program needs it to end" },
  { "rt_sigreturn", "the kernel needs it to return from signal handlers" },
};

typedef struct {
  SandlockPolicy *policy;
  scmp_filter_ctx ctx;
  gboolean        allowlist;
  uint32_t        default_action;
  int             errnos[N_DENY_ERRNOS];
  GHashTable     *verdicts;       /* nr -> unconditional action */
  GHashTable     *conditional;    /* nrs that got argument rules */
} Builder;

static int
resolve_name (const char *name)
{
  /* Negative for names libseccomp does not know (__NR_SCMP_ERROR) and for
   * syscalls of other architectures (pseudo numbers). */
  return seccomp_syscall_resolve_name (name);
}

static int
blocked_nr (const BlockedSyscall *blocked)
{
  int nr = resolve_name (blocked->name);

  if (nr == __NR_SCMP_ERROR && blocked->fallback_nr > 0)
    return blocked->fallback_nr;
  return nr;
}

static const BlockedSyscall *
find_blocked (const char *name)
{
  int nr = resolve_name (name);

  for (gsize i = 0; i < G_N_ELEMENTS (blocked_syscalls); i++)
    {
      if (g_str_equal (blocked_syscalls[i].name, name) ||
          (nr >= 0 && blocked_nr (&blocked_syscalls[i]) == nr))
        return &blocked_syscalls[i];
    }
  return NULL;
}

static const char *
always_allowed_why (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (always_allowed); i++)
    {
      if (g_str_equal (always_allowed[i].name, name))
        return always_allowed[i].why;
    }
  return NULL;
}

void
sandlock_seccomp_check_policy (SandlockPolicy *policy,
                               GPtrArray      *problems)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail (problems != NULL);

  for (guint i = 0; i < policy->deny_syscalls->len; i++)
    {
      const char *name = g_ptr_array_index (policy->deny_syscalls, i);
      const char *why;

      if (resolve_name (name) == __NR_SCMP_ERROR)
        g_ptr_array_add (problems,
                         g_strdup_printf ("deny_syscalls: \"%s\" is not a system call this machine knows",
                                          name));
      else if ((why = always_allowed_why (name)) != NULL)
        g_ptr_array_add (problems,
                         g_strdup_printf ("deny_syscalls: %s cannot be denied: %s",
                                          name, why));
    }

  for (guint i = 0; i < policy->allow_syscalls->len; i++)
    {
      const char *name = g_ptr_array_index (policy->allow_syscalls, i);

      if (resolve_name (name) == __NR_SCMP_ERROR)
        g_ptr_array_add (problems,
                         g_strdup_printf ("allow_syscalls: \"%s\" is not a system call this machine knows",
                                          name));
      else if (find_blocked (name) != NULL)
        g_ptr_array_add (problems,
                         g_strdup_printf ("allow_syscalls: %s is always denied by the sandbox and cannot be allowed",
                                          name));
    }
}

static uint32_t
deny_action (Builder   *b,
             DenyErrno  deny)
{
  return SCMP_ACT_ERRNO (b->errnos[deny]);
}

static uint32_t
verdict_get (Builder *b,
             int      nr)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (b->verdicts, GINT_TO_POINTER (nr)));
}

/* The first verdict for a syscall wins: the table, then deny_syscalls,
 * then the allowlist. Actions are never 0, so 0 means "none yet". */
static void
verdict_set (Builder  *b,
             int       nr,
             uint32_t  action)
{
  g_assert (nr >= 0);
  if (verdict_get (b, nr) == 0)
    g_hash_table_insert (b->verdicts, GINT_TO_POINTER (nr), GUINT_TO_POINTER (action));
}

static gboolean
add_rule (Builder                   *b,
          const char                *name,
          int                        nr,
          uint32_t                   action,
          guint                      n_cmp,
          const struct scmp_arg_cmp *cmp,
          GError                   **error)
{
  int rc;

  /* _exact: on the native architecture nothing may be rewritten. */
  rc = seccomp_rule_add_exact_array (b->ctx, action, nr, n_cmp, cmp);
  if (rc < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "Cannot add the seccomp rule for %s: %s",
                   name, g_strerror (-rc));
      return FALSE;
    }
  return TRUE;
}

/*
 * Argument rules only go to syscalls that are not denied outright: in
 * blocklist mode those without a verdict, in allowlist mode the allowed
 * ones (libseccomp would drop them next to an unconditional rule anyway).
 */
static gboolean
wants_argument_rules (Builder    *b,
                      const char *name,
                      int        *nr_out)
{
  int nr = resolve_name (name);
  uint32_t verdict;

  if (nr < 0)
    return FALSE;
  verdict = verdict_get (b, nr);
  if (verdict != 0 && verdict != SCMP_ACT_ALLOW)
    return FALSE;

  g_hash_table_add (b->conditional, GINT_TO_POINTER (nr));
  *nr_out = nr;
  return TRUE;
}

/*
 * Adds rules that match when the low 32 bits of argument @arg are none of
 * @values. libseccomp has no "not in" and refuses two comparisons of one
 * argument in a rule, so walk the binary trie of the values from the top
 * bit: wherever a branch holds none of them, one masked comparison covers
 * that whole branch. The rules are disjoint and match exactly the other
 * 2^32 - n values. The kernel reads these arguments as 32-bit ints, so the
 * upper half is ignored here as it is there.
 */
static gboolean
add_not_in_set_rules (Builder        *b,
                      const char     *name,
                      int             nr,
                      uint32_t        action,
                      guint           arg,
                      const guint32  *values,
                      guint           n_values,
                      guint           depth,
                      guint32         prefix,
                      GError        **error)
{
  guint32 bit, mask;

  if (depth == 32)
    return TRUE;              /* prefix is one of the values */

  bit = (guint32) 1 << (31 - depth);
  mask = ~(bit - 1);          /* the bits decided so far, this one included */

  for (guint side = 0; side < 2; side++)
    {
      guint32 branch = prefix | (side ? bit : 0);
      gboolean holds_value = FALSE;

      for (guint i = 0; i < n_values; i++)
        holds_value |= (values[i] & mask) == branch;

      if (holds_value)
        {
          if (!add_not_in_set_rules (b, name, nr, action, arg, values, n_values,
                                     depth + 1, branch, error))
            return FALSE;
        }
      else
        {
          struct scmp_arg_cmp cmp = MASKED_EQ (arg, mask, branch);

          if (!add_rule (b, name, nr, action, 1, &cmp, error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
add_allowed_values (Builder             *b,
                    const AllowedValues *allowed,
                    GError             **error)
{
  int nr;

  if (!wants_argument_rules (b, allowed->name, &nr))
    return TRUE;

  return add_not_in_set_rules (b, allowed->name, nr, deny_action (b, allowed->deny),
                               allowed->arg, allowed->values, allowed->n_values,
                               0, 0, error);
}

static gboolean
add_personality_rules (Builder  *b,
                       GError  **error)
{
  /* 0xffffffff only queries; ADDR_NO_RANDOMIZE is the sandbox's own
   * no_randomize_memory, which the program may keep asking for. Other
   * personalities change how the kernel treats the program (READ_IMPLIES_EXEC,
   * other ABIs). */
  AllowedValues personality_values = {
    "personality", DENY_EPERM, 0, 2, { PER_LINUX, 0xffffffff },
  };

  if (b->policy->no_randomize_memory)
    personality_values.values[personality_values.n_values++] = PER_LINUX | ADDR_NO_RANDOMIZE;

  return add_allowed_values (b, &personality_values, error);
}

/*
 * Internet sockets: raw ones are always denied (ping sockets are
 * SOCK_DGRAM + IPPROTO_ICMP, not raw); datagram ones need allow_udp, or
 * allow_icmp for ping sockets alone. The type is masked with 0xf because
 * SOCK_NONBLOCK and SOCK_CLOEXEC may be or'ed in; the kernel masks it the
 * same way.
 */
static gboolean
add_socket_type_rules (Builder  *b,
                       GError  **error)
{
  static const struct {
    int family;
    int icmp;
  } inet[] = {
    { AF_INET,  IPPROTO_ICMP },
    { AF_INET6, IPPROTO_ICMPV6 },
  };
  uint32_t eperm = deny_action (b, DENY_EPERM);
  /* Unix datagram sockets can name any destination in every send: the
   * supervisor gates pathname unix sockets at connect() only, so they are
   * refused like UDP. Stream and seqpacket sockets ignore or refuse an
   * address when sending. */
  struct scmp_arg_cmp unix_dgram[] = {
    MASKED_EQ (0, 0xffffffff, AF_UNIX),
    MASKED_EQ (1, 0xf, SOCK_DGRAM),
  };
  /* Netlink is there for what getaddrinfo() and if_nameindex() ask the
   * routing family (whose sockets the supervisor makes in a loopback-only
   * network namespace: this EPERM wins over its trap); every other netlink
   * protocol talks to the kernel about things a sandbox has no business
   * with (audit, netfilter, uevents...). */
  struct scmp_arg_cmp other_netlink[] = {
    MASKED_EQ (0, 0xffffffff, AF_NETLINK),
    { .arg = 2, .op = SCMP_CMP_NE, .datum_a = NETLINK_ROUTE },
  };
  int nr;

  if (wants_argument_rules (b, "socketpair", &nr) &&
      !add_rule (b, "socketpair", nr, eperm, G_N_ELEMENTS (unix_dgram), unix_dgram, error))
    return FALSE;
  if (!wants_argument_rules (b, "socket", &nr))
    return TRUE;
  if (!add_rule (b, "socket", nr, eperm, G_N_ELEMENTS (unix_dgram), unix_dgram, error) ||
      !add_rule (b, "socket", nr, eperm, G_N_ELEMENTS (other_netlink), other_netlink, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (inet); i++)
    {
      struct scmp_arg_cmp raw[] = {
        MASKED_EQ (0, 0xffffffff, inet[i].family),
        MASKED_EQ (1, 0xf, SOCK_RAW),
      };
      struct scmp_arg_cmp dgram[] = {
        MASKED_EQ (0, 0xffffffff, inet[i].family),
        MASKED_EQ (1, 0xf, SOCK_DGRAM),
        /* A protocol with high bits set fails this and is denied: safe. */
        { .arg = 2, .op = SCMP_CMP_NE, .datum_a = inet[i].icmp },
      };

      if (!add_rule (b, "socket", nr, eperm, G_N_ELEMENTS (raw), raw, error))
        return FALSE;

      if (b->policy->allow_udp)
        continue;
      if (!add_rule (b, "socket", nr, eperm,
                     b->policy->allow_icmp ? 3 : 2, dgram, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
add_argument_rules (Builder  *b,
                    GError  **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (argument_rules); i++)
    {
      const ArgumentRule *rule = &argument_rules[i];
      int nr;

      if (wants_argument_rules (b, rule->name, &nr) &&
          !add_rule (b, rule->name, nr, deny_action (b, rule->deny), 1, &rule->cmp, error))
        return FALSE;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (allowed_socket_families); i++)
    {
      if (!add_allowed_values (b, &allowed_socket_families[i], error))
        return FALSE;
    }

  return add_personality_rules (b, error) &&
         add_socket_type_rules (b, error);
}

static void
collect_verdicts (Builder *b)
{
  for (gsize i = 0; i < G_N_ELEMENTS (blocked_syscalls); i++)
    {
      int nr = blocked_nr (&blocked_syscalls[i]);

      if (nr >= 0)
        verdict_set (b, nr, deny_action (b, blocked_syscalls[i].deny));
    }

  /* Names of other architectures resolve to negative pseudo numbers:
   * nothing to do here, so one profile serves x86_64 and aarch64. */
  for (guint i = 0; i < b->policy->deny_syscalls->len; i++)
    {
      int nr = resolve_name (g_ptr_array_index (b->policy->deny_syscalls, i));

      if (nr >= 0)
        verdict_set (b, nr, deny_action (b, DENY_EPERM));
    }

  if (!b->allowlist)
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (always_allowed); i++)
    {
      int nr = resolve_name (always_allowed[i].name);

      if (nr >= 0)
        verdict_set (b, nr, SCMP_ACT_ALLOW);
    }

  for (guint i = 0; i < b->policy->allow_syscalls->len; i++)
    {
      int nr = resolve_name (g_ptr_array_index (b->policy->allow_syscalls, i));

      if (nr >= 0)
        verdict_set (b, nr, SCMP_ACT_ALLOW);
    }

  /* Known but not allowed: EPERM. Unknown (newer than libseccomp): the
   * default ENOSYS, as on a kernel that lacks them. */
  for (int nr = 0; nr < SYSCALL_NR_LIMIT; nr++)
    {
      char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);

      if (name != NULL)
        verdict_set (b, nr, deny_action (b, DENY_EPERM));
      free (name);
    }
}

static gint
compare_nr (gconstpointer a,
            gconstpointer b)
{
  return GPOINTER_TO_INT (*(gconstpointer *) a) - GPOINTER_TO_INT (*(gconstpointer *) b);
}

static gboolean
add_unconditional_rules (Builder  *b,
                         GError  **error)
{
  guint n_nrs = 0;
  g_autofree gpointer *nrs = g_hash_table_get_keys_as_array (b->verdicts, &n_nrs);

  /* Sorted so that the same policy always gives the same program. */
  qsort (nrs, n_nrs, sizeof (gpointer), compare_nr);

  for (guint i = 0; i < n_nrs; i++)
    {
      int nr = GPOINTER_TO_INT (nrs[i]);
      uint32_t action = verdict_get (b, nr);
      g_autofree char *name = NULL;

      if (action == b->default_action ||
          g_hash_table_contains (b->conditional, GINT_TO_POINTER (nr)))
        continue;

      name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      if (!add_rule (b, name != NULL ? name : "an unnamed syscall", nr, action, 0, NULL, error))
        return FALSE;
    }

  return TRUE;
}

/* Allowlisted syscalls with argument rules: allow what no rule denied. */
static gboolean
add_catch_all_rules (Builder  *b,
                     GError  **error)
{
  static const struct scmp_arg_cmp any = { .arg = 0, .op = SCMP_CMP_GE, .datum_a = 0 };
  GHashTableIter iter;
  gpointer key;

  if (!b->allowlist)
    return TRUE;

  g_hash_table_iter_init (&iter, b->conditional);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!add_rule (b, "an allowed syscall", GPOINTER_TO_INT (key), SCMP_ACT_ALLOW, 1, &any, error))
        return FALSE;
    }

  return TRUE;
}

static SandlockFilter *
export_filter (scmp_filter_ctx   ctx,
               GError          **error)
{
  sandlock_autofd int fd = -1;
  g_autofree struct sock_filter *insns = NULL;
  SandlockFilter *filter;
  off_t size;
  gsize done = 0;
  int rc;

  /* libseccomp 2.5 only exports to an fd. */
  fd = memfd_create ("sandlock-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "Cannot create a memfd for the seccomp filter: %s",
                   g_strerror (saved_errno));
      return NULL;
    }

  rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "Cannot generate the seccomp filter: %s", g_strerror (-rc));
      return NULL;
    }

  size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof (struct sock_filter) != 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "libseccomp produced a seccomp filter of %lld bytes",
                   (long long) size);
      return NULL;
    }
  if (size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "The seccomp filter has %lld instructions, the kernel takes at most %d; "
                   "allow or deny fewer syscalls",
                   (long long) (size / sizeof (struct sock_filter)), BPF_MAXINSNS);
      return NULL;
    }

  insns = g_malloc (size);
  while (done < (gsize) size)
    {
      ssize_t n = pread (fd, (char *) insns + done, size - done, done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = n < 0 ? errno : EIO;
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                       "Cannot read back the seccomp filter: %s",
                       g_strerror (saved_errno));
          return NULL;
        }
      done += n;
    }

  filter = g_new0 (SandlockFilter, 1);
  filter->prog.len = size / sizeof (struct sock_filter);
  filter->prog.filter = g_steal_pointer (&insns);
  return filter;
}

SandlockFilter *
sandlock_seccomp_compile_full (SandlockPolicy              *policy,
                               const SandlockSeccompErrnos *errnos,
                               GError                     **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) verdicts = NULL;
  g_autoptr(GHashTable) conditional = NULL;
  Builder b = { 0 };
  SandlockFilter *filter = NULL;
  int rc;

  g_return_val_if_fail (policy != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  problems = g_ptr_array_new_with_free_func (g_free);
  sandlock_seccomp_check_policy (policy, problems);
  if (problems->len > 0)
    {
      g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_INVALID_POLICY,
                           g_ptr_array_index (problems, 0));
      return NULL;
    }

  verdicts = g_hash_table_new (NULL, NULL);
  conditional = g_hash_table_new (NULL, NULL);

  b.policy = policy;
  b.verdicts = verdicts;
  b.conditional = conditional;
  b.allowlist = policy->allow_syscalls->len > 0;
  b.errnos[DENY_EPERM] = errnos != NULL && errnos->eperm != 0 ? errnos->eperm : EPERM;
  b.errnos[DENY_ENOSYS] = errnos != NULL && errnos->enosys != 0 ? errnos->enosys : ENOSYS;
  b.errnos[DENY_EAFNOSUPPORT] =
    errnos != NULL && errnos->eafnosupport != 0 ? errnos->eafnosupport : EAFNOSUPPORT;
  b.errnos[DENY_EOPNOTSUPP] =
    errnos != NULL && errnos->eopnotsupp != 0 ? errnos->eopnotsupp : EOPNOTSUPP;
  /* In allowlist mode, syscalls nobody has heard of fail as on an older
   * kernel, so that programs fall back. */
  b.default_action = b.allowlist ? deny_action (&b, DENY_ENOSYS) : SCMP_ACT_ALLOW;

  b.ctx = seccomp_init (b.default_action);
  if (b.ctx == NULL)
    {
      g_set_error_literal (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                           "Cannot initialize libseccomp");
      return NULL;
    }

  /* A syscall of another ABI (i386 through int $0x80, x32) would bypass
   * every rule keyed on native numbers: kill the whole process. The
   * binary tree keeps the per-syscall cost logarithmic. */
  if ((rc = seccomp_attr_set (b.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
      (rc = seccomp_attr_set (b.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "Cannot configure libseccomp: %s", g_strerror (-rc));
      goto out;
    }

  collect_verdicts (&b);

  if (!add_argument_rules (&b, error) ||
      !add_catch_all_rules (&b, error) ||
      !add_unconditional_rules (&b, error))
    goto out;

  filter = export_filter (b.ctx, error);

out:
  seccomp_release (b.ctx);
  return filter;
}

SandlockFilter *
sandlock_seccomp_compile (SandlockPolicy  *policy,
                          GError         **error)
{
  return sandlock_seccomp_compile_full (policy, NULL, error);
}

void
sandlock_seccomp_filter_free (SandlockFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->prog.filter);
  g_free (filter);
}

int
sandlock_seccomp_load (const SandlockFilter *filter)
{
  /* Runs in the forked child: no GLib, no allocation, only the syscall. */
  if (filter == NULL || filter->prog.filter == NULL)
    return -EINVAL;

  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter->prog) != 0)
    return -errno;

  return 0;
}
