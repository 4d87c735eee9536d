import { amendMetadata, superdistMarketAbi } from "@superdist/contracts";
import { keyCommitment, type Lineage, writeHeader } from "@superdist/package";
import { getVerifierRecipient } from "@superdist/verifier/client";
import type { Address, Hash, TransactionReceipt } from "viem";
import { magnetUri, webSeedUrl } from "../delivery/magnet.ts";
import { createTorrent, isSafeFileName, type Torrent } from "../delivery/torrent.ts";
import { SdkError } from "../errors.ts";
import { publishedContentId } from "../receipts.ts";
import type { OnStage } from "../stages.ts";
import { type ReadClient, type SignerClient, transact } from "../transact.ts";
import { checkPublishTerms, type PublishTerms } from "./checkPublishTerms.ts";
import { getMarketTerms } from "./getMarketTerms.ts";

/** What the environment needs to write the publisher's first copy: a file, a worker's Blob. */
export type EncryptCopyParameters = {
  fileKey: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  lineage: Lineage;
  onProgress: (done: number, total: number | undefined) => void;
};

export type PublishContentParameters = {
  market: Address;
  terms: PublishTerms;
  /** The age recipients of the publisher's devices, which the first copy is keyed to. */
  holderRecipients: string[];
  /** The verifier that will release keys for the content; its recipient goes on chain. */
  verifierUrls: readonly string[];
  /** Encrypts the file into the publisher's package for `lineage`, wherever this environment keeps it. */
  encrypt: (parameters: EncryptCopyParameters) => Promise<void>;
  /**
   * Puts `header` in front of the package's payload: called only when the predicted content id was taken by
   * another publication meanwhile, with the id the market gave (see `ReplaceHeaderOptions.publishedAs`).
   */
  replaceHeader: (header: Uint8Array, contentId: bigint) => Promise<void>;
  /**
   * Where copies will be fetched: recorded in the metadata, as the magnet of the publisher's package, in the same
   * transaction (and once more, with `setMetadataURI`, if the package had to be renumbered).
   */
  sources?: CopySources;
  /** The encrypted package as it stands, to hash into its torrent; needed with `sources`. */
  readPackage?: () => Promise<Blob>;
  publicClient?: ReadClient;
  onStage?: OnStage;
};

export type CopySources = {
  /** The package's file name, which its torrent and magnet carry. */
  name: string;
  /** Trackers (WebSocket ones for browsers). */
  trackers?: readonly string[];
  /** URLs that will serve the package byte for byte (`superdist share`), or folders of it, ending in "/". */
  webSeeds?: readonly string[];
  /** A plain HTTP(S) URL of the package. */
  url?: string;
};

/** Where a publication says its copies are. */
export type PublishedSources = { magnet: string; torrent: Torrent; url?: string };

export type PublishContentReturnType = {
  contentId: bigint;
  transactionHash: Hash;
  receipt: TransactionReceipt;
  verifierRecipient: string;
  /** Whether the header was written again because the predicted id was taken. */
  renumbered: boolean;
  /** The metadata as it stands on chain. */
  metadataURI: string;
  /** With `sources`: the torrent of the package as written, and the magnet the metadata names. */
  sources?: PublishedSources;
};

/**
 * Publishes a content: checks the terms and the verifier, encrypts under a fresh file key (the long step, so a
 * failure there costs no transaction), registers the key commitment on chain, and repairs the header if another
 * publication took the predicted id meanwhile.
 */
export async function publishContent(
  client: SignerClient,
  parameters: PublishContentParameters,
): Promise<PublishContentReturnType> {
  const { market, terms, holderRecipients, onStage } = parameters;
  const reader = parameters.publicClient ?? client;
  const chainId = BigInt(client.chain?.id ?? (await reader.request({ method: "eth_chainId" })));
  const marketTerms = await getMarketTerms(reader, { market });
  checkPublishTerms(terms, marketTerms);
  const verifierRecipient = await getVerifierRecipient({ verifierUrls: parameters.verifierUrls });
  const fileKey = crypto.getRandomValues(new Uint8Array(16));
  const lineageFor = (contentId: bigint): Lineage => ({ chainId, market, contentId, holderTokenId: 0n });

  const sources = parameters.sources && checkSources(parameters.sources, parameters.readPackage);
  const predicted = marketTerms.nextContentId;
  await parameters.encrypt({
    fileKey,
    holderRecipients,
    verifierRecipient,
    lineage: lineageFor(predicted),
    onProgress: (done, total) => onStage?.({ operation: "encrypt", status: "progress", done, total }),
  });
  onStage?.({ operation: "encrypt", status: "done" });
  const locate = async (): Promise<{ metadataURI: string; sources?: PublishedSources }> => {
    if (!sources) return { metadataURI: terms.metadataURI };
    const found = await locateCopies(
      sources,
      await (parameters.readPackage as () => Promise<Blob>)(),
      onStage,
    );
    return {
      metadataURI: amendMetadata(terms.metadataURI, { magnet: found.magnet, url: found.url }),
      sources: found,
    };
  };
  let located = await locate();

  const receipt = await transact(
    client,
    reader,
    "publish",
    {
      address: market,
      abi: superdistMarketAbi,
      functionName: "publish",
      args: [
        {
          price: terms.price,
          currency: terms.currency,
          rewardBps: [...terms.rewardBps],
          payout: terms.payout ?? client.account.address,
          royaltyBps: terms.royaltyBps ?? 0,
          transferable: terms.transferable ?? true,
          keyCommitment: keyCommitment(fileKey),
          verifierRecipient,
          title: terms.title.trim(),
          metadataURI: located.metadataURI,
        },
      ],
    },
    onStage,
  );
  const contentId = publishedContentId(receipt);
  const renumbered = contentId !== predicted;
  if (renumbered) {
    const header = await writeHeader({
      fileKey,
      holderRecipients,
      verifierRecipient,
      lineage: lineageFor(contentId),
    });
    await parameters.replaceHeader(header, contentId);
    if (sources) {
      // Other header bytes are another torrent: the metadata is pointed at the package that now exists.
      located = await locate();
      await transact(
        client,
        reader,
        "metadata",
        {
          address: market,
          abi: superdistMarketAbi,
          functionName: "setMetadataURI",
          args: [contentId, located.metadataURI],
        },
        onStage,
      );
    }
  }
  return {
    contentId,
    transactionHash: receipt.transactionHash,
    receipt,
    verifierRecipient,
    renumbered,
    metadataURI: located.metadataURI,
    ...(located.sources ? { sources: located.sources } : {}),
  };
}

function invalidSources(details: string): SdkError {
  return new SdkError("INVALID_SOURCES", "Where copies are to be fetched from is not usable.", { details });
}

const TRACKER = /^(wss?|https?|udp):\/\/[^\s]+$/i;
const HTTP_URL = /^https?:\/\/[^\s]+$/i;

/** Checked before anything is encrypted, so that a typo costs no wait. */
function checkSources(
  sources: CopySources,
  readPackage: PublishContentParameters["readPackage"],
): CopySources {
  if (!readPackage) throw new TypeError("publishContent needs readPackage to record sources");
  if (!isSafeFileName(sources.name)) throw invalidSources(`"${sources.name}" is not a file name`);
  for (const tracker of sources.trackers ?? []) {
    if (!TRACKER.test(tracker))
      throw invalidSources(`the tracker "${tracker}" is not a ws(s), http(s) or udp URL`);
  }
  for (const seed of [...(sources.webSeeds ?? []), ...(sources.url ? [sources.url] : [])]) {
    if (!HTTP_URL.test(seed)) throw invalidSources(`"${seed}" is not an HTTP(S) URL`);
  }
  return sources;
}

/** Hashes the package into its torrent and writes the magnet that finds it. */
async function locateCopies(
  sources: CopySources,
  pkg: Blob,
  onStage: OnStage | undefined,
): Promise<PublishedSources> {
  const trackers = [...(sources.trackers ?? [])];
  const webSeeds = (sources.webSeeds ?? []).map((seed) => webSeedUrl(seed, sources.name));
  const torrent = await createTorrent(pkg, {
    name: sources.name,
    announce: trackers,
    urlList: webSeeds,
    onProgress: (done, total) => onStage?.({ operation: "torrent", status: "progress", done, total }),
  });
  onStage?.({ operation: "torrent", status: "done" });
  const magnet = magnetUri({
    infoHash: torrent.infoHash,
    name: sources.name,
    trackers,
    webSeeds,
    // A web seed serves its .torrent beside the package, as `superdist share` does: browsers need it to start.
    torrentUrls: webSeeds.map((seed) => `${seed}.torrent`),
    urls: sources.url ? [sources.url] : [],
  });
  return { magnet, torrent, ...(sources.url ? { url: sources.url } : {}) };
}
