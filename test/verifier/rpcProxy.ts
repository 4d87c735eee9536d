import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type RpcCall = { method: string; params: unknown[] };

export type RpcProxy = {
  url: string;
  /** Every JSON-RPC call passed on so far, batches unpacked, in arrival order. */
  calls: RpcCall[];
  close(): Promise<void>;
};

/**
 * A JSON-RPC proxy in front of a node that records what the verifier asks, so tests can count and inspect it.
 * A request holding a call `fails` picks out is answered with HTTP 502, as a broken provider would.
 */
export async function startRpcProxy(
  target: string,
  options: { fails?: (call: RpcCall) => boolean } = {},
): Promise<RpcProxy> {
  const calls: RpcCall[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const parsed = JSON.parse(body) as RpcCall | RpcCall[];
      const received = (Array.isArray(parsed) ? parsed : [parsed]).map((call) => ({
        method: call.method,
        params: call.params ?? [],
      }));
      calls.push(...received);
      if (options.fails && received.some(options.fails)) throw new Error("refused by the test");
      const answer = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(await answer.text());
    } catch {
      response.writeHead(502);
      response.end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The `eth_call`s that are not reads of `market`: what checking smart-account signatures costs. */
export function signatureCalls(
  calls: readonly RpcCall[],
  market: string,
): { to?: string; gas?: string; authorizationList?: unknown[] }[] {
  return calls
    .filter((call) => call.method === "eth_call")
    .map((call) => call.params[0] as { to?: string; gas?: string; authorizationList?: unknown[] })
    .filter((request) => request.to?.toLowerCase() !== market.toLowerCase());
}
