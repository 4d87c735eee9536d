import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createVerifierApp, type VerifierApp } from "./app.ts";
import { type VerifierConfig, VerifierConfigError } from "./config.ts";

export type StartedVerifier = VerifierApp & {
  /** Base URL, e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
};

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
          // Slow clients must not hold sockets open: the whole request has a few seconds to arrive.
          headersTimeout: 5_000,
          requestTimeout: 10_000,
          keepAliveTimeout: 5_000,
        },
      },
      () => resolve(created as Server),
    ) as Server;
    created.once("error", reject);
  });
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
    { url, chainId: resolved.chainId, market: resolved.market, recipient: verifier.recipient },
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
