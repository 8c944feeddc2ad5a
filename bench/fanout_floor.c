/*
 * The floor of `bench/fanout.ts` without any runtime: the protocol of `bench/fanout_floor_node.ts`
 * (GET /healthz, the SSE stream of GET /api/chat/events, a POST that writes one frame to every
 * open stream, GET /__gc, GET /metrics) in a single-threaded epoll loop in C. No auth, no
 * database, no routing, no JavaScript: what is left of "one message to 10,000 streams" is the
 * kernel's loopback, the clients and one write(2) per stream, i.e. the machine's own floor.
 *
 *   cc -O2 -o .tools/fanout_floor bench/fanout_floor.c
 *   FANOUT_SERVER_CMD=.tools/fanout_floor FANOUT_CLIENT=c deno task bench:fanout --only=10k
 *
 * Listens on HOST:PORT (as the benchmark passes them). After each POST's fan-out it prints to
 * stderr how long the loop of writes took, e.g. `fanout id=21 streams=10000 write_loop_us=104242
 * partial=0 mode=write` (on loopback each write(2) also runs the receiving side of TCP, so this
 * is most of the delivery too). The benchmark discards the server's stderr unless
 * FANOUT_SERVER_FLAGS is set, so redirect it in the command:
 * FANOUT_SERVER_CMD=".tools/fanout_floor 2>>/tmp/floor.log".
 * FANOUT_FLOOR_SEND=send writes each frame with send(..., MSG_DONTWAIT | MSG_NOSIGNAL) instead
 * of write(2). Streams are HTTP/1.1 chunked, one chunk per frame, with TCP_NODELAY; other
 * connections are keep-alive and may carry any number of (pipelined) requests, read in pieces.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  int is_stream;
  long stream_index; /* position in `streams` while is_stream */
  int want_out;      /* EPOLLOUT is registered */
  int close_after;   /* close once `out` is flushed (Connection: close) */
  char *in;
  size_t in_len, in_cap;
  char *out;
  size_t out_off, out_len, out_cap;
} Conn;

static Conn **conns; /* by fd */
static long conns_cap;
static int *streams; /* fds of open SSE streams */
static long stream_count, streams_cap;
static int ep;
static long next_id;
static int use_send;
static char readbuf[1 << 16];

static const char STREAM_HEAD[] = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
                                  "transfer-encoding: chunked\r\n\r\n";
static const char CONNECTED[] = "event: connected\ndata: {\"user_id\":\"x\"}\n\n";

static double mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void grow(char **buf, size_t *cap, size_t need) {
  if (need <= *cap) return;
  size_t n = *cap ? *cap : 512;
  while (n < need) n *= 2;
  *buf = realloc(*buf, n);
  if (!*buf) {
    perror("realloc");
    exit(1);
  }
  *cap = n;
}

static void set_events(Conn *c) {
  struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | (c->want_out ? EPOLLOUT : 0), .data.fd = c->fd};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void close_conn(Conn *c) {
  if (c->is_stream) {
    long i = c->stream_index;
    int last = streams[--stream_count];
    streams[i] = last;
    conns[last]->stream_index = i;
  }
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  conns[c->fd] = NULL;
  free(c->in);
  free(c->out);
  free(c);
}

static ssize_t put(int fd, const char *data, size_t len) {
  return use_send ? send(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL) : write(fd, data, len);
}

/* Writes what the socket takes now and queues the rest; returns 0 if the connection was closed. */
static int emit(Conn *c, const char *data, size_t len, int *partial) {
  if (c->out_len == 0) {
    ssize_t n = put(c->fd, data, len);
    if (n == (ssize_t)len) return 1;
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) {
        close_conn(c);
        return 0;
      }
      n = 0;
    }
    data += n;
    len -= n;
    if (partial) (*partial)++;
  }
  if (c->out_off > 0 && c->out_off == c->out_len) c->out_off = c->out_len = 0;
  grow(&c->out, &c->out_cap, c->out_len + len);
  memcpy(c->out + c->out_len, data, len);
  c->out_len += len;
  if (!c->want_out) {
    c->want_out = 1;
    set_events(c);
  }
  return 1;
}

static int flush_out(Conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = put(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return 1;
      close_conn(c);
      return 0;
    }
    c->out_off += n;
  }
  c->out_off = c->out_len = 0;
  if (c->want_out) {
    c->want_out = 0;
    set_events(c);
  }
  if (c->close_after) {
    close_conn(c);
    return 0;
  }
  return 1;
}

static int respond(Conn *c, int status, const char *type, const char *body, size_t body_len) {
  char head[256];
  const char *reason = status == 200 ? "OK" : status == 201 ? "Created" : status == 404 ? "Not Found" : "Bad Request";
  int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\ncontent-type: %s\r\ncontent-length: %zu\r\n%s\r\n", status,
                   reason, type, body_len, c->close_after ? "connection: close\r\n" : "");
  char *all = malloc(n + body_len);
  memcpy(all, head, n);
  memcpy(all + n, body, body_len);
  int alive = emit(c, all, n + body_len, NULL);
  free(all);
  if (alive && c->close_after && c->out_len == 0) {
    close_conn(c);
    return 0;
  }
  return alive;
}

static void iso_now(char *out, size_t size) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
           tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts.tv_nsec / 1000000) % 1000);
}

/* The raw JSON string value of "content" (escapes kept, so it can be embedded as is), or NULL. */
static const char *json_content(const char *body, size_t len, size_t *out_len) {
  const char *key = memmem(body, len, "\"content\"", 9);
  if (!key) return NULL;
  const char *p = key + 9, *end = body + len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':')) p++;
  if (p >= end || *p != '"') return NULL;
  const char *start = ++p;
  while (p < end && *p != '"') p += *p == '\\' ? 2 : 1;
  if (p >= end) return NULL;
  *out_len = p - start;
  return start;
}

/* Writes one SSE frame carrying `content` to every stream as one chunk. */
static void fan_out(const char *content, size_t content_len) {
  char created[96];
  iso_now(created, sizeof created);
  long id = ++next_id;
  size_t cap = content_len + 256;
  char *chunk = malloc(cap);
  char *frame = chunk + 16; /* room for the chunk-size line */
  int frame_len = snprintf(frame, cap - 16 - 2,
                           "id: %ld\nevent: message_created\ndata: {\"message\":{\"content\":\"%.*s\","
                           "\"created_at\":\"%s\"}}\n\n",
                           id, (int)content_len, content, created);
  char size_line[16];
  int size_len = snprintf(size_line, sizeof size_line, "%x\r\n", frame_len);
  char *start = frame - size_len;
  memcpy(start, size_line, size_len);
  memcpy(frame + frame_len, "\r\n", 2);
  size_t total = size_len + frame_len + 2;

  int partial = 0;
  long count = stream_count;
  double t0 = mono_us();
  /* downwards: a stream closed here is replaced by the last one, which has had its frame */
  for (long i = stream_count - 1; i >= 0; i--) emit(conns[streams[i]], start, total, &partial);
  double t1 = mono_us();
  free(chunk);
  fprintf(stderr, "fanout id=%ld streams=%ld write_loop_us=%.0f partial=%d mode=%s\n", id, count, t1 - t0, partial,
          use_send ? "send" : "write");
}

static long statm_rss_bytes(void) {
  long size = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * sysconf(_SC_PAGESIZE);
}

static const char *header(const char *head, size_t head_len, const char *name, size_t *value_len) {
  size_t n = strlen(name);
  const char *line = memmem(head, head_len, "\r\n", 2);
  const char *end = head + head_len;
  while (line && line + 2 < end) {
    const char *p = line + 2;
    const char *eol = memmem(p, end - p, "\r\n", 2);
    if (!eol) eol = end;
    if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
      const char *v = p + n + 1;
      while (v < eol && (*v == ' ' || *v == '\t')) v++;
      *value_len = eol - v;
      return v;
    }
    line = eol;
  }
  return NULL;
}

/* Handles every complete request in c->in; returns 0 if the connection was closed. */
static int handle_requests(Conn *c) {
  size_t used = 0;
  int alive = 1;
  while (alive && !c->is_stream) {
    char *text = c->in + used;
    size_t len = c->in_len - used;
    char *head_end = memmem(text, len, "\r\n\r\n", 4);
    if (!head_end) break;
    size_t head_len = head_end - text;
    size_t vlen;
    long body_len = 0;
    const char *v = header(text, head_len, "content-length", &vlen);
    if (v) body_len = strtol(v, NULL, 10);
    if (header(text, head_len, "transfer-encoding", &vlen)) {
      c->close_after = 1;
      return respond(c, 400, "text/plain", "chunked request bodies are not supported", 40);
    }
    if (head_len + 4 + body_len > len) break; /* the body is still coming */
    const char *conn_hdr = header(text, head_len, "connection", &vlen);
    if (conn_hdr && vlen >= 5 && strncasecmp(conn_hdr, "close", 5) == 0) c->close_after = 1;
    char method[8] = "", path[512] = "";
    sscanf(text, "%7s %511s", method, path);
    char *q = strchr(path, '?');
    if (q) *q = 0;
    const char *body = head_end + 4;
    used += head_len + 4 + body_len;

    if (strcmp(method, "GET") == 0 && strcmp(path, "/api/chat/events") == 0) {
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      char first[256];
      int n = snprintf(first, sizeof first, "%s%zx\r\n%s\r\n", STREAM_HEAD, sizeof CONNECTED - 1, CONNECTED);
      if (stream_count == streams_cap) {
        streams_cap = streams_cap ? streams_cap * 2 : 1024;
        streams = realloc(streams, streams_cap * sizeof(int));
      }
      c->is_stream = 1;
      c->stream_index = stream_count;
      streams[stream_count++] = c->fd;
      alive = emit(c, first, n, NULL);
      if (alive) {
        free(c->in); /* anything else the client sends on a stream is ignored */
        c->in = NULL;
        c->in_len = c->in_cap = 0;
      }
      return alive;
    } else if (strcmp(method, "POST") == 0 && strncmp(path, "/api/chat/conversations/", 24) == 0 &&
               strstr(path, "/messages")) {
      size_t content_len;
      const char *content = json_content(body, body_len, &content_len);
      if (!content) {
        alive = respond(c, 400, "application/json", "{\"error\":\"content\"}", 19);
        continue;
      }
      fan_out(content, content_len);
      char reply[64];
      int n = snprintf(reply, sizeof reply, "{\"id\":%ld}", next_id);
      alive = respond(c, 201, "application/json", reply, n);
    } else if (strcmp(method, "GET") == 0 && strcmp(path, "/__gc") == 0) {
      char reply[128];
      int n = snprintf(reply, sizeof reply, "{\"rss\":%ld,\"heapUsed\":0,\"heapTotal\":0,\"collected\":false}",
                       statm_rss_bytes());
      alive = respond(c, 200, "application/json", reply, n);
    } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
      alive = respond(c, 200, "text/plain", "ok", 2); /* /healthz, /metrics */
    } else {
      alive = respond(c, 404, "text/plain", "not found", 9);
    }
  }
  if (alive && c->in && used > 0) {
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
  }
  return alive;
}

static void on_readable(Conn *c) {
  while (1) {
    ssize_t n = read(c->fd, readbuf, sizeof readbuf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      close_conn(c);
      return;
    }
    if (c->is_stream) continue; /* discarded */
    grow(&c->in, &c->in_cap, c->in_len + n);
    memcpy(c->in + c->in_len, readbuf, n);
    c->in_len += n;
    if (c->in_len > (1 << 20)) { /* no request here is that large */
      close_conn(c);
      return;
    }
    if (!handle_requests(c)) return;
    if (n < (ssize_t)sizeof readbuf) return;
  }
}

static void on_accept(int listener) {
  while (1) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN) perror("accept4");
      return;
    }
    if (fd >= conns_cap) {
      long n = conns_cap ? conns_cap : 1024;
      while (n <= fd) n *= 2;
      conns = realloc(conns, n * sizeof(Conn *));
      memset(conns + conns_cap, 0, (n - conns_cap) * sizeof(Conn *));
      conns_cap = n;
    }
    Conn *c = calloc(1, sizeof(Conn));
    c->fd = fd;
    conns[fd] = c;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  use_send = getenv("FANOUT_FLOOR_SEND") && strcmp(getenv("FANOUT_FLOOR_SEND"), "send") == 0;
  const char *host = getenv("HOST") ? getenv("HOST") : "127.0.0.1";
  int port = getenv("PORT") ? atoi(getenv("PORT")) : 8000;

  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
    fprintf(stderr, "HOST must be an IPv4 address, got %s\n", host);
    return 2;
  }
  if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listener, 65535) < 0) {
    perror("listen");
    return 1;
  }
  ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = listener};
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
  fprintf(stderr, "fanout_floor listening on %s:%d (nofile %ld, %s)\n", host, port, (long)rl.rlim_cur,
          use_send ? "send" : "write");

  static struct epoll_event events[1024];
  while (1) {
    int n = epoll_wait(ep, events, 1024, -1);
    if (n < 0 && errno != EINTR) {
      perror("epoll_wait");
      return 1;
    }
    for (int k = 0; k < n; k++) {
      int fd = events[k].data.fd;
      if (fd == listener) {
        on_accept(listener);
        continue;
      }
      Conn *c = fd < conns_cap ? conns[fd] : NULL;
      if (!c) continue; /* closed earlier in this batch */
      unsigned e = events[k].events;
      if (e & EPOLLOUT) {
        if (!flush_out(c)) continue;
      }
      if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(c);
    }
  }
}
