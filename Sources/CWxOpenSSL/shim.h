#ifndef CWX_OPENSSL_SHIM_H
#define CWX_OPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <openssl/asn1.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>
#include <openssl/core_names.h>

/* EVP_PKEY_fromdata selections are macro expressions Swift cannot import. */
static inline int cwx_selection_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int cwx_selection_keypair(void) { return EVP_PKEY_KEYPAIR; }

/* BIO_get_mem_data is a macro; expose it as a function. */
static inline long cwx_bio_get_mem_data(BIO *bio, char **out) {
    return BIO_get_mem_data(bio, out);
}
/* EVP_CIPHER_CTX_ctrl wrappers for GCM (macro constants). */
static inline int cwx_gcm_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}
static inline int cwx_gcm_get_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag);
}
static inline int cwx_gcm_set_tag(EVP_CIPHER_CTX *ctx, int len, void *tag) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, tag);
}
#endif
