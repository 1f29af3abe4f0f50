/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "sandlock.h"
#include "sandlock-cert-mint.h"

/* Short-lived leaves: nothing revokes them, and a long sandbox run gets
 * fresh ones from the cache's renewal. */
#define LEAF_LIFETIME  (7 * 24 * 3600)
/* A clock in the sandbox (or a client's) a little behind ours still
 * accepts a leaf minted a moment ago. */
#define LEAF_BACKDATE  3600
/* The sandboxed program chooses which names it connects to: bound what
 * that can make us keep. */
#define CACHE_MAX      1024

typedef struct {
  GTlsCertificate *cert;
  gint64           renew_at;     /* seconds since the epoch */
  guint64          used;         /* mint->clock when last returned */
} CacheEntry;

struct _SandlockCertMint {
  gnutls_x509_crt_t          ca_crt;
  gnutls_privkey_t           ca_key;
  gnutls_digest_algorithm_t  digest;
  char                      *ca_pem;        /* just the CA, re-exported */
  GTlsCertificate           *ca;
  gint64                     ca_not_before;
  gint64                     ca_not_after;
  guint8                     ca_key_id[64];  /* leaves' authority key id */
  size_t                     ca_key_id_len;

  gnutls_x509_privkey_t      leaf_key;
  char                      *leaf_key_pem;  /* PKCS #8, wiped when freed */
  guint8                     leaf_key_id[64];
  size_t                     leaf_key_id_len;

  GMutex                     lock;          /* guards what follows */
  GHashTable                *cache;         /* sorted names joined by '\n' -> CacheEntry */
  guint64                    clock;
};

/* File contents that may hold a key: wiped before they are freed. */
typedef struct {
  char  *data;
  gsize  length;
} Secret;

static void
secret_clear (Secret *secret)
{
  if (secret->data != NULL)
    explicit_bzero (secret->data, secret->length);
  g_clear_pointer (&secret->data, g_free);
  secret->length = 0;
}

/* GnuTLS hands out key material in datums too: all of them are wiped. */
static void
datum_clear (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    {
      explicit_bzero (datum->data, datum->size);
      gnutls_free (datum->data);
    }
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Secret, secret_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_clear)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_privkey_t, gnutls_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_clear_object (&entry->cert);
  g_free (entry);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
format_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC")
                      : g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
}

static char *
datum_to_string (const gnutls_datum_t *datum)
{
  return g_strndup ((const char *) datum->data, datum->size);
}

static gboolean
read_file (const char  *what,
           const char  *path,
           Secret      *contents,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents->data, &contents->length, &local_error))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "%s: %s", what, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_ca_certificate (SandlockCertMint  *mint,
                     const char        *path,
                     GError           **error)
{
  g_auto(Secret) contents = { NULL, 0 };
  g_auto(gnutls_datum_t) subject = { NULL, 0 };
  g_auto(gnutls_datum_t) pem = { NULL, 0 };
  g_autofree char *subject_text = NULL;
  gnutls_datum_t datum;
  unsigned int critical = 0, ca = 0, usage = 0;
  int pathlen = -1;
  gint64 now = now_seconds ();
  int ret;

  if (!read_file ("CA certificate", path, &contents, error))
    return FALSE;
  if (g_strstr_len (contents.data, contents.length, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s is not a PEM certificate (no “-----BEGIN CERTIFICATE-----” "
                   "line; convert a DER file with openssl x509 -inform der -in FILE -out FILE.pem)",
                   path);
      return FALSE;
    }

  datum.data = (unsigned char *) contents.data;
  datum.size = contents.length;
  /* A bundle gives its first certificate: that is the one the key must match. */
  if ((ret = gnutls_x509_crt_init (&mint->ca_crt)) < 0
      || (ret = gnutls_x509_crt_import (mint->ca_crt, &datum, GNUTLS_X509_FMT_PEM)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s cannot be read: %s", path, gnutls_strerror (ret));
      return FALSE;
    }

  if (gnutls_x509_crt_get_dn3 (mint->ca_crt, &subject, 0) >= 0)
    subject_text = datum_to_string (&subject);
  else
    subject_text = g_strdup ("?");

  ret = gnutls_x509_crt_get_basic_constraints (mint->ca_crt, &critical, &ca, &pathlen);
  if (ret <= 0 || !ca)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "%s (%s) is not a CA certificate: it lacks basicConstraints CA:TRUE; "
                   "give the certificate of a CA you created, not a server's",
                   path, subject_text);
      return FALSE;
    }
  ret = gnutls_x509_crt_get_key_usage (mint->ca_crt, &usage, &critical);
  if (ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE
      && (ret < 0 || !(usage & GNUTLS_KEY_KEY_CERT_SIGN)))
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s (%s) may not sign certificates: its keyUsage "
                   "lacks keyCertSign", path, subject_text);
      return FALSE;
    }

  mint->ca_not_before = gnutls_x509_crt_get_activation_time (mint->ca_crt);
  mint->ca_not_after = gnutls_x509_crt_get_expiration_time (mint->ca_crt);
  if (mint->ca_not_before == (time_t) -1 || mint->ca_not_after == (time_t) -1)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s has an unreadable validity period", path);
      return FALSE;
    }
  if (now < mint->ca_not_before)
    {
      g_autofree char *when = format_time (mint->ca_not_before);
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s is not valid before %s (is the clock right?)",
                   path, when);
      return FALSE;
    }
  if (now >= mint->ca_not_after)
    {
      g_autofree char *when = format_time (mint->ca_not_after);
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s expired on %s; create a new CA", path, when);
      return FALSE;
    }

  /* Leaves name the CA's own key identifier when it has one, so that
   * verifiers which build chains by it (OpenSSL) find the CA. */
  mint->ca_key_id_len = sizeof mint->ca_key_id;
  if (gnutls_x509_crt_get_subject_key_id (mint->ca_crt, mint->ca_key_id,
                                          &mint->ca_key_id_len, &critical) < 0)
    {
      mint->ca_key_id_len = sizeof mint->ca_key_id;
      ret = gnutls_x509_crt_get_key_id (mint->ca_crt, GNUTLS_KEYID_USE_SHA1,
                                        mint->ca_key_id, &mint->ca_key_id_len);
      if (ret < 0)
        mint->ca_key_id_len = 0;
    }

  /* Only the CA from the file, without anything else it held. */
  if ((ret = gnutls_x509_crt_export2 (mint->ca_crt, GNUTLS_X509_FMT_PEM, &pem)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA certificate %s cannot be re-encoded: %s", path, gnutls_strerror (ret));
      return FALSE;
    }
  mint->ca_pem = datum_to_string (&pem);
  return TRUE;
}

static gboolean
load_ca_key (SandlockCertMint  *mint,
             const char        *cert_path,
             const char        *path,
             GError           **error)
{
  g_auto(Secret) contents = { NULL, 0 };
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  guint8 cert_id[64], key_id[64];
  size_t cert_id_len = sizeof cert_id, key_id_len = sizeof key_id;
  gnutls_datum_t datum;
  gnutls_digest_algorithm_t preferred;
  int ret;

  if (!read_file ("CA key", path, &contents, error))
    return FALSE;
  if (g_strstr_len (contents.data, contents.length, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL
      || g_strstr_len (contents.data, contents.length, "Proc-Type: 4,ENCRYPTED") != NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA key %s is encrypted; give an unencrypted copy (e.g. from "
                   "openssl pkey -in KEY -out PLAIN.pem) on a private file system", path);
      return FALSE;
    }
  if (g_strstr_len (contents.data, contents.length, "PRIVATE KEY-----") == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA key %s is not a PEM private key (no “-----BEGIN … PRIVATE KEY-----” line)",
                   path);
      return FALSE;
    }

  datum.data = (unsigned char *) contents.data;
  datum.size = contents.length;
  if ((ret = gnutls_x509_privkey_init (&key)) < 0
      || (ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA key %s cannot be read: %s", path, gnutls_strerror (ret));
      return FALSE;
    }

  if (gnutls_x509_crt_get_key_id (mint->ca_crt, GNUTLS_KEYID_USE_SHA256, cert_id, &cert_id_len) < 0
      || gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_len) < 0
      || cert_id_len != key_id_len
      || memcmp (cert_id, key_id, cert_id_len) != 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA key %s does not belong to CA certificate %s", path, cert_path);
      return FALSE;
    }

  if ((ret = gnutls_privkey_init (&mint->ca_key)) < 0
      || (ret = gnutls_privkey_import_x509 (mint->ca_key, key,
                                            GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "CA key %s cannot be used: %s", path, gnutls_strerror (ret));
      return FALSE;
    }
  key = NULL;   /* mint->ca_key owns it now */

  /* SHA-256, or the stronger hash the key goes with (P-384, P-521, and
   * Ed25519, which takes nothing else though GnuTLS calls it optional). */
  mint->digest = GNUTLS_DIG_SHA256;
  if (gnutls_pubkey_init (&pubkey) >= 0
      && gnutls_pubkey_import_x509 (pubkey, mint->ca_crt, 0) >= 0
      && gnutls_pubkey_get_preferred_hash_algorithm (pubkey, &preferred, NULL) >= 0
      && (preferred == GNUTLS_DIG_SHA384 || preferred == GNUTLS_DIG_SHA512
          || preferred == GNUTLS_DIG_SHAKE_256))
    mint->digest = preferred;
  return TRUE;
}

static gboolean
make_leaf_key (SandlockCertMint  *mint,
               GError           **error)
{
  g_auto(gnutls_datum_t) pem = { NULL, 0 };
  int ret;

  mint->leaf_key_id_len = sizeof mint->leaf_key_id;
  if ((ret = gnutls_x509_privkey_init (&mint->leaf_key)) < 0
      || (ret = gnutls_x509_privkey_generate (mint->leaf_key, GNUTLS_PK_ECDSA,
                                              GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                              0)) < 0
      || (ret = gnutls_x509_privkey_get_key_id (mint->leaf_key, GNUTLS_KEYID_USE_SHA1,
                                                mint->leaf_key_id, &mint->leaf_key_id_len)) < 0
      /* Plain PKCS #8: the "PRIVATE KEY" form GIO's PEM parsing takes. */
      || (ret = gnutls_x509_privkey_export2_pkcs8 (mint->leaf_key, GNUTLS_X509_FMT_PEM, NULL,
                                                   GNUTLS_PKCS_PLAIN, &pem)) < 0)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP,
                   "cannot make a key for HTTPS certificates: %s", gnutls_strerror (ret));
      return FALSE;
    }
  mint->leaf_key_pem = datum_to_string (&pem);
  return TRUE;
}

SandlockCertMint *
sandlock_cert_mint_new (const char  *ca_cert_path,
                        const char  *ca_key_path,
                        GError     **error)
{
  g_autoptr(SandlockCertMint) mint = NULL;

  g_return_val_if_fail (ca_cert_path != NULL, NULL);
  g_return_val_if_fail (ca_key_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mint = g_new0 (SandlockCertMint, 1);
  g_mutex_init (&mint->lock);
  mint->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);

  /* The files are checked before GIO is asked for anything, so that what
   * is wrong with them is what the error says. */
  if (!load_ca_certificate (mint, ca_cert_path, error)
      || !load_ca_key (mint, ca_cert_path, ca_key_path, error)
      || !make_leaf_key (mint, error))
    return NULL;
  mint->ca = g_tls_certificate_new_from_pem (mint->ca_pem, -1, error);
  if (mint->ca == NULL)
    return NULL;
  return g_steal_pointer (&mint);
}

void
sandlock_cert_mint_free (SandlockCertMint *mint)
{
  if (mint == NULL)
    return;

  g_clear_pointer (&mint->cache, g_hash_table_unref);
  g_clear_object (&mint->ca);
  g_free (mint->ca_pem);
  /* The deinits wipe what GnuTLS holds; our PEM copy we wipe ourselves. */
  g_clear_pointer (&mint->ca_key, gnutls_privkey_deinit);
  g_clear_pointer (&mint->ca_crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&mint->leaf_key, gnutls_x509_privkey_deinit);
  if (mint->leaf_key_pem != NULL)
    explicit_bzero (mint->leaf_key_pem, strlen (mint->leaf_key_pem));
  g_free (mint->leaf_key_pem);
  g_mutex_clear (&mint->lock);
  g_free (mint);
}

GTlsCertificate *
sandlock_cert_mint_get_ca (SandlockCertMint *mint)
{
  g_return_val_if_fail (mint != NULL, NULL);

  return g_object_ref (mint->ca);
}

static gboolean
is_dns_name (const char *name)
{
  gsize length = strlen (name);
  g_auto(GStrv) labels = NULL;

  if (length == 0 || length > 253)
    return FALSE;
  labels = g_strsplit (name, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize label_length = strlen (label);

      /* "*" only as a whole leftmost label, with something after it. */
      if (i == 0 && g_str_equal (label, "*") && labels[1] != NULL)
        continue;
      if (label_length == 0 || label_length > 63
          || label[0] == '-' || label[label_length - 1] == '-')
        return FALSE;
      for (const char *p = label; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
          return FALSE;
    }
  return TRUE;
}

/* The one spelling of @name that the cache and the certificate use: IP
 * literals as inet_ntop() writes them, DNS names in lower-case ASCII
 * (IDNA for others) without a trailing dot. NULL when it is neither. */
static char *
normalize_name (const char *name)
{
  g_autofree char *ascii = NULL;
  guint8 address[16];
  char text[INET6_ADDRSTRLEN];
  gsize length = strlen (name);

  /* "[::1]" as it appears in a URL or a Host header. */
  if (length > 2 && name[0] == '[' && name[length - 1] == ']')
    {
      g_autofree char *bare = g_strndup (name + 1, length - 2);

      if (inet_pton (AF_INET6, bare, address) == 1)
        return g_strdup (inet_ntop (AF_INET6, address, text, sizeof text));
      return NULL;
    }
  if (inet_pton (AF_INET, name, address) == 1)
    return g_strdup (inet_ntop (AF_INET, address, text, sizeof text));
  if (inet_pton (AF_INET6, name, address) == 1)
    return g_strdup (inet_ntop (AF_INET6, address, text, sizeof text));

  /* g_hostname_to_ascii() lower-cases, but GLib 2.74 keeps a trailing dot. */
  if (length > 1 && name[length - 1] == '.')
    {
      g_autofree char *bare = g_strndup (name, length - 1);

      ascii = g_hostname_to_ascii (bare);
    }
  else
    ascii = g_hostname_to_ascii (name);
  if (ascii == NULL || !is_dns_name (ascii))
    return NULL;
  return g_steal_pointer (&ascii);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Normalized @names without repeats in their order, and the cache key. */
static GPtrArray *
normalize_names (const char * const  *names,
                 char               **key,
                 GError             **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sorted = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      char *name = normalize_name (names[i]);

      if (name == NULL)
        {
          g_autofree char *shown = g_strescape (names[i], NULL);
          g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                       "cannot make an HTTPS certificate for “%s”: not a host name "
                       "or IP address", shown);
          return NULL;
        }
      if (g_ptr_array_find_with_equal_func (result, name, g_str_equal, NULL))
        g_free (name);
      else
        g_ptr_array_add (result, name);
    }

  /* The copy borrows the strings (it would inherit g_free otherwise). */
  sorted = g_ptr_array_copy (result, NULL, NULL);
  g_ptr_array_set_free_func (sorted, NULL);
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  *key = g_strjoinv ("\n", (char **) sorted->pdata);
  return g_steal_pointer (&result);
}

/* Called with mint->lock held: the CA key is used by one thread at a time. */
static GTlsCertificate *
mint_leaf (SandlockCertMint  *mint,
           GPtrArray         *names,
           gint64             now,
           gint64            *renew_at,
           GError           **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_datum_t) leaf_pem = { NULL, 0 };
  g_autoptr(GTlsCertificate) cert = NULL;
  g_autoptr(GString) pem = NULL;
  const char *first = g_ptr_array_index (names, 0);
  gint64 not_before = MAX (now - LEAF_BACKDATE, mint->ca_not_before);
  gint64 not_after = MIN (now + LEAF_LIFETIME, mint->ca_not_after);
  guint8 serial[16];
  int ret;

  /* Positive and always 16 bytes long in DER: top bit clear, next one set. */
  if ((ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    goto fail;
  serial[0] = (serial[0] & 0x7f) | 0x40;

  if ((ret = gnutls_x509_crt_init (&crt)) < 0
      || (ret = gnutls_x509_crt_set_version (crt, 3)) < 0
      || (ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial)) < 0
      || (ret = gnutls_x509_crt_set_activation_time (crt, not_before)) < 0
      || (ret = gnutls_x509_crt_set_expiration_time (crt, not_after)) < 0
      || (ret = gnutls_x509_crt_set_key (crt, mint->leaf_key)) < 0
      || (ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1)) < 0
      || (ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0
      || (ret = gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0
      || (ret = gnutls_x509_crt_set_subject_key_id (crt, mint->leaf_key_id,
                                                    mint->leaf_key_id_len)) < 0)
    goto fail;
  if (mint->ca_key_id_len > 0
      && (ret = gnutls_x509_crt_set_authority_key_id (crt, mint->ca_key_id,
                                                      mint->ca_key_id_len)) < 0)
    goto fail;
  /* Clients match the SANs; the CN is for people, and X.520 caps it at 64. */
  if (strlen (first) <= 64
      && (ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                               first, strlen (first))) < 0)
    goto fail;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      guint8 address[16];

      if (inet_pton (AF_INET, name, address) == 1)
        ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, address, 4,
                                                    GNUTLS_FSAN_APPEND);
      else if (inet_pton (AF_INET6, name, address) == 1)
        ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, address, 16,
                                                    GNUTLS_FSAN_APPEND);
      else
        ret = gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, name,
                                                    strlen (name), GNUTLS_FSAN_APPEND);
      if (ret < 0)
        goto fail;
    }

  if ((ret = gnutls_x509_crt_privkey_sign (crt, mint->ca_crt, mint->ca_key,
                                           mint->digest, 0)) < 0
      || (ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &leaf_pem)) < 0)
    goto fail;

  /* Leaf, then CA, then the key: GIO makes the CA the leaf's issuer, and
   * a server connection sends the whole chain. */
  pem = g_string_sized_new (leaf_pem.size + strlen (mint->ca_pem) + strlen (mint->leaf_key_pem));
  g_string_append_len (pem, (const char *) leaf_pem.data, leaf_pem.size);
  g_string_append (pem, mint->ca_pem);
  g_string_append (pem, mint->leaf_key_pem);
  cert = g_tls_certificate_new_from_pem (pem->str, pem->len, error);
  explicit_bzero (pem->str, pem->len);
  if (cert == NULL)
    return NULL;
  /* GIO drops the chain without a word when it does not verify. */
  if (g_tls_certificate_get_issuer (cert) == NULL)
    {
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot make an HTTPS certificate for %s: it does not verify against "
                   "the CA", first);
      return NULL;
    }

  /* Renewed at half its life, long before a client could see it expire. */
  *renew_at = not_before + (not_after - not_before) / 2;
  return g_steal_pointer (&cert);

fail:
  g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
               "cannot make an HTTPS certificate for %s: %s", first, gnutls_strerror (ret));
  return NULL;
}

static void
cache_evict_oldest (SandlockCertMint *mint)
{
  GHashTableIter iter;
  gpointer key, value;
  gpointer oldest = NULL;
  guint64 oldest_used = G_MAXUINT64;

  g_hash_table_iter_init (&iter, mint->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      CacheEntry *entry = value;

      if (entry->used < oldest_used)
        {
          oldest_used = entry->used;
          oldest = key;
        }
    }
  if (oldest != NULL)
    g_hash_table_remove (mint->cache, oldest);
}

GTlsCertificate *
sandlock_cert_mint_get (SandlockCertMint    *mint,
                        const char * const  *names,
                        GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) normalized = NULL;
  g_autofree char *key = NULL;
  CacheEntry *entry;
  GTlsCertificate *cert;
  gint64 now = now_seconds ();
  gint64 renew_at = 0;

  g_return_val_if_fail (mint != NULL, NULL);
  g_return_val_if_fail (names != NULL && names[0] != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  normalized = normalize_names (names, &key, error);
  if (normalized == NULL)
    return NULL;

  locker = g_mutex_locker_new (&mint->lock);
  entry = g_hash_table_lookup (mint->cache, key);
  if (entry != NULL && now < entry->renew_at)
    {
      entry->used = ++mint->clock;
      return g_object_ref (entry->cert);
    }

  if (now >= mint->ca_not_after)
    {
      g_autofree char *when = format_time (mint->ca_not_after);
      g_set_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED,
                   "cannot make HTTPS certificates: the CA certificate expired on %s; "
                   "create a new CA", when);
      return NULL;
    }
  cert = mint_leaf (mint, normalized, now, &renew_at, error);
  if (cert == NULL)
    return NULL;

  if (entry == NULL && g_hash_table_size (mint->cache) >= CACHE_MAX)
    cache_evict_oldest (mint);
  entry = g_new0 (CacheEntry, 1);
  entry->cert = g_object_ref (cert);
  entry->renew_at = renew_at;
  entry->used = ++mint->clock;
  g_hash_table_replace (mint->cache, g_steal_pointer (&key), entry);
  return cert;
}
