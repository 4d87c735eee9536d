import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler ships inside the `solc` npm package as WebAssembly, so no download is needed.
const require = createRequire(import.meta.url);
const solcPath = require.resolve("solc/soljson.js");

/** The compiler the tests, the gas snapshots and every deployment use. */
const compiler = {
  version: "0.8.30",
  path: solcPath,
  settings: { optimizer: { enabled: true, runs: 10_000 }, viaIR: true, evmVersion: "cancun" },
};

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    profiles: {
      default: compiler,
      // Hardhat builds with `production` for `hardhat ignition deploy` and `--build-profile production`. Left out,
      // it would be derived from the version alone (200 runs, no IR, the compiler's EVM), and so deploy bytecode
      // that no test or gas snapshot has run. Spelled out, it is the tested compiler, built file by file as Hardhat
      // does for production, which gives the same bytecode.
      production: { ...compiler, isolated: true },
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
