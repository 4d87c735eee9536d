// Prometheus text exposition, written by hand: a few metric families do not justify a client library.

const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

type Histogram = { counts: number[]; sum: number; count: number };

/** One process's counters, as plain data: what a worker sends for the cluster's /metrics. */
export type MetricsSnapshot = {
  requests: [string, number][];
  rejections: [string, number][];
  latency: [string, Histogram][];
  disconnects: [string, number][];
  rekeys: number;
  cpuSeconds: number;
};

export class VerifierMetrics {
  readonly #requests = new Map<string, number>();
  readonly #rejections = new Map<string, number>();
  readonly #latency = new Map<string, Histogram>();
  readonly #disconnects = new Map<string, number>();
  #rekeys = 0;

  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const key = `route="${route}",method="${method}",code="${status}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    let histogram = this.#latency.get(route);
    if (!histogram) {
      histogram = { counts: latencyBuckets.map(() => 0), sum: 0, count: 0 };
      this.#latency.set(route, histogram);
    }
    for (let i = 0; i < latencyBuckets.length; i++) {
      if (seconds <= latencyBuckets[i]) histogram.counts[i]++;
    }
    histogram.sum += seconds;
    histogram.count++;
  }

  observeRejection(code: string): void {
    this.#rejections.set(code, (this.#rejections.get(code) ?? 0) + 1);
  }

  observeRekey(): void {
    this.#rekeys++;
  }

  /** A client that went away before its answer: counted here, not among the requests answered. */
  observeDisconnect(route: string): void {
    this.#disconnects.set(route, (this.#disconnects.get(route) ?? 0) + 1);
  }

  snapshot(): MetricsSnapshot {
    const cpu = process.cpuUsage();
    return {
      requests: [...this.#requests],
      rejections: [...this.#rejections],
      latency: [...this.#latency].map(([route, h]) => [route, { ...h, counts: [...h.counts] }]),
      disconnects: [...this.#disconnects],
      rekeys: this.#rekeys,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }

  render(): string {
    return renderMetrics([this.snapshot()]);
  }
}

function sum(into: Map<string, number>, entries: [string, number][]): void {
  for (const [key, value] of entries) into.set(key, (into.get(key) ?? 0) + value);
}

/** The Prometheus text of several processes' counters added up (the processes of one verifier). */
export function renderMetrics(snapshots: readonly MetricsSnapshot[]): string {
  const requests = new Map<string, number>();
  const rejections = new Map<string, number>();
  const disconnects = new Map<string, number>();
  const latency = new Map<string, Histogram>();
  let rekeys = 0;
  let cpuSeconds = 0;
  for (const snapshot of snapshots) {
    sum(requests, snapshot.requests);
    sum(rejections, snapshot.rejections);
    sum(disconnects, snapshot.disconnects);
    for (const [route, histogram] of snapshot.latency) {
      const total = latency.get(route) ?? { counts: latencyBuckets.map(() => 0), sum: 0, count: 0 };
      histogram.counts.forEach((count, i) => {
        total.counts[i] = (total.counts[i] ?? 0) + count;
      });
      total.sum += histogram.sum;
      total.count += histogram.count;
      latency.set(route, total);
    }
    rekeys += snapshot.rekeys;
    cpuSeconds += snapshot.cpuSeconds;
  }
  const lines: string[] = [
    "# HELP superdist_verifier_requests_total HTTP requests by route, method and status code.",
    "# TYPE superdist_verifier_requests_total counter",
  ];
  for (const [labels, value] of requests) lines.push(`superdist_verifier_requests_total{${labels}} ${value}`);
  lines.push(
    "# HELP superdist_verifier_rekeys_total Headers re-keyed for a token owner.",
    "# TYPE superdist_verifier_rekeys_total counter",
    `superdist_verifier_rekeys_total ${rekeys}`,
    "# HELP superdist_verifier_rejections_total Refused requests by error code.",
    "# TYPE superdist_verifier_rejections_total counter",
  );
  for (const [code, value] of rejections) {
    lines.push(`superdist_verifier_rejections_total{code="${code}"} ${value}`);
  }
  lines.push(
    "# HELP superdist_verifier_client_disconnects_total Requests whose client hung up before the answer, by route.",
    "# TYPE superdist_verifier_client_disconnects_total counter",
  );
  for (const [route, value] of disconnects) {
    lines.push(`superdist_verifier_client_disconnects_total{route="${route}"} ${value}`);
  }
  lines.push(
    "# HELP superdist_verifier_request_duration_seconds Time to answer, by route.",
    "# TYPE superdist_verifier_request_duration_seconds histogram",
  );
  for (const [route, histogram] of latency) {
    latencyBuckets.forEach((bound, i) => {
      lines.push(
        `superdist_verifier_request_duration_seconds_bucket{route="${route}",le="${bound}"} ${histogram.counts[i]}`,
      );
    });
    lines.push(
      `superdist_verifier_request_duration_seconds_bucket{route="${route}",le="+Inf"} ${histogram.count}`,
      `superdist_verifier_request_duration_seconds_sum{route="${route}"} ${histogram.sum}`,
      `superdist_verifier_request_duration_seconds_count{route="${route}"} ${histogram.count}`,
    );
  }
  lines.push(
    "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${cpuSeconds}`,
  );
  return `${lines.join("\n")}\n`;
}
