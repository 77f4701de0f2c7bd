#ifndef CWX_HIREDIS_SHIM_H
#define CWX_HIREDIS_SHIM_H
/*
 * libhiredis is NOT linked: WxPayRiskStore loads it with dlopen the first time a Redis risk store is used. Only the
 * header's types and constants are used here. The shared object loaded must be the version these headers describe
 * (redisReply's layout changed in 1.0): cwx_hiredis_major/minor name it.
 */
#include <hiredis/hiredis.h>
#include <dlfcn.h>
#include <sys/time.h>

static inline int cwx_hiredis_major(void) { return HIREDIS_MAJOR; }
static inline int cwx_hiredis_minor(void) { return HIREDIS_MINOR; }
static inline int cwx_redis_err(const redisContext *c) { return c->err; }
static inline const char *cwx_redis_errstr(const redisContext *c) { return c->errstr; }
#endif
