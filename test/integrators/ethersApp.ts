/**
 * An app built on ethers v6 and the superdist library, with no viem of its own: read a content, buy through the
 * holder of a copy (in ETH, or in an ERC-20 with an EIP-2612 permit), get the copy re-keyed, open it, and claim
 * rewards. `docs/integrating.md` shows these steps next to their viem counterparts; `ethers.test.ts` runs them.
 */
import {
  type Deployment,
  demoTokenAbi,
  ETH,
  permitTypedData,
  superdistMarketAbi,
  toEthersTypedData,
} from "@superdist/contracts";
import { decryptPackage, readHeaderFromBlob, rekeyBlob } from "@superdist/package";
import { rekeyDeadline, rekeyTypedData, requestRekey } from "@superdist/verifier/client";
import { Contract, Signature, type Signer, type TransactionReceipt } from "ethers";

/** One user of the app: their wallet, the deployment it talks to, and the verifier that re-keys copies. */
export type AppSession = {
  signer: Signer;
  deployment: Deployment;
  verifierUrl: string;
};

export type Content = {
  publisher: string;
  currency: string;
  price: bigint;
  rewardBps: number[];
  paused: boolean;
  title: string;
  verifierRecipient: string;
};

export type Purchase = { tokenId: bigint; parent: bigint; receipt: TransactionReceipt };

function market(session: AppSession): Contract {
  return new Contract(session.deployment.market, superdistMarketAbi, session.signer);
}

async function mined(tx: { wait(): Promise<TransactionReceipt | null> }): Promise<TransactionReceipt> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error("The transaction was dropped.");
  return receipt;
}

/** The market's `content(id)`, read again right before a purchase so the buyer agrees to the current price. */
export async function readContent(session: AppSession, contentId: bigint): Promise<Content> {
  const c = await market(session).content(contentId);
  return {
    publisher: c.publisher,
    currency: c.currency,
    price: c.price,
    rewardBps: [...c.rewardBps].map(Number),
    paused: c.paused,
    title: c.title,
    verifierRecipient: c.verifierRecipient,
  };
}

/** The license a copy is keyed to: the referrer to name when its holder's copy is what made someone buy. */
export async function holderTokenOf(copy: Blob): Promise<bigint> {
  return (await readHeaderFromBlob(copy)).lineage.holderTokenId;
}

function purchaseOf(session: AppSession, receipt: TransactionReceipt): Purchase {
  const contract = market(session);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== session.deployment.market.toLowerCase()) continue;
    const event = contract.interface.parseLog(log);
    if (event?.name === "LicensePurchased") {
      return { tokenId: event.args.tokenId, parent: event.args.parent, receipt };
    }
  }
  throw new Error(`No LicensePurchased event in ${receipt.hash}.`);
}

/** Buys a license of an ETH-priced content through the copy of `referrerTokenId` (0 for none). */
export async function buyWithEth(
  session: AppSession,
  contentId: bigint,
  referrerTokenId: bigint,
): Promise<Purchase> {
  const { currency, price } = await readContent(session, contentId);
  if (currency !== ETH) throw new Error(`Content ${contentId} is priced in ${currency}, not ETH.`);
  const buyer = await session.signer.getAddress();
  // The currency is named with the price: a content moved to another currency meanwhile reverts instead of charging.
  const tx = await market(session).purchase(contentId, referrerTokenId, buyer, ETH, price, { value: price });
  return purchaseOf(session, await mined(tx));
}

/**
 * Buys a license of an ERC-20-priced content in one transaction: the buyer signs an EIP-2612 permit for exactly
 * the price instead of sending an approval first.
 */
export async function buyWithPermit(
  session: AppSession,
  contentId: bigint,
  referrerTokenId: bigint,
): Promise<Purchase> {
  const { currency, price } = await readContent(session, contentId);
  if (currency === ETH) throw new Error(`Content ${contentId} is priced in ETH.`);
  const buyer = await session.signer.getAddress();
  // Any ERC-2612 token answers these two reads; the demo token's ABI has them.
  const token = new Contract(currency, demoTokenAbi, session.signer);
  const [nonce, eip712Domain] = await Promise.all([token.nonces(buyer), token.eip712Domain()]);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 1800);
  const permit = toEthersTypedData(
    permitTypedData({
      eip712Domain,
      nonce,
      owner: buyer,
      spender: session.deployment.market,
      value: price,
      deadline,
    }),
  );
  const { v, r, s } = Signature.from(
    await session.signer.signTypedData(permit.domain, permit.types, permit.value),
  );
  const tx = await market(session).purchaseWithPermit(
    contentId,
    referrerTokenId,
    buyer,
    currency,
    price,
    deadline,
    v,
    r,
    s,
  );
  return purchaseOf(session, await mined(tx));
}

/**
 * Has the verifier write `copy` a new header for the owner of `tokenId`, keyed to the age `recipient`, and
 * splices it onto the untouched payload. The signature covers the exact header sent.
 */
export async function rekeyCopy(
  session: AppSession,
  copy: Blob,
  tokenId: bigint,
  recipient: string,
): Promise<Blob> {
  const header = (await readHeaderFromBlob(copy)).bytes;
  const deadline = rekeyDeadline(600);
  const provider = session.signer.provider;
  if (!provider) throw new Error("The signer is not connected to a provider.");
  const { chainId } = await provider.getNetwork();
  const request = toEthersTypedData(
    rekeyTypedData({ chainId, market: session.deployment.market, tokenId, recipient, header, deadline }),
  );
  const signature = await session.signer.signTypedData(request.domain, request.types, request.value);
  const answer = await requestRekey({
    verifierUrl: session.verifierUrl,
    header,
    tokenId,
    recipient,
    deadline,
    signature,
  });
  return rekeyBlob(copy, answer.header);
}

/** Decrypts a copy with the holder's age identity; rejects with NO_MATCHING_IDENTITY when it is keyed to another. */
export async function openCopy(copy: Blob, identity: string): Promise<Uint8Array> {
  const { stream } = await decryptPackage(copy.stream(), { identities: [identity], packageSize: copy.size });
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** What the signer can claim in `currency` (`ETH` or a token address). */
export async function readClaimable(session: AppSession, currency: string): Promise<bigint> {
  return market(session).claimable(await session.signer.getAddress(), currency);
}

/** Pays the signer's balances in `currencies` to the signer. */
export async function claimRewards(session: AppSession, currencies: string[]): Promise<TransactionReceipt> {
  const to = await session.signer.getAddress();
  return mined(await market(session).claim(currencies, to));
}
