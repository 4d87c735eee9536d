import { randomBytes } from "node:crypto";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { ETH, encodeMetadata, getCurrency, superdistMarketAbi } from "@superdist/contracts";
import { copyFileName, keyCommitment, type Lineage } from "@superdist/package";
import { encryptFile } from "@superdist/package/node";
import { getVerifierRecipient } from "@superdist/verifier/client";
import { type Address, isAddress, parseEventLogs, parseUnits } from "viem";
import { loadContext } from "../config.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
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
  "Usage: superdist publish <file> --price <amount> --currency <ETH|address> --rewards <percent,...> --title <text>";

/**
 * `superdist publish <file> ...`: encrypts the file to this device and the verifier, registers the content with
 * the key commitment on chain, and writes the publisher's package (holder token 0).
 */
export async function publish(positionals: string[], options: ParsedOptions): Promise<number> {
  const [input] = positionals;
  if (!input || !options.price || !options.title) throw new CliError("USAGE", USAGE);
  const inputStat = await stat(input).catch(() => undefined);
  if (!inputStat?.isFile()) throw new CliError("FILE_NOT_FOUND", `No such file: ${input}`);
  const ctx = await loadContext(options);
  const wallet = await ctx.wallet();
  const { recipient } = await readIdentityFile(ctx.identityFile);

  const currencyOption = options.currency?.[0] ?? "ETH";
  const currencyAddress: Address = currencyOption.toUpperCase() === "ETH" ? ETH : (currencyOption as Address);
  if (!isAddress(currencyAddress)) throw new CliError("USAGE", `--currency must be ETH or a token address.`);
  const currency = await getCurrency(ctx.publicClient, currencyAddress).catch((cause) => {
    throw new CliError("USAGE", `${currencyAddress} is not an ERC-20 token on this chain.`, { cause });
  });
  const price = parseAmount(options.price, currency.decimals);
  const rewardBps = (options.rewards ?? "")
    .split(",")
    .filter((p) => p.trim() !== "")
    .map((p) => percentToBps(p, "--rewards"));
  const royaltyBps = options.royalty ? percentToBps(options.royalty, "--royalty") : 0;
  const output = options.output ?? join(dirname(input), copyFileName(basename(input), 0n));
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
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
    const progress = progressBar("encrypting", !ctx.json);
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
      name: options.title,
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
          currency: currencyAddress,
          rewardBps,
          payout: wallet.account.address,
          royaltyBps,
          transferable: !options["non-transferable"],
          keyCommitment: keyCommitment(fileKey),
          verifierRecipient,
          title: options.title ?? "",
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
      `Published "${options.title}" as content #${contentId} for ${amount(price, currency)} (transaction ${hash}).`,
      `Rewards: ${rewardBps.map((b, i) => `L${i + 1} ${b / 100}%`).join(", ") || "none"}`,
      `Your package: ${output}`,
      `Share it; buyers go to ${ctx.dappUrl}/content/${contentId}`,
    ].join("\n"),
    { contentId, transactionHash: hash, output, price, currency, rewardBps },
  );
  return ExitCode.ok;
}

function parseAmount(value: string, decimals: number): bigint {
  try {
    const parsed = parseUnits(value, decimals);
    if (parsed < 0n) throw new Error("negative");
    return parsed;
  } catch (cause) {
    throw new CliError("USAGE", `--price must be a non-negative amount, not "${value}".`, { cause });
  }
}

function percentToBps(value: string, flag: string): number {
  const percent = Number(value.trim());
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new CliError("USAGE", `${flag} takes percentages between 0 and 100, not "${value}".`);
  }
  return Math.round(percent * 100);
}
