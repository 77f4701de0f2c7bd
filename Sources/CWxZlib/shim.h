#ifndef CWX_ZLIB_SHIM_H
#define CWX_ZLIB_SHIM_H
/*
 * zlib is NOT linked: WxPayZlib loads libz.so.1 with dlopen the first time a gzip stream is read or written, so a
 * binary that never meets a gzip bill never loads it. Only the header's types and constants are used here;
 * inflateInit2 and deflateInit2 are macros over the versioned entry points, which need these two values.
 */
#include <zlib.h>
#include <dlfcn.h>

static inline const char *cwx_zlib_version(void) { return ZLIB_VERSION; }
static inline int cwx_zlib_stream_size(void) { return (int)sizeof(z_stream); }
#endif
