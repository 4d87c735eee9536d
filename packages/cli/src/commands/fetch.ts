import { stat } from "node:fs/promises";
import { type CopySource, DeliveryError, isSafeFileName, parseCopySource } from "@superdist/sdk";
import { fetchCopyFile } from "@superdist/sdk/node";
import { CliError, ExitCode } from "../errors.ts";
import { type CliIO, resolvePath } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { emit } from "../output.ts";
import { byteSize, progressBar } from "../progress.ts";

const USAGE = "Usage: superdist fetch <share link|magnet|url> [-o <file>]";

/** The name a copy is offered under, if it is one file name: never a path the sender chose. */
function offeredName(source: CopySource): string {
  if (source.kind === "magnet") {
    const { name, infoHash } = source.magnet;
    return name !== undefined && isSafeFileName(name) ? name : `${infoHash}.superdist`;
  }
  const last = new URL(source.url).pathname.split("/").filter(Boolean).at(-1) ?? "";
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    // Kept as it was written.
  }
  return isSafeFileName(name) ? name : "copy.superdist";
}

/**
 * `superdist fetch <link>`: downloads a shared copy from its web seeds (or a plain URL), checking the .torrent
 * against the magnet's info hash and every piece against the .torrent, and that it is a package; the file appears
 * only once all of it passed. Needs no chain and no wallet: anyone may hold a copy.
 */
export async function fetchCommand(
  positionals: string[],
  options: ParsedOptions,
  io: CliIO,
): Promise<number> {
  const [given] = positionals;
  if (!given) throw new CliError("USAGE", USAGE);
  let source: CopySource;
  try {
    source = parseCopySource(given);
  } catch (error) {
    if (error instanceof DeliveryError) throw new CliError("USAGE", error.shortMessage, { cause: error });
    throw error;
  }
  const json = options.json ?? false;
  const output = resolvePath(io, options.output ?? offeredName(source));
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
  const progress = progressBar("fetching", !json, io.stderr);
  const fetched = await fetchCopyFile({
    source,
    output,
    onStage: (stage) => {
      if (stage.status === "progress") progress.update(stage.done, stage.total);
    },
  });
  progress.finish();
  const { lineage } = fetched.header;
  const holder =
    lineage.holderTokenId === 0n ? "the publisher's copy" : `the copy of license #${lineage.holderTokenId}`;
  const checked = fetched.torrent
    ? `every piece checked against torrent ${fetched.torrent.infoHash}`
    : "from a plain URL, without piece hashes";
  emit(
    { json, io },
    [
      `Fetched ${fetched.name} (${byteSize(fetched.size)}, ${checked}) → ${output}`,
      `It is content #${lineage.contentId}, ${holder}. Open it: superdist open ${output}`,
    ].join("\n"),
    {
      output,
      name: fetched.name,
      size: fetched.size,
      infoHash: fetched.torrent?.infoHash,
      contentId: lineage.contentId,
      holderTokenId: lineage.holderTokenId,
      from: fetched.from,
    },
  );
  return ExitCode.ok;
}
