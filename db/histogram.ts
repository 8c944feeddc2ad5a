/** Latency histograms in the Prometheus text format, for database timings and real-time metrics. */

const LATENCY_BUCKETS_MS = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/** A latency histogram in milliseconds, exposed in seconds. */
export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  /** @param buckets upper bounds in milliseconds, ascending */
  constructor(readonly buckets: readonly number[] = LATENCY_BUCKETS_MS) {
    this.counts = new Array<number>(buckets.length).fill(0);
  }

  /**
   * Records one observation.
   * @param ms the value in milliseconds
   */
  observe(ms: number): void {
    this.sum += ms;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (ms <= this.buckets[i]) this.counts[i]++;
    }
  }

  /**
   * The Prometheus text lines of this histogram (without HELP and TYPE).
   * @param name the metric name
   * @param labels e.g. `op="statement"`, or empty
   */
  lines(name: string, labels = ""): string[] {
    const labelled = (extra: string) => `{${[labels, extra].filter(Boolean).join(",")}}`;
    const plain = labels ? `{${labels}}` : "";
    return [
      ...this.buckets.map((b, i) => `${name}_bucket${labelled(`le="${b / 1000}"`)} ${this.counts[i]}`),
      `${name}_bucket${labelled('le="+Inf"')} ${this.count}`,
      `${name}_sum${plain} ${this.sum / 1000}`,
      `${name}_count${plain} ${this.count}`,
    ];
  }
}
