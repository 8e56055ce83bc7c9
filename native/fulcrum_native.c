/*
 * Fulcrum's native helper: the few system calls Node.js does not expose and that a
 * drop-in for HAProxy's process model needs. Plain N-API (ABI-stable), no dependencies.
 *
 *   chroot(path)                         chroot(2) + chdir("/")
 *   setgroups(gids[])                    setgroups(2) (initgroups is done by the caller)
 *   listenSocket(family, addr, port, backlog, opts) -> fd
 *       family 4/6: socket(2) with SO_REUSEADDR and SO_REUSEPORT, bind, listen;
 *       family 0: AF_UNIX stream socket bound to addr (a path; leading NUL = abstract).
 *       opts: { v6only?: bool, reusePort?: bool }
 *   dup(fd) -> fd                        dup(2) with FD_CLOEXEC
 *   close(fd)
 *   setCloexec(fd, on = true)             FD_CLOEXEC on/off
 *   dgramOpen(path) -> fd                AF_UNIX SOCK_DGRAM socket connected to path
 *                                        (leading '@' or NUL = abstract), non-blocking
 *   dgramSend(fd, buffer) -> bytes|-errno   send(2); EAGAIN and friends are reported, not thrown
 *   dgramSendTo(path, buffer)            one-shot socket + sendto + close (sd_notify)
 *
 * Errors are thrown as Error objects with `code` set to the errno name (EPERM, ENOENT ...)
 * and `errno` to its number, like Node's own system errors.
 */

#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

static const char *errno_name(int e) {
  switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOBUFS: return "ENOBUFS";
    case EMFILE: return "EMFILE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "EUNKNOWN";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int e) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_value code, message, err, num;
  napi_create_string_utf8(env, errno_name(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &err);
  napi_create_int32(env, -e, &num);
  napi_set_named_property(env, err, "errno", num);
  napi_set_named_property(env, err, "code", code);
  napi_throw(env, err);
  return NULL;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t got = 0;
  if (napi_get_value_string_utf8(env, v, buf, len, &got) != napi_ok) return -1;
  return (int)got;
}

static napi_value make_int(napi_env env, int v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

static napi_value js_chroot(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || get_string(env, argv[0], path, sizeof path) < 0) return throw_errno(env, "chroot", EINVAL);
  if (chroot(path) != 0) return throw_errno(env, "chroot", errno);
  if (chdir("/") != 0) return throw_errno(env, "chdir", errno);
  return NULL;
}

static napi_value js_setgroups(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok || n > 65536) return throw_errno(env, "setgroups", EINVAL);
  gid_t *gids = calloc(n ? n : 1, sizeof(gid_t));
  if (!gids) return throw_errno(env, "setgroups", ENOMEM);
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    uint32_t g = 0;
    napi_get_element(env, argv[0], i, &el);
    napi_get_value_uint32(env, el, &g);
    gids[i] = (gid_t)g;
  }
  int r = setgroups(n, gids);
  int e = errno;
  free(gids);
  if (r != 0) return throw_errno(env, "setgroups", e);
  return NULL;
}

static int opt_bool(napi_env env, napi_value obj, const char *name, int dflt) {
  napi_valuetype t;
  if (napi_typeof(env, obj, &t) != napi_ok || t != napi_object) return dflt;
  bool has = false;
  napi_has_named_property(env, obj, name, &has);
  if (!has) return dflt;
  napi_value v;
  bool b = false;
  napi_get_named_property(env, obj, name, &v);
  if (napi_get_value_bool(env, v, &b) != napi_ok) return dflt;
  return b ? 1 : 0;
}

static int fill_unix(struct sockaddr_un *sun, const char *path, size_t len, socklen_t *slen) {
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  int abstract = len > 0 && (path[0] == '\0' || path[0] == '@');
  if (len >= sizeof sun->sun_path) return -1;
  memcpy(sun->sun_path, path, len);
  if (abstract) {
    sun->sun_path[0] = '\0';
    *slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
  } else {
    *slen = (socklen_t)sizeof *sun;
  }
  return 0;
}

static napi_value js_listen_socket(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t family = 0, port = 0, backlog = 1024;
  char addr[4096];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) return throw_errno(env, "listenSocket", EINVAL);
  napi_get_value_int32(env, argv[0], &family);
  int alen = get_string(env, argv[1], addr, sizeof addr);
  if (alen < 0) return throw_errno(env, "listenSocket", EINVAL);
  napi_get_value_int32(env, argv[2], &port);
  napi_get_value_int32(env, argv[3], &backlog);
  int v6only = argc > 4 ? opt_bool(env, argv[4], "v6only", 0) : 0;
  int reuseport = argc > 4 ? opt_bool(env, argv[4], "reusePort", 1) : 1;
  int fd, one = 1;
  if (family == 4 || family == 6) {
    fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return throw_errno(env, "socket", errno);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    int r;
    if (family == 4) {
      struct sockaddr_in sin;
      memset(&sin, 0, sizeof sin);
      sin.sin_family = AF_INET;
      sin.sin_port = htons((uint16_t)port);
      if (alen == 0) sin.sin_addr.s_addr = htonl(INADDR_ANY);
      else if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) { close(fd); return throw_errno(env, "inet_pton", EINVAL); }
      r = bind(fd, (struct sockaddr *)&sin, sizeof sin);
    } else {
      struct sockaddr_in6 sin6;
      memset(&sin6, 0, sizeof sin6);
      sin6.sin6_family = AF_INET6;
      sin6.sin6_port = htons((uint16_t)port);
      int v = v6only ? 1 : 0;
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v);
      if (alen == 0) sin6.sin6_addr = in6addr_any;
      else if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1) { close(fd); return throw_errno(env, "inet_pton", EINVAL); }
      r = bind(fd, (struct sockaddr *)&sin6, sizeof sin6);
    }
    if (r != 0) { int e = errno; close(fd); return throw_errno(env, "bind", e); }
  } else if (family == 0) {
    struct sockaddr_un sun;
    socklen_t slen;
    if (fill_unix(&sun, addr, (size_t)alen, &slen) != 0) return throw_errno(env, "bind", ENAMETOOLONG);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return throw_errno(env, "socket", errno);
    if (bind(fd, (struct sockaddr *)&sun, slen) != 0) { int e = errno; close(fd); return throw_errno(env, "bind", e); }
  } else {
    return throw_errno(env, "listenSocket", EAFNOSUPPORT);
  }
  if (listen(fd, backlog) != 0) { int e = errno; close(fd); return throw_errno(env, "listen", e); }
  return make_int(env, fd);
}

static napi_value js_dup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return throw_errno(env, "dup", EINVAL);
  napi_get_value_int32(env, argv[0], &fd);
  int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (r < 0) return throw_errno(env, "dup", errno);
  return make_int(env, r);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return throw_errno(env, "close", EINVAL);
  napi_get_value_int32(env, argv[0], &fd);
  if (close(fd) != 0) return throw_errno(env, "close", errno);
  return NULL;
}

static napi_value js_set_cloexec(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  bool on = true;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return throw_errno(env, "fcntl", EINVAL);
  napi_get_value_int32(env, argv[0], &fd);
  if (argc > 1) napi_get_value_bool(env, argv[1], &on);
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, on ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC)) < 0) return throw_errno(env, "fcntl", errno);
  return NULL;
}

static napi_value js_dgram_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[4096];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int len = argc < 1 ? -1 : get_string(env, argv[0], path, sizeof path);
  if (len < 0) return throw_errno(env, "dgramOpen", EINVAL);
  struct sockaddr_un sun;
  socklen_t slen;
  if (fill_unix(&sun, path, (size_t)len, &slen) != 0) return throw_errno(env, "dgramOpen", ENAMETOOLONG);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (connect(fd, (struct sockaddr *)&sun, slen) != 0) { int e = errno; close(fd); return throw_errno(env, "connect", e); }
  return make_int(env, fd);
}

static napi_value js_dgram_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  void *data = NULL;
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_errno(env, "dgramSend", EINVAL);
  napi_get_value_int32(env, argv[0], &fd);
  if (napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) return throw_errno(env, "dgramSend", EINVAL);
  ssize_t r = send(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
  return make_int(env, r < 0 ? -errno : (int)r);
}

static napi_value js_dgram_send_to(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char path[4096];
  void *data = NULL;
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int plen = argc < 2 ? -1 : get_string(env, argv[0], path, sizeof path);
  if (plen < 0 || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok) return throw_errno(env, "dgramSendTo", EINVAL);
  struct sockaddr_un sun;
  socklen_t slen;
  if (fill_unix(&sun, path, (size_t)plen, &slen) != 0) return throw_errno(env, "dgramSendTo", ENAMETOOLONG);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  ssize_t r = sendto(fd, data, len, MSG_NOSIGNAL, (struct sockaddr *)&sun, slen);
  int e = errno;
  close(fd);
  if (r < 0) return throw_errno(env, "sendto", e);
  return make_int(env, (int)r);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "chroot", NULL, js_chroot, NULL, NULL, NULL, napi_enumerable, NULL },
    { "setgroups", NULL, js_setgroups, NULL, NULL, NULL, napi_enumerable, NULL },
    { "listenSocket", NULL, js_listen_socket, NULL, NULL, NULL, napi_enumerable, NULL },
    { "dup", NULL, js_dup, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL },
    { "setCloexec", NULL, js_set_cloexec, NULL, NULL, NULL, napi_enumerable, NULL },
    { "dgramOpen", NULL, js_dgram_open, NULL, NULL, NULL, napi_enumerable, NULL },
    { "dgramSend", NULL, js_dgram_send, NULL, NULL, NULL, napi_enumerable, NULL },
    { "dgramSendTo", NULL, js_dgram_send_to, NULL, NULL, NULL, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
