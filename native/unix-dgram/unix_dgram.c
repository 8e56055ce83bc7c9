/*
 * Minimal AF_UNIX SOCK_DGRAM binding (Node-API, so it is ABI-stable across Node versions).
 * Node's dgram module only knows UDP, yet syslog's /dev/log is a unix datagram socket.
 * Every call is synchronous and non-blocking: a datagram send to a local socket either
 * completes at once or fails with EAGAIN (receiver full), and a logger must drop rather
 * than queue (HAProxy does the same). Errors are returned as negative errno values, never
 * thrown, so a logging call cannot raise an exception into the data plane.
 *
 *   socket()                    -> fd | -errno      unbound sending socket
 *   bind(path)                  -> fd | -errno      bound receiving socket (tests)
 *   sendto(fd, path, buffer)    -> bytes | -errno
 *   recv(fd, maxlen)            -> Buffer | null (nothing pending) | -errno
 *   close(fd)                   -> 0 | -errno
 */
#include <node_api.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

static napi_value make_int(napi_env env, int v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

/* Fills a sockaddr_un from a JS string; returns 0 or -errno (ENAMETOOLONG/EINVAL). */
static int get_addr(napi_env env, napi_value v, struct sockaddr_un *sa) {
  size_t len = 0;
  memset(sa, 0, sizeof(*sa));
  sa->sun_family = AF_UNIX;
  if (napi_get_value_string_utf8(env, v, sa->sun_path, sizeof(sa->sun_path), &len) != napi_ok) return -EINVAL;
  if (len >= sizeof(sa->sun_path) - 1) return -ENAMETOOLONG;
  return 0;
}

static int new_socket(void) {
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
}

static napi_value js_socket(napi_env env, napi_callback_info info) {
  (void)info;
  return make_int(env, new_socket());
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct sockaddr_un sa;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return make_int(env, -EINVAL);
  int err = get_addr(env, argv[0], &sa);
  if (err) return make_int(env, err);
  int fd = new_socket();
  if (fd < 0) return make_int(env, fd);
  if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
    err = -errno;
    close(fd);
    return make_int(env, err);
  }
  return make_int(env, fd);
}

static napi_value js_sendto(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  struct sockaddr_un sa;
  int32_t fd;
  void *data;
  size_t len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return make_int(env, -EINVAL);
  int err = get_addr(env, argv[1], &sa);
  if (err) return make_int(env, err);
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) return make_int(env, -EINVAL);
  ssize_t n;
  do n = sendto(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa));
  while (n < 0 && errno == EINTR);
  return make_int(env, n < 0 ? -errno : (int)n);
}

static napi_value js_recv(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, maxlen = 65536;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return make_int(env, -EINVAL);
  if (argc > 1) napi_get_value_int32(env, argv[1], &maxlen);
  if (maxlen <= 0 || maxlen > 1 << 20) maxlen = 65536;
  char *buf = malloc((size_t)maxlen);
  if (!buf) return make_int(env, -ENOMEM);
  ssize_t n;
  do n = recv(fd, buf, (size_t)maxlen, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  napi_value r;
  if (n < 0) {
    int e = errno;
    free(buf);
    if (e == EAGAIN || e == EWOULDBLOCK) {
      napi_get_null(env, &r);
      return r;
    }
    return make_int(env, -e);
  }
  napi_create_buffer_copy(env, (size_t)n, buf, NULL, &r);
  free(buf);
  return r;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) return make_int(env, -EINVAL);
  return make_int(env, close(fd) < 0 ? -errno : 0);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "socket", NULL, js_socket, NULL, NULL, NULL, napi_default, NULL },
    { "bind", NULL, js_bind, NULL, NULL, NULL, napi_default, NULL },
    { "sendto", NULL, js_sendto, NULL, NULL, NULL, napi_default, NULL },
    { "recv", NULL, js_recv, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
