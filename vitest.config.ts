import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/stack/chromium.ts";

// The contract tests are not here: `hardhat test` runs them (node:test, as Hardhat 3's viem toolbox does).
// Projects run in groups, one after the other, so that the suites which start chain nodes, verifiers and
// browsers never compete with each other for this machine's cores.
const MINUTE = 60_000;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "test/package/**/*.test.ts",
            "test/verifier/unit.test.ts",
            "test/verifier/config.test.ts",
            "test/verifier/app.test.ts",
            "test/verifier/recovery.test.ts",
            "test/indexer/unit.test.ts",
            "test/bindings/**/*.test.ts",
            "test/errors/**/*.test.ts",
            "test/web/txErrors.test.ts",
            "test/web/runtimeConfig.test.ts",
          ],
          exclude: ["test/bindings/actions.test.ts"],
          sequence: { groupOrder: 0 },
          testTimeout: 2 * MINUTE,
          hookTimeout: 2 * MINUTE,
        },
      },
      {
        test: {
          name: "dapp-lib",
          include: ["web/test/**/*.test.ts"],
          globalSetup: ["web/test/tracker.setup.ts"],
          // Bundled before the first test, so that no test sees the page reload for a late optimisation.
          optimizeDeps: { include: ["webtorrent/dist/webtorrent.min.js"] },
          sequence: { groupOrder: 0 },
          testTimeout: MINUTE,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
      {
        // Each file starts its own Hardhat node (and verifier); two at a time is what two cores carry.
        test: {
          name: "chain",
          include: [
            "test/verifier/**/*.test.ts",
            "test/cli/**/*.test.ts",
            "test/integrators/**/*.test.ts",
            "test/sdk/**/*.test.ts",
            "test/indexer/**/*.test.ts",
            "test/delivery/**/*.test.ts",
            "test/bindings/actions.test.ts",
          ],
          exclude: [
            "test/verifier/unit.test.ts",
            "test/verifier/config.test.ts",
            "test/verifier/app.test.ts",
            "test/verifier/recovery.test.ts",
            "test/indexer/unit.test.ts",
          ],
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          testTimeout: 3 * MINUTE,
          hookTimeout: 3 * MINUTE,
        },
      },
      {
        // Chromium, Next and a chain node per file: one file at a time.
        test: {
          name: "browser",
          include: ["test/web/**/*.test.ts", "test/stack/**/*.test.ts"],
          exclude: ["test/web/txErrors.test.ts", "test/web/runtimeConfig.test.ts"],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          testTimeout: 5 * MINUTE,
          hookTimeout: 10 * MINUTE,
        },
      },
    ],
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "web/src/lib/**/*.ts"],
      exclude: [
        "**/*.generated.ts",
        "**/*.d.ts",
        // The verifier's cluster runs only as forked processes, which v8 coverage in this vitest does not follow;
        // test/verifier/cluster.test.ts drives it through those processes.
        "packages/verifier/src/cluster.ts",
        "packages/verifier/src/clusterWorker.ts",
      ],
      reporter: ["text", "json-summary"],
      reportsDirectory: "coverage",
      thresholds: {
        "packages/package/src/**": { lines: 90, branches: 85 },
        "packages/verifier/src/**": { lines: 90, branches: 85 },
        "packages/contracts/src/**": { lines: 90, branches: 85 },
        "packages/cli/src/**": { lines: 80 },
        "web/src/lib/**": { lines: 80 },
      },
    },
  },
});
