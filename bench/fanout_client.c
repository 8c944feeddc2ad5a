/*
 * The load generator of `bench/fanout.ts` in C: the same protocol as `bench/fanout_client.ts`
 * (arguments, `ready`, `bytes`, `stop`, the files it writes, the JSON it prints), with an epoll
 * loop instead of a JavaScript runtime. Reading 10,000 sockets costs a JavaScript client
 * 10-30 us per read, and on a 2-core machine the clients share the cores with the server they
 * measure; this one costs a few microseconds per read, so the measurement is of the server.
 *
 *   cc -O2 -o fanout_client bench/fanout_client.c
 *   fanout_client <url> <tokens.json> <out.bin>
 *
 * Holds one SSE stream per token, notes when each `seq:N:T` message arrives (T is the sender's
 * clock in ms when it started the POST) and, from the frame's `created_at`, the time since
 * commit. A stream the server ends reconnects with Last-Event-ID, like a browser; losses and
 * duplicates are counted per sequence number. For `bench/assistant.ts` it also notes each
 * `message_delta`: the stream's index, how many tokens (spaces) its text holds, and when it
 * arrived, as triples of doubles in <out.bin>.deltas.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char *token;
  char last_id[32];
  int ever_connected;
  unsigned char *bitmap;
  long bitmap_len;
  int fd;
  int attempt;
  int in_body;
  int refused;
  char *carry;
  long carry_len, carry_cap;
  double reconnect_at;
} Stream;

typedef struct {
  double *v;
  long n, cap;
} Samples;

static Stream *streams;
static long stream_count;
static struct sockaddr_in target;
static char host_header[96];
static int ep;
static Samples latencies, from_commit, deltas;
static long received, duplicates, connected, failed, reconnects, pending_reconnects;
static long long bytes_read;
static long max_seq = -1;
static int stopping;
static char readbuf[1 << 18];

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void note(Samples *s, double value) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1 << 16;
    s->v = realloc(s->v, s->cap * sizeof(double));
  }
  s->v[s->n++] = value;
}

static void append(Stream *st, const char *data, long len) {
  if (st->carry_len + len > st->carry_cap) {
    st->carry_cap = (st->carry_len + len) * 2;
    st->carry = realloc(st->carry, st->carry_cap);
  }
  memcpy(st->carry + st->carry_len, data, len);
  st->carry_len += len;
}

/* The last occurrence of `needle` that starts before `end`. */
static const char *find_last(const char *text, long end, const char *needle) {
  long n = strlen(needle);
  for (long i = end - n; i >= 0; i--)
    if (text[i] == needle[0] && memcmp(text + i, needle, n) == 0) return text + i;
  return NULL;
}

/* "2026-01-02T03:04:05.678Z" as ms since the epoch. */
static double parse_iso(const char *s) {
  struct tm tm = {0};
  int ms = 0;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
             &tm.tm_sec, &ms) < 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm) * 1000.0 + ms;
}

static void open_stream(long i);

static void schedule_reconnect(Stream *st) {
  if (stopping || st->attempt >= 50) return;
  st->reconnect_at = now_ms() + 100 + (rand() % 200);
  pending_reconnects++;
}

static void close_stream(Stream *st) {
  if (st->fd < 0) return;
  epoll_ctl(ep, EPOLL_CTL_DEL, st->fd, NULL);
  close(st->fd);
  st->fd = -1;
  if (st->refused) {
    failed++;
    return;
  }
  schedule_reconnect(st);
}

/* Scans complete frames in text[0..len); returns how many bytes were consumed. */
static long scan(Stream *st, const char *text, long len, double at) {
  const char *last = find_last(text, len, "\n\n");
  if (!last) return 0;
  long end = last - text;
  if (!st->ever_connected && memmem(text, end, "event: connected", 16)) {
    st->ever_connected = 1;
    connected++;
  }
  const char *id = find_last(text, end, "\nid: ");
  if (id) {
    long k = 0;
    for (const char *p = id + 5; p < text + end && *p != '\n' && k < 31; p++) st->last_id[k++] = *p;
    st->last_id[k] = 0;
  }
  for (const char *d = text; (d = memmem(d, text + end - d, "event: message_delta\n", 21)) != NULL;) {
    const char *field = memmem(d, text + end - d, "\"delta\":\"", 9);
    if (!field) break;
    long tokens = 0;
    const char *p = field + 9;
    for (; p < text + end && *p != '"'; p++) tokens += *p == ' ';
    note(&deltas, (double)(st - streams));
    note(&deltas, (double)tokens);
    note(&deltas, at);
    d = p;
  }
  const char *from = text;
  while (1) {
    const char *m = memmem(from, text + end - from, "seq:", 4);
    if (!m) break;
    char *colon;
    long seq = strtol(m + 4, &colon, 10);
    if (*colon != ':') {
      from = m + 4;
      continue;
    }
    char *quote;
    double sent_at = strtod(colon + 1, &quote);
    from = quote;
    if (seq < 0) continue;
    if (seq >= st->bitmap_len) {
      long n = st->bitmap_len * 2 > seq + 1 ? st->bitmap_len * 2 : seq + 1;
      st->bitmap = realloc(st->bitmap, n);
      memset(st->bitmap + st->bitmap_len, 0, n - st->bitmap_len);
      st->bitmap_len = n;
    }
    if (st->bitmap[seq]) {
      duplicates++;
      continue;
    }
    st->bitmap[seq] = 1;
    if (seq > max_seq) max_seq = seq;
    received++;
    note(&latencies, at - sent_at);
    const char *frame_start = find_last(text, m - text, "\n\n");
    if (!frame_start) frame_start = text;
    const char *frame_end = memmem(m, text + len - m, "\n\n", 2);
    const char *created = memmem(frame_start, (frame_end ? frame_end : text + len) - frame_start, "\"created_at\":\"", 14);
    if (created) {
      double t = parse_iso(created + 14);
      if (t > 0) note(&from_commit, at - t);
    }
  }
  return end + 2;
}

static void on_data(Stream *st, const char *data, long len, double at) {
  bytes_read += len;
  const char *text = data;
  long text_len = len;
  if (!st->in_body || st->carry_len > 0) {
    append(st, data, len);
    text = st->carry;
    text_len = st->carry_len;
  }
  if (!st->in_body) {
    const char *head_end = memmem(text, text_len, "\r\n\r\n", 4);
    if (!head_end) return;
    if (text_len < 12 || memcmp(text, "HTTP/1.1 200", 12) != 0) {
      st->refused = !st->ever_connected;
      close_stream(st);
      return;
    }
    st->in_body = 1;
    long skip = head_end + 4 - text;
    memmove(st->carry, st->carry + skip, st->carry_len - skip);
    st->carry_len -= skip;
    text = st->carry;
    text_len = st->carry_len;
  }
  /* the last chunk (size 0) ends the response: reconnect and resume */
  int done = text_len >= 5 && memcmp(text + text_len - 5, "0\r\n\r\n", 5) == 0 &&
             (text_len == 5 || (text_len >= 7 && memcmp(text + text_len - 7, "\r\n", 2) == 0));
  long used = scan(st, text, text_len, at);
  if (text == st->carry) {
    memmove(st->carry, st->carry + used, st->carry_len - used);
    st->carry_len -= used;
  } else if (used < text_len) {
    append(st, text + used, text_len - used);
  }
  if (done) close_stream(st);
}

static void open_stream(long i) {
  Stream *st = &streams[i];
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&target, sizeof target) < 0 && errno != EINPROGRESS) {
    close(fd);
    schedule_reconnect(st);
    return;
  }
  st->fd = fd;
  st->in_body = 0;
  st->carry_len = 0;
  if (st->attempt > 0) reconnects++;
  st->attempt++;
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u64 = (unsigned long)i + 1};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void send_request(long i) {
  Stream *st = &streams[i];
  char req[2048];
  char resume[64] = "";
  if (st->last_id[0]) snprintf(resume, sizeof resume, "last-event-id: %s\r\n", st->last_id);
  int n = snprintf(req, sizeof req,
                   "GET /api/chat/events HTTP/1.1\r\nhost: %s\r\nauthorization: Bearer %s\r\n"
                   "accept: text/event-stream\r\n%s\r\n",
                   host_header, st->token, resume);
  if (write(st->fd, req, n) != n) {
    close_stream(st);
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = (unsigned long)i + 1};
  epoll_ctl(ep, EPOLL_CTL_MOD, st->fd, &ev);
}

static int on_command(void);

/* One turn of the loop: waits up to timeout_ms; returns 1 when told to stop. */
static int pump(int timeout_ms) {
  static struct epoll_event events[1024];
  int n = epoll_wait(ep, events, 1024, timeout_ms);
  double at = now_ms();
  for (int k = 0; k < n; k++) {
    unsigned long tag = events[k].data.u64;
    if (tag == 0) {
      if (on_command()) return 1;
      continue;
    }
    long i = tag - 1;
    Stream *st = &streams[i];
    if (st->fd < 0) continue;
    if (events[k].events & EPOLLOUT) {
      send_request(i);
      continue;
    }
    while (st->fd >= 0) {
      ssize_t got = read(st->fd, readbuf, sizeof readbuf);
      if (got > 0) {
        on_data(st, readbuf, got, at);
        if (got < (ssize_t)sizeof readbuf) break;
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
      close_stream(st);
    }
  }
  if (pending_reconnects > 0) {
    for (long i = 0; i < stream_count; i++) {
      if (streams[i].reconnect_at > 0 && streams[i].reconnect_at <= at) {
        streams[i].reconnect_at = 0;
        pending_reconnects--;
        if (!stopping) open_stream(i);
      }
    }
  }
  return 0;
}

static void write_samples(const char *path, Samples *s) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fwrite(s->v, sizeof(double), s->n, f);
  fclose(f);
}

static char line[4096];
static long line_len;

static int on_command(void) {
  ssize_t got = read(0, line + line_len, sizeof line - 1 - line_len);
  if (got <= 0) return 1;
  line_len += got;
  line[line_len] = 0;
  int stop = strstr(line, "stop") != NULL;
  if (!stop && strstr(line, "bytes")) {
    printf("{\"bytes\":%lld}\n", bytes_read);
    fflush(stdout);
  }
  if (strchr(line, '\n')) line_len = 0;
  return stop;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fanout_client <url> <tokens.json> <out.bin>\n");
    return 2;
  }
  const char *url = argv[1];
  char host[64];
  int port;
  if (sscanf(url, "http://%63[^:]:%d", host, &port) != 2) {
    fprintf(stderr, "expected http://host:port, got %s\n", url);
    return 2;
  }
  snprintf(host_header, sizeof host_header, "%s:%d", host, port);
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  inet_pton(AF_INET, host, &target.sin_addr);

  FILE *f = fopen(argv[2], "rb");
  if (!f) {
    perror(argv[2]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *json = malloc(size + 1);
  if (fread(json, 1, size, f) != (size_t)size) return 1;
  json[size] = 0;
  fclose(f);
  /* an array of strings without escapes (session tokens) */
  for (char *p = json; (p = strchr(p, '"')); p = strchr(p + 1, '"') + 1) stream_count++;
  streams = calloc(stream_count, sizeof(Stream));
  long count = 0;
  for (char *p = json; (p = strchr(p, '"'));) {
    char *close_quote = strchr(p + 1, '"');
    *close_quote = 0;
    Stream *st = &streams[count++];
    st->token = p + 1;
    st->fd = -1;
    st->bitmap_len = 64;
    st->bitmap = calloc(64, 1);
    p = close_quote + 1;
  }
  stream_count = count;

  ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);

  int stop = 0;
  for (long i = 0; i < stream_count && !stop; i += 250) {
    long upto = i + 250 < stream_count ? i + 250 : stream_count;
    for (long k = i; k < upto; k++) open_stream(k);
    while (connected + failed < upto && !stop) stop = pump(5);
  }
  printf("ready\n");
  fflush(stdout);
  while (!stop) stop = pump(100);
  stopping = 1;

  char commit_path[4096];
  snprintf(commit_path, sizeof commit_path, "%s.commit", argv[3]);
  write_samples(argv[3], &latencies);
  write_samples(commit_path, &from_commit);
  char deltas_path[4096];
  snprintf(deltas_path, sizeof deltas_path, "%s.deltas", argv[3]);
  write_samples(deltas_path, &deltas);
  printf("{\"connected\":%ld,\"failed\":%ld,\"received\":%ld,\"duplicates\":%ld,\"reconnects\":%ld,\"bytes\":%lld,"
         "\"maxSeq\":%ld}\n",
         connected, failed, received, duplicates, reconnects, bytes_read, max_seq);
  fflush(stdout);
  return 0;
}
