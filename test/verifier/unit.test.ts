import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import {
  ChainReader,
  configFromEnv,
  decodeBase64,
  encodeBase64,
  getVerifierInfo,
  getVerifierRecipient,
  loadIdentity,
  RateLimiter,
  rekeyDeadline,
  rekeyDigest,
  rekeyTypedData,
  requestRekey,
  ServedRequests,
  VerifierError,
  verifierErrorStatus,
} from "@superdist/verifier";
import { encodeAbiParameters, encodeErrorResult, getAddress, hashTypedData, toHex } from "viem";
import { afterAll, describe, test } from "vitest";

const verifierSrc = fileURLToPath(new URL("../../packages/verifier/src/", import.meta.url));

describe("rate limiter", () => {
  test("a bucket allows its capacity, then refuses until it refills", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 2 }, { now: () => now });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.take("a").allowed),
      [true, true, true, false],
    );
    const refused = limiter.take("a");
    assert.equal(refused.allowed, false);
    assert.equal(refused.allowed === false && refused.retryAfterSeconds, 1);
    assert.equal(limiter.take("b").allowed, true, "keys are independent");
    now += 500;
    assert.equal(limiter.take("a").allowed, true);
    assert.equal(limiter.take("a").allowed, false);
  });

  test("check does not take a token", () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 }, { now: () => 0 });
    assert.equal(limiter.check("k").allowed, true);
    assert.equal(limiter.check("k").allowed, true);
    assert.equal(limiter.take("k").allowed, true);
    assert.equal(limiter.check("k").allowed, false);
  });

  test("memory stays bounded under many keys", () => {
    let now = 0;
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 }, { maxKeys: 1000, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`ip-${i}`);
      now += 1;
    }
    assert.ok(limiter.size <= 1000, `kept ${limiter.size} buckets`);
  });
});

describe("base64", () => {
  test("round-trips any bytes", () => {
    for (const length of [0, 1, 2, 3, 4, 100, 70_000]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 37 + length) & 0xff);
      assert.deepEqual(decodeBase64(encodeBase64(bytes)), bytes);
      assert.equal(encodeBase64(bytes), Buffer.from(bytes).toString("base64"));
    }
  });

  test("refuses anything but padded standard base64", () => {
    for (const text of ["QQ", "QQ=", "Q===", "QUJD\n", " QUJD", "QU-_", "QUJD=", "====", "QUJD====", "é"]) {
      assert.equal(decodeBase64(text), null, text);
    }
  });
});

describe("identity", () => {
  const dir = mkdtemp(join(tmpdir(), "superdist-verifier-identity-"));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  test("is generated on first start into a 0600 file, then reused", async () => {
    const file = join(await dir, "nested", "identity.txt");
    const first = await loadIdentity({ identityFile: file, generate: true });
    assert.equal(first.generatedFile, file);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(first.recipient, await identityToRecipient(first.identities[0] as string));
    const again = await loadIdentity({ identityFile: file, generate: true });
    assert.equal(again.generatedFile, undefined);
    assert.equal(again.recipient, first.recipient);
  });

  test("a file readable by others is refused", async () => {
    const file = join(await dir, "open.txt");
    await writeFile(file, `${await generateX25519Identity()}\n`);
    await chmod(file, 0o644);
    await assert.rejects(loadIdentity({ identityFile: file }), {
      code: "VERIFIER_CONFIG",
      message: /chmod 600/,
    });
  });

  test("a missing file is an error unless generation is allowed", async () => {
    await assert.rejects(loadIdentity({ identityFile: join(await dir, "absent.txt") }), {
      code: "VERIFIER_CONFIG",
    });
  });

  test("the environment variable wins; the first identity is current, later ones are kept for unwrapping", async () => {
    const current = await generateX25519Identity();
    const retired = await generateX25519Identity();
    const loaded = await loadIdentity({
      identity: `# rotated\n${current}\n\n${retired}\n`,
      identityFile: "/nonexistent",
    });
    assert.deepEqual(loaded.identities, [current, retired]);
    assert.equal(loaded.recipient, await identityToRecipient(current));
    await assert.rejects(loadIdentity({ identity: "# nothing\n" }), { code: "VERIFIER_CONFIG" });
    await assert.rejects(loadIdentity({ identity: "AGE-SECRET-KEY-1NOTAKEY" }), { code: "VERIFIER_CONFIG" });
  });

  test("configuration from the environment, with a generated identity on a local chain only", async () => {
    const cwd = process.cwd();
    process.chdir(await dir);
    try {
      const local = await configFromEnv({
        SUPERDIST_VERIFIER_PORT: "9999",
        SUPERDIST_VERIFIER_RATE_IP: "5/2.5",
      });
      assert.equal(local.chainId, 31337);
      assert.equal(local.port, 9999);
      assert.equal(local.host, "127.0.0.1");
      assert.equal(local.confirmations, 0);
      assert.deepEqual(local.rateLimits?.perIp, { capacity: 5, refillPerSecond: 2.5 });
      assert.equal(resolve(local.generatedIdentityFile ?? ""), resolve(".superdist/verifier-identity.txt"));
      const text = await readFile(".superdist/verifier-identity.txt", "utf8");
      assert.ok(text.includes(local.recipient));
      await assert.rejects(
        configFromEnv({ SUPERDIST_CHAIN_ID: "10", SUPERDIST_VERIFIER_IDENTITY_FILE: "absent" }),
        {
          code: "VERIFIER_CONFIG",
        },
      );
      await assert.rejects(configFromEnv({ SUPERDIST_VERIFIER_CONFIRMATIONS: "-1" }), {
        code: "VERIFIER_CONFIG",
      });
      await assert.rejects(configFromEnv({ SUPERDIST_VERIFIER_RATE_TOKEN: "lots" }), {
        code: "VERIFIER_CONFIG",
      });
      await assert.rejects(configFromEnv({ SUPERDIST_MARKET: "0x1234" }), { code: "VERIFIER_CONFIG" });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe("served requests", () => {
  test("a request is known until its deadline, then forgotten", () => {
    let now = 100;
    const served = new ServedRequests({ nowSeconds: () => now });
    assert.equal(served.has("a"), false);
    served.add("a", 110);
    served.add("a", 200);
    assert.equal(served.has("a"), true);
    now = 110;
    assert.equal(served.has("a"), true, "the deadline itself is still inside");
    now = 111;
    assert.equal(served.has("a"), false, "the first deadline counts; a later add does not extend it");
    assert.equal(served.size, 0);
  });

  test("memory stays bounded: past the limit expired requests go first, then the oldest", () => {
    let now = 0;
    const served = new ServedRequests({ maxEntries: 100, nowSeconds: () => now });
    for (let i = 0; i < 50; i++) served.add(`old-${i}`, 10);
    for (let i = 0; i < 50; i++) served.add(`live-${i}`, 1_000);
    now = 20;
    served.add("next", 1_000);
    assert.equal(served.size, 51, "the expired ones made room");
    for (let i = 0; i < 1_000; i++) served.add(`more-${i}`, 1_000);
    assert.ok(served.size <= 100, `kept ${served.size}`);
    assert.equal(served.has("more-999"), true, "the newest are kept");
    assert.equal(served.has("live-0"), false, "the oldest went");
  });
});

describe("resource settings from the environment", () => {
  test("the environment sets the budget of signature calls and the connection cap, and nothing when unset", async () => {
    const identity = await generateX25519Identity();
    const config = await configFromEnv({
      SUPERDIST_VERIFIER_IDENTITY: identity,
      SUPERDIST_VERIFIER_RATE_CALL: "3/0.5",
      SUPERDIST_VERIFIER_MAX_CONNECTIONS: "100",
    });
    assert.deepEqual(config.signatureCallRate, { capacity: 3, refillPerSecond: 0.5 });
    assert.deepEqual(config.limits, { maxConnections: 100 });
    const perIp = await configFromEnv({
      SUPERDIST_VERIFIER_IDENTITY: identity,
      SUPERDIST_VERIFIER_MAX_CONNECTIONS_PER_IP: "500",
    });
    assert.deepEqual(perIp.limits, { maxConnectionsPerIp: 500 });
    const unset = await configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity });
    assert.ok(!("signatureCallRate" in unset) && !("limits" in unset));
    await assert.rejects(
      configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity, SUPERDIST_VERIFIER_RATE_CALL: "0/1" }),
      {
        code: "VERIFIER_CONFIG",
        message: /SUPERDIST_VERIFIER_RATE_CALL/,
      },
    );
    await assert.rejects(
      configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity, SUPERDIST_VERIFIER_MAX_CONNECTIONS: "many" }),
      { code: "VERIFIER_CONFIG", message: /SUPERDIST_VERIFIER_MAX_CONNECTIONS/ },
    );
  });
});

describe("deadline helper", () => {
  test("stays within the window the verifier accepts", () => {
    const now = Date.now();
    assert.equal(rekeyDeadline(60, now), BigInt(Math.floor(now / 1000) + 60));
    assert.equal(rekeyDeadline(10 * 3600, now), BigInt(Math.floor(now / 1000) + 3600));
  });
});

describe("re-key digest", () => {
  test("is the EIP-712 digest wallets sign, for any token, recipient, header, deadline and domain", () => {
    const markets = [getAddress(toHex(randomBytes(20))), getAddress(toHex(randomBytes(20)))];
    for (let i = 0; i < 100; i++) {
      const parameters = {
        chainId: [1, 31337, 8453n, 2 ** 40][i % 4] as number | bigint,
        market: markets[i % 2] as `0x${string}`,
        tokenId: i % 10 === 0 ? 2n ** 256n - 1n : BigInt(toHex(randomBytes(1 + (i % 32)))),
        recipient: i % 7 === 0 ? "" : `age1${toHex(randomBytes(i)).slice(2)}é`,
        header: new Uint8Array(randomBytes(i * 13)),
        deadline: BigInt(i * 1_000_003),
      };
      assert.equal(rekeyDigest(parameters), hashTypedData(rekeyTypedData(parameters)));
    }
  });
});

describe("client", () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.closeAllConnections();
    for (const server of servers) server.close();
  });

  /** A stand-in verifier answering every request with `status` and `body`; counts its calls. */
  async function fakeVerifier(status: number, body: unknown, headers: Record<string, string> = {}) {
    const calls: unknown[] = [];
    const server = createServer(async (request, response) => {
      let text = "";
      for await (const chunk of request) text += chunk;
      calls.push(text ? JSON.parse(text) : request.url);
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(typeof body === "string" ? body : JSON.stringify(body));
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
  }

  const request = {
    header: new TextEncoder().encode("age-encryption.org/v1\n"),
    tokenId: 7n,
    recipient: "age1recipient",
    deadline: 1_900_000_000n,
    signature: "0xabcd" as const,
  };

  test("sends the documented body and decodes the answer", async () => {
    const answer = new Uint8Array([1, 2, 3]);
    const server = await fakeVerifier(200, { header: encodeBase64(answer) });
    const result = await requestRekey({ ...request, verifierUrl: `${server.url}/` });
    assert.deepEqual(result.header, answer);
    assert.equal(result.url, `${server.url}/`);
    assert.deepEqual(server.calls, [
      {
        header: encodeBase64(request.header),
        tokenId: "7",
        recipient: "age1recipient",
        deadline: 1_900_000_000,
        signature: "0xabcd",
      },
    ]);
  });

  test("a refusal is final and carries the server's code", async () => {
    const refusing = await fakeVerifier(403, { code: "NOT_OWNER", message: "not yours" });
    const spare = await fakeVerifier(200, { header: "AAAA" });
    await assert.rejects(requestRekey({ ...request, verifierUrls: [refusing.url, spare.url] }), (error) => {
      assert.ok(error instanceof VerifierError);
      assert.equal(error.code, "NOT_OWNER");
      assert.equal(error.status, 403);
      assert.equal(error.shortMessage, "not yours");
      assert.equal(error.url, refusing.url);
      return true;
    });
    assert.equal(spare.calls.length, 0);
  });

  test("fails over past unreachable, overloaded and broken replicas", async () => {
    const down = await fakeVerifier(200, {});
    servers.at(-1)?.close();
    const unavailable = await fakeVerifier(
      503,
      { code: "CHAIN_UNAVAILABLE", message: "later" },
      { "retry-after": "2" },
    );
    const limited = await fakeVerifier(
      429,
      { code: "RATE_LIMITED", message: "slow down" },
      { "retry-after": "1" },
    );
    const html = await fakeVerifier(502, "<html>bad gateway</html>");
    const good = await fakeVerifier(200, { header: "AQID" });
    const result = await requestRekey({
      ...request,
      verifierUrls: [down.url, unavailable.url, limited.url, html.url, good.url],
    });
    assert.equal(result.url, good.url);
    assert.deepEqual(result.header, new Uint8Array([1, 2, 3]));
    assert.equal(unavailable.calls.length + limited.calls.length + html.calls.length, 3);
  });

  test("when every replica fails, the last error is reported", async () => {
    const unavailable = await fakeVerifier(
      503,
      { code: "CHAIN_UNAVAILABLE", message: "later" },
      { "retry-after": "2" },
    );
    await assert.rejects(requestRekey({ ...request, verifierUrls: [unavailable.url] }), {
      code: "CHAIN_UNAVAILABLE",
      retryAfter: 2,
    });
    await assert.rejects(requestRekey({ ...request, verifierUrls: [] }), { code: "NETWORK_ERROR" });
  });

  test("an answer without a usable header is INVALID_RESPONSE, naming the verifier", async () => {
    for (const body of [{}, { status: "ok" }, { header: 5 }, { header: "" }, { header: "not base64!" }]) {
      const server = await fakeVerifier(200, body);
      await assert.rejects(
        requestRekey({ ...request, verifierUrl: server.url }),
        { code: "INVALID_RESPONSE", url: server.url },
        JSON.stringify(body),
      );
    }
    // Such an answer is the replica's fault, so the next one is asked.
    const headerless = await fakeVerifier(200, {});
    const good = await fakeVerifier(200, { header: "AQID" });
    const result = await requestRekey({ ...request, verifierUrls: [headerless.url, good.url] });
    assert.equal(result.url, good.url);
  });

  test("a refusal without a message carries its code; Retry-After is passed on only when it is a number", async () => {
    const limited = await fakeVerifier(429, { code: "RATE_LIMITED" }, { "retry-after": "7" });
    await assert.rejects(requestRekey({ ...request, verifierUrl: limited.url }), {
      code: "RATE_LIMITED",
      shortMessage: "RATE_LIMITED",
      retryAfter: 7,
    });
    const refusing = await fakeVerifier(403, { code: "NOT_OWNER", message: "no" }, { "retry-after": "soon" });
    await assert.rejects(requestRekey({ ...request, verifierUrl: refusing.url }), (error) => {
      assert.ok(error instanceof VerifierError);
      assert.equal(error.code, "NOT_OWNER");
      assert.equal(error.retryAfter, undefined);
      return true;
    });
  });

  test("a fetch that throws something other than an Error is still a NETWORK_ERROR, with what it threw", async () => {
    await assert.rejects(
      requestRekey({
        ...request,
        verifierUrl: "http://verifier.invalid",
        fetch: () => Promise.reject("offline"),
      }),
      { code: "NETWORK_ERROR", details: "offline" },
    );
  });

  test("getVerifierInfo reads what a verifier says of itself; a missing or invalid depth counts as 0", async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const market = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const full = await fakeVerifier(200, { recipient, chainId: 31337, market, confirmations: 2 });
    assert.deepEqual(await getVerifierInfo({ verifierUrl: full.url }), {
      recipient,
      chainId: 31337,
      market,
      confirmations: 2,
      url: full.url,
    });
    assert.deepEqual(full.calls, ["/v1/recipient"]);
    const bare = await fakeVerifier(200, { recipient, chainId: 31337 });
    const info = await getVerifierInfo({ verifierUrl: bare.url });
    assert.equal(info.market, "");
    assert.equal(info.confirmations, 0);
    for (const confirmations of [-1, 1.5, "many"]) {
      const odd = await fakeVerifier(200, { recipient, chainId: 31337, market, confirmations });
      assert.equal((await getVerifierInfo({ verifierUrl: odd.url })).confirmations, 0, String(confirmations));
    }
    assert.equal(await getVerifierRecipient({ verifierUrl: full.url }), recipient);
  });

  test("getVerifierInfo fails over like requestRekey: past broken replicas, but not past a refusal", async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    const silent = await fakeVerifier(200, { status: "ok" });
    const good = await fakeVerifier(200, { recipient, chainId: 31337 });
    const info = await getVerifierInfo({ verifierUrls: [silent.url, good.url] });
    assert.equal(info.url, good.url);
    assert.equal(silent.calls.length, 1);

    const missing = await fakeVerifier(404, { code: "NOT_FOUND", message: "No such route." });
    const spare = await fakeVerifier(200, { recipient, chainId: 31337 });
    await assert.rejects(getVerifierInfo({ verifierUrls: [missing.url, spare.url] }), {
      code: "NOT_FOUND",
      url: missing.url,
    });
    assert.equal(spare.calls.length, 0);
    await assert.rejects(getVerifierInfo({ verifierUrl: silent.url }), { code: "INVALID_RESPONSE" });
    await assert.rejects(getVerifierInfo({}), { code: "NETWORK_ERROR" });
  });

  test("every error code has a stable HTTP status", () => {
    for (const [code, status] of Object.entries(verifierErrorStatus)) {
      assert.equal(new VerifierError(code as keyof typeof verifierErrorStatus, "x").status, status);
    }
  });

  test("the client and what it imports are browser-safe: no node: modules, no node-only packages", async () => {
    const seen = new Set<string>();
    const visit = async (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = await readFile(file, "utf8");
      for (const [, specifier] of source.matchAll(/^(?:import|export)[^"']*?from\s+["']([^"']+)["']/gm)) {
        assert.ok(!specifier?.startsWith("node:"), `${file} imports ${specifier}`);
        if (specifier?.startsWith(".")) await visit(resolve(dirname(file), specifier));
        else if (specifier === "@superdist/errors")
          await visit(join(verifierSrc, "../../errors/src/index.ts"));
        else
          assert.ok(
            ["viem", "@noble/hashes/sha3.js", "@noble/hashes/utils.js"].includes(specifier as string),
            `${file} imports ${specifier}`,
          );
      }
    };
    await visit(join(verifierSrc, "client.ts"));
    await visit(join(verifierSrc, "typedData.ts"));
    assert.ok(seen.size >= 4);
  });
});

describe("ownership reads", () => {
  const market = getAddress(toHex(randomBytes(20)));
  const owner = getAddress(toHex(randomBytes(20)));
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.closeAllConnections();
    for (const server of servers) server.close();
  });

  /** A JSON-RPC node whose eth_call of license(token) answers `answers[token]`; records every HTTP body. */
  async function fakeNode(answers: Record<string, unknown>, status = 200) {
    const bodies: { id: number; method: string; params: [{ to: string; data: string }, string] }[][] = [];
    const server = createServer(async (request, response) => {
      let text = "";
      for await (const chunk of request) text += chunk;
      const batch = JSON.parse(text) as (typeof bodies)[number];
      bodies.push(batch);
      response.writeHead(status, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          batch.map(({ id, params }) => ({
            jsonrpc: "2.0",
            id,
            ...(answers[BigInt(`0x${params[0].data.slice(10)}`).toString()] as object),
          })),
        ),
      );
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
  }

  /** What a node answers for license(1) (owner, content 5) and for license(2), a token that does not exist. */
  const licensed = {
    result: encodeAbiParameters(
      [{ type: "address" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }],
      [owner, 5n, 0n, 1n],
    ),
  };
  const nonexistent = {
    error: {
      code: 3,
      message: "execution reverted",
      data: encodeErrorResult({ abi: superdistMarketAbi, errorName: "ERC721NonexistentToken", args: [2n] }),
    },
  };

  const readerAt = (rpcUrl: string) =>
    new ChainReader({ rpcUrl, chainId: 1, market, confirmations: 0, timeoutMs: 300, batchWaitMs: 2 });
  const code = (promise: Promise<unknown>) =>
    promise.then(
      () => "served",
      (error: { code?: string }) => error.code,
    );

  test("concurrent reads share one batch; answers, reverts and empty answers come out as viem's would", async () => {
    const node = await fakeNode({
      1: licensed,
      2: nonexistent,
      3: { result: "0x" },
      4: { error: { code: -32005, message: "limit exceeded" } },
    });
    const reader = readerAt(node.url);
    const [served, ...refused] = await Promise.allSettled(
      [1n, 2n, 3n, 4n].map((token) => reader.license(token, { blockTag: "latest" })),
    );
    assert.deepEqual(served, { status: "fulfilled", value: { owner, contentId: 5n } });
    assert.deepEqual(
      refused.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "served")),
      ["TOKEN_NOT_FOUND", "CHAIN_ERROR", "CHAIN_UNAVAILABLE"],
    );
    assert.equal(node.bodies.length, 1);
    assert.deepEqual(
      node.bodies[0]?.map((call) => [call.method, call.params[0].to, call.params[1]]),
      Array(4).fill(["eth_call", market, "latest"]),
    );
    await reader.license(1n, { blockNumber: 255n });
    assert.equal(node.bodies[1]?.[0]?.params[1], "0xff");
    reader.close();
  });

  test("a revert sent with an HTTP error status is still a revert", async () => {
    const node = await fakeNode(
      {
        2: nonexistent,
      },
      500,
    );
    const reader = readerAt(node.url);
    assert.equal(await code(reader.license(2n, { blockTag: "latest" })), "TOKEN_NOT_FOUND");
    reader.close();
  });

  test("a kept-alive connection the node drops as it is reused is tried again, not failed", async () => {
    const node = await fakeNode({
      1: licensed,
    });
    const server = servers.at(-1) as Server;
    // The second request on any connection finds it closed under it.
    const served = new WeakMap<object, number>();
    server.prependListener("request", (request) => {
      const count = (served.get(request.socket) ?? 0) + 1;
      served.set(request.socket, count);
      if (count === 2) request.socket.destroy();
    });
    const reader = readerAt(node.url);
    assert.equal(await code(reader.license(1n, { blockTag: "latest" })), "served");
    assert.equal(await code(reader.license(1n, { blockTag: "latest" })), "served");
    reader.close();
  });

  test("a node that answers HTTP errors, refuses connections or hangs is CHAIN_UNAVAILABLE", async () => {
    const broken = await fakeNode({}, 502);
    const refusing = await fakeNode({});
    servers.at(-1)?.close();
    const hanging = createServer(() => {});
    servers.push(hanging);
    hanging.listen(0, "127.0.0.1");
    await once(hanging, "listening");
    for (const url of [
      broken.url,
      refusing.url,
      `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
    ]) {
      const reader = readerAt(url);
      assert.equal(await code(reader.license(1n, { blockTag: "latest" })), "CHAIN_UNAVAILABLE", url);
      reader.close();
    }
  });
});
