/* SPDX-License-Identifier: Apache-2.0 */
#define G_LOG_DOMAIN "sandlock"
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "sandlock.h"
#include "sandlock-cert-mint.h"

#define DAY (24 * 3600)

/* One private directory for the whole run; tests only write in it. */
static char *tmpdir;
/* The CA most tests mint from, made once. */
static char *ca_cert_path;
static char *ca_key_path;

/* ------------------------------------------------------------------------ */
/* Certificate authorities made with GnuTLS, so the test needs no CLI tool  */
/* ------------------------------------------------------------------------ */

typedef struct {
  gnutls_pk_algorithm_t algorithm;   /* 0: ECDSA P-256 */
  gint64   not_before;               /* 0: a day ago */
  gint64   not_after;                /* 0: in a year */
  int      ca;                       /* basicConstraints: 1 CA:TRUE, 0 CA:FALSE, -1 none */
  gboolean no_cert_sign;             /* keyUsage without keyCertSign */
  gboolean no_key_usage;             /* no keyUsage at all */
  gboolean pkcs8;                    /* key as "PRIVATE KEY", not the algorithm's own PEM */
} CaSpec;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
write_datum (const char           *path,
             const gnutls_datum_t *datum)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) datum->data, datum->size, &error);
  g_assert_no_error (error);
}

/* Writes @name.pem and @name.key in tmpdir; the paths come back. */
static void
make_ca (const char    *name,
         const CaSpec  *spec,
         char         **cert_path,
         char         **key_path)
{
  gnutls_x509_privkey_t key;
  gnutls_privkey_t signer;
  gnutls_x509_crt_t crt;
  gnutls_datum_t cert_pem, key_pem;
  g_autofree char *file = NULL;
  gnutls_pk_algorithm_t algorithm = spec->algorithm ? spec->algorithm : GNUTLS_PK_ECDSA;
  unsigned int bits = algorithm == GNUTLS_PK_RSA ? 2048
                    : algorithm == GNUTLS_PK_ECDSA ? GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1)
                    : 0;
  unsigned int usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
  guint8 serial[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
  guint8 key_id[20];
  size_t key_id_len = sizeof key_id;
  gint64 now = now_seconds ();

  if (spec->no_cert_sign)
    usage = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, algorithm, bits, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_get_key_id (key, 0, key_id, &key_id_len), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, spec->not_before ? spec->not_before
                                                                              : now - DAY), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, spec->not_after ? spec->not_after
                                                                             : now + 365 * DAY), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, "CN=Sandlock Test CA,O=Sandlock", NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  if (spec->ca >= 0)
    g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, spec->ca, -1), ==, 0);
  if (!spec->no_key_usage)
    g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, usage), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len), ==, 0);

  g_assert_cmpint (gnutls_privkey_init (&signer), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (signer, key, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_privkey_sign (crt, crt, signer,
                                                 algorithm == GNUTLS_PK_EDDSA_ED25519
                                                 ? GNUTLS_DIG_SHA512 : GNUTLS_DIG_SHA256,
                                                 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &cert_pem), ==, 0);
  /* Ed25519 has no PEM of its own: GnuTLS would write "BEGIN UNKNOWN". */
  if (spec->pkcs8 || algorithm == GNUTLS_PK_EDDSA_ED25519)
    g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                        GNUTLS_PKCS_PLAIN, &key_pem), ==, 0);
  else
    g_assert_cmpint (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem), ==, 0);

  file = g_strconcat (name, ".pem", NULL);
  *cert_path = tmp_path (file);
  write_datum (*cert_path, &cert_pem);
  g_free (file);
  file = g_strconcat (name, ".key", NULL);
  *key_path = tmp_path (file);
  write_datum (*key_path, &key_pem);

  gnutls_free (cert_pem.data);
  gnutls_free (key_pem.data);
  gnutls_privkey_deinit (signer);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Minting makes GTlsCertificates, which need GIO's TLS backend. */
static gboolean
have_tls (void)
{
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    return TRUE;
  g_test_skip ("no TLS backend for GIO (install glib-networking)");
  return FALSE;
}

static SandlockCertMint *
mint_new_ok (const char *cert_path,
             const char *key_path)
{
  g_autoptr(GError) error = NULL;
  SandlockCertMint *mint = sandlock_cert_mint_new (cert_path, key_path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mint);
  return mint;
}

static GTlsCertificate *
get_ok (SandlockCertMint   *mint,
        const char * const *names)
{
  g_autoptr(GError) error = NULL;
  GTlsCertificate *cert = sandlock_cert_mint_get (mint, names, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* A leaf for @names from a new mint of the CA at @cert_path and
 * @key_path; that mint's CA in @ca. */
static GTlsCertificate *
mint_leaf (const char          *cert_path,
           const char          *key_path,
           const char * const  *names,
           GTlsCertificate    **ca)
{
  g_autoptr(SandlockCertMint) mint = mint_new_ok (cert_path, key_path);
  GTlsCertificate *leaf = get_ok (mint, names);

  *ca = sandlock_cert_mint_get_ca (mint);
  g_assert_nonnull (*ca);
  return leaf;
}

/* The load error for this CA, which must fail. */
static void
assert_refused (const char *cert_path,
                const char *key_path,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SandlockCertMint) mint = sandlock_cert_mint_new (cert_path, key_path, &error);

  g_assert_null (mint);
  g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_SETUP);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
}

/* A CA made to @spec (as @name) that the mint refuses, saying @message_part. */
static void
assert_ca_refused (const char   *name,
                   const CaSpec *spec,
                   const char   *message_part)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  g_test_message ("CA %s", name);
  make_ca (name, spec, &cert_path, &key_path);
  assert_refused (cert_path, key_path, message_part);
}

static GTlsCertificateFlags
verify_host (GTlsCertificate *leaf,
             const char      *host,
             GTlsCertificate *ca)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (host, 443);

  return g_tls_certificate_verify (leaf, identity, ca);
}

static GTlsCertificateFlags
verify_ip (GTlsCertificate *leaf,
           const char      *ip,
           GTlsCertificate *ca)
{
  g_autoptr(GSocketConnectable) identity =
    G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string (ip, 443));

  g_assert_nonnull (identity);
  return g_tls_certificate_verify (leaf, identity, ca);
}

static gnutls_x509_crt_t
parse_leaf (GTlsCertificate *cert)
{
  g_autofree char *pem = NULL;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;

  g_object_get (cert, "certificate-pem", &pem, NULL);
  g_assert_nonnull (pem);
  datum.data = (unsigned char *) pem;
  datum.size = strlen (pem);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  return crt;
}

/* ------------------------------------------------------------------------ */
/* Minted leaves                                                            */
/* ------------------------------------------------------------------------ */

static void
test_verify_dns (void)
{
  const char *names[] = { "www.example.test", "api.example.test", NULL };
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;

  if (!have_tls ())
    return;
  leaf = mint_leaf (ca_cert_path, ca_key_path, names, &ca);

  g_assert_cmpint (g_tls_certificate_verify (leaf, NULL, ca), ==, 0);
  g_assert_cmpint (verify_host (leaf, "www.example.test", ca), ==, 0);
  g_assert_cmpint (verify_host (leaf, "api.example.test", ca), ==, 0);
  g_assert_cmpint (verify_host (leaf, "other.example.test", ca), ==,
                   G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_cmpint (verify_host (leaf, "example.test", ca), ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_verify_ip (void)
{
  const char *names[] = { "192.0.2.7", "2001:DB8:0::1", "[fd00::2]", "name.test", NULL };
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;

  if (!have_tls ())
    return;
  leaf = mint_leaf (ca_cert_path, ca_key_path, names, &ca);

  g_assert_cmpint (verify_ip (leaf, "192.0.2.7", ca), ==, 0);
  g_assert_cmpint (verify_ip (leaf, "2001:db8::1", ca), ==, 0);
  g_assert_cmpint (verify_ip (leaf, "fd00::2", ca), ==, 0);
  g_assert_cmpint (verify_host (leaf, "name.test", ca), ==, 0);
  g_assert_cmpint (verify_ip (leaf, "192.0.2.8", ca), ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_cmpint (verify_ip (leaf, "2001:db8::2", ca), ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  /* An address is not a DNS name: no SAN of the wrong kind. */
  g_assert_cmpint (verify_host (leaf, "7.2.0.192.in-addr.arpa", ca), ==,
                   G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_leaf_fields (void)
{
  const char *names[] = { "Www.Example.TEST.", "192.0.2.7", NULL };
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autoptr(GPtrArray) dns_names = NULL;
  g_autoptr(GPtrArray) ip_addresses = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer_name = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *address = NULL;
  gnutls_x509_crt_t crt, ca_crt;
  unsigned int critical = 0, is_ca = 1, usage = 0;
  int pathlen;
  guint8 serial[32], aki[64], ski[64];
  size_t serial_len = sizeof serial, aki_len = sizeof aki, ski_len = sizeof ski;
  char oid[128];
  size_t oid_len = sizeof oid;
  gint64 now = now_seconds ();

  if (!have_tls ())
    return;
  leaf = mint_leaf (ca_cert_path, ca_key_path, names, &ca);

  /* The chain and the key are there for a server connection. */
  g_assert_nonnull (g_tls_certificate_get_issuer (leaf));
  g_assert_true (g_tls_certificate_is_same (g_tls_certificate_get_issuer (leaf), ca));
  g_object_get (leaf, "private-key-pem", &key_pem, NULL);
  g_assert_nonnull (key_pem);
  g_clear_pointer (&key_pem, g_free);
  g_object_get (ca, "private-key-pem", &key_pem, NULL);
  g_assert_null (key_pem);

  dns_names = g_tls_certificate_get_dns_names (leaf);
  g_assert_nonnull (dns_names);
  g_assert_cmpuint (dns_names->len, ==, 1);
  g_assert_cmpmem (g_bytes_get_data (g_ptr_array_index (dns_names, 0), NULL),
                   g_bytes_get_size (g_ptr_array_index (dns_names, 0)),
                   "www.example.test", strlen ("www.example.test"));
  ip_addresses = g_tls_certificate_get_ip_addresses (leaf);
  g_assert_nonnull (ip_addresses);
  g_assert_cmpuint (ip_addresses->len, ==, 1);
  address = g_inet_address_to_string (g_ptr_array_index (ip_addresses, 0));
  g_assert_cmpstr (address, ==, "192.0.2.7");

  subject = g_tls_certificate_get_subject_name (leaf);
  g_assert_cmpstr (subject, ==, "CN=www.example.test");
  issuer_name = g_tls_certificate_get_issuer_name (leaf);
  g_assert_cmpstr (issuer_name, ==, "O=Sandlock,CN=Sandlock Test CA");

  not_before = g_tls_certificate_get_not_valid_before (leaf);
  not_after = g_tls_certificate_get_not_valid_after (leaf);
  g_assert_cmpint (g_date_time_to_unix (not_before), >=, now - 3600 - 60);
  g_assert_cmpint (g_date_time_to_unix (not_before), <=, now - 3600 + 60);
  g_assert_cmpint (g_date_time_to_unix (not_after), >=, now + 7 * DAY - 60);
  g_assert_cmpint (g_date_time_to_unix (not_after), <=, now + 7 * DAY + 60);

  crt = parse_leaf (leaf);
  ca_crt = parse_leaf (ca);
  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (crt, &critical, &is_ca, &pathlen), ==, 0);
  g_assert_false (is_ca);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (crt, 0, oid, &oid_len, &critical), >=, 0);
  g_assert_cmpstr (oid, ==, GNUTLS_KP_TLS_WWW_SERVER);
  oid_len = sizeof oid;
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (crt, 1, oid, &oid_len, &critical), ==,
                   GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, NULL), ==, GNUTLS_PK_ECDSA);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_ECDSA_SHA256);

  /* 16 bytes, positive. */
  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_len), ==, 0);
  g_assert_cmpuint (serial_len, ==, 16);
  g_assert_cmpuint (serial[0] & 0x80, ==, 0);

  /* The authority key id is the CA's subject key id. */
  g_assert_cmpint (gnutls_x509_crt_get_authority_key_id (crt, aki, &aki_len, &critical), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (ca_crt, ski, &ski_len, &critical), ==, 0);
  g_assert_cmpmem (aki, aki_len, ski, ski_len);
  ski_len = sizeof ski;
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (crt, ski, &ski_len, &critical), ==, 0);
  g_assert_cmpuint (ski_len, >, 0);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_crt_deinit (ca_crt);
}

static void
test_cache (void)
{
  const char *ab[] = { "a.example.test", "b.example.test", NULL };
  const char *ba[] = { "B.example.test.", "a.example.test", "a.example.test", NULL };
  const char *a[] = { "a.example.test", NULL };
  const char *ac[] = { "a.example.test", "c.example.test", NULL };
  g_autoptr(SandlockCertMint) mint = NULL;
  g_autoptr(GTlsCertificate) first = NULL;
  g_autoptr(GTlsCertificate) again = NULL;
  g_autoptr(GTlsCertificate) reordered = NULL;
  g_autoptr(GTlsCertificate) single = NULL;
  g_autoptr(GTlsCertificate) other = NULL;
  g_autofree char *key_first = NULL;
  g_autofree char *key_other = NULL;

  if (!have_tls ())
    return;
  mint = mint_new_ok (ca_cert_path, ca_key_path);
  first = get_ok (mint, ab);
  again = get_ok (mint, ab);
  reordered = get_ok (mint, ba);
  single = get_ok (mint, a);
  other = get_ok (mint, ac);

  g_assert_true (first == again);
  g_assert_true (first == reordered);
  g_assert_true (single != first);
  g_assert_true (other != first);
  g_assert_true (other != single);
  g_assert_false (g_tls_certificate_is_same (single, first));
  g_assert_false (g_tls_certificate_is_same (other, first));
  g_assert_cmpint (verify_host (other, "c.example.test", NULL), ==, 0);
  g_assert_cmpint (verify_host (first, "c.example.test", NULL), ==, G_TLS_CERTIFICATE_BAD_IDENTITY);

  /* One key for every leaf of a mint. */
  g_object_get (first, "private-key-pem", &key_first, NULL);
  g_object_get (other, "private-key-pem", &key_other, NULL);
  g_assert_cmpstr (key_first, ==, key_other);
}

static void
test_names (void)
{
  const char *bad[] = { "", "bad name", "a..b.test", "[192.0.2.1]", "line\nbreak.test",
                        "*", "a.*.test", "-", ".", "x/y.test", NULL };
  const char *wildcard[] = { "*.example.test", NULL };
  const char *idn[] = { "B\u00fccher.Example.test", NULL };
  g_autoptr(SandlockCertMint) mint = NULL;
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autofree char *long_label = g_strnfill (64, 'a');
  g_autofree char *long_name = g_strconcat (long_label, ".test", NULL);

  if (!have_tls ())
    return;
  mint = mint_new_ok (ca_cert_path, ca_key_path);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      const char *names[] = { "good.example.test", bad[i], NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(GTlsCertificate) cert = sandlock_cert_mint_get (mint, names, &error);

      if (cert != NULL)
        g_error ("a certificate for “%s”", bad[i]);
      g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "not a host name"));
    }
  {
    const char *names[] = { long_name, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(GTlsCertificate) cert = sandlock_cert_mint_get (mint, names, &error);

    g_assert_null (cert);
    g_assert_error (error, SANDLOCK_ERROR, SANDLOCK_ERROR_FAILED);
  }

  leaf = get_ok (mint, wildcard);
  g_assert_cmpint (verify_host (leaf, "www.example.test", NULL), ==, 0);
  g_assert_cmpint (verify_host (leaf, "example.test", NULL), ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_clear_object (&leaf);

  /* International names go in as IDNA, which is what clients compare. */
  leaf = get_ok (mint, idn);
  g_assert_cmpint (verify_host (leaf, "xn--bcher-kva.example.test", NULL), ==, 0);
}

/* The proxy serves connections from several threads. */
#define THREADS 4
#define ROUNDS  40

static const char *thread_sets[][3] = {
  { "one.example.test", "two.example.test", NULL },
  { "two.example.test", "one.example.test", NULL },
  { "three.example.test", NULL, NULL },
};

typedef struct {
  SandlockCertMint *mint;
  GTlsCertificate  *seen[ROUNDS];
} ThreadData;

static gpointer
thread_get (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint i = 0; i < ROUNDS; i++)
    data->seen[i] = get_ok (data->mint, thread_sets[i % G_N_ELEMENTS (thread_sets)]);
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(SandlockCertMint) mint = NULL;
  ThreadData data[THREADS];
  GThread *threads[THREADS];
  GTlsCertificate *pair = NULL, *three = NULL;

  if (!have_tls ())
    return;
  mint = mint_new_ok (ca_cert_path, ca_key_path);
  for (guint t = 0; t < THREADS; t++)
    {
      data[t].mint = mint;
      threads[t] = g_thread_new ("get", thread_get, &data[t]);
    }
  for (guint t = 0; t < THREADS; t++)
    g_thread_join (threads[t]);

  for (guint t = 0; t < THREADS; t++)
    for (guint i = 0; i < ROUNDS; i++)
      {
        GTlsCertificate **expected = i % 3 == 2 ? &three : &pair;

        if (*expected == NULL)
          *expected = data[t].seen[i];
        g_assert_true (data[t].seen[i] == *expected);
      }
  g_assert_true (pair != three);
  for (guint t = 0; t < THREADS; t++)
    for (guint i = 0; i < ROUNDS; i++)
      g_object_unref (data[t].seen[i]);
}

/* ------------------------------------------------------------------------ */
/* Certificate authorities                                                  */
/* ------------------------------------------------------------------------ */

static void
test_ca_kinds (void)
{
  const struct {
    const char *name;
    CaSpec      spec;
  } kinds[] = {
    { "rsa", { .algorithm = GNUTLS_PK_RSA, .ca = 1 } },
    { "ed25519", { .algorithm = GNUTLS_PK_EDDSA_ED25519, .ca = 1 } },
    { "pkcs8", { .ca = 1, .pkcs8 = TRUE } },
    { "no-key-usage", { .ca = 1, .no_key_usage = TRUE } },
  };
  const char *names[] = { "kind.example.test", NULL };

  if (!have_tls ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;
      g_autoptr(GTlsCertificate) leaf = NULL;
      g_autoptr(GTlsCertificate) ca = NULL;

      g_test_message ("CA kind %s", kinds[i].name);
      make_ca (kinds[i].name, &kinds[i].spec, &cert_path, &key_path);
      leaf = mint_leaf (cert_path, key_path, names, &ca);
      g_assert_cmpint (verify_host (leaf, "kind.example.test", ca), ==, 0);
      g_assert_nonnull (g_tls_certificate_get_issuer (leaf));
    }
}

static void
test_ca_not_ca (void)
{
  const CaSpec server = { .ca = 0 };
  const CaSpec v1_like = { .ca = -1 };
  const CaSpec no_cert_sign = { .ca = 1, .no_cert_sign = TRUE };

  assert_ca_refused ("server", &server, "is not a CA certificate");
  assert_ca_refused ("no-constraints", &v1_like, "is not a CA certificate");
  assert_ca_refused ("no-cert-sign", &no_cert_sign, "lacks keyCertSign");
}

static void
test_ca_wrong_key (void)
{
  const CaSpec spec = { .ca = 1 };
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;

  make_ca ("other", &spec, &cert_path, &key_path);
  assert_refused (ca_cert_path, key_path, "does not belong to CA certificate");
  assert_refused (cert_path, ca_key_path, "does not belong to CA certificate");
}

static void
test_ca_missing (void)
{
  g_autofree char *missing = tmp_path ("missing.pem");

  assert_refused (missing, ca_key_path, "CA certificate:");
  assert_refused (missing, ca_key_path, missing);
  assert_refused (ca_cert_path, missing, "CA key:");
  assert_refused (ca_cert_path, missing, missing);
}

static void
test_ca_not_pem (void)
{
  g_autofree char *der_path = tmp_path ("ca.der");
  g_autofree char *garbage_path = tmp_path ("garbage.key");
  g_autofree char *encrypted_path = tmp_path ("encrypted.key");
  g_autofree char *pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autoptr(GError) error = NULL;
  gnutls_x509_crt_t crt;
  gnutls_x509_privkey_t key;
  gnutls_datum_t datum, out;

  /* The CA in DER. */
  g_file_get_contents (ca_cert_path, &pem, NULL, &error);
  g_assert_no_error (error);
  datum.data = (unsigned char *) pem;
  datum.size = strlen (pem);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
  write_datum (der_path, &out);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  assert_refused (der_path, ca_key_path, "is not a PEM certificate");

  /* A certificate where the key should be. */
  assert_refused (ca_cert_path, ca_cert_path, "is not a PEM private key");

  g_file_set_contents (garbage_path, "-----BEGIN PRIVATE KEY-----\nnot base64!\n"
                       "-----END PRIVATE KEY-----\n", -1, &error);
  g_assert_no_error (error);
  assert_refused (ca_cert_path, garbage_path, "cannot be read");

  /* The right key, with a password. */
  g_file_get_contents (ca_key_path, &key_pem, NULL, &error);
  g_assert_no_error (error);
  datum.data = (unsigned char *) key_pem;
  datum.size = strlen (key_pem);
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, "secret",
                                                      GNUTLS_PKCS_PBES2_AES_256, &out), ==, 0);
  write_datum (encrypted_path, &out);
  gnutls_free (out.data);
  gnutls_x509_privkey_deinit (key);
  assert_refused (ca_cert_path, encrypted_path, "is encrypted");
}

static void
test_ca_validity (void)
{
  gint64 now = now_seconds ();
  const CaSpec expired = { .ca = 1, .not_before = now - 30 * DAY, .not_after = now - DAY };
  const CaSpec future = { .ca = 1, .not_before = now + DAY, .not_after = now + 30 * DAY };

  assert_ca_refused ("expired", &expired, "expired on");
  assert_ca_refused ("future", &future, "is not valid before");
}

/* A leaf never outlives its CA. */
static void
test_ca_expiring (void)
{
  gint64 now = now_seconds ();
  const CaSpec spec = { .ca = 1, .not_after = now + DAY };
  const char *names[] = { "soon.example.test", NULL };
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autoptr(GDateTime) leaf_end = NULL;
  g_autoptr(GDateTime) ca_end = NULL;

  if (!have_tls ())
    return;
  make_ca ("expiring", &spec, &cert_path, &key_path);
  leaf = mint_leaf (cert_path, key_path, names, &ca);
  leaf_end = g_tls_certificate_get_not_valid_after (leaf);
  ca_end = g_tls_certificate_get_not_valid_after (ca);
  g_assert_cmpint (g_date_time_to_unix (leaf_end), ==, g_date_time_to_unix (ca_end));
  g_assert_cmpint (verify_host (leaf, "soon.example.test", ca), ==, 0);
}

/* ------------------------------------------------------------------------ */
/* A real handshake                                                         */
/* ------------------------------------------------------------------------ */

typedef struct {
  gboolean  done;
  GError   *error;
} Side;

static void
handshake_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Side *side = user_data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &side->error);
  side->done = TRUE;
}

static GIOStream *
socket_stream (int fd)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new_from_fd (fd, &error);

  g_assert_no_error (error);
  return G_IO_STREAM (g_socket_connection_factory_create_connection (socket));
}

/* A server with @leaf and a client that trusts only @ca_path and expects
 * @host, over a socket pair. The client comes back; errors in @client_error. */
static GTlsConnection *
handshake (GTlsCertificate  *leaf,
           const char       *ca_path,
           const char       *host,
           GError          **client_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) server_stream = NULL;
  g_autoptr(GIOStream) client_stream = NULL;
  g_autoptr(GIOStream) server = NULL;
  g_autoptr(GIOStream) client = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new (host, 443);
  Side server_side = { FALSE, NULL }, client_side = { FALSE, NULL };
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  server_stream = socket_stream (fds[0]);
  client_stream = socket_stream (fds[1]);

  server = g_tls_server_connection_new (server_stream, leaf, &error);
  g_assert_no_error (error);
  client = g_tls_client_connection_new (client_stream, identity, &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (ca_path, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (client), database);

  g_tls_connection_handshake_async (G_TLS_CONNECTION (server), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, &server_side);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (client), G_PRIORITY_DEFAULT, NULL,
                                    handshake_done, &client_side);
  while (!server_side.done || !client_side.done)
    {
      g_main_context_iteration (NULL, TRUE);
      /* A side that gave up hangs up, or the other would wait for it. */
      if (client_side.error != NULL && !g_io_stream_is_closed (client_stream))
        g_io_stream_close (client_stream, NULL, NULL);
      if (server_side.error != NULL && !g_io_stream_is_closed (server_stream))
        g_io_stream_close (server_stream, NULL, NULL);
    }

  if (client_side.error == NULL)
    {
      const char ping[] = "ping";
      char got[sizeof ping] = "";
      gsize count = 0;

      g_assert_no_error (server_side.error);
      /* Data goes through: the keys on both ends agree. */
      g_output_stream_write_all (g_io_stream_get_output_stream (server), ping, sizeof ping,
                                 &count, NULL, &error);
      g_assert_no_error (error);
      g_input_stream_read_all (g_io_stream_get_input_stream (client), got, sizeof got,
                               &count, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (got, ==, ping);
    }
  g_clear_error (&server_side.error);
  if (client_side.error != NULL)
    g_propagate_error (client_error, client_side.error);
  return G_TLS_CONNECTION (g_steal_pointer (&client));
}

static void
test_handshake (void)
{
  const char *names[] = { "secure.example.test", "192.0.2.9", NULL };
  g_autoptr(GTlsCertificate) leaf = NULL;
  g_autoptr(GTlsCertificate) ca = NULL;
  g_autoptr(GTlsConnection) client = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *peer, *peer_issuer;

  if (!have_tls ())
    return;
  leaf = mint_leaf (ca_cert_path, ca_key_path, names, &ca);

  client = handshake (leaf, ca_cert_path, "secure.example.test", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_tls_connection_get_peer_certificate_errors (client), ==, 0);
  peer = g_tls_connection_get_peer_certificate (client);
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, leaf));
  /* The server sent the CA after the leaf. */
  peer_issuer = g_tls_certificate_get_issuer (peer);
  g_assert_nonnull (peer_issuer);
  g_assert_true (g_tls_certificate_is_same (peer_issuer, ca));
  g_clear_object (&client);

  /* The control: a server with the bare leaf gets through too (the client
   * trusts the CA), but the client sees no issuer. So the issuer above
   * came over the wire. */
  {
    g_autofree char *leaf_pem = NULL;
    g_autofree char *key_pem = NULL;
    g_autofree char *bare_pem = NULL;
    g_autoptr(GTlsCertificate) bare = NULL;

    g_object_get (leaf, "certificate-pem", &leaf_pem, "private-key-pem", &key_pem, NULL);
    bare_pem = g_strconcat (leaf_pem, key_pem, NULL);
    bare = g_tls_certificate_new_from_pem (bare_pem, -1, &error);
    g_assert_no_error (error);
    g_assert_null (g_tls_certificate_get_issuer (bare));
    client = handshake (bare, ca_cert_path, "secure.example.test", &error);
    g_assert_no_error (error);
    peer = g_tls_connection_get_peer_certificate (client);
    g_assert_true (g_tls_certificate_is_same (peer, leaf));
    g_assert_null (g_tls_certificate_get_issuer (peer));
  }
}

static void
test_handshake_refused (void)
{
  const char *names[] = { "secure.example.test", NULL };
  const CaSpec spec = { .ca = 1 };
  g_autofree char *stranger_cert = NULL;
  g_autofree char *stranger_key = NULL;
  g_autoptr(SandlockCertMint) mint = NULL;
  g_autoptr(GTlsCertificate) leaf = NULL;

  if (!have_tls ())
    return;
  mint = mint_new_ok (ca_cert_path, ca_key_path);
  leaf = get_ok (mint, names);
  make_ca ("stranger", &spec, &stranger_cert, &stranger_key);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GTlsConnection) client = handshake (leaf, ca_cert_path, "elsewhere.example.test",
                                                  &error);

    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    g_assert_cmpint (g_tls_connection_get_peer_certificate_errors (client), ==,
                     G_TLS_CERTIFICATE_BAD_IDENTITY);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GTlsConnection) client = handshake (leaf, stranger_cert, "secure.example.test",
                                                  &error);

    g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
    g_assert_cmpint (g_tls_connection_get_peer_certificate_errors (client), ==,
                     G_TLS_CERTIFICATE_UNKNOWN_CA);
  }
}

static void
remove_tmpdir (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);

      if (g_remove (path) != 0)
        g_warning ("cannot remove %s: %s", path, g_strerror (errno));
    }
  if (g_rmdir (tmpdir) != 0)
    g_warning ("cannot remove %s: %s", tmpdir, g_strerror (errno));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const CaSpec ca_spec = { .ca = 1 };
  int status;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("test-cert-mint-XXXXXX", &error);
  g_assert_no_error (error);
  make_ca ("ca", &ca_spec, &ca_cert_path, &ca_key_path);

  g_test_add_func ("/cert-mint/leaf/verify-dns", test_verify_dns);
  g_test_add_func ("/cert-mint/leaf/verify-ip", test_verify_ip);
  g_test_add_func ("/cert-mint/leaf/fields", test_leaf_fields);
  g_test_add_func ("/cert-mint/leaf/names", test_names);
  g_test_add_func ("/cert-mint/cache", test_cache);
  g_test_add_func ("/cert-mint/threads", test_threads);
  g_test_add_func ("/cert-mint/ca/kinds", test_ca_kinds);
  g_test_add_func ("/cert-mint/ca/not-ca", test_ca_not_ca);
  g_test_add_func ("/cert-mint/ca/wrong-key", test_ca_wrong_key);
  g_test_add_func ("/cert-mint/ca/missing", test_ca_missing);
  g_test_add_func ("/cert-mint/ca/not-pem", test_ca_not_pem);
  g_test_add_func ("/cert-mint/ca/validity", test_ca_validity);
  g_test_add_func ("/cert-mint/ca/expiring", test_ca_expiring);
  g_test_add_func ("/cert-mint/tls/handshake", test_handshake);
  g_test_add_func ("/cert-mint/tls/refused", test_handshake_refused);

  status = g_test_run ();
  remove_tmpdir ();
  g_free (tmpdir);
  g_free (ca_cert_path);
  g_free (ca_key_path);
  return status;
}
