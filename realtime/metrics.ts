/**
 * Process metrics in the Prometheus text format. Kept by hand: a handful of counters and
 * one histogram do not justify a client library.
 */
import { Histogram } from "../db/histogram.ts";

/** How late the event loop runs a timer: anything over a few ms is time every stream and request waited. */
const LOOP_LAG_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];
/** How often the event loop's lag is sampled. */
const LOOP_SAMPLE_MS = 100;

/**
 * Samples how late the event loop runs a repeating timer. Everything in the process
 * (every statement, every socket write) runs on that one thread, so a late timer is a
 * stall that held up every request and stream for as long; the histogram shows stalls a
 * latency average hides (a blocking fsync, a long garbage collection, a slow query).
 */
export class EventLoopLag {
  readonly histogram = new Histogram(LOOP_LAG_BUCKETS_MS);
  #timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.#timer !== null) return;
    let expected = performance.now() + LOOP_SAMPLE_MS;
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.histogram.observe(Math.max(0, now - expected));
      expected = now + LOOP_SAMPLE_MS;
    }, LOOP_SAMPLE_MS);
    Deno.unrefTimer(this.#timer);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/** The real-time layer's counters. */
export class RealtimeMetrics {
  openStreams = 0;
  eventsPublished = 0;
  eventsDelivered = 0;
  eventsReplayed = 0;
  slowSubscribersDropped = 0;
  readonly fanoutLatency = new Histogram();
  readonly eventLoopLag = new EventLoopLag();

  /** The Prometheus text exposition. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    metric("parley_open_streams", "gauge", "Open SSE streams in this process.", this.openStreams);
    metric(
      "parley_events_published_total",
      "counter",
      "Durable events read from the log by this process.",
      this.eventsPublished,
    );
    metric(
      "parley_events_delivered_total",
      "counter",
      "Event frames handed to streams (one per recipient stream).",
      this.eventsDelivered,
    );
    metric("parley_events_replayed_total", "counter", "Events sent from the log on resume.", this.eventsReplayed);
    metric(
      "parley_slow_subscribers_dropped_total",
      "counter",
      "Streams closed because they could not keep up.",
      this.slowSubscribersDropped,
    );
    const name = "parley_fanout_latency_seconds";
    lines.push(`# HELP ${name} From event commit to frame handed to every recipient stream.`);
    lines.push(`# TYPE ${name} histogram`);
    lines.push(...this.fanoutLatency.lines(name));
    const lag = "parley_event_loop_lag_seconds";
    lines.push(
      `# HELP ${lag} How late the event loop ran a timer due every ${LOOP_SAMPLE_MS} ms (a stall of the whole process).`,
    );
    lines.push(`# TYPE ${lag} histogram`);
    lines.push(...this.eventLoopLag.histogram.lines(lag));
    return lines.join("\n") + "\n";
  }
}
