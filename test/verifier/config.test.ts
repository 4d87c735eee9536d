import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import {
  configFromEnv,
  defaultLimits,
  defaultPort,
  defaultRateLimits,
  importIdentityKey,
  loadIdentity,
  parseIdentities,
  resolveConfig,
  type VerifierConfig,
} from "@superdist/verifier";
import { pino } from "pino";
import { afterAll, beforeAll, describe, test } from "vitest";

const localMarket = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("resolveConfig", () => {
  let identity: string;
  let base: VerifierConfig;
  beforeAll(async () => {
    identity = await generateX25519Identity();
    base = { rpcUrl: "http://127.0.0.1:1", chainId: 31337, identities: [identity] };
  });

  test("fills every default and takes the market of the chain's generated deployment", () => {
    const resolved = resolveConfig(base);
    assert.equal(resolved.market, localMarket);
    assert.equal(resolved.confirmations, 0);
    assert.equal(resolved.rpcTimeoutMs, 3000);
    assert.equal(resolved.rpcBatchWaitMs, 2);
    assert.equal(resolved.port, defaultPort);
    assert.equal(resolved.host, "127.0.0.1");
    assert.equal(resolved.trustProxy, false);
    assert.deepEqual(resolved.limits, defaultLimits);
    assert.deepEqual(resolved.rateLimits, defaultRateLimits);
    assert.equal(resolved.logger.level, "info");
  });

  test("a partial limit or rate keeps the other defaults; a market is checksummed; a given logger is used", () => {
    const logger = pino({ level: "silent" });
    const resolved = resolveConfig({
      ...base,
      market: "0x000000000000000000000000000000000000dead",
      limits: { maxStanzas: 4 },
      rateLimits: { perToken: { capacity: 1, refillPerSecond: 1 } },
      logger,
      logLevel: "debug",
    });
    assert.equal(resolved.market, "0x000000000000000000000000000000000000dEaD");
    assert.deepEqual(resolved.limits, { ...defaultLimits, maxStanzas: 4 });
    assert.deepEqual(resolved.rateLimits, {
      perIp: defaultRateLimits.perIp,
      perToken: { capacity: 1, refillPerSecond: 1 },
    });
    assert.equal(resolved.logger, logger);
    assert.equal(resolveConfig({ ...base, logLevel: "warn" }).logger.level, "warn");
  });

  test("refuses settings it cannot start with, naming the setting", () => {
    const refusals: [Partial<VerifierConfig>, RegExp][] = [
      [{ chainId: 0 }, /chain id 0/],
      [{ chainId: -1 }, /chain id -1/],
      [{ chainId: 1.5 }, /chain id 1.5/],
      [{ chainId: Number.NaN }, /chain id NaN/],
      [{ market: "0x1234" as `0x${string}` }, /market address 0x1234/],
      [{ confirmations: -1 }, /confirmations -1/],
      [{ confirmations: 0.5 }, /confirmations 0.5/],
      [{ identities: [] }, /needs an age identity/],
    ];
    for (const [override, message] of refusals) {
      assert.throws(
        () => resolveConfig({ ...base, ...override }),
        { name: "VerifierConfigError", code: "VERIFIER_CONFIG", message },
        JSON.stringify(override),
      );
    }
  });

  test("a chain without a generated deployment needs SUPERDIST_MARKET", () => {
    assert.throws(
      () => resolveConfig({ ...base, chainId: 8453 }),
      (error: Error & { code?: string; cause?: { code?: string } }) => {
        assert.equal(error.code, "VERIFIER_CONFIG");
        assert.match(error.message, /chain 8453; set SUPERDIST_MARKET/);
        assert.equal(error.cause?.code, "DEPLOYMENT_NOT_FOUND");
        return true;
      },
    );
    assert.equal(resolveConfig({ ...base, chainId: 8453, market: localMarket }).market, localMarket);
  });
});

describe("configFromEnv", () => {
  let identity: string;
  beforeAll(async () => {
    identity = await generateX25519Identity();
  });

  test("reads every documented variable", async () => {
    const config = await configFromEnv({
      SUPERDIST_RPC_URL: "http://127.0.0.1:9545",
      SUPERDIST_CHAIN_ID: "8453",
      SUPERDIST_MARKET: localMarket,
      SUPERDIST_VERIFIER_IDENTITY: identity,
      SUPERDIST_VERIFIER_CONFIRMATIONS: "3",
      SUPERDIST_VERIFIER_HOST: "127.0.0.2",
      SUPERDIST_VERIFIER_PORT: "0",
      SUPERDIST_VERIFIER_RPC_TIMEOUT_MS: "500",
      SUPERDIST_VERIFIER_RPC_BATCH_MS: "0",
      SUPERDIST_VERIFIER_TRUST_PROXY: "true",
      SUPERDIST_VERIFIER_RATE_IP: "100/20",
      SUPERDIST_VERIFIER_RATE_TOKEN: "3/0.5",
      SUPERDIST_VERIFIER_LOG_LEVEL: "warn",
      SUPERDIST_VERIFIER_WORKERS: "2",
    });
    assert.deepEqual(
      { ...config, identities: [...config.identities] },
      {
        rpcUrl: "http://127.0.0.1:9545",
        chainId: 8453,
        market: localMarket,
        identities: [identity],
        recipient: await identityToRecipient(identity),
        generatedIdentityFile: undefined,
        confirmations: 3,
        workers: 2,
        rpcTimeoutMs: 500,
        rpcBatchWaitMs: 0,
        host: "127.0.0.2",
        port: 0,
        trustProxy: true,
        logLevel: "warn",
        rateLimits: {
          perIp: { capacity: 100, refillPerSecond: 20 },
          perToken: { capacity: 3, refillPerSecond: 0.5 },
        },
      },
    );
  });

  test("empty variables count as unset, and only the word true trusts a proxy", async () => {
    const config = await configFromEnv({
      SUPERDIST_VERIFIER_IDENTITY: identity,
      SUPERDIST_MARKET: "",
      SUPERDIST_RPC_URL: "",
      SUPERDIST_VERIFIER_PORT: "",
      SUPERDIST_VERIFIER_TRUST_PROXY: "1",
      SUPERDIST_VERIFIER_LOG_LEVEL: "",
    });
    assert.equal(config.market, undefined);
    assert.equal(config.rpcUrl, "http://127.0.0.1:8545");
    assert.equal(config.port, defaultPort);
    assert.equal(config.trustProxy, false);
    assert.equal(config.logLevel, undefined);
    assert.deepEqual(config.rateLimits, {});
    assert.equal(config.workers, 1);
  });

  test("the verifier runs in at least one process", async () => {
    for (const value of ["0", "-1", "two", "1.5"]) {
      await assert.rejects(
        configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity, SUPERDIST_VERIFIER_WORKERS: value }),
        { code: "VERIFIER_CONFIG", message: /SUPERDIST_VERIFIER_WORKERS/ },
      );
    }
  });

  test("a rate needs a burst of at least one and a positive refill", async () => {
    for (const value of ["0/1", "5/0", "5", "5/", "/5", "-1/2", "1/2/3"]) {
      await assert.rejects(
        configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity, SUPERDIST_VERIFIER_RATE_IP: value }),
        { code: "VERIFIER_CONFIG", message: /SUPERDIST_VERIFIER_RATE_IP must be "burst\/perSecond"/ },
        value,
      );
    }
  });

  test("integers must be plain non-negative decimals", async () => {
    for (const value of ["1e3", "0x10", " 5", "5.0", "9007199254740993"]) {
      await assert.rejects(
        configFromEnv({ SUPERDIST_VERIFIER_IDENTITY: identity, SUPERDIST_VERIFIER_PORT: value }),
        { code: "VERIFIER_CONFIG", message: /SUPERDIST_VERIFIER_PORT must be a non-negative integer/ },
        value,
      );
    }
  });
});

describe("verifier identity", () => {
  const dir = mkdtemp(join(tmpdir(), "superdist-verifier-config-"));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  test("a recipient pasted where the identity belongs is refused as not an X25519 identity", async () => {
    const recipient = await identityToRecipient(await generateX25519Identity());
    await assert.rejects(parseIdentities(`${await generateX25519Identity()}\n${recipient}\n`), {
      code: "VERIFIER_CONFIG",
      message: /must be X25519 age identities/,
    });
  });

  test("without a file setting, the default file is looked for in the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(await mkdtemp(join(await dir, "empty-")));
    try {
      await assert.rejects(loadIdentity({}), {
        code: "VERIFIER_CONFIG",
        // The message says how to make one, since the file is only generated for a local chain.
        message:
          /^The verifier identity file \.superdist\/verifier-identity\.txt does not exist\. Create one with `age-keygen -o/,
      });
    } finally {
      process.chdir(cwd);
    }
  });

  test("starts racing to create the identity all end up with the one identity, and leave no partial file", async () => {
    for (let round = 0; round < 50; round++) {
      const folder = join(await dir, `race-${round}`);
      const file = join(folder, "identity.txt");
      const loaded = await Promise.all(
        Array.from({ length: 3 }, () => loadIdentity({ identityFile: file, generate: true })),
      );
      assert.equal(new Set(loaded.map((l) => l.recipient)).size, 1, `round ${round}`);
      assert.equal(loaded.filter((l) => l.generatedFile === file).length, 1, `round ${round}`);
      assert.deepEqual(await readdir(folder), ["identity.txt"]);
    }
  });

  test("an identity is imported once as a non-extractable X25519 key; anything else is refused", async () => {
    const identity = await generateX25519Identity();
    const key = await importIdentityKey(identity);
    assert.equal(key.type, "private");
    assert.equal(key.extractable, false);
    assert.equal(key.algorithm.name, "X25519");
    assert.deepEqual(key.usages, ["deriveBits"]);
    // Same key whatever the case: age writes identities upper-case, bech32 allows either.
    assert.equal((await importIdentityKey(identity.toLowerCase())).type, "private");
    const recipient = await identityToRecipient(identity);
    await assert.rejects(importIdentityKey(recipient), {
      code: "VERIFIER_CONFIG",
      message: /not an X25519 age identity/,
    });
  });
});
