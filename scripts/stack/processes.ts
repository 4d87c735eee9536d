/** Child processes of the local stack: each in its own process group, so stopping one stops all it started. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

export type Service = {
  name: string;
  child: ChildProcess;
  /** The last lines the service printed, for error messages. */
  tail(): string;
  stop(): Promise<void>;
};

export type ServiceOptions = {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Every line the service prints is appended here. */
  logFile?: string;
};

export function startService(
  name: string,
  command: string,
  args: string[],
  options: ServiceOptions,
): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const log: WriteStream | undefined = options.logFile
    ? createWriteStream(options.logFile, { flags: "a" })
    : undefined;
  let tail = "";
  const collect = (data: Buffer) => {
    tail = (tail + data.toString()).slice(-4000);
    log?.write(data);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = once(child, "exit");
  return {
    name,
    child,
    tail: () => tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        killGroup(child.pid, "SIGTERM");
        const timer = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      // Grandchildren that ignored SIGTERM (next start spawns workers) go with the group.
      if (child.pid) killGroup(child.pid, "SIGKILL");
      log?.end();
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves once `check` passes; fails early if the service dies, naming it and quoting its output. */
export async function waitUntil(
  service: Service,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(`${service.name} exited with code ${service.child.exitCode}:\n${service.tail()}`);
    }
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${service.name} did not become ready within ${timeoutMs / 1000} s:\n${service.tail()}`);
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

/** Runs a command to completion, returning its stdout; rejects with its output on failure. */
export function runCommand(command: string, args: string[], options: ServiceOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${[command, ...args].join(" ")} exited with ${code}:\n${stderr || stdout}`)),
    );
  });
}

/** Whether a process of this id still runs (signal 0 asks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
