import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler ships inside the `solc` npm package as WebAssembly, so no download is needed.
const require = createRequire(import.meta.url);
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    profiles: {
      default: {
        version: "0.8.30",
        path: solcPath,
        settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "cancun" },
      },
      production: {
        version: "0.8.30",
        path: solcPath,
        settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "cancun" },
      },
    },
  },
  // Coverage is of the product, not of the test doubles and the demo token.
  coverage: { skipFiles: ["contracts/mocks/", "contracts/demo/"] },
  paths: {
    tests: { nodejs: "test/contracts", solidity: "contracts/test" },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.SUPERDIST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    remote: {
      type: "http",
      chainType: "l1",
      url: configVariable("SUPERDIST_RPC_URL"),
      accounts: [configVariable("SUPERDIST_DEPLOYER_KEY")],
    },
  },
});
