/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A policy being edited: the a{sv} the helper takes, with typed access per
 * field. Values are kept as the schema spells them (see README.md, "Policy
 * reference"); a value that does not parse (an imported "lots" for a size)
 * is kept as given, so ValidatePolicy can say what is wrong with it.
 *
 * "changed" (detailed by the field name, no detail when everything was
 * replaced) is emitted after every modification.
 */
#define SANDLOCK_TYPE_POLICY_MODEL (sandlock_policy_model_get_type ())
G_DECLARE_FINAL_TYPE (SandlockPolicyModel, sandlock_policy_model, SANDLOCK, POLICY_MODEL, GObject)

/* How each field is edited and stored. */
typedef enum {
  SANDLOCK_POLICY_KIND_UNKNOWN,
  SANDLOCK_POLICY_KIND_PATH_LIST,    /* as */
  SANDLOCK_POLICY_KIND_STRING_LIST,  /* as */
  SANDLOCK_POLICY_KIND_NUMBER_LIST,  /* au (ports, CPU numbers) */
  SANDLOCK_POLICY_KIND_PATH,         /* s */
  SANDLOCK_POLICY_KIND_STRING,       /* s (ISO 8601 times, names) */
  SANDLOCK_POLICY_KIND_SIZE,         /* s such as "512M", or t bytes */
  SANDLOCK_POLICY_KIND_INT,          /* x */
  SANDLOCK_POLICY_KIND_SEED,         /* x, or s beyond G_MAXINT64 */
  SANDLOCK_POLICY_KIND_BOOL,         /* b, absent = false */
  SANDLOCK_POLICY_KIND_ACTION,       /* s: commit, abort or keep */
  SANDLOCK_POLICY_KIND_ENV,          /* a{ss} */
} SandlockPolicyKind;

typedef enum {
  SANDLOCK_POLICY_PRESET_UNTRUSTED,
  SANDLOCK_POLICY_PRESET_BUILD_TOOL,
  SANDLOCK_POLICY_PRESET_NETWORK_CLIENT,
} SandlockPolicyPreset;

typedef enum {
  SANDLOCK_SIZE_UNIT_MIB,
  SANDLOCK_SIZE_UNIT_GIB,
} SandlockSizeUnit;

SandlockPolicyKind   sandlock_policy_field_get_kind     (const char           *field);

SandlockPolicyModel *sandlock_policy_model_new          (void);
/* @policy: an a{sv}, or NULL for an empty policy. */
SandlockPolicyModel *sandlock_policy_model_new_from_variant (GVariant         *policy);
/* @project_dir: the folder a build tool may write (BUILD_TOOL only; may be NULL). */
SandlockPolicyModel *sandlock_policy_model_new_preset   (SandlockPolicyPreset  preset,
                                                         const char           *project_dir);
/* "untrusted", "build-tool", "network-client"; FALSE for other names. */
gboolean             sandlock_policy_preset_from_string (const char           *name,
                                                         SandlockPolicyPreset *preset);

/* Whole policy. */
void                 sandlock_policy_model_set_variant  (SandlockPolicyModel  *self,
                                                         GVariant             *policy);
GVariant            *sandlock_policy_model_to_variant   (SandlockPolicyModel  *self);
gboolean             sandlock_policy_model_load_json    (SandlockPolicyModel  *self,
                                                         const char           *json,
                                                         GError              **error);
char                *sandlock_policy_model_to_json      (SandlockPolicyModel  *self);
gboolean             sandlock_policy_model_is_empty     (SandlockPolicyModel  *self);

/* Any field: NULL when unset; set NULL to unset. */
gboolean             sandlock_policy_model_has          (SandlockPolicyModel  *self,
                                                         const char           *field);
GVariant            *sandlock_policy_model_get          (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set          (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         GVariant             *value);

/* Lists (paths, strings, numbers as text): never NULL. */
GStrv                sandlock_policy_model_get_list     (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set_list     (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         const char * const   *items);
/* FALSE when @item is already there (or empty). */
gboolean             sandlock_policy_model_add_item     (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         const char           *item);
/* FALSE when @item was not there. */
gboolean             sandlock_policy_model_remove_item  (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         const char           *item);

/* Scalars as text, for entries: "" when unset; setting "" unsets. */
char                *sandlock_policy_model_get_text     (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set_text     (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         const char           *text);

gboolean             sandlock_policy_model_get_boolean  (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set_boolean  (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         gboolean              value);
/* -1 when unset (or not a number); setting a negative value unsets. */
gint64               sandlock_policy_model_get_int      (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set_int      (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         gint64                value);
/* 0 when unset (or not a size); setting 0 unsets. */
guint64              sandlock_policy_model_get_size     (SandlockPolicyModel  *self,
                                                         const char           *field);
void                 sandlock_policy_model_set_size     (SandlockPolicyModel  *self,
                                                         const char           *field,
                                                         guint64               bytes);

/* env: "NAME=value" strings sorted by name; a NULL value removes. */
GStrv                sandlock_policy_model_get_env      (SandlockPolicyModel  *self);
void                 sandlock_policy_model_set_env_var  (SandlockPolicyModel  *self,
                                                         const char           *name,
                                                         const char           *value);

/* Sizes as the schema spells them: "512M", "2G", "1.5G", plain bytes. */
gboolean             sandlock_policy_parse_size         (const char           *text,
                                                         guint64              *bytes);
char                *sandlock_policy_format_size        (guint64               bytes);
/* A size as a number of MiB or GiB (GiB when it is a whole number of them). */
double               sandlock_policy_size_to_unit       (guint64               bytes,
                                                         SandlockSizeUnit     *unit);
guint64              sandlock_policy_size_from_unit     (double                value,
                                                         SandlockSizeUnit      unit);

/* Splits a ValidatePolicy problem "field: message"; NULL when it names no
 * known field (the whole policy). @message (optional) gets the rest. */
char                *sandlock_policy_problem_get_field  (const char           *problem,
                                                         char                **message);

/* Whether one of @problem's lines is about the list item @item: it starts
 * with it ("/nope does not exist") or quotes it ("\"bad rule\" is not ..."). */
gboolean             sandlock_policy_problem_names_item (const char       *problem,
                                                         const char       *item);

/* Profile names the helper accepts: 1-64 of A-Za-z0-9._- not starting with '.'. */
gboolean             sandlock_policy_profile_name_is_valid (const char        *name);

G_END_DECLS
