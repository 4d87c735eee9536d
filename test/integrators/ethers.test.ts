/**
 * An ethers v6 app (`ethersApp.ts`) against a real Hardhat node and a real verifier: it reads a content, buys
 * through the holder of a copy in ETH and in DUSD with a permit, gets its copies re-keyed and opened (by the
 * library and by the `age` CLI), and claims the referrer's rewards. The publisher and the token faucet use viem,
 * as the repository's own tools do; everything the integrator does goes through ethers.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  demoTokenAbi,
  ETH,
  getContent,
  getPermitTypedData,
  permitTypedData,
  resolveDeployment,
  superdistMarketAbi,
  toEthersTypedData,
} from "@superdist/contracts";
import {
  encryptPackage,
  generateX25519Identity,
  identityToRecipient,
  isPackageError,
  readHeaderFromBlob,
} from "@superdist/package";
import { rekeyTypedData, type StartedVerifier, startVerifier } from "@superdist/verifier";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { pino } from "pino";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  parseEther,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import {
  type AppSession,
  buyWithEth,
  buyWithPermit,
  claimRewards,
  holderTokenOf,
  openCopy,
  readClaimable,
  readContent,
  rekeyCopy,
} from "./ethersApp.ts";

const run = promisify(execFile);

const ETH_PRICE = parseEther("0.01");
const DUSD_PRICE = 5n * 10n ** 18n;
const REWARD_BPS = [1000, 500];
const BPS = 10_000n;

type Holder = { identity: string; recipient: string };

async function ageIdentity(): Promise<Holder> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

describe("an ethers v6 app on a local chain", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let publicClient: PublicClient;
  let provider: JsonRpcProvider;
  let dir: string;
  let referrer: AppSession;
  let buyer: AppSession;
  let referrerKey: Holder;
  let buyerKey: Holder;

  // The publisher's side: encrypt, publish, keep the first copy.
  type Published = { contentId: bigint; plaintext: Uint8Array; copy: Blob };
  let ethContent: Published;
  let dusdContent: Published;

  async function publish(currency: Address, price: bigint): Promise<Published> {
    const publisher = privateKeyToAccount(chain.privateKeys[1] as `0x${string}`);
    const wallet = createWalletClient({ account: publisher, chain: hardhat, transport: http(chain.rpcUrl) });
    const plaintext = new Uint8Array(randomBytes(150_000));
    const contentId =
      (await publicClient.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "contentCount",
      })) + 1n;
    const encrypted = await encryptPackage(new Blob([plaintext]).stream(), {
      holderRecipients: [(await ageIdentity()).recipient],
      verifierRecipient: verifier.recipient,
      lineage: { chainId: BigInt(chain.chainId), market: chain.market, contentId, holderTokenId: 0n },
    });
    const copy = await new Response(encrypted.stream).blob();
    const hash = await wallet.writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "publish",
      args: [
        {
          price,
          currency,
          rewardBps: REWARD_BPS,
          payout: publisher.address,
          royaltyBps: 0,
          transferable: true,
          keyCommitment: encrypted.keyCommitment,
          verifierRecipient: verifier.recipient,
          title: `Content in ${currency === ETH ? "ETH" : "DUSD"}`,
          metadataURI: "ipfs://integrators",
        },
      ],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [event] = parseEventLogs({
      abi: superdistMarketAbi,
      eventName: "ContentPublished",
      logs: receipt.logs,
    });
    assert.equal(event?.args.contentId, contentId);
    return { contentId, plaintext, copy };
  }

  async function mintDusd(to: string, amount: bigint) {
    const owner = privateKeyToAccount(chain.privateKeys[0] as `0x${string}`);
    const wallet = createWalletClient({ account: owner, chain: hardhat, transport: http(chain.rpcUrl) });
    const hash = await wallet.writeContract({
      address: chain.demoToken,
      abi: demoTokenAbi,
      functionName: "mint",
      args: [to as Address, amount],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  }

  const dusdBalance = (account: string) =>
    publicClient.readContract({
      address: chain.demoToken,
      abi: demoTokenAbi,
      functionName: "balanceOf",
      args: [account as Address],
    });

  async function ageDecrypt(holder: Holder, copy: Blob): Promise<Uint8Array> {
    const tag = randomBytes(4).toString("hex");
    const identityFile = join(dir, `identity-${tag}.txt`);
    const file = join(dir, `copy-${tag}.age`);
    await writeFile(identityFile, `${holder.identity}\n`, { mode: 0o600 });
    await writeFile(file, new Uint8Array(await copy.arrayBuffer()));
    const { stdout } = await run("/usr/bin/age", ["-d", "-i", identityFile, file], {
      encoding: "buffer",
      maxBuffer: 1 << 24,
    });
    return new Uint8Array(stdout);
  }

  beforeAll(async () => {
    chain = await startLocalChain();
    publicClient = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [await generateX25519Identity()],
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-ethers-"));
    referrerKey = await ageIdentity();
    buyerKey = await ageIdentity();
    ethContent = await publish(ETH, ETH_PRICE);
    dusdContent = await publish(chain.demoToken, DUSD_PRICE);

    // An automining node changes state within ethers' default 250 ms read cache, so a cached nonce or balance
    // would be stale; `cacheTimeout: -1` is what ethers advises for such chains.
    provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    // The app resolves the market's address from the library's deployment record; a fresh node's addresses
    // are passed in as a deployment on another network would be.
    const deployment = resolveDeployment(Number((await provider.getNetwork()).chainId), {
      market: chain.market,
      demoToken: chain.demoToken,
      deployBlock: chain.deployBlock,
    });
    const session = (key: string): AppSession => ({
      signer: new Wallet(key, provider),
      deployment,
      verifierUrl: verifier.url,
    });
    referrer = session(chain.privateKeys[2] as string);
    buyer = session(chain.privateKeys[3] as string);
    for (const user of [referrer, buyer]) await mintDusd(await user.signer.getAddress(), DUSD_PRICE);
  });

  afterAll(async () => {
    provider?.destroy();
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the app's own code imports ethers and the superdist library, and no viem", async () => {
    const source = await readFile(new URL("./ethersApp.ts", import.meta.url), "utf8");
    const imports = [...source.matchAll(/^import[^;]*?from "([^"]+)";/gms)].map((m) => m[1]);
    assert.deepEqual(imports.sort(), [
      "@superdist/contracts",
      "@superdist/package",
      "@superdist/verifier/client",
      "ethers",
    ]);
  });

  test("typed data from the library signs the same in ethers as in viem", async () => {
    const key = chain.privateKeys[4] as `0x${string}`;
    const viemAccount = privateKeyToAccount(key);
    const ethersWallet = new Wallet(key);
    const rekey = rekeyTypedData({
      chainId: 31337n,
      market: chain.market,
      tokenId: 7n,
      recipient: (await ageIdentity()).recipient,
      header: new Uint8Array(randomBytes(64)),
      deadline: 1_900_000_000n,
    });
    const permit = permitTypedData({
      // A token whose domain leaves out `version` (ERC-5267 fields 0b1101): its permits must leave it out too.
      eip712Domain: ["0x0d", "Demo Dollar", "1", 31337n, chain.demoToken, `0x${"00".repeat(32)}`, []],
      nonce: 3n,
      owner: viemAccount.address.toLowerCase(),
      spender: chain.market,
      value: DUSD_PRICE,
      deadline: 1_900_000_000n,
    });
    assert.equal("version" in permit.domain, false);
    assert.equal(permit.message.owner, viemAccount.address, "owners are checksummed");
    const signedByEthers = async (typedData: Parameters<typeof toEthersTypedData>[0]) => {
      const { domain, types, value } = toEthersTypedData(typedData);
      return ethersWallet.signTypedData(domain, types, value);
    };
    assert.equal(await signedByEthers(rekey), await viemAccount.signTypedData(rekey));
    assert.equal(await signedByEthers(permit), await viemAccount.signTypedData(permit));
    const salt = `0x${"ab".repeat(32)}` as const;
    const salted = permitTypedData({
      ...permit.message,
      eip712Domain: ["0x1f", "Salted", "2", 31337n, chain.demoToken, salt, []],
    });
    assert.equal(salted.domain.salt, salt);
    assert.equal(await signedByEthers(salted), await viemAccount.signTypedData(salted));
    assert.throws(
      () =>
        permitTypedData({
          ...permit.message,
          eip712Domain: ["0x0f", "Extended", "1", 31337n, chain.demoToken, salt, [1n]],
        }),
      /extensions/,
    );
    const nested = {
      domain: { name: "Nested", chainId: 1n },
      types: {
        Mail: [
          { name: "to", type: "Person[]" },
          { name: "note", type: "string" },
        ],
        Person: [{ name: "wallet", type: "address" }],
      },
      primaryType: "Mail",
      message: { to: [{ wallet: viemAccount.address }], note: "hi" },
    } as const;
    assert.equal(await signedByEthers(nested), await viemAccount.signTypedData(nested));
    // ethers infers the primary type from the types, so an EIP712Domain entry or an unrelated type is left out.
    const extra = toEthersTypedData({
      ...rekey,
      types: {
        ...rekey.types,
        EIP712Domain: [{ name: "name", type: "string" }],
        Unused: [{ name: "x", type: "uint256" }],
      },
    });
    assert.deepEqual(Object.keys(extra.types), ["Rekey"]);
    assert.throws(() => toEthersTypedData({ ...rekey, primaryType: "Missing" }), /no type Missing/);
  });

  test("a permit built from ethers' reads of the token is the one the library's viem reader builds", async () => {
    const owner = await buyer.signer.getAddress();
    const token = new Contract(chain.demoToken, demoTokenAbi, provider);
    const [nonce, eip712Domain] = await Promise.all([token.nonces(owner), token.eip712Domain()]);
    const request = { spender: chain.market, value: DUSD_PRICE, deadline: 1_900_000_000n };
    const fromEthers = permitTypedData({ eip712Domain, nonce, owner, ...request });
    const fromViem = await getPermitTypedData(publicClient, {
      token: chain.demoToken,
      owner: owner as Address,
      ...request,
    });
    assert.deepEqual(fromEthers, fromViem);
    assert.deepEqual(fromEthers.domain, {
      name: "Demo Dollar",
      version: "1",
      chainId: chain.chainId,
      verifyingContract: chain.demoToken,
    });
  });

  test("reads a content as the publisher registered it", async () => {
    for (const [published, currency, price] of [
      [ethContent, ETH, ETH_PRICE],
      [dusdContent, chain.demoToken, DUSD_PRICE],
    ] as const) {
      const content = await readContent(buyer, published.contentId);
      assert.equal(content.currency, currency);
      assert.equal(content.price, price);
      assert.deepEqual(content.rewardBps, REWARD_BPS);
      assert.equal(content.paused, false);
      assert.equal(content.verifierRecipient, verifier.recipient);
      // The same read through the library's viem action gives the same answer.
      const viewed = await getContent(publicClient, { market: chain.market, contentId: published.contentId });
      assert.equal(content.title, viewed.title);
      assert.equal(content.publisher, viewed.publisher);
    }
  });

  let referrerEthCopy: Blob;
  let referrerEthToken: bigint;

  test("the referrer buys in ETH, and the publisher's copy is re-keyed to her", async () => {
    const { identity, recipient } = referrerKey;
    await assert.rejects(openCopy(ethContent.copy, identity), (error) =>
      isPackageError(error, "NO_MATCHING_IDENTITY"),
    );
    const purchase = await buyWithEth(referrer, ethContent.contentId, 0n);
    assert.equal(purchase.parent, 0n);
    referrerEthToken = purchase.tokenId;
    referrerEthCopy = await rekeyCopy(referrer, ethContent.copy, referrerEthToken, recipient);
    assert.equal(await holderTokenOf(referrerEthCopy), referrerEthToken);
    assert.deepEqual(await openCopy(referrerEthCopy, identity), ethContent.plaintext);
  });

  test("a buyer handed the referrer's copy buys through her license in ETH, and the re-keyed copy opens", async () => {
    const { identity, recipient } = buyerKey;
    // The security check fails, and the copy names whom to credit.
    await assert.rejects(openCopy(referrerEthCopy, identity), (error) =>
      isPackageError(error, "NO_MATCHING_IDENTITY"),
    );
    const referrerTokenId = await holderTokenOf(referrerEthCopy);
    assert.equal(referrerTokenId, referrerEthToken);

    const before = await provider.getBalance(await buyer.signer.getAddress());
    const purchase = await buyWithEth(buyer, ethContent.contentId, referrerTokenId);
    const after = await provider.getBalance(await buyer.signer.getAddress());
    assert.equal(purchase.parent, referrerTokenId);
    assert.equal(before - after, ETH_PRICE + purchase.receipt.fee);
    assert.equal(await readClaimable(referrer, ETH), (ETH_PRICE * BigInt(REWARD_BPS[0] ?? 0)) / BPS);

    const copy = await rekeyCopy(buyer, referrerEthCopy, purchase.tokenId, recipient);
    assert.equal(await holderTokenOf(copy), purchase.tokenId);
    assert.equal(
      copy.size,
      referrerEthCopy.size - (await headerSize(referrerEthCopy)) + (await headerSize(copy)),
    );
    assert.deepEqual(await openCopy(copy, identity), ethContent.plaintext);
    assert.deepEqual(await ageDecrypt(buyerKey, copy), ethContent.plaintext);
    await assert.rejects(openCopy(copy, referrerKey.identity), (error) =>
      isPackageError(error, "NO_MATCHING_IDENTITY"),
    );
  });

  test("in DUSD, each buyer signs a permit and pays in one transaction, through the referrer's license", async () => {
    const referrerIdentity = referrerKey;
    const own = await buyWithPermit(referrer, dusdContent.contentId, 0n);
    const referrerCopy = await rekeyCopy(referrer, dusdContent.copy, own.tokenId, referrerIdentity.recipient);
    assert.deepEqual(await openCopy(referrerCopy, referrerIdentity.identity), dusdContent.plaintext);

    const { identity, recipient } = buyerKey;
    const buyerAddress = await buyer.signer.getAddress();
    const ethBefore = await provider.getBalance(buyerAddress);
    const dusdBefore = await dusdBalance(buyerAddress);
    const purchase = await buyWithPermit(buyer, dusdContent.contentId, await holderTokenOf(referrerCopy));
    assert.equal(purchase.parent, own.tokenId);
    assert.equal(dusdBefore - (await dusdBalance(buyerAddress)), DUSD_PRICE);
    assert.equal(
      ethBefore - (await provider.getBalance(buyerAddress)),
      purchase.receipt.fee,
      "one transaction",
    );
    assert.equal(
      await publicClient.readContract({
        address: chain.demoToken,
        abi: demoTokenAbi,
        functionName: "allowance",
        args: [buyerAddress as Address, chain.market],
      }),
      0n,
      "the permit was for exactly the price",
    );
    assert.equal(
      await readClaimable(referrer, chain.demoToken),
      (DUSD_PRICE * BigInt(REWARD_BPS[0] ?? 0)) / BPS,
    );

    const copy = await rekeyCopy(buyer, referrerCopy, purchase.tokenId, recipient);
    assert.deepEqual(await openCopy(copy, identity), dusdContent.plaintext);
    assert.deepEqual(await ageDecrypt(buyerKey, copy), dusdContent.plaintext);
  });

  test("the referrer claims both currencies: ETH less the claim's gas, DUSD exactly", async () => {
    const account = await referrer.signer.getAddress();
    const ethReward = (ETH_PRICE * BigInt(REWARD_BPS[0] ?? 0)) / BPS;
    const dusdReward = (DUSD_PRICE * BigInt(REWARD_BPS[0] ?? 0)) / BPS;
    assert.equal(await readClaimable(referrer, ETH), ethReward);
    assert.equal(await readClaimable(referrer, chain.demoToken), dusdReward);
    const ethBefore = await provider.getBalance(account);
    const dusdBefore = await dusdBalance(account);

    const receipt = await claimRewards(referrer, [ETH, chain.demoToken]);

    assert.equal(
      (await provider.getBalance(account)) - ethBefore,
      ethReward - receipt.gasUsed * receipt.gasPrice,
    );
    assert.equal((await dusdBalance(account)) - dusdBefore, dusdReward);
    assert.equal(await readClaimable(referrer, ETH), 0n);
    assert.equal(await readClaimable(referrer, chain.demoToken), 0n);
    const claimed = parseEventLogs({
      abi: superdistMarketAbi,
      eventName: "Claimed",
      logs: (await publicClient.getTransactionReceipt({ hash: receipt.hash as `0x${string}` })).logs,
    });
    assert.deepEqual(
      claimed.map((e) => [e.args.currency, e.args.amount]),
      [
        [ETH, ethReward],
        [chain.demoToken, dusdReward],
      ],
    );
  });
});

async function headerSize(copy: Blob): Promise<number> {
  return (await readHeaderFromBlob(copy)).bytes.length;
}
