/** The stack's ports, each settable by an environment variable, and a check that names the variable to change. */
import { once } from "node:events";
import { createServer } from "node:net";
import { SuperdistError } from "@superdist/errors";

export const PORT_VARIABLES = {
  rpc: { variable: "SUPERDIST_RPC_PORT", fallback: 8545 },
  verifier: { variable: "SUPERDIST_VERIFIER_PORT", fallback: 8787 },
  tracker: { variable: "SUPERDIST_TRACKER_PORT", fallback: 8000 },
  dapp: { variable: "SUPERDIST_DAPP_PORT", fallback: 3000 },
  /** The indexer every list of the dApp reads from (Ponder's SQL over HTTP). */
  indexer: { variable: "SUPERDIST_INDEXER_PORT", fallback: 42069 },
  /** `superdist share`: the web seed of the demo contents' publisher copies. */
  share: { variable: "SUPERDIST_SHARE_PORT", fallback: 8700 },
} as const;

export type PortName = keyof typeof PORT_VARIABLES;
export type Ports = Record<PortName, number>;

export class PortInUseError extends SuperdistError<"PORT_IN_USE"> {
  override name = "PortInUseError";
  constructor(name: PortName, port: number) {
    const { variable } = PORT_VARIABLES[name];
    super(
      "PORT_IN_USE",
      `Port ${port} (${name}) is already in use on 127.0.0.1. Stop what holds it, or set ${variable} to a free port.`,
    );
  }
}

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Ports {
  const ports = {} as Ports;
  for (const [name, { variable, fallback }] of Object.entries(PORT_VARIABLES) as [
    PortName,
    (typeof PORT_VARIABLES)[PortName],
  ][]) {
    const value = env[variable];
    const port = value === undefined || value === "" ? fallback : Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${variable} must be a port number between 1 and 65535, not "${value}".`);
    }
    ports[name] = port;
  }
  return ports;
}

/** A port nothing listens on now, for a service started next. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Fails with the variable to change if any port is taken. */
export async function assertPortsFree(ports: Ports): Promise<void> {
  for (const [name, port] of Object.entries(ports) as [PortName, number][]) {
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once("listening", () => resolve(true));
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1");
    });
    if (!free) throw new PortInUseError(name, port);
    server.close();
    await once(server, "close");
  }
}
