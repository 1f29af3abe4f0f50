/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "sandlock.h"

G_BEGIN_DECLS

typedef enum {
  SANDLOCK_ACTION_UNSET,
  SANDLOCK_ACTION_COMMIT,
  SANDLOCK_ACTION_ABORT,
  SANDLOCK_ACTION_KEEP,
} SandlockAction;

/*
 * One network allowlist entry: "host:port[,port...]", ":port" or "*:port".
 * host is NULL for any-IP rules.
 */
typedef struct {
  char    *host;
  GArray  *ports;           /* guint16 */
} SandlockNetRule;

/*
 * The whole schema of DESIGN.md. Lists are never NULL; "unset" scalars use
 * the has_* flags or -1 so that a profile merge can tell set from default.
 * Field order follows the schema.
 */
struct _SandlockPolicy {
  gint ref_count;

  /* Filesystem */
  GPtrArray *fs_readable;     /* char* paths */
  GPtrArray *fs_writable;
  GPtrArray *fs_denied;
  char      *workdir;
  char      *cwd;
  char      *chroot;
  GHashTable *fs_mount;       /* virtual path -> host path */
  char      *fs_storage;
  guint64    max_disk;        /* 0 = unset */
  SandlockAction on_exit;
  SandlockAction on_error;

  /* Network */
  GPtrArray *net_allow;       /* SandlockNetRule* */
  GArray    *net_bind;        /* guint16 */
  gboolean   port_remap;
  gboolean   allow_udp;
  gboolean   allow_icmp;
  GPtrArray *http_allow;      /* char* rules */
  GPtrArray *http_deny;
  GArray    *http_ports;      /* guint16 */
  char      *https_ca;
  char      *https_key;

  /* Resources */
  guint64    max_memory;      /* 0 = unset */
  gint64     max_processes;   /* -1 = unset */
  gint64     max_cpu;         /* -1 = unset, else 1..100 */
  gint64     max_open_files;  /* -1 = unset */
  GArray    *cpu_cores;       /* guint */
  gint64     num_cpus;        /* -1 = unset */

  /* System calls */
  GPtrArray *deny_syscalls;   /* char* names */
  GPtrArray *allow_syscalls;

  /* Determinism */
  gboolean   has_random_seed;
  guint64    random_seed;
  char      *time_start;      /* ISO 8601 as given */
  gboolean   no_randomize_memory;
  gboolean   no_huge_pages;
  gboolean   no_coredump;
  gboolean   deterministic_dirs;

  /* Environment */
  gboolean   clean_env;
  GHashTable *env;            /* name -> value */

  /* Identity */
  char      *name;
  gint64     uid;             /* -1 = unset */
  GArray    *gpu_devices;     /* guint; NULL = unset, empty = all */
};

/* The port lists of net_allow rules without a host (Landlock's part). */
GArray *sandlock_policy_connect_ports (SandlockPolicy *policy);

G_END_DECLS
