/** The WebSocket BitTorrent tracker browsers announce to for peer-to-peer sharing, on loopback. */
import type { AddressInfo } from "node:net";
import Server from "bittorrent-tracker/server";

export type Tracker = {
  server: Server;
  /** `ws://127.0.0.1:<port>`. */
  url: string;
  /**
   * Stops it at once. The browsers still connected are cut off first: the tracker's close waits for every
   * connection to end, and a page keeps its WebSocket to the tracker open for as long as it is open.
   */
  close(): Promise<void>;
};

/** Listens on 127.0.0.1 at `port` (0: a free one). */
export async function startTracker({ port = 0, stats = false } = {}): Promise<Tracker> {
  // The tracker turns the WebSocket server's list of clients off; `close` needs it.
  const server = new Server({
    ws: { clientTracking: true },
    http: false,
    udp: false,
    stats,
    trustProxy: false,
  });
  await new Promise<void>((resolve, reject) => {
    // A failed listen is reported twice, by its HTTP server and by its WebSocket server.
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    url: `ws://127.0.0.1:${(server.ws.address() as AddressInfo).port}`,
    close: () => {
      for (const client of server.ws.clients) client.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
