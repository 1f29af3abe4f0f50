/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Leaf certificates for HTTPS interception, signed by a CA the user made
 * and trusts inside the sandbox (--https-ca, --https-key). One leaf key
 * per mint, reused for every leaf; leaves are cached by their set of names.
 */
typedef struct _SandlockCertMint SandlockCertMint;

/* Loads the CA certificate and its unencrypted private key (PEM files).
 * Fails when a file cannot be read or is not PEM, when the certificate is
 * not a CA (basicConstraints CA:TRUE, keyCertSign if keyUsage is present),
 * is expired or not yet valid, or when the key is not the certificate's. */
SandlockCertMint *sandlock_cert_mint_new     (const char          *ca_cert_path,
                                              const char          *ca_key_path,
                                              GError             **error);
void              sandlock_cert_mint_free    (SandlockCertMint    *mint);

/* A certificate with its private key, usable by g_tls_server_connection_new(),
 * valid for every name in @names (NULL-terminated, at least one: DNS names,
 * "*.example.com", IPv4 and IPv6 literals), signed by the CA; its issuer is
 * the CA, so a server sends the chain. The same set of names in any order,
 * case or with a trailing dot gives the same object (whose CN is the first
 * name of the call that minted it) while it has more than half of its week
 * left. Thread-safe. Returns a new reference, or NULL with @error set when
 * a name is not a host name or the CA has expired. */
GTlsCertificate  *sandlock_cert_mint_get     (SandlockCertMint    *mint,
                                              const char * const  *names,
                                              GError             **error);

/* The CA without its key, e.g. to trust in a GTlsDatabase. A new reference. */
GTlsCertificate  *sandlock_cert_mint_get_ca  (SandlockCertMint    *mint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SandlockCertMint, sandlock_cert_mint_free)

G_END_DECLS
