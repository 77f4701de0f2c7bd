#ifndef CWX_SQLITE_SHIM_H
#define CWX_SQLITE_SHIM_H
/*
 * libsqlite3 is NOT linked: WxPayRiskStore loads libsqlite3.so.0 with dlopen the first time a SQLite risk store is
 * used, so a function that runs without WXPAY_RISK_STORE (or with Redis) never loads it. Only the header's types
 * and constants are used here; SQLITE_TRANSIENT is a cast Swift cannot import.
 */
#include <sqlite3.h>
#include <dlfcn.h>

static inline sqlite3_destructor_type cwx_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
