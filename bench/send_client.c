/*
 * The load generator of the send phase of `bench/messages.ts` in C: N closed-loop senders, each
 * with one keep-alive HTTP/1.1 connection and exactly one POST in flight, driven by one epoll
 * loop instead of a JavaScript runtime. On a 2-core machine the senders share the cores with the
 * server they measure; 50 `fetch` loops cost a large share of them, this costs a few microseconds
 * a request, so the measurement is of the server.
 *
 *   cc -O2 -o send_client bench/send_client.c
 *   send_client <http://127.0.0.1:PORT/path> <tokens file> <seconds> <clients>
 *
 * The tokens file is a JSON array of strings without escapes (session tokens) or one token a
 * line; client c sends `Authorization: Bearer <token c % tokens>`. Request I of client C posts
 * `{"content":"client C message I","client_id":"C-I"}`, the body the Deno client sends, with
 * the headers `fetch` would send that matter to the server. A response is read by its status
 * line and headers, then by Content-Length, chunked transfer coding, or until the connection
 * closes; the next request goes out only after it (never pipelined). A connection that closes
 * with a request in flight counts a failure and reconnects; `Connection: close` after a whole
 * response just reconnects.
 *
 * Latency runs from the start of a request's write to the end of its response. Status 201 counts
 * as sent, anything else as failed. At the deadline no new request starts and requests still in
 * flight are not counted: their responses are awaited (for up to 5 s, so the server's work on
 * them is not cut off) and reported apart, so the rows the server wrote can be reconciled with
 * `sent`. Prints one JSON line:
 *   {"seconds","sent","failed","p50_ms","p99_ms","statuses":{"201":n,...},
 *    "in_flight_at_deadline","in_flight_201"}
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CONNECTING, WRITING, HEAD, BODY_LENGTH, BODY_CHUNK_SIZE, BODY_CHUNK_DATA, BODY_CHUNK_CRLF, TRAILERS,
       BODY_UNTIL_CLOSE, IDLE };

typedef struct {
  int fd;
  int state;
  int busy;        /* a request is in flight */
  int late;        /* the request in flight started before the deadline, which has passed */
  int keep_alive;  /* the response allows another request on this connection */
  int status;
  long index;      /* request number of this client */
  const char *token;
  char req[4096];
  int req_len, written;
  char *buf;       /* bytes read and not yet consumed */
  long buf_len, buf_cap;
  long remaining;  /* body or chunk bytes still to read */
  double started;
  unsigned generation; /* counts connections, so a handler can tell its socket was replaced */
  double retry_at; /* a failed connect waits before the next attempt */
} Client;

static Client *clients;
static long client_count;
static struct sockaddr_in target;
static char host_header[96];
static char path[2048];
static int ep;
static double *latencies;
static long latency_count, latency_cap;
static long sent, failed, statuses[1000], in_flight, in_flight_201;
static double deadline;
static int draining;
static char readbuf[1 << 16];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void note_latency(double ms) {
  if (latency_count == latency_cap) {
    latency_cap = latency_cap ? latency_cap * 2 : 1 << 16;
    latencies = realloc(latencies, latency_cap * sizeof(double));
  }
  latencies[latency_count++] = ms;
}

static void open_connection(Client *cl);
static void start_request(Client *cl);

static void watch(Client *cl, int op, unsigned events) {
  struct epoll_event ev = {.events = events, .data.ptr = cl};
  epoll_ctl(ep, op, cl->fd, &ev);
}

static void close_connection(Client *cl) {
  if (cl->fd < 0) return;
  epoll_ctl(ep, EPOLL_CTL_DEL, cl->fd, NULL);
  close(cl->fd);
  cl->fd = -1;
  cl->buf_len = 0;
}

/* The connection ended with a request in flight: one failure, then a fresh connection. */
static void lost(Client *cl) {
  close_connection(cl);
  if (cl->busy) {
    if (cl->late || now_ms() >= deadline)
      in_flight++;
    else
      failed++;
    cl->busy = 0;
    cl->late = 0;
  }
  if (!draining) open_connection(cl);
}

static void open_connection(Client *cl) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&target, sizeof target) < 0 && errno != EINPROGRESS) {
    close(fd);
    cl->retry_at = now_ms() + 50;
    return;
  }
  cl->fd = fd;
  cl->generation++;
  cl->state = CONNECTING;
  cl->buf_len = 0;
  watch(cl, EPOLL_CTL_ADD, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

/* Writes what is left of the request; waits for EPOLLOUT only when the socket buffer is full. */
static void write_request(Client *cl) {
  while (cl->written < cl->req_len) {
    ssize_t n = write(cl->fd, cl->req + cl->written, cl->req_len - cl->written);
    if (n > 0) {
      cl->written += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (cl->state != WRITING) watch(cl, EPOLL_CTL_MOD, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
      cl->state = WRITING;
      return;
    }
    lost(cl);
    return;
  }
  if (cl->state == WRITING) watch(cl, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
  cl->state = HEAD;
}

static void start_request(Client *cl) {
  cl->state = IDLE;
  if (draining || now_ms() >= deadline) return;
  long c = cl - clients;
  char body[128];
  int body_len = snprintf(body, sizeof body, "{\"content\":\"client %ld message %ld\",\"client_id\":\"%ld-%ld\"}", c,
                          cl->index, c, cl->index);
  cl->req_len = snprintf(cl->req, sizeof cl->req,
                         "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                         "Content-Type: application/json\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\n"
                         "Content-Length: %d\r\n\r\n%s",
                         path, host_header, cl->token, body_len, body);
  if (cl->req_len >= (int)sizeof cl->req) {
    fprintf(stderr, "request too long (token or path)\n");
    exit(2);
  }
  cl->index++;
  cl->written = 0;
  cl->busy = 1;
  cl->late = 0;
  cl->started = now_ms();
  write_request(cl);
}

/* A whole response has arrived. */
static void finished(Client *cl) {
  double at = now_ms();
  if (cl->late || at >= deadline) {
    in_flight++;
    if (cl->status == 201) in_flight_201++;
  } else {
    note_latency(at - cl->started);
    statuses[cl->status]++;
    if (cl->status == 201)
      sent++;
    else
      failed++;
  }
  cl->busy = 0;
  cl->late = 0;
  cl->state = IDLE;
  /* nothing may follow a response when none was asked for */
  cl->buf_len = 0;
  if (!cl->keep_alive) {
    close_connection(cl);
    if (!draining) open_connection(cl);
  } else if (!draining) {
    start_request(cl);
  }
}

static void consume(Client *cl, long n) {
  memmove(cl->buf, cl->buf + n, cl->buf_len - n);
  cl->buf_len -= n;
}

/* Parses the status line and headers; returns 0 while incomplete, -1 when malformed. */
static int parse_head(Client *cl) {
  char *end = memmem(cl->buf, cl->buf_len, "\r\n\r\n", 4);
  if (!end) return 0;
  *end = 0;
  if (strncmp(cl->buf, "HTTP/1.", 7) != 0 || cl->buf_len < 12) return -1;
  int status = atoi(cl->buf + 9);
  if (status < 100 || status > 999) return -1;
  long head_len = end + 4 - cl->buf;
  if (status < 200) { /* an interim response: the real one follows */
    consume(cl, head_len);
    return parse_head(cl);
  }
  cl->status = status;
  cl->keep_alive = cl->buf[7] == '1';
  long length = -1;
  int chunked = 0;
  for (char *line = strstr(cl->buf, "\r\n"); line; line = strstr(line, "\r\n")) {
    line += 2;
    char *colon = strchr(line, ':');
    char *eol = strstr(line, "\r\n");
    if (!colon || (eol && colon > eol)) continue;
    char *value = colon + 1;
    while (*value == ' ' || *value == '\t') value++;
    long name_len = colon - line;
    if (name_len == 14 && strncasecmp(line, "content-length", 14) == 0) {
      length = strtol(value, NULL, 10);
    } else if (name_len == 17 && strncasecmp(line, "transfer-encoding", 17) == 0) {
      char *stop = eol ? eol : value + strlen(value);
      chunked = memmem(value, stop - value, "chunked", 7) != NULL;
    } else if (name_len == 10 && strncasecmp(line, "connection", 10) == 0) {
      char *stop = eol ? eol : value + strlen(value);
      if (memmem(value, stop - value, "close", 5)) cl->keep_alive = 0;
      if (memmem(value, stop - value, "keep-alive", 10)) cl->keep_alive = 1;
    }
  }
  consume(cl, head_len);
  if (status == 204 || status == 304) {
    cl->state = BODY_LENGTH;
    cl->remaining = 0;
  } else if (chunked) {
    cl->state = BODY_CHUNK_SIZE;
  } else if (length >= 0) {
    cl->state = BODY_LENGTH;
    cl->remaining = length;
  } else {
    cl->state = BODY_UNTIL_CLOSE;
    cl->keep_alive = 0;
  }
  return 1;
}

/* Advances the response parser over the buffered bytes; returns -1 on a malformed response. */
static int advance(Client *cl) {
  for (;;) {
    switch (cl->state) {
    case HEAD: {
      int r = parse_head(cl);
      if (r <= 0) return r;
      break;
    }
    case BODY_LENGTH: {
      long n = cl->buf_len < cl->remaining ? cl->buf_len : cl->remaining;
      consume(cl, n);
      cl->remaining -= n;
      if (cl->remaining > 0) return 0;
      finished(cl);
      return 0;
    }
    case BODY_CHUNK_SIZE: {
      char *eol = memmem(cl->buf, cl->buf_len, "\r\n", 2);
      if (!eol) return cl->buf_len > 1024 ? -1 : 0;
      char *digits_end;
      long size = strtol(cl->buf, &digits_end, 16);
      if (digits_end == cl->buf || size < 0) return -1;
      consume(cl, eol + 2 - cl->buf);
      cl->remaining = size;
      cl->state = size == 0 ? TRAILERS : BODY_CHUNK_DATA;
      break;
    }
    case BODY_CHUNK_DATA: {
      long n = cl->buf_len < cl->remaining ? cl->buf_len : cl->remaining;
      consume(cl, n);
      cl->remaining -= n;
      if (cl->remaining > 0) return 0;
      cl->state = BODY_CHUNK_CRLF;
      break;
    }
    case BODY_CHUNK_CRLF:
      if (cl->buf_len < 2) return 0;
      if (cl->buf[0] != '\r' || cl->buf[1] != '\n') return -1;
      consume(cl, 2);
      cl->state = BODY_CHUNK_SIZE;
      break;
    case TRAILERS: { /* trailer lines until an empty one */
      char *eol = memmem(cl->buf, cl->buf_len, "\r\n", 2);
      if (!eol) return cl->buf_len > 8192 ? -1 : 0;
      int empty = eol == cl->buf;
      consume(cl, eol + 2 - cl->buf);
      if (empty) {
        finished(cl);
        return 0;
      }
      break;
    }
    case BODY_UNTIL_CLOSE:
      cl->buf_len = 0;
      return 0;
    default: /* bytes nobody asked for */
      return cl->buf_len > 0 ? -1 : 0;
    }
  }
}

static void on_readable(Client *cl) {
  for (;;) {
    ssize_t got = read(cl->fd, readbuf, sizeof readbuf);
    if (got > 0) {
      if (cl->buf_len + got > cl->buf_cap) {
        cl->buf_cap = (cl->buf_len + got) * 2;
        cl->buf = realloc(cl->buf, cl->buf_cap);
      }
      memcpy(cl->buf + cl->buf_len, readbuf, got);
      cl->buf_len += got;
      unsigned generation = cl->generation;
      if (advance(cl) < 0) {
        lost(cl);
        return;
      }
      /* the response ended the connection, or a new one replaced it */
      if (cl->fd < 0 || cl->generation != generation) return;
      if (got < (ssize_t)sizeof readbuf) return;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return;
    /* end of stream (or an error): a body read until close is complete, anything else is lost */
    if (cl->busy && cl->state == BODY_UNTIL_CLOSE) {
      close_connection(cl);
      cl->keep_alive = 0;
      finished(cl);
      return;
    }
    lost(cl);
    return;
  }
}

static void on_event(Client *cl, unsigned events) {
  if (cl->fd < 0) return;
  if (cl->state == CONNECTING) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      if (cl->busy) {
        lost(cl);
      } else {
        close_connection(cl);
        cl->retry_at = now_ms() + 50;
      }
      return;
    }
    if (!(events & EPOLLOUT)) return;
    watch(cl, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
    cl->state = IDLE;
    if (!draining) start_request(cl);
    return;
  }
  if (cl->state == WRITING && (events & EPOLLOUT)) write_request(cl);
  if (cl->fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) on_readable(cl);
}

/* One turn of the loop, waiting up to timeout_ms. */
static void pump(int timeout_ms) {
  static struct epoll_event events[1024];
  int n = epoll_wait(ep, events, 1024, timeout_ms);
  for (int k = 0; k < n; k++) on_event(events[k].data.ptr, events[k].events);
  if (draining) return;
  double at = now_ms();
  for (long i = 0; i < client_count; i++) {
    Client *cl = &clients[i];
    if (cl->fd < 0 && cl->retry_at > 0 && cl->retry_at <= at) {
      cl->retry_at = 0;
      open_connection(cl);
    }
  }
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The same pick as the Deno client: the value at floor(p% of n) of the sorted samples. */
static double percentile(double p) {
  if (latency_count == 0) return 0;
  long i = (long)(p / 100 * latency_count);
  if (i > latency_count - 1) i = latency_count - 1;
  return latencies[i];
}

static char *read_file(const char *name) {
  FILE *f = fopen(name, "rb");
  if (!f) {
    perror(name);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc(size + 1);
  if (fread(text, 1, size, f) != (size_t)size) {
    perror(name);
    exit(1);
  }
  text[size] = 0;
  fclose(f);
  return text;
}

/* Tokens from a JSON array of plain strings, or one a line. */
static char **parse_tokens(char *text, long *count) {
  char **tokens = NULL;
  long n = 0, cap = 0;
  char *p = text;
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
  int json = *p == '[';
  for (;;) {
    char *token, *end;
    if (json) {
      token = strchr(p, '"');
      if (!token) break;
      token++;
      end = strchr(token, '"');
      if (!end) break;
    } else {
      token = p;
      end = strchr(p, '\n');
      if (!end) end = p + strlen(p);
    }
    char *next = *end ? end + 1 : end;
    *end = 0;
    long len = strlen(token);
    while (len > 0 && (token[len - 1] == '\r' || token[len - 1] == ' ')) token[--len] = 0;
    if (len > 0) {
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        tokens = realloc(tokens, cap * sizeof(char *));
      }
      tokens[n++] = token;
    }
    if (next == end) break;
    p = next;
  }
  *count = n;
  return tokens;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: send_client <http://host:port/path> <tokens file> <seconds> <clients>\n");
    return 2;
  }
  char host[64];
  int port, consumed = 0;
  if (sscanf(argv[1], "http://%63[^:/]:%d%n", host, &port, &consumed) != 2) {
    fprintf(stderr, "expected http://host:port/path, got %s\n", argv[1]);
    return 2;
  }
  snprintf(path, sizeof path, "%s", argv[1][consumed] == '/' ? argv[1] + consumed : "/");
  snprintf(host_header, sizeof host_header, "%s:%d", host, port);
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &target.sin_addr) != 1) {
    fprintf(stderr, "expected an IPv4 address, got %s\n", host);
    return 2;
  }
  double seconds = atof(argv[3]);
  client_count = atol(argv[4]);
  long token_count;
  char **tokens = parse_tokens(read_file(argv[2]), &token_count);
  if (seconds <= 0 || client_count <= 0 || token_count == 0) {
    fprintf(stderr, "need seconds > 0, clients > 0 and at least one token\n");
    return 2;
  }

  ep = epoll_create1(0);
  clients = calloc(client_count, sizeof(Client));
  for (long c = 0; c < client_count; c++) {
    clients[c].fd = -1;
    clients[c].token = tokens[c % token_count];
  }
  double start = now_ms();
  deadline = start + seconds * 1000;
  for (long c = 0; c < client_count; c++) open_connection(&clients[c]);
  for (double at = start; at < deadline; at = now_ms()) {
    double wait = deadline - at;
    pump(wait > 50 ? 50 : (int)wait + 1);
  }
  double elapsed = (now_ms() - start) / 1000;

  /* the deadline: whatever is in flight is not counted, but its answer is awaited */
  draining = 1;
  for (long c = 0; c < client_count; c++) {
    if (clients[c].busy) {
      clients[c].late = 1;
    } else {
      close_connection(&clients[c]);
    }
  }
  double give_up = now_ms() + 5000;
  for (;;) {
    long busy = 0;
    for (long c = 0; c < client_count; c++) busy += clients[c].busy && clients[c].fd >= 0;
    if (busy == 0 || now_ms() > give_up) break;
    pump(50);
  }
  for (long c = 0; c < client_count; c++) {
    if (clients[c].busy) in_flight++; /* no answer within the grace period */
    close_connection(&clients[c]);
  }

  qsort(latencies, latency_count, sizeof(double), compare);
  printf("{\"seconds\":%.3f,\"sent\":%ld,\"failed\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"statuses\":{", elapsed, sent,
         failed, percentile(50), percentile(99));
  int first = 1;
  for (int s = 0; s < 1000; s++) {
    if (!statuses[s]) continue;
    printf("%s\"%d\":%ld", first ? "" : ",", s, statuses[s]);
    first = 0;
  }
  printf("},\"in_flight_at_deadline\":%ld,\"in_flight_201\":%ld}\n", in_flight, in_flight_201);
  fflush(stdout);
  return 0;
}
