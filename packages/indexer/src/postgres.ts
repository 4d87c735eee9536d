/**
 * A throwaway PostgreSQL cluster on 127.0.0.1, for tests, benchmarks and trying the indexer on PostgreSQL
 * without a server of one's own. PostgreSQL refuses to run as root, so when this process is root the cluster
 * belongs to the `postgres` user and every command runs through `su`.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { IndexerError } from "./errors.ts";

const run = promisify(execFile);

export type StartLocalPostgresParameters = {
  port: number;
  /** Where the binaries are; default: the newest `/usr/lib/postgresql/<version>/bin`. */
  binDir?: string;
};

export type LocalPostgres = {
  /** `postgres://superdist:<password>@127.0.0.1:<port>/superdist` */
  databaseUrl: string;
  dataDir: string;
  /** The postmaster's process id. */
  pid: number;
  stop(): Promise<void>;
};

async function findBinDir(): Promise<string> {
  const root = "/usr/lib/postgresql";
  const { readdir } = await import("node:fs/promises");
  const versions = existsSync(root) ? (await readdir(root)).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new IndexerError("INDEXER_START_FAILED", "PostgreSQL is not installed.", {
      details: "Install it (apt-get install postgresql) or pass binDir.",
    });
  }
  return join(root, newest, "bin");
}

export async function startLocalPostgres({
  port,
  binDir,
}: StartLocalPostgresParameters): Promise<LocalPostgres> {
  const bin = binDir ?? (await findBinDir());
  const asRoot = userInfo().uid === 0;
  const dir = await mkdtemp(join(tmpdir(), "superdist-postgres-"));
  const dataDir = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  const pwfile = join(dir, "pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout), Number(gid));
    await chown(pwfile, Number(stdout), Number(gid));
  }
  await chmod(dir, 0o700);
  const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;
  const exec = (command: string, args: string[]) =>
    asRoot
      ? run("su", ["postgres", "-s", "/bin/sh", "-c", [join(bin, command), ...args].map(quote).join(" ")])
      : run(join(bin, command), args);

  await exec("initdb", [
    "-D",
    dataDir,
    "-U",
    "superdist",
    `--pwfile=${pwfile}`,
    "-A",
    "scram-sha-256",
    "-E",
    "UTF8",
  ]);
  await rm(pwfile, { force: true });
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`;
  await exec("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dir, "server.log"), "-w", "start"]);
  const pid = Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  const stop = async () => {
    await exec("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]).catch(() => {
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // Already gone.
      }
    });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const base = `postgres://superdist:${password}@127.0.0.1:${port}`;
    const { default: pg } = await import("pg");
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    await admin.query("CREATE DATABASE superdist");
    await admin.end();
    return { databaseUrl: `${base}/superdist`, dataDir, pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
