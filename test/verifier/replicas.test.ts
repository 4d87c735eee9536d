import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseHeader, unwrapFileKey } from "@superdist/package";
import { decodeBase64, getVerifierRecipient, requestRekey } from "@superdist/verifier";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  type AgeKeyPair,
  ageKeyPair,
  type MarketFixture,
  type PublishedContent,
  type RekeyBody,
  signedRekeyBody,
  startMarketFixture,
} from "../../scripts/stack/market.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { spawnVerifier } from "./process.ts";

type Replica = { url: string; child: ChildProcess };

/** Starts `npm run verifier`'s entry point as its own process, and waits for its "ready" line. */
async function startReplica(fixture: MarketFixture): Promise<Replica> {
  const port = await freePort();
  const child = spawnVerifier(
    fixture,
    {
      SUPERDIST_VERIFIER_PORT: String(port),
      SUPERDIST_VERIFIER_RATE_IP: "1000/1000",
      SUPERDIST_VERIFIER_RATE_TOKEN: "1000/1000",
    },
    "pipe",
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, "exit").then(() => {
    throw new Error(`verifier exited early: ${stderr}`);
  });
  const ready = (async () => {
    for await (const line of lines) {
      const message = JSON.parse(line) as { msg?: string; url?: string };
      if (message.msg === "ready" && message.url) return message.url;
    }
    throw new Error(`verifier closed its output: ${stderr}`);
  })();
  const url = await Promise.race([ready, exited]);
  exited.catch(() => {});
  // Keep draining the logs so the child never blocks on a full pipe.
  child.stdout?.resume();
  return { url, child };
}

async function stopReplica(replica: Replica | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!replica || replica.child.exitCode !== null || replica.child.signalCode !== null) return;
  const exited = once(replica.child, "exit");
  replica.child.kill(signal);
  await exited;
}

describe("two verifier processes with one identity", () => {
  let fixture: MarketFixture;
  let first: Replica;
  let second: Replica;
  let content: PublishedContent;
  let buyer: PrivateKeyAccount;
  let tokenId: bigint;
  let holder: AgeKeyPair;
  let body: RekeyBody;

  beforeAll(async () => {
    fixture = await startMarketFixture();
    [first, second] = await Promise.all([startReplica(fixture), startReplica(fixture)]);
    buyer = fixture.accounts[2] as PrivateKeyAccount;
    content = await fixture.publish();
    tokenId = await fixture.buy(content.contentId, buyer);
    holder = await ageKeyPair();
    body = await signedRekeyBody(fixture.chain, buyer, {
      header: content.header,
      tokenId,
      recipient: holder.recipient,
    });
  });

  afterAll(async () => {
    await stopReplica(first);
    await stopReplica(second);
    await fixture?.stop();
  });

  const rekeyAt = (urls: string[]) =>
    requestRekey({
      verifierUrls: urls,
      header: decodeBase64(body.header) as Uint8Array,
      tokenId,
      recipient: holder.recipient,
      deadline: BigInt(body.deadline),
      signature: body.signature,
    });

  test("both publish the same recipient", async () => {
    const recipients = await Promise.all(
      [first, second].map((r) => getVerifierRecipient({ verifierUrl: r.url })),
    );
    assert.deepEqual(recipients, [fixture.verifier.recipient, fixture.verifier.recipient]);
  });

  test("alternating requests between them give equivalent answers", async () => {
    for (let i = 0; i < 6; i++) {
      const replica = i % 2 === 0 ? first : second;
      const answer = await rekeyAt([replica.url]);
      assert.equal(answer.url, replica.url);
      const header = parseHeader(answer.header);
      assert.equal(header.lineage.holderTokenId, tokenId);
      assert.equal(header.lineage.contentId, content.contentId);
      assert.deepEqual(await unwrapFileKey(header, [holder.identity]), content.fileKey);
    }
  });

  test("they refuse the same request with the same error", async () => {
    const forged = JSON.stringify({ ...body, tokenId: "999" });
    const answers = await Promise.all(
      [first, second].map(async (replica) => {
        const response = await fetch(`${replica.url}/v1/rekey`, { method: "POST", body: forged });
        return { status: response.status, body: await response.json() };
      }),
    );
    assert.equal(answers[0]?.status, 404);
    assert.deepEqual(answers[0], answers[1]);
  });

  test("when one dies, the client fails over to the other", async () => {
    await stopReplica(first, "SIGKILL");
    const answer = await rekeyAt([first.url, second.url]);
    assert.equal(answer.url, second.url);
    assert.deepEqual(await unwrapFileKey(parseHeader(answer.header), [holder.identity]), content.fileKey);
  });
});
