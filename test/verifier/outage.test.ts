import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { writeHeader } from "@superdist/package";
import { createVerifierApp, type VerifierApp } from "@superdist/verifier";
import { pino } from "pino";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, test } from "vitest";
import { devPrivateKeys } from "../../scripts/stack/chain.ts";
import { ageKeyPair, signedRekeyBody } from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { postRekey } from "./fixtures.ts";

const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const chainId = 31337;

describe("verifier when the chain cannot be read", () => {
  const sockets = new Set<Socket>();
  // Accepts connections and never answers: an RPC that hangs.
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  let refusedUrl: string;
  let hangingUrl: string;
  let body: Awaited<ReturnType<typeof signedRekeyBody>>;
  let verifierKey: Awaited<ReturnType<typeof ageKeyPair>>;

  beforeAll(async () => {
    refusedUrl = `http://127.0.0.1:${await freePort()}`;
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    hangingUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    verifierKey = await ageKeyPair();
    const holder = await ageKeyPair();
    const header = await writeHeader({
      fileKey: new Uint8Array(randomBytes(16)),
      holderRecipients: [holder.recipient],
      verifierRecipient: verifierKey.recipient,
      lineage: { chainId: BigInt(chainId), market, contentId: 1n, holderTokenId: 0n },
    });
    const signer = privateKeyToAccount(devPrivateKeys[2] as `0x${string}`);
    body = await signedRekeyBody({ chainId, market }, signer, {
      header,
      tokenId: 1n,
      recipient: holder.recipient,
    });
  });

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
  });

  const verifierAt = (rpcUrl: string): Promise<VerifierApp> =>
    createVerifierApp({
      rpcUrl,
      chainId,
      market,
      identities: [verifierKey.identity],
      rpcTimeoutMs: 300,
      logger: pino({ level: "silent" }),
    });

  for (const [name, url] of [
    ["refuses connections", () => refusedUrl],
    ["never answers", () => hangingUrl],
  ] as const) {
    test(`an RPC that ${name} gives 503 with Retry-After, and the service keeps answering`, {
      timeout: 20_000,
    }, async () => {
      const verifier = await verifierAt(url());
      for (let i = 0; i < 3; i++) {
        const response = await postRekey(verifier.app, body);
        assert.equal(response.status, 503);
        assert.ok(Number(response.headers.get("retry-after")) >= 1);
        assert.deepEqual(await response.json(), {
          code: "CHAIN_UNAVAILABLE",
          message: "The chain could not be read; retry later.",
        });
      }
      const health = await verifier.app.request("/health");
      assert.equal(health.status, 503);
      assert.equal(((await health.json()) as { status: string }).status, "chain-unavailable");
      const recipient = await verifier.app.request("/v1/recipient");
      assert.equal(recipient.status, 200, "what needs no chain still works");
      await verifier.close();
    });
  }
});
