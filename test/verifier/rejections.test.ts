import assert from "node:assert/strict";
import { superdistMarketAbi } from "@superdist/contracts";
import { parseHeader, unwrapFileKey, writeHeader } from "@superdist/package";
import {
  ChainReader,
  createVerifierApp,
  decodeBase64,
  encodeBase64,
  rekeyDeadline,
  startVerifier,
  type VerifierApp,
  type VerifierConfig,
} from "@superdist/verifier";
import { pino } from "pino";
import {
  encodeFunctionData,
  type PrivateKeyAccount,
  parseSignature,
  serializeCompactSignature,
  signatureToCompactSignature,
} from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  ageKeyPair,
  type MarketFixture,
  type PublishedContent,
  signedRekeyBody,
  startMarketFixture,
} from "../../scripts/stack/market.ts";
import { postRekey } from "./fixtures.ts";
import { startRpcProxy } from "./rpcProxy.ts";

const unlimited = { capacity: 1_000_000, refillPerSecond: 1_000_000 };

async function verifierFor(
  fixture: MarketFixture,
  overrides: Partial<VerifierConfig> = {},
): Promise<VerifierApp> {
  return createVerifierApp({
    rpcUrl: fixture.chain.rpcUrl,
    chainId: fixture.chain.chainId,
    market: fixture.chain.market,
    identities: [fixture.verifier.identity],
    logger: pino({ level: "silent" }),
    rateLimits: { perIp: unlimited, perToken: unlimited },
    ...overrides,
  });
}

/** Every refusal has the same shape: a 4xx, and exactly `{ code, message }`. */
async function assertRefused(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(
    response.status,
    status,
    `expected ${status} ${code}, got ${response.status} ${JSON.stringify(body)}`,
  );
  assert.deepEqual(Object.keys(body).sort(), ["code", "message"]);
  assert.equal(body.code, code);
  assert.equal(typeof body.message, "string");
}

describe("verifier refusals", () => {
  let fixture: MarketFixture;
  let verifier: VerifierApp;
  let content: PublishedContent;
  let other: PublishedContent;
  let buyer: PrivateKeyAccount;
  let stranger: PrivateKeyAccount;
  let tokenId: bigint;
  let otherTokenId: bigint;
  let holder: { identity: string; recipient: string };

  beforeAll(async () => {
    fixture = await startMarketFixture();
    verifier = await verifierFor(fixture);
    buyer = fixture.accounts[2] as PrivateKeyAccount;
    stranger = fixture.accounts[3] as PrivateKeyAccount;
    content = await fixture.publish();
    other = await fixture.publish();
    tokenId = await fixture.buy(content.contentId, buyer);
    otherTokenId = await fixture.buy(other.contentId, buyer);
    holder = await ageKeyPair();
  });

  afterAll(async () => {
    await verifier?.close();
    await fixture?.stop();
  });

  const validBody = (overrides: { header?: Uint8Array; tokenId?: bigint; deadline?: bigint } = {}) =>
    signedRekeyBody(fixture.chain, buyer, {
      header: overrides.header ?? content.header,
      tokenId: overrides.tokenId ?? tokenId,
      recipient: holder.recipient,
      deadline: overrides.deadline,
    });

  test("a valid request is served: the new header opens with the holder's identity and names the token", async () => {
    const response = await postRekey(verifier.app, await validBody());
    assert.equal(response.status, 200);
    const { header } = (await response.json()) as { header: string };
    const bytes = decodeBase64(header);
    assert.ok(bytes);
    const parsed = parseHeader(bytes);
    assert.equal(parsed.lineage.holderTokenId, tokenId);
    assert.equal(parsed.lineage.contentId, content.contentId);
    assert.deepEqual(await unwrapFileKey(parsed, [holder.identity]), content.fileKey);
    assert.deepEqual(await unwrapFileKey(parsed, [fixture.verifier.identity]), content.fileKey);
    assert.equal(await unwrapFileKey(parsed, [fixture.publisherKey.identity]), null);
  });

  test("a body over the limit is refused with 413 before it is parsed", async () => {
    const body = JSON.stringify({ ...(await validBody()), padding: "x".repeat(20_000) });
    await assertRefused(await postRekey(verifier.app, body), 413, "BODY_TOO_LARGE");
  });

  test("a header over the header limit is refused with 413", async () => {
    const body = { ...(await validBody()), header: encodeBase64(new Uint8Array(9 * 1024).fill(0x41)) };
    await assertRefused(await postRekey(verifier.app, body), 413, "HEADER_TOO_LARGE");
  });

  test("a header with too many stanzas is refused", async () => {
    const devices = await Promise.all(Array.from({ length: 16 }, () => ageKeyPair()));
    const header = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: devices.map((d) => d.recipient),
      verifierRecipient: fixture.verifier.recipient,
      lineage: parseHeader(content.header).lineage,
    });
    await assertRefused(await postRekey(verifier.app, await validBody({ header })), 400, "TOO_MANY_STANZAS");
  });

  test("malformed JSON is refused", async () => {
    await assertRefused(await postRekey(verifier.app, "{ not json"), 400, "INVALID_JSON");
    await assertRefused(await postRekey(verifier.app, ""), 400, "INVALID_JSON");
  });

  test("malformed base64 is refused", async () => {
    for (const header of ["not base64!", "QUJD=", "QUJDRA", "QU JD", "QUJD\n"]) {
      const body = { ...(await validBody()), header };
      await assertRefused(await postRekey(verifier.app, body), 400, "INVALID_BASE64");
    }
  });

  test("schema violations are refused: missing, mistyped and unknown fields", async () => {
    const valid = await validBody();
    const cases: unknown[] = [
      [],
      null,
      42,
      { ...valid, tokenId: undefined },
      { ...valid, tokenId: 5 },
      { ...valid, tokenId: "0x05" },
      { ...valid, tokenId: "-1" },
      { ...valid, tokenId: (2n ** 256n).toString() },
      { ...valid, deadline: "soon" },
      { ...valid, deadline: 1.5 },
      { ...valid, signature: "0x1234" },
      { ...valid, signature: valid.signature.slice(2) },
      { ...valid, recipient: 7 },
      { ...valid, header: "" },
      { ...valid, extra: true },
    ];
    for (const body of cases) {
      await assertRefused(await postRekey(verifier.app, JSON.stringify(body)), 400, "INVALID_REQUEST");
    }
  });

  test("bytes that are not a package header are refused", async () => {
    const notAge = encodeBase64(new TextEncoder().encode("hello world\n"));
    await assertRefused(
      await postRekey(verifier.app, { ...(await validBody()), header: notAge }),
      400,
      "MALFORMED_HEADER",
    );
    const withPayload = new Uint8Array([...content.header, 1, 2, 3]);
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header: withPayload })),
      400,
      "MALFORMED_HEADER",
    );
  });

  test("a header without a stanza for this verifier is refused", async () => {
    const elsewhere = await ageKeyPair();
    const header = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: elsewhere.recipient,
      lineage: parseHeader(content.header).lineage,
    });
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header })),
      422,
      "NO_VERIFIER_STANZA",
    );
  });

  test("a header whose lineage was altered fails its MAC", async () => {
    const text = new TextDecoder().decode(content.header);
    const lineage = `superdist/lineage ${fixture.chain.chainId} ${fixture.chain.market.toLowerCase()} ${content.contentId} 0`;
    assert.ok(text.includes(lineage));
    const forged = new TextEncoder().encode(text.replace(lineage, lineage.replace(/ 0$/, " 1")));
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header: forged })),
      422,
      "MAC_MISMATCH",
    );
  });

  test("a header keyed with another file key than the content's commitment is refused", async () => {
    const header = await writeHeader({
      fileKey: other.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: parseHeader(content.header).lineage,
    });
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header })),
      422,
      "KEY_COMMITMENT_MISMATCH",
    );
  });

  test("a header naming content that is not published is refused", async () => {
    const header = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: { ...parseHeader(content.header).lineage, contentId: 999n },
    });
    await assertRefused(await postRekey(verifier.app, await validBody({ header })), 404, "CONTENT_NOT_FOUND");
  });

  test("a license of another content is refused", async () => {
    const response = await postRekey(verifier.app, await validBody({ tokenId: otherTokenId }));
    await assertRefused(response, 403, "TOKEN_OF_OTHER_CONTENT");
  });

  test("a token that does not exist is refused", async () => {
    await assertRefused(
      await postRekey(verifier.app, await validBody({ tokenId: 10_000n })),
      404,
      "TOKEN_NOT_FOUND",
    );
    await assertRefused(
      await postRekey(verifier.app, await validBody({ tokenId: 0n })),
      404,
      "TOKEN_NOT_FOUND",
    );
  });

  test("a signature by someone other than the owner is refused", async () => {
    const body = await signedRekeyBody(fixture.chain, stranger, {
      header: content.header,
      tokenId,
      recipient: holder.recipient,
    });
    await assertRefused(await postRekey(verifier.app, body), 403, "NOT_OWNER");
  });

  test("a signature is bound to its header, recipient, token and deadline", async () => {
    const valid = await validBody();
    const otherHolder = await ageKeyPair();
    const sameContentHeader = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [otherHolder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: parseHeader(content.header).lineage,
    });
    const secondToken = await fixture.buy(content.contentId, buyer);
    const swapped = [
      { ...valid, recipient: otherHolder.recipient },
      { ...valid, deadline: valid.deadline - 1 },
      { ...valid, header: encodeBase64(sameContentHeader) },
      { ...valid, tokenId: secondToken.toString() },
    ];
    for (const body of swapped) await assertRefused(await postRekey(verifier.app, body), 403, "NOT_OWNER");
    const flipped = `${valid.signature.slice(0, 10)}${valid.signature[10] === "a" ? "b" : "a"}${valid.signature.slice(11)}`;
    await assertRefused(await postRekey(verifier.app, { ...valid, signature: flipped }), 403, "NOT_OWNER");
  });

  test("an expired deadline is refused", async () => {
    const deadline = BigInt(Math.floor(Date.now() / 1000) - 60);
    await assertRefused(
      await postRekey(verifier.app, await validBody({ deadline })),
      400,
      "DEADLINE_EXPIRED",
    );
  });

  test("a deadline more than an hour ahead is refused", async () => {
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 2 * 3600);
    await assertRefused(
      await postRekey(verifier.app, await validBody({ deadline })),
      400,
      "DEADLINE_TOO_FAR",
    );
  });

  test("a lineage naming another chain or another market is refused", async () => {
    const lineage = parseHeader(content.header).lineage;
    const wrongChain = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: { ...lineage, chainId: 1n },
    });
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header: wrongChain })),
      422,
      "LINEAGE_CHAIN_MISMATCH",
    );
    const wrongMarket = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: { ...lineage, market: "0x000000000000000000000000000000000000dead" },
    });
    await assertRefused(
      await postRekey(verifier.app, await validBody({ header: wrongMarket })),
      422,
      "LINEAGE_MARKET_MISMATCH",
    );
  });

  test("a recipient that is not an age X25519 recipient is refused", async () => {
    // Signed by the owner, so that only the recipient is at fault (its checksum is the last thing checked).
    const broken = `${holder.recipient.slice(0, -1)}${holder.recipient.endsWith("q") ? "p" : "q"}`;
    const pq = `age1pq1${"q".repeat(100)}`;
    for (const recipient of [
      "",
      "age1",
      "AGE-SECRET-KEY-1",
      holder.identity,
      broken,
      holder.recipient.toUpperCase(),
      pq,
    ]) {
      const body = await signedRekeyBody(fixture.chain, buyer, {
        header: content.header,
        tokenId,
        recipient,
      });
      await assertRefused(await postRekey(verifier.app, body), 400, "INVALID_RECIPIENT");
    }
  });

  test("requests beyond a client's rate are refused with 429 and Retry-After", async () => {
    const limited = await verifierFor(fixture, {
      rateLimits: { perIp: { capacity: 3, refillPerSecond: 0.01 }, perToken: unlimited },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postRekey(limited.app, "{}")).status);
    assert.deepEqual(statuses, [400, 400, 400, 429]);
    const refused = await postRekey(limited.app, await validBody());
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    await assertRefused(refused, 429, "RATE_LIMITED");
    assert.equal((await limited.app.request("/health")).status, 200, "health is not rate limited");
  });

  test("re-keys of one token beyond its rate are refused with 429, and failed attempts do not count", async () => {
    const limited = await verifierFor(fixture, {
      rateLimits: { perIp: unlimited, perToken: { capacity: 2, refillPerSecond: 0.01 } },
    });
    const forged = await signedRekeyBody(fixture.chain, stranger, {
      header: content.header,
      tokenId,
      recipient: holder.recipient,
    });
    for (let i = 0; i < 3; i++) await assertRefused(await postRekey(limited.app, forged), 403, "NOT_OWNER");
    // Each a request of its own: one identical to a request already served is not charged again.
    const fresh = (n: number) => validBody({ deadline: rekeyDeadline(600 - n) });
    assert.equal((await postRekey(limited.app, await fresh(1))).status, 200);
    assert.equal((await postRekey(limited.app, await fresh(2))).status, 200);
    const refused = await postRekey(limited.app, await fresh(3));
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    await assertRefused(refused, 429, "RATE_LIMITED");
    assert.equal(
      (await postRekey(limited.app, await validBody({ tokenId: otherTokenId, header: other.header }))).status,
      200,
    );
  });

  test("a captured request replayed 30 times does not use up its owner's budget: the owner's next requests are served", async () => {
    const limited = await verifierFor(fixture, {
      rateLimits: { perIp: unlimited, perToken: { capacity: 10, refillPerSecond: 0.001 } },
    });
    const fresh = await fixture.buy(content.contentId, buyer);
    const captured = await validBody({ tokenId: fresh });
    assert.equal((await postRekey(limited.app, captured)).status, 200);
    // Whoever captured it sends it again, half the time with the signature in its 64-byte form.
    const compact = serializeCompactSignature(
      signatureToCompactSignature(parseSignature(captured.signature)),
    );
    const replays = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postRekey(limited.app, { ...captured, signature: i % 2 === 0 ? captured.signature : compact }),
      ),
    );
    assert.deepEqual(
      replays.map((r) => r.status),
      Array(30).fill(200),
    );
    // The owner's own requests, for a new deadline or a new device, still have the rest of the budget.
    const device = await ageKeyPair();
    const own = [
      await validBody({ tokenId: fresh, deadline: rekeyDeadline(500) }),
      await signedRekeyBody(fixture.chain, buyer, {
        header: content.header,
        tokenId: fresh,
        recipient: device.recipient,
      }),
    ];
    for (let i = 0; i < 7; i++)
      own.push(await validBody({ tokenId: fresh, deadline: rekeyDeadline(400 - i) }));
    for (const body of own) assert.equal((await postRekey(limited.app, body)).status, 200);
    await assertRefused(
      await postRekey(limited.app, await validBody({ tokenId: fresh, deadline: rekeyDeadline(300) })),
      429,
      "RATE_LIMITED",
    );
  });

  test("/health reads the chain at most once a second, however often it is asked", async () => {
    const proxy = await startRpcProxy(fixture.chain.rpcUrl);
    try {
      const watched = await verifierFor(fixture, { rpcUrl: proxy.url });
      const started = performance.now();
      const concurrent = await Promise.all(Array.from({ length: 200 }, () => watched.app.request("/health")));
      assert.ok(concurrent.every((r) => r.status === 200));
      assert.ok(proxy.calls.length <= 2, `${proxy.calls.length} RPC calls for 200 concurrent health checks`);
      for (let i = 0; i < 200; i++) assert.equal((await watched.app.request("/health")).status, 200);
      // One read (chain id and block number) per second begun, at most.
      const seconds = Math.ceil((performance.now() - started) / 1000);
      assert.ok(
        proxy.calls.length <= 2 * (seconds + 1),
        `${proxy.calls.length} RPC calls for 400 health checks in ${seconds} s`,
      );
      assert.deepEqual(
        new Set(proxy.calls.map((c) => c.method)),
        new Set(["eth_chainId", "eth_blockNumber"]),
      );
    } finally {
      await proxy.close();
    }
  });

  test("unknown routes and methods answer JSON errors", async () => {
    await assertRefused(await verifier.app.request("/v2/rekey"), 404, "NOT_FOUND");
    await assertRefused(await verifier.app.request("/v1/rekey"), 405, "METHOD_NOT_ALLOWED");
    await assertRefused(
      await verifier.app.request("/v1/recipient", { method: "DELETE" }),
      405,
      "METHOD_NOT_ALLOWED",
    );
  });

  test("browsers may call the API from another origin and read Retry-After", async () => {
    const preflight = await verifier.app.request("/v1/rekey", {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:3000",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    const refused = await verifier.app.request("/v1/rekey", {
      method: "POST",
      headers: { origin: "http://127.0.0.1:3000" },
      body: "{}",
    });
    assert.equal(refused.headers.get("access-control-allow-origin"), "*");
    assert.match(refused.headers.get("access-control-expose-headers") ?? "", /Retry-After/i);
  });

  test("the recipient, health and metrics endpoints answer", async () => {
    assert.deepEqual(await (await verifier.app.request("/v1/recipient")).json(), {
      recipient: fixture.verifier.recipient,
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      confirmations: 0,
    });
    const health = await verifier.app.request("/health");
    assert.equal(health.status, 200);
    const status = (await health.json()) as { status: string; chainId: number; blockNumber: string };
    assert.equal(status.status, "ok");
    assert.equal(status.chainId, fixture.chain.chainId);
    assert.ok(BigInt(status.blockNumber) > 0n);
    const metrics = await (await verifier.app.request("/metrics")).text();
    assert.match(
      metrics,
      /superdist_verifier_requests_total\{route="\/v1\/rekey",method="POST",code="200"\} [1-9]/,
    );
    assert.match(
      metrics,
      /superdist_verifier_requests_total\{route="\/v1\/rekey",method="POST",code="413"\} [1-9]/,
    );
    assert.match(metrics, /superdist_verifier_rekeys_total [1-9]/);
    assert.match(metrics, /superdist_verifier_rejections_total\{code="NOT_OWNER"\} [1-9]/);
    assert.match(
      metrics,
      /superdist_verifier_request_duration_seconds_bucket\{route="\/v1\/rekey",le="\+Inf"\} [1-9]/,
    );
  });

  test("logs are JSON lines without key material, headers or full signatures", async () => {
    const lines: string[] = [];
    const logged = await verifierFor(fixture, {
      logger: pino({ level: "debug" }, { write: (line: string) => lines.push(line) }),
    });
    const body = await validBody();
    const served = await postRekey(logged.app, body);
    assert.equal(served.status, 200);
    const answer = ((await served.json()) as { header: string }).header;
    await postRekey(logged.app, { ...body, deadline: body.deadline - 1 });
    await postRekey(logged.app, { ...body, header: "%%%" });
    assert.ok(lines.length >= 3);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(entries.some((e) => e.status === 200 && e.tokenId === tokenId.toString()));
    assert.ok(entries.some((e) => e.code === "NOT_OWNER"));
    const text = lines.join("\n");
    const secrets = [
      fixture.verifier.identity,
      holder.identity,
      Buffer.from(content.fileKey).toString("hex"),
      Buffer.from(content.fileKey).toString("base64").replace(/=+$/, ""),
      body.signature.slice(2, 40),
      body.signature.slice(-40),
      body.header.slice(0, 40),
      answer.slice(0, 40),
      answer.slice(-60, -4),
    ];
    for (const secret of secrets) assert.ok(!text.includes(secret), `logs contain ${secret.slice(0, 12)}...`);
  });

  test("a verifier configured with a market address where no contract lives answers 502, not a refusal", async () => {
    const nowhere = "0x000000000000000000000000000000000000dEaD";
    const misconfigured = await verifierFor(fixture, { market: nowhere });
    const header = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: { ...parseHeader(content.header).lineage, market: nowhere },
    });
    const body = await signedRekeyBody({ chainId: fixture.chain.chainId, market: nowhere }, buyer, {
      header,
      tokenId,
      recipient: holder.recipient,
    });
    const response = await postRekey(misconfigured.app, body);
    assert.equal(response.status, 502);
    assert.equal(((await response.json()) as { code: string }).code, "CHAIN_ERROR");
  });

  test("with confirmations, a license is served only once its purchase is that deep", async () => {
    const confirmed = await verifierFor(fixture, { confirmations: 2 });
    // Clients wait for this depth after paying, before they ask for a copy.
    assert.equal(
      ((await (await confirmed.app.request("/v1/recipient")).json()) as { confirmations: number })
        .confirmations,
      2,
    );
    const fresh = await fixture.buy(content.contentId, buyer);
    const body = await validBody({ tokenId: fresh });
    await assertRefused(await postRekey(confirmed.app, body), 404, "TOKEN_NOT_FOUND");
    await fixture.publicClient.request({ method: "hardhat_mine" as never, params: ["0x2"] as never });
    // The verifier may reuse a block number for up to a second; older only means more confirmations.
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await postRekey(confirmed.app, body)).status;
    }
    assert.equal(status, 200);
  });

  test("with confirmations, re-keys at one confirmed block share an ownership read, and a transfer counts once that deep", async () => {
    const proxy = await startRpcProxy(fixture.chain.rpcUrl);
    const confirmed = await verifierFor(fixture, { confirmations: 2, rpcUrl: proxy.url });
    const mine = (blocks: number) =>
      fixture.publicClient.request({
        method: "hardhat_mine" as never,
        params: [`0x${blocks.toString(16)}`] as never,
      });
    // The verifier may reuse a block number for up to a second, so a new depth shows within a few attempts.
    const statusOnceSettled = async (body: object, wanted: number) => {
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== wanted; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await postRekey(confirmed.app, body)).status;
      }
      return status;
    };
    try {
      const token = await fixture.buy(content.contentId, buyer);
      await mine(2);
      const sellerBody = await validBody({ tokenId: token });
      assert.equal(await statusOnceSettled(sellerBody, 200), 200);
      const readOfToken = encodeFunctionData({
        abi: superdistMarketAbi,
        functionName: "license",
        args: [token],
      });
      const ownershipReads = () =>
        proxy.calls.filter(
          (call) => call.method === "eth_call" && (call.params[0] as { data?: string }).data === readOfToken,
        ).length;
      const reads = ownershipReads();
      for (let i = 0; i < 5; i++) {
        const again = await validBody({ tokenId: token, deadline: rekeyDeadline(600 + i) });
        assert.equal((await postRekey(confirmed.app, again)).status, 200);
      }
      assert.equal(ownershipReads(), reads);

      await fixture.transfer(token, buyer, stranger.address);
      // At the confirmed depth the transfer has not happened yet.
      assert.equal((await postRekey(confirmed.app, sellerBody)).status, 200);
      await mine(2);
      assert.equal(await statusOnceSettled(sellerBody, 403), 403);
      await assertRefused(await postRekey(confirmed.app, sellerBody), 403, "NOT_OWNER");
      const buyerBody = await signedRekeyBody(fixture.chain, stranger, {
        header: content.header,
        tokenId: token,
        recipient: holder.recipient,
      });
      assert.equal((await postRekey(confirmed.app, buyerBody)).status, 200);
    } finally {
      await confirmed.close();
      await proxy.close();
    }
  });

  test("a verifier pointed at an RPC of another chain refuses to start", async () => {
    await assert.rejects(
      startVerifier({
        rpcUrl: fixture.chain.rpcUrl,
        chainId: 1,
        market: fixture.chain.market,
        identities: [fixture.verifier.identity],
        port: 0,
        logger: pino({ level: "silent" }),
      }),
      { code: "VERIFIER_CONFIG", message: /serves chain 31337/ },
    );
  });

  test("the signing domain is the one the market publishes (ERC-5267)", async () => {
    const [, name, version, chainId, verifyingContract] = await fixture.publicClient.readContract({
      address: fixture.chain.market,
      abi: (await import("@superdist/contracts")).superdistMarketAbi,
      functionName: "eip712Domain",
    });
    const { rekeyDomain } = await import("@superdist/verifier");
    assert.deepEqual(rekeyDomain(fixture.chain.chainId, fixture.chain.market), {
      name,
      version,
      chainId: Number(chainId),
      verifyingContract,
    });
  });
  test("a market address holding another contract answers 502 CHAIN_ERROR, not a refusal of the request", async () => {
    const token = fixture.chain.demoToken;
    const misconfigured = await verifierFor(fixture, { market: token });
    const header = await writeHeader({
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      lineage: { ...parseHeader(content.header).lineage, market: token },
    });
    const body = await signedRekeyBody({ chainId: fixture.chain.chainId, market: token }, buyer, {
      header,
      tokenId,
      recipient: holder.recipient,
    });
    const response = await postRekey(misconfigured.app, body);
    assert.equal(response.status, 502);
    assert.deepEqual(await response.json(), {
      code: "CHAIN_ERROR",
      message: "The market contract refused a read.",
    });
  });

  test("re-keys of one token sent at once cannot together pass its limit", async () => {
    const limited = await verifierFor(fixture, {
      rateLimits: { perIp: unlimited, perToken: { capacity: 1, refillPerSecond: 0.001 } },
    });
    const fresh = await fixture.buy(content.contentId, buyer);
    const body = await validBody({ tokenId: fresh });
    const responses = await Promise.all([postRekey(limited.app, body), postRekey(limited.app, body)]);
    const statuses = responses.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 429]);
    const refused = responses.find((r) => r.status === 429) as Response;
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    await assertRefused(refused, 429, "RATE_LIMITED");
  });

  test("ownership is read confirmations deep, and never below the first block", async () => {
    const latest = await fixture.publicClient.getBlockNumber();
    const readerAt = (confirmations: number) =>
      new ChainReader({
        rpcUrl: fixture.chain.rpcUrl,
        chainId: fixture.chain.chainId,
        market: fixture.chain.market,
        confirmations,
        timeoutMs: 3000,
        batchWaitMs: 0,
      });
    assert.deepEqual(await readerAt(0).readBlock(), { blockTag: "latest" });
    assert.deepEqual(await readerAt(2).readBlock(), { blockNumber: latest - 2n });
    assert.deepEqual(await readerAt(Number(latest)).readBlock(), { blockNumber: 0n });
    assert.deepEqual(await readerAt(Number(latest) + 1000).readBlock(), { blockNumber: 0n });
  });
});
