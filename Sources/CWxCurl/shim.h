#ifndef CWX_CURL_SHIM_H
#define CWX_CURL_SHIM_H
/*
 * libcurl is NOT linked: WxPayHTTP loads libcurl.so.4 with dlopen on first use, so function binaries that never
 * call out (webhook without forward_url) do not pay libcurl's load time. Only the header types are used here.
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call; these typed trampolines take the
 * dlsym'd function pointer and call it with one argument of a fixed type.
 */
#include <curl/curl.h>
#include <dlfcn.h>

typedef CURLcode (*cwx_curl_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*cwx_curl_getinfo_fn)(CURL *, CURLINFO, ...);

static inline CURLcode cwx_curl_setopt_long(void *fn, CURL *h, CURLoption opt, long value) {
    return ((cwx_curl_setopt_fn)fn)(h, opt, value);
}
static inline CURLcode cwx_curl_setopt_ptr(void *fn, CURL *h, CURLoption opt, const void *value) {
    return ((cwx_curl_setopt_fn)fn)(h, opt, value);
}
static inline CURLcode cwx_curl_setopt_off(void *fn, CURL *h, CURLoption opt, curl_off_t value) {
    return ((cwx_curl_setopt_fn)fn)(h, opt, value);
}
static inline CURLcode cwx_curl_getinfo_long(void *fn, CURL *h, CURLINFO info, long *value) {
    return ((cwx_curl_getinfo_fn)fn)(h, info, value);
}
#endif
