import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { basename } from "node:path";
import type { PackageHeader } from "@superdist/package";
import { readHeaderFromFile } from "@superdist/package/node";
import { DeliveryError } from "../delivery/errors.ts";
import { magnetUri } from "../delivery/magnet.ts";
import { createTorrent, type Torrent } from "../delivery/torrent.ts";

export type ServeCopyParameters = {
  /** The packages to serve, each under its file name. */
  packages: readonly string[];
  /** 0 (the default) takes any free port. */
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  /** Where the server is reached from outside (a reverse proxy, a tunnel); `http://host:port` by default. */
  publicUrl?: string;
  /** WebSocket trackers to announce the copies to. */
  trackers?: readonly string[];
  /** Each request, once its response has ended or was cut off. */
  onRequest?: (request: ServedRequest) => void;
  /** Each change of a tracker's state. */
  onTracker?: (event: TrackerEvent) => void;
  /** Hashing progress of each package, before the server listens. */
  onProgress?: (name: string, done: number, total: number) => void;
};

export type ServedCopy = {
  name: string;
  path: string;
  size: number;
  header: PackageHeader;
  torrent: Torrent;
  /** Names the trackers, this server as web seed and its .torrent URL. */
  magnet: string;
  /** The web seed: the package's own URL. */
  url: string;
  torrentUrl: string;
};

export type ServedRequest = {
  /** The client's address and port. */
  remote: string;
  method: string;
  /** The copy's name (with ".torrent" for its metadata), or the path asked for if none matched. */
  name: string;
  range: string | undefined;
  status: number;
  /** Bytes of body sent. */
  bytes: number;
  milliseconds: number;
};

export type TrackerEvent =
  | { tracker: string; status: "announced"; seeders: number; leechers: number }
  | { tracker: string; status: "unreachable" | "refused"; reason: string };

export type ServeCopyReturnType = {
  url: string;
  port: number;
  copies: ServedCopy[];
  /** Stops listening, tells the trackers the copies are gone, and waits for open responses to end. */
  close(): Promise<void>;
};

/**
 * Serves packages over HTTP as BEP 19 web seeds, with their .torrent files beside them, for browsers (CORS, ranges)
 * as much as for `fetchCopy`; and announces them to WebSocket trackers, so that the swarm counts a seeder.
 */
export async function serveCopy(parameters: ServeCopyParameters): Promise<ServeCopyReturnType> {
  const host = parameters.host ?? "127.0.0.1";
  const loaded: Omit<ServedCopy, "magnet" | "url" | "torrentUrl" | "torrent">[] = [];
  for (const path of parameters.packages) {
    const name = basename(path);
    if (loaded.some((copy) => copy.name === name)) throw new TypeError(`two packages are named ${name}`);
    const header = await readHeaderFromFile(path).catch((cause) => {
      throw new DeliveryError("NOT_A_PACKAGE", `${name} is not a superdist package.`, {
        details: cause instanceof Error ? cause.message : String(cause),
        cause,
      });
    });
    loaded.push({ name, path, header, size: (await stat(path)).size });
  }
  const server = createServer();
  server.listen(parameters.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const base = (parameters.publicUrl ?? `http://${host}:${port}`).replace(/\/+$/, "");
  const trackers = [...(parameters.trackers ?? [])];
  const copies: ServedCopy[] = [];
  try {
    for (const copy of loaded) {
      const url = `${base}/${encodeURIComponent(copy.name)}`;
      const torrentUrl = `${url}.torrent`;
      const torrent = await createTorrent(createReadStream(copy.path, { highWaterMark: 1 << 20 }), {
        name: copy.name,
        size: copy.size,
        announce: trackers,
        urlList: [url],
        onProgress: (done) => parameters.onProgress?.(copy.name, done, copy.size),
      });
      const magnet = magnetUri({
        infoHash: torrent.infoHash,
        name: copy.name,
        trackers,
        webSeeds: [url],
        torrentUrls: [torrentUrl],
      });
      copies.push({ ...copy, torrent, magnet, url, torrentUrl });
    }
  } catch (error) {
    server.close();
    throw error;
  }
  const routes = new Map<string, { copy: ServedCopy; torrent: boolean }>();
  for (const copy of copies) {
    routes.set(`/${copy.name}`, { copy, torrent: false });
    routes.set(`/${copy.name}.torrent`, { copy, torrent: true });
  }
  const index = JSON.stringify({
    copies: copies.map(({ name, size, magnet, url, torrentUrl, torrent }) => ({
      name,
      size,
      infoHash: torrent.infoHash,
      magnet,
      url,
      torrentUrl,
    })),
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    let path = "/";
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      path = request.url ?? "/";
    }
    const route = routes.get(path);
    let bytes = 0;
    response.on("close", () => {
      parameters.onRequest?.({
        remote: `${request.socket.remoteAddress}:${request.socket.remotePort}`,
        method: request.method ?? "GET",
        name: route ? (route.torrent ? `${route.copy.name}.torrent` : route.copy.name) : path,
        range: request.headers.range,
        status: response.statusCode,
        bytes,
        milliseconds: Math.round(performance.now() - started),
      });
    });
    respond(request, response, route, index, (sent) => {
      bytes += sent;
    });
  });

  const announcers = trackers.map(
    (tracker) =>
      new TrackerAnnouncer(
        tracker,
        copies.map((copy) => copy.torrent.infoHash),
        parameters.onTracker,
      ),
  );
  return {
    url: base,
    port,
    copies,
    async close() {
      await Promise.all(announcers.map((announcer) => announcer.close()));
      const closed = once(server, "close");
      server.close();
      // Keep-alive sockets of browsers would hold the server open for minutes.
      server.closeIdleConnections();
      const stragglers = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(stragglers);
    },
  };
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Accept-Ranges, Content-Length, Content-Range, Content-Disposition, ETag",
};

function respond(
  request: IncomingMessage,
  response: ServerResponse,
  route: { copy: ServedCopy; torrent: boolean } | undefined,
  index: string,
  counted: (bytes: number) => void,
): void {
  const method = request.method ?? "GET";
  if (method === "OPTIONS") {
    // WebTorrent's web seed requests carry Cache-Control and User-Agent, so browsers ask first. A page on a
    // public origin must also be told that this loopback server may be read from it (Private Network Access).
    response.writeHead(204, {
      ...CORS,
      "access-control-allow-methods": "GET, HEAD, OPTIONS",
      "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "Range",
      "access-control-allow-private-network": "true",
      "access-control-max-age": "86400",
    });
    response.end();
    return;
  }
  if (method !== "GET" && method !== "HEAD") {
    response.writeHead(405, { ...CORS, allow: "GET, HEAD, OPTIONS" });
    response.end();
    return;
  }
  const send = (status: number, headers: Record<string, string | number>, body: string | Uint8Array) => {
    response.writeHead(status, { ...CORS, "content-length": Buffer.byteLength(body), ...headers });
    if (method === "HEAD") {
      response.end();
      return;
    }
    counted(Buffer.byteLength(body));
    response.end(body);
  };
  if (!route) {
    if (new URL(request.url ?? "/", "http://localhost").pathname === "/") {
      send(200, { "content-type": "application/json" }, index);
    } else send(404, { "content-type": "text/plain" }, "No such copy here.\n");
    return;
  }
  const { copy } = route;
  const etag = `"${copy.torrent.infoHash}"`;
  if (route.torrent) {
    send(200, { "content-type": "application/x-bittorrent", etag }, copy.torrent.torrentFile);
    return;
  }
  const range = parseRange(request.headers.range, copy.size);
  if (range === "unsatisfiable") {
    response.writeHead(416, { ...CORS, "content-range": `bytes */${copy.size}`, "accept-ranges": "bytes" });
    response.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? copy.size - 1;
  response.writeHead(range ? 206 : 200, {
    ...CORS,
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
    "content-length": end - start + 1,
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(copy.name)}`,
    etag,
    ...(range ? { "content-range": `bytes ${start}-${end}/${copy.size}` } : {}),
  });
  if (method === "HEAD") {
    response.end();
    return;
  }
  const file = createReadStream(copy.path, { start, end, highWaterMark: 1 << 20 });
  file.on("data", (chunk) => counted(chunk.length));
  file.on("error", () => response.destroy());
  response.on("close", () => file.destroy());
  file.pipe(response);
}

/**
 * One `bytes=` range (RFC 9110): `a-b`, `a-` or `-n`. Several ranges, or anything malformed, are answered with the
 * whole file, which the RFC allows; a range wholly past the end is unsatisfiable.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return undefined;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Number(to);
  if (to !== "" && end < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

function binary(hex: string): string {
  return String.fromCharCode(...(hex.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16)));
}

/**
 * Announces seeded copies to one WebSocket tracker the way WebTorrent does, as plain JSON over the socket: with
 * no offers, since this process speaks no WebRTC, so the tracker counts it as a seeder and sends it no peers.
 * Offers that browsers address to it are left unanswered. Reconnects with a growing delay when the tracker goes.
 */
class TrackerAnnouncer {
  private readonly peerId = `-SD0100-${randomBytes(6).toString("hex")}`;
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 1000;
  private closing = false;
  private started = false;
  private lastStatus: string | undefined;

  private readonly url: string;
  private readonly infoHashes: string[];
  private readonly onEvent: ((event: TrackerEvent) => void) | undefined;

  constructor(url: string, infoHashes: string[], onEvent: ((event: TrackerEvent) => void) | undefined) {
    this.url = url;
    this.infoHashes = infoHashes;
    this.onEvent = onEvent;
    this.connect();
  }

  private report(event: TrackerEvent): void {
    // Once per change of state: a re-announce every two minutes is not news.
    const key = `${event.status}:${"reason" in event ? event.reason : ""}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.onEvent?.(event);
  }

  private connect(): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.report({ tracker: this.url, status: "unreachable", reason: String(error) });
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retryMs = 1000;
      this.announce(this.started ? undefined : "started");
      this.started = true;
    });
    socket.addEventListener("message", (message) => this.onMessage(String(message.data)));
    socket.addEventListener("error", () => {});
    socket.addEventListener("close", () => {
      if (this.closing) return;
      this.report({ tracker: this.url, status: "unreachable", reason: "the connection closed" });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 60_000);
    });
  }

  private announce(event: "started" | "stopped" | undefined): void {
    for (const infoHash of this.infoHashes) {
      this.socket?.send(
        JSON.stringify({
          action: "announce",
          info_hash: binary(infoHash),
          peer_id: this.peerId,
          uploaded: 0,
          downloaded: 0,
          left: 0,
          numwant: 0,
          ...(event ? { event } : {}),
        }),
      );
    }
  }

  private onMessage(data: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (message.offer !== undefined || message.answer !== undefined) return;
    if (typeof message["failure reason"] === "string") {
      this.report({ tracker: this.url, status: "refused", reason: message["failure reason"] });
      return;
    }
    if (message.action !== "announce") return;
    this.report({
      tracker: this.url,
      status: "announced",
      seeders: Number(message.complete ?? 0),
      leechers: Number(message.incomplete ?? 0),
    });
    const interval = Number(message.interval);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.announce(undefined), (interval > 0 ? interval : 120) * 1000);
    this.timer.unref?.();
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    const socket = this.socket;
    if (!socket) return;
    if (socket.readyState === WebSocket.OPEN) this.announce("stopped");
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve, { once: true }));
    socket.close();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
  }
}
