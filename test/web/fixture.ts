/** What the browser tests set up the same way: a silent verifier, a text content published, and their browsers. */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ContentMetadata, encodeMetadata } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { type PublishFileReturnType, publishFile } from "@superdist/sdk/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import type { LocalChain } from "../../scripts/stack/chain.ts";
import { openUser, startWeb, type User, type WebServer } from "./harness.ts";

/** The dApp's production build served for `chain`'s deployment, with whatever else a test sets. */
export function serveDapp(chain: LocalChain, env: Record<string, string> = {}): Promise<WebServer> {
  return startWeb({
    SUPERDIST_RPC_URL: chain.rpcUrl,
    SUPERDIST_CHAIN_ID: String(chain.chainId),
    SUPERDIST_MARKET: chain.market,
    SUPERDIST_DEPLOY_BLOCK: String(chain.deployBlock),
    ...env,
  });
}

export async function startTestVerifier(chain: LocalChain, identity?: string): Promise<StartedVerifier> {
  return startVerifier({
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    market: chain.market,
    identities: [identity ?? (await generateX25519Identity())],
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "silent" }),
  });
}

export type TextContent = {
  publisherKey: Hex;
  dir: string;
  fileName: string;
  text: string;
  title: string;
  price: bigint;
  currency: Address;
  rewardBps: number[];
  verifierUrl: string;
  metadata?: ContentMetadata;
};

/** Publishes a text file as its publisher would, with a holder identity nobody keeps, and returns the package. */
export async function publishText(chain: LocalChain, content: TextContent): Promise<PublishFileReturnType> {
  const transport = http(chain.rpcUrl);
  const input = join(content.dir, content.fileName);
  await writeFile(input, content.text);
  return publishFile(
    createWalletClient({ account: privateKeyToAccount(content.publisherKey), chain: hardhat, transport }),
    {
      market: chain.market,
      terms: {
        price: content.price,
        currency: content.currency,
        rewardBps: content.rewardBps,
        title: content.title,
        metadataURI: encodeMetadata(
          content.metadata ?? { name: content.title, fileName: content.fileName, mediaType: "text/plain" },
        ),
      },
      holderRecipients: [await identityToRecipient(await generateX25519Identity())],
      verifierUrls: [content.verifierUrl],
      input,
      output: `${input}.superdist`,
      publicClient: createPublicClient({ chain: hardhat, transport }) as PublicClient,
    },
  );
}

/** Browsers with wallets on `chain`; `done` checks a page raised no error before closing it. */
export function userPool(chain: LocalChain) {
  const users: User[] = [];
  return {
    async user(privateKey: Hex): Promise<User> {
      const opened = await openUser({ privateKey, rpcUrl: chain.rpcUrl, chainId: chain.chainId });
      users.push(opened);
      return opened;
    },
    async done(finished: User): Promise<void> {
      assert.deepEqual(finished.errors, []);
      users.splice(users.indexOf(finished), 1);
      await finished.close();
    },
    async closeAll(): Promise<void> {
      await Promise.all(users.splice(0).map((opened) => opened.close()));
    },
  };
}
