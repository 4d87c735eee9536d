import type { MetricsSnapshot } from "./metrics.ts";

// What the primary and its workers tell each other over the cluster's IPC channel.
export type WorkerMessage =
  | { superdist: "ready"; url: string; recipient: string }
  | { superdist: "metrics-wanted"; id: number }
  | { superdist: "metrics"; id: number; snapshot: MetricsSnapshot };
export type PrimaryMessage =
  | { superdist: "collect"; id: number }
  | { superdist: "metrics"; id: number; snapshots: MetricsSnapshot[] };

/** How long /metrics waits for the other workers' counters before it answers with those it has. */
export const collectTimeoutMs = 1000;

/** In a worker: the counters of this worker and every other, through the primary. */
export function collectClusterMetrics(): (own: MetricsSnapshot) => Promise<MetricsSnapshot[]> {
  let nextId = 0;
  const waiting = new Map<number, (snapshots: MetricsSnapshot[]) => void>();
  process.on("message", (message: PrimaryMessage) => {
    if (message?.superdist !== "metrics") return;
    waiting.get(message.id)?.(message.snapshots);
    waiting.delete(message.id);
  });
  return (own) =>
    new Promise((resolve) => {
      const id = nextId++;
      // The primary answers within its own timeout; this one covers a primary that is going away.
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve([own]);
      }, 2 * collectTimeoutMs);
      waiting.set(id, (snapshots) => {
        clearTimeout(timer);
        resolve([own, ...snapshots]);
      });
      process.send?.({ superdist: "metrics-wanted", id } satisfies WorkerMessage);
    });
}

/** In a worker: answers the primary's requests for this worker's counters, and says it is serving. */
export function joinCluster(verifier: {
  url: string;
  recipient: string;
  metrics: { snapshot(): MetricsSnapshot };
}) {
  process.on("message", (message: PrimaryMessage) => {
    if (message?.superdist !== "collect") return;
    process.send?.({
      superdist: "metrics",
      id: message.id,
      snapshot: verifier.metrics.snapshot(),
    } satisfies WorkerMessage);
  });
  process.send?.({
    superdist: "ready",
    url: verifier.url,
    recipient: verifier.recipient,
  } satisfies WorkerMessage);
}
