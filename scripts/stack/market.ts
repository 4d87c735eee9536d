/**
 * A market on a fresh local chain with a verifier identity, helpers to publish and buy through it, and signed
 * re-key requests: what the verifier's benchmark and its tests drive.
 */
import { randomBytes } from "node:crypto";
import { superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient, keyCommitment, writeHeader } from "@superdist/package";
import { publishedContentId, purchasedTokenId } from "@superdist/sdk";
import { encodeBase64, rekeyDeadline, rekeyTypedData } from "@superdist/verifier";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { type LocalChain, type StartLocalChainParameters, startLocalChain } from "./chain.ts";

export const PRICE = 1_000_000n;

export type AgeKeyPair = { identity: string; recipient: string };

export async function ageKeyPair(): Promise<AgeKeyPair> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export type PublishedContent = {
  contentId: bigint;
  fileKey: Uint8Array;
  /** The publisher's copy: holder stanza for the publisher, the verifier's, lineage token 0. */
  header: Uint8Array;
};

export type MarketFixture = {
  chain: LocalChain;
  publicClient: PublicClient;
  /** Hardhat's accounts; 1 publishes, the others buy. */
  accounts: PrivateKeyAccount[];
  verifier: AgeKeyPair;
  publisherKey: AgeKeyPair;
  publish(options?: { fileKey?: Uint8Array; verifierRecipient?: string }): Promise<PublishedContent>;
  buy(contentId: bigint, buyer: PrivateKeyAccount, referrerTokenId?: bigint): Promise<bigint>;
  transfer(tokenId: bigint, from: PrivateKeyAccount, to: Address): Promise<void>;
  stop(): Promise<void>;
};

/** A real Hardhat node (or anvil) with the market deployed, a verifier identity, and helpers to publish and buy. */
export async function startMarketFixture(
  options: Pick<StartLocalChainParameters, "node"> = {},
): Promise<MarketFixture> {
  const chain = await startLocalChain(options);
  const transport = http(chain.rpcUrl);
  const publicClient = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const accounts = chain.privateKeys.map((key) => privateKeyToAccount(key));
  const verifier = await ageKeyPair();
  const publisherKey = await ageKeyPair();
  const publisher = accounts[1] as PrivateKeyAccount;

  const send = async (account: PrivateKeyAccount, request: Parameters<typeof writeMarket>[1]) => {
    const hash = await writeMarket(account, request);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };
  const writeMarket = (
    account: PrivateKeyAccount,
    request: { functionName: string; args: readonly unknown[]; value?: bigint },
  ) =>
    createWalletClient({ account, chain: hardhat, transport }).writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      ...request,
    } as never) as Promise<Hex>;

  return {
    chain,
    publicClient,
    accounts,
    verifier,
    publisherKey,
    async publish(options = {}) {
      const fileKey = options.fileKey ?? new Uint8Array(randomBytes(16));
      const receipt = await send(publisher, {
        functionName: "publish",
        args: [
          {
            price: PRICE,
            currency: zeroAddress,
            rewardBps: [1000],
            payout: publisher.address,
            royaltyBps: 0,
            transferable: true,
            keyCommitment: keyCommitment(fileKey),
            verifierRecipient: options.verifierRecipient ?? verifier.recipient,
            title: "Test content",
            metadataURI: "ipfs://test",
          },
        ],
      });
      const contentId = publishedContentId(receipt);
      const header = await writeHeader({
        fileKey,
        holderRecipients: [publisherKey.recipient],
        verifierRecipient: verifier.recipient,
        lineage: { chainId: BigInt(chain.chainId), market: chain.market, contentId, holderTokenId: 0n },
      });
      return { contentId, fileKey, header };
    },
    async buy(contentId, buyer, referrerTokenId = 0n) {
      const receipt = await send(buyer, {
        functionName: "purchase",
        args: [contentId, referrerTokenId, buyer.address, zeroAddress, PRICE],
        value: PRICE,
      });
      return purchasedTokenId(receipt);
    },
    async transfer(tokenId, from, to) {
      await send(from, { functionName: "transferFrom", args: [from.address, to, tokenId] });
    },
    stop: () => chain.stop(),
  };
}

export type RekeyBody = {
  header: string;
  tokenId: string;
  recipient: string;
  deadline: number;
  signature: Hex;
};

/** A signed re-key request body, as the CLI or the dApp would send it. */
export async function signedRekeyBody(
  domain: { chainId: number; market: Address },
  signer: PrivateKeyAccount,
  request: { header: Uint8Array; tokenId: bigint; recipient: string; deadline?: bigint },
): Promise<RekeyBody> {
  const deadline = request.deadline ?? rekeyDeadline(600);
  const signature = await signer.signTypedData(
    rekeyTypedData({
      chainId: domain.chainId,
      market: domain.market,
      tokenId: request.tokenId,
      recipient: request.recipient,
      header: request.header,
      deadline,
    }),
  );
  return {
    header: encodeBase64(request.header),
    tokenId: request.tokenId.toString(),
    recipient: request.recipient,
    deadline: Number(deadline),
    signature,
  };
}
