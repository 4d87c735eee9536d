import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { encodeMetadata, superdistMarketAbi } from "@superdist/contracts";
import { copyFileName, keyCommitment, type Lineage } from "@superdist/package";
import { encryptFile } from "@superdist/package/node";
import { getVerifierRecipient } from "@superdist/verifier/client";
import { maxUint96, parseEventLogs, parseUnits } from "viem";
import { type Context, loadContext } from "../config.ts";
import { resolveCurrency } from "../currency.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
import { type CliIO, resolvePath } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";
import { progressBar } from "../progress.ts";

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
  const input = resolvePath(io, given);
  const inputStat = await stat(input).catch(() => undefined);
  if (!inputStat?.isFile()) throw new CliError("FILE_NOT_FOUND", `No such file: ${given}`);

  const ctx = await loadContext(options, io);
  await checkMarketLimits(ctx, rewardBps, royaltyBps);
  const currency = await resolveCurrency(ctx, options.currency?.[0] ?? "ETH");
  const price = parseAmount(priceText, currency.decimals, currency.symbol);
  const output = options.output
    ? ctx.path(options.output)
    : join(dirname(input), copyFileName(basename(input), 0n));
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
  const wallet = await ctx.wallet();
  const { recipient } = await readIdentityFile(ctx.identityFile);
  const verifierRecipient = await getVerifierRecipient({ verifierUrls: ctx.verifierUrls });

  // Encrypt first: it is the long step, and a failure then costs no transaction. The content id is predicted;
  // in the rare case another publication takes it meanwhile, the file is encrypted again under the same key.
  const fileKey = new Uint8Array(randomBytes(16));
  const market = ctx.deployment.market;
  const lineageFor = (contentId: bigint): Lineage => ({
    chainId: BigInt(ctx.chain.id),
    market,
    contentId,
    holderTokenId: 0n,
  });
  const predicted =
    (await ctx.publicClient.readContract({
      address: market,
      abi: superdistMarketAbi,
      functionName: "contentCount",
    })) + 1n;
  const staged = `${output}.${process.pid}.staged`;
  const encrypt = async (contentId: bigint) => {
    const progress = progressBar("encrypting", !ctx.json, io.stderr);
    await encryptFile(
      input,
      staged,
      { fileKey, holderRecipients: [recipient], verifierRecipient, lineage: lineageFor(contentId) },
      (done) => progress.update(done, inputStat.size),
    );
    progress.finish();
  };
  let contentId: bigint;
  let hash: `0x${string}`;
  try {
    await encrypt(predicted);
    ({ contentId, hash } = await register());
    if (contentId !== predicted) await encrypt(contentId);
    await rename(staged, output);
  } finally {
    await rm(staged, { force: true });
  }

  async function register() {
    const metadata = {
      name: title,
      description: options.description ?? "",
      mediaType: MEDIA_TYPES[extname(input).toLowerCase()] ?? "application/octet-stream",
      fileName: basename(input),
      size: inputStat?.size,
    };
    const { request } = await ctx.publicClient.simulateContract({
      address: market,
      abi: superdistMarketAbi,
      functionName: "publish",
      account: wallet.account,
      chain: ctx.chain,
      args: [
        {
          price,
          currency: currency.address,
          rewardBps,
          payout: wallet.account.address,
          royaltyBps,
          transferable: !options["non-transferable"],
          keyCommitment: keyCommitment(fileKey),
          verifierRecipient,
          title,
          metadataURI: encodeMetadata(metadata),
        },
      ],
    });
    const hash = await wallet.writeContract(request);
    const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
    const [event] = parseEventLogs({
      abi: superdistMarketAbi,
      logs: receipt.logs,
      eventName: "ContentPublished",
    });
    if (receipt.status !== "success" || !event) {
      throw new CliError("TRANSACTION_REVERTED", `Publishing ${hash} failed.`);
    }
    return { contentId: event.args.contentId, hash };
  }

  emit(
    ctx,
    [
      `Published "${title}" as content #${contentId} for ${amount(price, currency)} (transaction ${hash}).`,
      `Rewards: ${rewardBps.map((b, i) => `L${i + 1} ${b / 100}%`).join(", ") || "none"}`,
      `Your package: ${output}`,
      `Share it; buyers go to ${ctx.dappUrl}/content/${contentId}`,
    ].join("\n"),
    { contentId, transactionHash: hash, output, price, currency, rewardBps },
  );
  return ExitCode.ok;
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

const BPS = 10_000;

/**
 * The market's own limits, read from the contract rather than copied here. It exposes no constant for the sum of
 * rewards: it keeps `MAX_PROTOCOL_FEE_BPS` free for the protocol fee, so the rewards get what is left of 100%.
 */
async function checkMarketLimits(ctx: Context, rewardBps: number[], royaltyBps: number): Promise<void> {
  const read = (functionName: "MAX_PROTOCOL_FEE_BPS" | "MAX_DEPTH" | "MAX_ROYALTY_BPS") =>
    ctx.publicClient
      .readContract({ address: ctx.deployment.market, abi: superdistMarketAbi, functionName })
      .then(Number);
  const [maxFeeBps, maxDepth, maxRoyaltyBps] = await Promise.all([
    read("MAX_PROTOCOL_FEE_BPS"),
    read("MAX_DEPTH"),
    read("MAX_ROYALTY_BPS"),
  ]);
  const percent = (bps: number) => `${bps / 100}%`;
  if (rewardBps.length > maxDepth) {
    throw new CliError(
      "USAGE",
      `--rewards pays ${rewardBps.length} levels; the market pays at most ${maxDepth} (MAX_DEPTH).`,
    );
  }
  const sum = rewardBps.reduce((a, b) => a + b, 0);
  const maxSum = BPS - maxFeeBps;
  if (sum > maxSum) {
    throw new CliError(
      "USAGE",
      `--rewards add up to ${percent(sum)}; the market allows at most ${percent(maxSum)} ` +
        `(100% less MAX_PROTOCOL_FEE_BPS, ${percent(maxFeeBps)}, kept for the protocol fee).`,
    );
  }
  if (royaltyBps > maxRoyaltyBps) {
    throw new CliError(
      "USAGE",
      `--royalty ${percent(royaltyBps)} is above the market's MAX_ROYALTY_BPS, ${percent(maxRoyaltyBps)}.`,
    );
  }
}
