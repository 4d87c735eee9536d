import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import { collectTimeoutMs, type PrimaryMessage, type WorkerMessage } from "./clusterWorker.ts";
import { resolveConfig, verifierLogger } from "./config.ts";
import { configFromEnv } from "./env.ts";
import type { MetricsSnapshot } from "./metrics.ts";
import { runVerifier, type VerifierProcess } from "./server.ts";

/** A worker that died is replaced after this long, so that one crashing at start cannot spin the primary. */
const respawnDelayMs = 1000;

export type VerifierCluster = {
  url: string;
  recipient: string;
  /** The pids of the workers serving now. */
  workers(): number[];
  close(): Promise<void>;
};

/**
 * The `npm run verifier` service. With `SUPERDIST_VERIFIER_WORKERS` above 1, a primary process starts that many
 * workers, each a whole verifier (`runVerifier`) on the same port, with the kernel's connections dealt out among
 * them; /metrics adds up every worker's counters, and a worker that dies is replaced. Re-keys share nothing, so a
 * worker is what a replica behind a load balancer is: its rate limits and caches are its own. Prints one `ready`
 * line once every worker listens; SIGINT or SIGTERM stops them all.
 */
export async function serveVerifier(
  env: NodeJS.ProcessEnv,
  io: VerifierProcess,
): Promise<VerifierCluster | undefined> {
  if (cluster.isWorker) {
    await runVerifier(env, io);
    return undefined;
  }
  let workers: number;
  try {
    const config = await configFromEnv(env);
    workers = config.workers;
    if (workers === 1) {
      const verifier = await runVerifier(env, io);
      return verifier && { ...verifier, workers: () => [process.pid] };
    }
    if (config.generatedIdentityFile) {
      io.stderr.write(
        `Created a verifier identity in ${config.generatedIdentityFile} (mode 600).\nVerifier recipient: ${config.recipient}\n`,
      );
    }
    // Checked here once, so that a bad setting is one message and not one per worker.
    resolveConfig({ ...config, logger: verifierLogger("silent") });
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.stderr.write(`superdist verifier: ${(error as Error).message}${code ? ` (${code})` : ""}\n`);
    io.exit(1);
    return undefined;
  }
  return startPrimary(env, io, workers);
}

async function startPrimary(
  env: NodeJS.ProcessEnv,
  io: VerifierProcess,
  count: number,
): Promise<VerifierCluster | undefined> {
  const logger = verifierLogger(env.SUPERDIST_VERIFIER_LOG_LEVEL || undefined, { pid: process.pid });
  cluster.setupPrimary({ exec: fileURLToPath(new URL("./main.ts", import.meta.url)), args: [] });
  const live = new Set<Worker>();
  const serving = new Set<Worker>();
  const collections = new Map<number, Collection>();
  let nextCollection = 0;
  let closing = false;
  let started = false;
  let listening = 0;
  let announce: (ready: { url: string; recipient: string } | undefined) => void = () => {};

  const finish = (id: number) => {
    const collection = collections.get(id);
    if (!collection) return;
    collections.delete(id);
    clearTimeout(collection.timer);
    // The primary deals out the connections: its CPU is the verifier's too.
    const cpu = process.cpuUsage();
    collection.snapshots.push(emptySnapshot((cpu.user + cpu.system) / 1e6));
    send(collection.from, { superdist: "metrics", id: collection.replyId, snapshots: collection.snapshots });
  };

  const onMessage = (worker: Worker, message: WorkerMessage) => {
    switch (message?.superdist) {
      case "ready":
        serving.add(worker);
        if (!started && ++listening === count) announce({ url: message.url, recipient: message.recipient });
        return;
      case "metrics-wanted": {
        const id = nextCollection++;
        const waiting = new Set([...serving].filter((other) => other !== worker));
        const timer = setTimeout(() => finish(id), collectTimeoutMs);
        collections.set(id, { from: worker, replyId: message.id, snapshots: [], waiting, timer });
        for (const other of waiting) send(other, { superdist: "collect", id });
        if (waiting.size === 0) finish(id);
        return;
      }
      case "metrics": {
        const collection = collections.get(message.id);
        if (!collection?.waiting.delete(worker)) return;
        collection.snapshots.push(message.snapshot);
        if (collection.waiting.size === 0) finish(message.id);
        return;
      }
    }
  };

  const fork = (): void => {
    const worker = cluster.fork(env);
    live.add(worker);
    worker.on("message", (message: WorkerMessage) => onMessage(worker, message));
    worker.on("exit", (code, signal) => {
      live.delete(worker);
      serving.delete(worker);
      for (const [id, collection] of collections) {
        if (collection.waiting.delete(worker) && collection.waiting.size === 0) finish(id);
      }
      if (closing) return;
      // A worker that cannot start has said why on stderr; the others would fail alike.
      if (!started) {
        announce(undefined);
        return;
      }
      logger.error({ worker: worker.process.pid, code, signal }, "worker exited; starting another");
      setTimeout(() => {
        if (!closing) fork();
      }, respawnDelayMs).unref();
    });
  };

  const stopAll = async () => {
    const exits = [...live].map((worker) => new Promise((resolve) => worker.once("exit", resolve)));
    for (const worker of live) worker.process.kill("SIGTERM");
    await Promise.all(exits);
  };

  const ready = await new Promise<{ url: string; recipient: string } | undefined>((resolve) => {
    announce = resolve;
    for (let i = 0; i < count; i++) fork();
  });
  if (!ready) {
    closing = true;
    await stopAll();
    io.exit(1);
    return undefined;
  }
  started = true;
  io.stdout.write(`${JSON.stringify({ msg: "ready", ...ready, workers: count })}\n`);

  const close = async () => {
    closing = true;
    await stopAll();
  };
  const shutdown = (signal: string) => {
    if (closing) return;
    logger.info({ signal }, "shutting down");
    close().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  io.on("SIGINT", () => shutdown("SIGINT"));
  io.on("SIGTERM", () => shutdown("SIGTERM"));
  return { ...ready, workers: () => [...live].map((worker) => worker.process.pid as number), close };
}

type Collection = {
  from: Worker;
  replyId: number;
  snapshots: MetricsSnapshot[];
  waiting: Set<Worker>;
  timer: NodeJS.Timeout;
};

function send(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}

function emptySnapshot(cpuSeconds: number): MetricsSnapshot {
  return { requests: [], rejections: [], latency: [], disconnects: [], rekeys: 0, cpuSeconds };
}
