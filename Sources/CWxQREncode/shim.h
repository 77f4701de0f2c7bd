#ifndef CWX_QRENCODE_SHIM_H
#define CWX_QRENCODE_SHIM_H
/*
 * libqrencode is NOT linked: WxPayQR loads libqrencode.so.4 with dlopen on first use, so function binaries that never
 * draw a QR code (every answer but a native intent's) do not pay its load time, and a host without it still runs
 * them. Only the header's types (QRcode, QRecLevel, QRencodeMode) are used here.
 */
#include <qrencode.h>
#include <dlfcn.h>
#endif
