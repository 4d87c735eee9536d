import { readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { encodeMetadata } from "@superdist/contracts";
import { copyFileName } from "@superdist/package";
import { getMarketTerms, type PublishTerms, termsProblems } from "@superdist/sdk";
import { publishFile } from "@superdist/sdk/node";
import { maxUint96, parseUnits } from "viem";
import { type Context, loadContext, trackerUrlsOf } from "../config.ts";
import { resolveCurrency } from "../currency.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
import { type CliIO, resolvePath } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";
import { progressBar } from "../progress.ts";

/** Covers live on chain, inside the metadata, so they are kept small: a picture for a card, not a poster. */
const MAX_COVER_BYTES = 64 * 1024;

/** The cover as the data URI the metadata carries; the dApp shows only inline images. */
async function readCover(path: string): Promise<string> {
  const type = MEDIA_TYPES[extname(path).toLowerCase()];
  if (!type?.startsWith("image/")) {
    throw new CliError("USAGE", "--cover takes a PNG, JPEG, GIF, WebP or SVG image.");
  }
  const bytes = await readFile(path).catch(() => {
    throw new CliError("FILE_NOT_FOUND", `No such file: ${path}`);
  });
  if (bytes.length > MAX_COVER_BYTES) {
    throw new CliError(
      "USAGE",
      `--cover: the image is ${Math.ceil(bytes.length / 1024)} KiB; a cover is stored on chain, so at most ${MAX_COVER_BYTES / 1024} KiB.`,
    );
  }
  return `data:${type};base64,${bytes.toString("base64")}`;
}

/** Media types the dApp previews, by file extension. */
const MEDIA_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".md": "text/markdown",
};

const USAGE =
  "Usage: superdist publish <file> --price <amount> --currency <ETH|symbol|address> --rewards <percent,...> --title <text>";

/**
 * `superdist publish <file> ...`: encrypts the file to this device and the verifier, registers the content with
 * the key commitment on chain, and writes the publisher's package (holder token 0).
 */
export async function publish(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const [given] = positionals;
  if (!given || options.price === undefined || options.title === undefined)
    throw new CliError("USAGE", USAGE);
  // Every flag is checked before the chain is asked anything, and the chain's limits before anything is
  // encrypted: a mistake costs neither a wait nor a transaction.
  const title = options.title;
  if (title.trim() === "") throw new CliError("USAGE", "--title must not be empty.");
  const priceText = checkDecimal(options.price);
  const rewardBps = (options.rewards ?? "")
    .split(",")
    .filter((p) => p.trim() !== "")
    .map((p) => percentToBps(p, "--rewards"));
  const royaltyBps = options.royalty ? percentToBps(options.royalty, "--royalty") : 0;
  if ((options.currency?.length ?? 0) > 1) throw new CliError("USAGE", "publish takes one --currency.");
  const webSeeds = (options["web-seed"] ?? []).map((url) => checkUrl(url, "--web-seed"));
  const url = options.url === undefined ? undefined : checkUrl(options.url, "--url");
  const trackers = trackerUrlsOf(options, io.env);
  const image = options.cover === undefined ? undefined : await readCover(resolvePath(io, options.cover));
  const input = resolvePath(io, given);
  const inputStat = await stat(input).catch(() => undefined);
  if (!inputStat?.isFile()) throw new CliError("FILE_NOT_FOUND", `No such file: ${given}`);

  const ctx = await loadContext(options, io);
  const currency = await resolveCurrency(ctx, options.currency?.[0] ?? "ETH");
  const price = parseAmount(priceText, currency.decimals, currency.symbol);
  const terms: PublishTerms = {
    price,
    currency: currency.address,
    rewardBps,
    royaltyBps,
    transferable: !options["non-transferable"],
    title,
    metadataURI: encodeMetadata({
      name: title,
      description: options.description ?? "",
      image,
      mediaType: MEDIA_TYPES[extname(input).toLowerCase()] ?? "application/octet-stream",
      fileName: basename(input),
      size: inputStat.size,
    }),
  };
  await checkTerms(ctx, terms);
  const output = options.output
    ? ctx.path(options.output)
    : join(dirname(input), copyFileName(basename(input), 0n));
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
  const wallet = await ctx.wallet();
  const { recipient } = await readIdentityFile(ctx.identityFile);
  const progress = progressBar("encrypting", !ctx.json, io.stderr);
  const published = await publishFile(wallet, {
    market: ctx.deployment.market,
    terms,
    holderRecipients: [recipient],
    verifierUrls: ctx.verifierUrls,
    input,
    output,
    sources: { trackers, webSeeds, ...(url ? { url } : {}) },
    publicClient: ctx.publicClient,
    onStage: (stage) => {
      if (stage.operation !== "encrypt") return;
      if (stage.status === "progress") progress.update(stage.done, stage.total);
      else progress.finish();
    },
  });
  const { contentId, transactionHash: hash } = published;
  const magnet = published.sources?.magnet;
  const seedPort = webSeeds.map((seed) => /^http:\/\/127\.0\.0\.1:(\d+)\//.exec(seed)?.[1]).find(Boolean);

  emit(
    ctx,
    [
      `Published "${title}" as content #${contentId} for ${amount(price, currency)} (transaction ${hash}).`,
      `Rewards: ${rewardBps.map((b, i) => `L${i + 1} ${b / 100}%`).join(", ") || "none"}`,
      `Your package: ${output}`,
      `Share it; buyers go to ${ctx.dappUrl}/content/${contentId}`,
      `Serve it, so that buyers without a copy can fetch one: superdist share ${output}${seedPort ? ` --port ${seedPort}` : ""}`,
    ].join("\n"),
    {
      contentId,
      transactionHash: hash,
      output,
      price,
      currency,
      rewardBps,
      magnet,
      infoHash: published.sources?.torrent.infoHash,
    },
  );
  return ExitCode.ok;
}

/** A web seed or download URL: browsers fetch it, so only http(s). */
function checkUrl(value: string, flag: string): string {
  if (!/^https?:\/\/[^\s]+$/i.test(value.trim()))
    throw new CliError("USAGE", `${flag} takes an http(s) URL, not "${value}".`);
  return value.trim();
}

/** `1`, `0.05`, `.5`: a non-negative decimal, before its currency's decimals are known. */
function checkDecimal(value: string): string {
  const text = value.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    throw new CliError(
      "USAGE",
      `--price must be a non-negative decimal amount, such as 0.05; not "${value}".`,
    );
  }
  return text;
}

function parseAmount(text: string, decimals: number, symbol: string): bigint {
  const fraction = text.split(".")[1] ?? "";
  if (fraction.replace(/0+$/, "").length > decimals) {
    throw new CliError("USAGE", `--price has more decimals than ${symbol}'s ${decimals}: "${text}".`);
  }
  const price = parseUnits(text, decimals);
  if (price > maxUint96) {
    throw new CliError(
      "USAGE",
      `--price ${text} ${symbol} is above what the market stores (2^96 - 1 units).`,
    );
  }
  return price;
}

function percentToBps(value: string, flag: string): number {
  const text = value.trim();
  const percent = Number(text);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(text) || percent > 100) {
    throw new CliError("USAGE", `${flag} takes percentages between 0 and 100, not "${value}".`);
  }
  return Math.round(percent * 100);
}

const FLAGS = {
  price: "--price",
  rewardBps: "--rewards",
  royaltyBps: "--royalty",
  title: "--title",
} as const;

/**
 * The market's own limits, read from the contract before anything is encrypted or sent: a refused publication
 * costs neither a wait nor a transaction.
 */
async function checkTerms(ctx: Context, terms: PublishTerms): Promise<void> {
  const [problem] = termsProblems(
    terms,
    await getMarketTerms(ctx.publicClient, { market: ctx.deployment.market }),
  );
  if (problem) throw new CliError("USAGE", `${FLAGS[problem.field]}: ${problem.message}`);
}
