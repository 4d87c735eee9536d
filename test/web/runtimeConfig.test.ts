/** The dApp's deployment settings, read from the environment when a page is served. */
import assert from "node:assert/strict";
import { deployments } from "@superdist/contracts";
import { describe, test } from "vitest";
import { readRuntimeConfig } from "../../web/src/lib/runtimeConfig.ts";

const local = deployments["31337"];
const OTHER_MARKET = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";

describe("runtime configuration", () => {
  test("with nothing set, the local chain and its generated deployment", () => {
    assert.deepEqual(readRuntimeConfig({}), {
      chainId: 31337,
      chainName: null,
      rpcUrl: "http://127.0.0.1:8545",
      market: local.market,
      demoToken: local.demoToken,
      deployBlock: local.deployBlock,
      verifierUrls: [],
      indexerUrl: null,
      trackerUrl: null,
      iceServers: [],
    });
  });

  test("every setting from SUPERDIST_* variables, lists split on commas and spaces", () => {
    const config = readRuntimeConfig({
      SUPERDIST_CHAIN_ID: "31337",
      SUPERDIST_CHAIN_NAME: " Test chain ",
      SUPERDIST_RPC_URL: "http://127.0.0.1:9545",
      SUPERDIST_MARKET: OTHER_MARKET,
      SUPERDIST_DEPLOY_BLOCK: "42",
      SUPERDIST_VERIFIER_URL: "http://127.0.0.1:1, http://127.0.0.1:2",
      SUPERDIST_TRACKER_URL: "ws://127.0.0.1:8000",
      SUPERDIST_INDEXER_URL: " http://127.0.0.1:42069 ",
      SUPERDIST_ICE_SERVERS: "stun:127.0.0.1:3478",
    });
    assert.equal(config.chainName, "Test chain");
    assert.equal(config.rpcUrl, "http://127.0.0.1:9545");
    assert.equal(config.market, OTHER_MARKET);
    assert.equal(config.deployBlock, 42);
    assert.deepEqual(config.verifierUrls, ["http://127.0.0.1:1", "http://127.0.0.1:2"]);
    assert.equal(config.trackerUrl, "ws://127.0.0.1:8000");
    assert.equal(config.indexerUrl, "http://127.0.0.1:42069");
    assert.deepEqual(config.iceServers, ["stun:127.0.0.1:3478"]);
  });

  test("a market given by address is scanned from block 0 unless its deploy block is given", () => {
    assert.equal(readRuntimeConfig({ SUPERDIST_MARKET: OTHER_MARKET }).deployBlock, 0);
  });

  test("a chain with no known deployment has no market, rather than the local one", () => {
    const config = readRuntimeConfig({ SUPERDIST_CHAIN_ID: "8453" });
    assert.equal(config.chainId, 8453);
    assert.equal(config.market, null);
    assert.equal(config.demoToken, null);
  });

  test("malformed values are refused by name", () => {
    assert.throws(() => readRuntimeConfig({ SUPERDIST_CHAIN_ID: "-1" }), /SUPERDIST_CHAIN_ID must be/);
    assert.throws(
      () => readRuntimeConfig({ SUPERDIST_DEPLOY_BLOCK: "1.5" }),
      /SUPERDIST_DEPLOY_BLOCK must be/,
    );
    assert.throws(
      () => readRuntimeConfig({ SUPERDIST_MARKET: "0x1234" }),
      /SUPERDIST_MARKET must be an address/,
    );
    assert.throws(
      () => readRuntimeConfig({ SUPERDIST_DEMO_TOKEN: "token" }),
      /SUPERDIST_DEMO_TOKEN must be an address/,
    );
  });
});
