import cluster from "node:cluster";
import type { Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";
import { createVerifierApp, type VerifierApp } from "./app.ts";
import { collectClusterMetrics, joinCluster } from "./clusterWorker.ts";
import { type VerifierConfig, VerifierConfigError, verifierLogger } from "./config.ts";
import { configFromEnv } from "./env.ts";
import { defaultSignatureRecovery } from "./signature.ts";

export type StartedVerifier = VerifierApp & {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
};

// Constants, not settings: the README and the threat model promise clients these, headers in 5 s and the whole
// request in 10 s.
const headersTimeoutMs = 5_000;
const requestTimeoutMs = 10_000;

/** Starts the verifier on `config.host:config.port` (port 0 picks a free one). */
export async function startVerifier(config: VerifierConfig): Promise<StartedVerifier> {
  const verifier = await createVerifierApp(config);
  const { config: resolved, logger } = verifier;
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve(
      {
        fetch: verifier.app.fetch,
        port: resolved.port,
        hostname: resolved.host,
        serverOptions: {
          maxHeaderSize: resolved.limits.maxHttpHeaderBytes,
          // Slow clients must not hold sockets open: the whole request has a few seconds to arrive. Node checks
          // these deadlines only every connectionsCheckingInterval (30 s by default), so a check every half
          // second is what makes them the limits they say.
          headersTimeout: headersTimeoutMs,
          requestTimeout: requestTimeoutMs,
          connectionsCheckingInterval: 500,
          keepAliveTimeout: 5_000,
        },
      },
      () => resolve(created as Server),
    ) as Server;
    created.once("error", reject);
  });
  server.maxConnections = resolved.limits.maxConnections;
  // Behind a proxy every connection comes from the proxy; it is the proxy's job to hold back a client there.
  if (!resolved.trustProxy) limitConnectionsPerAddress(server, resolved.limits.maxConnectionsPerIp);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host}:${port}`;

  const health = (await (await verifier.app.request("/health")).json()) as {
    status: string;
    chainId?: number;
  };
  if (health.status === "wrong-chain") {
    await verifier.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new VerifierConfigError(
      `The RPC serves chain ${health.chainId}, not the configured chain ${resolved.chainId}.`,
    );
  }
  if (health.status !== "ok")
    logger.warn({ health }, "chain not reachable yet; re-keys answer 503 until it is");
  logger.info(
    {
      url,
      chainId: resolved.chainId,
      market: resolved.market,
      recipient: verifier.recipient,
      signatureRecovery: defaultSignatureRecovery.implementation,
    },
    "verifier listening",
  );

  return {
    ...verifier,
    url,
    port,
    close: async () => {
      await verifier.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

// One client holding every slot under maxConnections would lock out the others: each address gets a share.
function limitConnectionsPerAddress(server: Server, limit: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "";
    const count = (open.get(address) ?? 0) + 1;
    if (count > limit) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** What `runVerifier` uses of its process; `process` itself is one. */
export type VerifierProcess = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  on(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  exit(code: number): void;
};

/**
 * The `npm run verifier` service: configuration from `env` (see `configFromEnv`), a `ready` JSON line on stdout
 * once it listens, and a clean stop on SIGINT or SIGTERM. Exits 1 with the error (and its code) on stderr when
 * it cannot start; otherwise resolves to the started verifier.
 */
export async function runVerifier(
  env: NodeJS.ProcessEnv,
  io: VerifierProcess,
): Promise<StartedVerifier | undefined> {
  let verifier: StartedVerifier;
  try {
    const config = await configFromEnv(env);
    if (config.generatedIdentityFile) {
      io.stderr.write(
        `Created a verifier identity in ${config.generatedIdentityFile} (mode 600).\nVerifier recipient: ${config.recipient}\n`,
      );
    }
    verifier = await startVerifier(
      cluster.isWorker
        ? {
            ...config,
            logger: verifierLogger(config.logLevel, { pid: process.pid }),
            collectMetrics: collectClusterMetrics(),
          }
        : config,
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.stderr.write(`superdist verifier: ${(error as Error).message}${code ? ` (${code})` : ""}\n`);
    io.exit(1);
    return undefined;
  }
  // A worker's primary says it once for all.
  if (cluster.isWorker) joinCluster(verifier);
  else
    io.stdout.write(
      `${JSON.stringify({ msg: "ready", url: verifier.url, recipient: verifier.recipient })}\n`,
    );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    verifier.logger.info({ signal }, "shutting down");
    verifier.close().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  io.on("SIGINT", () => shutdown("SIGINT"));
  io.on("SIGTERM", () => shutdown("SIGTERM"));
  return verifier;
}
