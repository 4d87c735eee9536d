/**
 * `npm run bench:start`: how long `npm start` takes to a usable dApp (every service up, the demo catalog seeded
 * and indexed), cold (no compiled contracts, no dApp build, as after a clone) and warm (the second start). The
 * references are the two long steps alone, measured in the same run: the contracts' compile and the dApp's build.
 *
 * It deletes `artifacts/`, `cache/` and `web/.next/` of this checkout first: run it when nothing else uses them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";
import { buildWeb } from "./build-web.ts";
import { ROOT } from "./stack/chain.ts";
import { freePort } from "./stack/ports.ts";
import { runCommand } from "./stack/processes.ts";

const COLD_TARGET_S = 90;
const WARM_TARGET_S = 15;

async function clean(): Promise<void> {
  for (const dir of ["artifacts", "cache", "web/.next"]) {
    await rm(join(ROOT, dir), { recursive: true, force: true });
  }
}

async function ports(): Promise<Record<string, string>> {
  const names = ["RPC", "VERIFIER", "TRACKER", "DAPP", "SHARE", "INDEXER"];
  const entries = await Promise.all(
    names.map(async (name) => [`SUPERDIST_${name}_PORT`, String(await freePort())]),
  );
  return Object.fromEntries(entries);
}

/** Seconds from `npm start` to its "superdist is running." line; then Ctrl-C, and its exit awaited. */
async function timedStart(): Promise<number> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "scripts/start.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...(await ports()), SUPERDIST_DEMO: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("superdist is running.")) resolve((performance.now() - started) / 1000);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-4000)}`)));
  });
  try {
    return await ready;
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGINT");
    await exited;
  }
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return (performance.now() - started) / 1000;
}

const load = () => loadavg()[0].toFixed(1);

await clean();
const compile = await timed(() =>
  runCommand(process.execPath, [join(ROOT, "node_modules/hardhat/dist/src/cli.js"), "compile"], {
    cwd: ROOT,
  }),
);
const build = await timed(() => buildWeb());
const loadBefore = load();
await clean();
const cold = await timedStart();
const warm = await timedStart();
const loadAfter = load();

const seconds = (value: number) => `${value.toFixed(1)} s`;
const rows = [
  [
    "cold start to a usable dApp",
    seconds(cold),
    `≤ ${COLD_TARGET_S} s ${cold <= COLD_TARGET_S ? "✓" : "✗"}`,
    `full compile ${seconds(compile)} + build ${seconds(build)} = ${seconds(compile + build)} one after the other`,
  ],
  [
    "warm start (second run)",
    seconds(warm),
    `≤ ${WARM_TARGET_S} s ${warm <= WARM_TARGET_S ? "✓" : "✗"}`,
    "nothing to compile or build",
  ],
];
const table = markdownTable(["start", "time", "target", "reference (same run)"], rows);
process.stdout.write(`${table}\n`);
await writeBenchmarkSection(
  "start",
  `## npm start

\`npm run bench:start\`: from \`npm start\` to its "superdist is running." line (chain, deployment, verifier, tracker,
indexer caught up, dApp serving, demo catalog seeded). Cold is after deleting \`artifacts/\`, \`cache/\` and
\`web/.next/\`, as in a fresh clone; warm is the next start. ${cpus().length} cores; load average ${loadBefore} before,
${loadAfter} after.

${table}

What it took: the local chain's deploy compiles only what it deploys (the market and the demo token, not the test
contracts the reference compiles), the dApp's build runs beside it, and the demo catalog is seeded by the CLI in
the stack's own process. The warm start skips the compile and the build (the compile cache and a build of the same
sources are kept), so it is the node, the deploy, the services, the seeding and the indexer catching up.`,
);
