/** A real WebSocket BitTorrent tracker on loopback for the browser tests of peer-to-peer sharing. */
import Server from "bittorrent-tracker/server";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    trackerUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = new Server({ ws: true, http: false, udp: false, stats: false });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.ws.address() as { port: number };
  project.provide("trackerUrl", `ws://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
