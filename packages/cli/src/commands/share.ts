import { stat } from "node:fs/promises";
import { shareLinkFor } from "@superdist/sdk";
import { type ServedRequest, serveCopy, type TrackerEvent } from "@superdist/sdk/node";
import { dappUrlOf, trackerUrlsOf } from "../config.ts";
import { CliError, ExitCode } from "../errors.ts";
import { type CliIO, resolvePath } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { byteSize, progressBar } from "../progress.ts";

const USAGE = "Usage: superdist share <package>... [--port <n>] [--tracker <url>]... [--host-url <url>]";

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new CliError("USAGE", `--port takes a port number, not "${text}".`);
  return port;
}

function parseHostUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^https?:\/\/[^\s]+$/i.test(text)) {
    throw new CliError("USAGE", `--host-url takes the http(s) URL this server is reached at, not "${text}".`);
  }
  return text.replace(/\/+$/, "");
}

/** Resolves at Ctrl-C (or SIGTERM, as a process manager stops it), or when the caller's signal aborts. */
function stopped(io: CliIO): Promise<void> {
  return new Promise((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function describeRequest(request: ServedRequest): string {
  const range = request.range ? ` ${request.range}` : "";
  return `${request.remote} ${request.method} ${request.name}${range} → ${request.status}, ${byteSize(request.bytes)} in ${request.milliseconds} ms`;
}

function describeTracker(event: TrackerEvent): string {
  return event.status === "announced"
    ? `tracker ${event.tracker}: announced (${event.seeders} seeding, ${event.leechers} fetching)`
    : `tracker ${event.tracker}: ${event.status} (${event.reason}); browsers can still use the web seed`;
}

/**
 * `superdist share <package>...`: serves each package on 127.0.0.1 as a BEP 19 web seed with its .torrent beside
 * it, announces it to the WebSocket tracker, and prints the dApp's share link and the magnet; then logs every
 * download until Ctrl-C. With --json, one line of links when ready, then one line per download.
 */
export async function share(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  if (positionals.length === 0) throw new CliError("USAGE", USAGE);
  const port = parsePort(options.port);
  const publicUrl = parseHostUrl(options["host-url"]);
  const json = options.json ?? false;
  const packages: string[] = [];
  for (const given of positionals) {
    const path = resolvePath(io, given);
    if (!(await stat(path).catch(() => undefined))?.isFile()) {
      throw new CliError("FILE_NOT_FOUND", `No such file: ${given}`);
    }
    packages.push(path);
  }
  const trackers = trackerUrlsOf(options, io.env);
  const dappUrl = dappUrlOf(options, io.env);
  const hashing = progressBar("hashing", !json, io.stderr);
  const write = (line: string) => io.stdout.write(`${line}\n`);
  let served: Awaited<ReturnType<typeof serveCopy>>;
  try {
    served = await serveCopy({
      packages,
      port,
      publicUrl,
      trackers,
      onProgress: (_name, done, total) => hashing.update(done, total),
      onRequest: (request) => write(json ? JSON.stringify({ request }) : describeRequest(request)),
      onTracker: (event) => io.stderr.write(`${describeTracker(event)}\n`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === "EADDRINUSE") {
      throw new CliError("USAGE", `Port ${port} is in use on 127.0.0.1; pass another --port.`, {
        cause: error,
      });
    }
    throw error;
  }
  hashing.finish();
  const copies = served.copies.map((copy) => ({
    name: copy.name,
    size: copy.size,
    contentId: copy.header.lineage.contentId,
    holderTokenId: copy.header.lineage.holderTokenId,
    infoHash: copy.torrent.infoHash,
    shareLink: shareLinkFor(dappUrl, copy.magnet),
    magnet: copy.magnet,
    webSeed: copy.url,
    torrentUrl: copy.torrentUrl,
  }));
  if (json) {
    write(
      JSON.stringify({ url: served.url, port: served.port, copies }, (_key, value) =>
        typeof value === "bigint" ? value.toString() : value,
      ),
    );
  } else {
    for (const copy of copies) {
      const holder = copy.holderTokenId === 0n ? "the publisher's copy" : `license #${copy.holderTokenId}`;
      write(
        [
          `Sharing ${copy.name} (${byteSize(copy.size)}, content #${copy.contentId}, ${holder})`,
          `  share link: ${copy.shareLink}`,
          `  magnet:     ${copy.magnet}`,
          `  web seed:   ${copy.webSeed}`,
        ].join("\n"),
      );
    }
    write(`Serving on ${served.url} until Ctrl-C.`);
  }
  await stopped(io);
  await served.close();
  if (!json) io.stderr.write("Stopped sharing.\n");
  return ExitCode.ok;
}
