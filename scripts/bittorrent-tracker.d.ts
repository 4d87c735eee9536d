// bittorrent-tracker ships no types; these are the parts of its server the local stack and the tests use.
declare module "bittorrent-tracker/server" {
  import type { EventEmitter } from "node:events";
  import type { AddressInfo } from "node:net";

  type ServerOptions = {
    http?: boolean;
    udp?: boolean;
    /** Or options for its WebSocketServer (ws). */
    ws?: boolean | { clientTracking?: boolean };
    stats?: boolean;
    trustProxy?: boolean;
  };

  export default class Server extends EventEmitter {
    constructor(options?: ServerOptions);
    /** The WebSocket server, when `ws` is on, and the browsers connected to it. */
    ws: { address(): AddressInfo | string | null; clients: Set<{ terminate(): void }> };
    listen(port: number, hostname?: string, onListening?: () => void): void;
    close(onClose?: (error?: Error) => void): void;
    /** `complete` is the number of seeders. */
    getSwarm(infoHash: string, callback: (error: Error | null, swarm?: { complete: number }) => void): void;
  }
}
