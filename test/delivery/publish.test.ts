/**
 * Publishing records where copies are: the magnet of the publisher's package (trackers, web seeds, the .torrent
 * beside them) and a plain URL go into the metadata of the publish transaction itself, on a real Hardhat node with a
 * real verifier; when another publication takes the predicted id, the renumbered package is another torrent, and one
 * `setMetadataURI` points the metadata at it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeMetadata, ETH, encodeMetadata, getContent, superdistMarketAbi } from "@superdist/contracts";
import {
  encryptPackage,
  generateX25519Identity,
  identityToRecipient,
  keyCommitment,
  parseHeader,
  rekeyBlob,
} from "@superdist/package";
import {
  createTorrent,
  fetchCopy,
  type PublishTerms,
  parseMagnet,
  publishContent,
  type Stage,
} from "@superdist/sdk";
import { publishFile, serveCopy } from "@superdist/sdk/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";

type Signer = WalletClient<Transport, Chain, Account>;

describe("publishing records where copies are", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let publicClient: PublicClient;
  let dir: string;
  let publisher: Signer;
  let rival: Signer;
  const device = { identity: "", recipient: "" };
  const plaintext = randomBytes(64 * 1024 * 5 + 321);
  const TRACKER = "ws://127.0.0.1:8000";

  const terms = (title: string): PublishTerms => ({
    price: parseEther("0.01"),
    currency: ETH,
    rewardBps: [1000],
    title,
    metadataURI: encodeMetadata({ name: title, fileName: "song.wav", size: plaintext.length }),
  });
  const metadataOf = async (contentId: bigint) =>
    decodeMetadata((await getContent(publicClient, { market: chain.market, contentId })).metadataURI);

  beforeAll(async () => {
    chain = await startLocalChain();
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [await generateX25519Identity()],
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    publicClient = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    const wallet = (index: number) =>
      createWalletClient({
        account: privateKeyToAccount(chain.privateKeys[index] as `0x${string}`),
        chain: hardhat,
        transport: http(chain.rpcUrl),
      });
    publisher = wallet(1);
    rival = wallet(5);
    device.identity = await generateX25519Identity();
    device.recipient = await identityToRecipient(device.identity);
    dir = await mkdtemp(join(tmpdir(), "superdist-publish-sources-"));
    await writeFile(join(dir, "song.wav"), plaintext);
  });

  afterAll(async () => {
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the publish transaction's metadata names the package's torrent, its web seed, tracker and URL", async () => {
    const output = join(dir, "song.wav.superdist");
    const port = await freePort();
    const seed = `http://127.0.0.1:${port}`;
    const stages: Stage[] = [];
    const published = await publishFile(publisher, {
      market: chain.market,
      terms: terms("Song"),
      holderRecipients: [device.recipient],
      verifierUrls: [verifier.url],
      input: join(dir, "song.wav"),
      output,
      sources: {
        trackers: [TRACKER],
        webSeeds: [`${seed}/`],
        url: "https://cdn.example/song.wav.superdist",
      },
      onStage: (stage) => stages.push(stage),
    });
    const bytes = await readFile(output);
    const torrent = await createTorrent(new Blob([bytes]), { name: "song.wav.superdist" });
    const metadata = await metadataOf(published.contentId);
    // What the publisher wrote is kept beside what the SDK added.
    assert.equal(metadata.name, "Song");
    assert.equal(metadata.size, plaintext.length);
    assert.equal(metadata.url, "https://cdn.example/song.wav.superdist");
    const magnet = parseMagnet(metadata.magnet ?? "");
    assert.deepEqual(magnet, {
      infoHash: torrent.infoHash,
      name: "song.wav.superdist",
      trackers: [TRACKER],
      webSeeds: [`${seed}/song.wav.superdist`],
      torrentUrls: [`${seed}/song.wav.superdist.torrent`],
      urls: ["https://cdn.example/song.wav.superdist"],
    });
    assert.equal(published.sources?.torrent.infoHash, torrent.infoHash);
    assert.equal(
      published.metadataURI,
      (await getContent(publicClient, { market: chain.market, contentId: published.contentId })).metadataURI,
    );
    const order = stages.map((s) => `${s.operation}:${s.status}`).filter((s) => !s.endsWith(":progress"));
    assert.deepEqual(order, [
      "encrypt:done",
      "torrent:done",
      "publish:simulating",
      "publish:signing",
      "publish:pending",
      "publish:confirmed",
    ]);
    // Served where the magnet says (as `superdist share` does), the package is that torrent: the magnet fetches it.
    const served = await serveCopy({ packages: [output], port });
    try {
      assert.equal(served.copies[0]?.torrent.infoHash, torrent.infoHash);
      const fetched = await fetchCopy({ source: metadata.magnet as string });
      assert.deepEqual(Buffer.from(await fetched.blob.arrayBuffer()), bytes);
    } finally {
      await served.close();
    }
  });

  test("sources that are no URLs are refused before anything is encrypted or sent", async () => {
    const nonce = await publicClient.getTransactionCount({ address: publisher.account.address });
    await assert.rejects(
      publishFile(publisher, {
        market: chain.market,
        terms: terms("Refused"),
        holderRecipients: [device.recipient],
        verifierUrls: [verifier.url],
        input: join(dir, "song.wav"),
        output: join(dir, "refused.superdist"),
        sources: { webSeeds: ["ftp://example/x"] },
      }),
      { code: "INVALID_SOURCES" },
    );
    assert.equal(await publicClient.getTransactionCount({ address: publisher.account.address }), nonce);
    assert.ok(!(await readdir(dir)).some((name) => name.startsWith("refused")));
  });

  test("when the predicted id was taken, the renumbered package is another torrent and the metadata follows it", async () => {
    let pkg = new Uint8Array();
    let predicted = 0n;
    const stages: Stage[] = [];
    const published = await publishContent(publisher, {
      market: chain.market,
      terms: terms("Raced"),
      holderRecipients: [device.recipient],
      verifierUrls: [verifier.url],
      publicClient,
      sources: {
        name: "raced.superdist",
        trackers: [TRACKER],
        webSeeds: ["http://127.0.0.1:8702/raced.superdist"],
      },
      readPackage: async () => new Blob([pkg as Uint8Array<ArrayBuffer>]),
      onStage: (stage) => stages.push(stage),
      encrypt: async ({ onProgress, ...options }) => {
        predicted = options.lineage.contentId;
        const encrypted = await encryptPackage(new Blob([plaintext]).stream(), options);
        pkg = new Uint8Array(await new Response(encrypted.stream).arrayBuffer());
        onProgress(plaintext.length, plaintext.length);
        // Another publisher's transaction lands while this one is still encrypting.
        await rival.writeContract({
          address: chain.market,
          abi: superdistMarketAbi,
          functionName: "publish",
          args: [
            {
              price: 1n,
              currency: ETH,
              rewardBps: [],
              payout: rival.account.address,
              royaltyBps: 0,
              transferable: true,
              keyCommitment: keyCommitment(randomBytes(16)),
              verifierRecipient: verifier.recipient,
              title: "Rival",
              metadataURI: "",
            },
          ],
        });
      },
      replaceHeader: async (header, contentId) => {
        pkg = new Uint8Array(
          await (await rekeyBlob(new Blob([pkg]), header, { publishedAs: contentId })).arrayBuffer(),
        );
      },
    });
    assert.equal(published.renumbered, true);
    assert.equal(published.contentId, predicted + 1n);
    assert.equal(parseHeader(pkg).lineage.contentId, published.contentId);
    const torrent = await createTorrent(new Blob([pkg as Uint8Array<ArrayBuffer>]), {
      name: "raced.superdist",
    });
    const metadata = await metadataOf(published.contentId);
    assert.equal(metadata.name, "Raced");
    assert.equal(parseMagnet(metadata.magnet ?? "").infoHash, torrent.infoHash);
    assert.equal(published.sources?.torrent.infoHash, torrent.infoHash);
    // The first magnet, of the package numbered for the predicted id, was another torrent.
    const first = stages.findIndex((s) => s.operation === "torrent" && s.status === "done");
    const order = stages.map((s) => `${s.operation}:${s.status}`).filter((s) => !s.endsWith(":progress"));
    assert.ok(first >= 0);
    assert.deepEqual(order.slice(-6), [
      "publish:confirmed",
      "torrent:done",
      "metadata:simulating",
      "metadata:signing",
      "metadata:pending",
      "metadata:confirmed",
    ]);
    // The rival's content is untouched.
    assert.equal(
      (await getContent(publicClient, { market: chain.market, contentId: predicted })).title,
      "Rival",
    );
  });
});
