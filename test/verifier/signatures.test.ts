import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { superdistMarketAbi } from "@superdist/contracts";
import {
  createVerifierApp,
  decodeBase64,
  rekeyTypedData,
  type VerifierApp,
  type VerifierConfig,
} from "@superdist/verifier";
import { pino } from "pino";
import {
  type Abi,
  type Address,
  concatHex,
  createWalletClient,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  hashTypedData,
  http,
  keccak256,
  type PrivateKeyAccount,
  padHex,
  parseSignature,
  serializeCompactSignature,
  serializeErc6492Signature,
  serializeErc8010Signature,
  signatureToCompactSignature,
  toHex,
  zeroAddress,
} from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, beforeEach, describe, test } from "vitest";
import {
  type AgeKeyPair,
  ageKeyPair,
  type MarketFixture,
  PRICE,
  type PublishedContent,
  type RekeyBody,
  signedRekeyBody,
  startMarketFixture,
} from "../../scripts/stack/market.ts";
import { postRekey } from "./fixtures.ts";
import { type RpcProxy, signatureCalls, startRpcProxy } from "./rpcProxy.ts";

const unlimited = { capacity: 1_000_000, refillPerSecond: 1_000_000 };
const gasCap = toHex(1_000_000);

// An ERC-1271 account that accepts its owner's signature. Deployed through the factory (CREATE2) it is a
// counterfactual account before its first use; as an EIP-7702 delegate, `owner` is a key the EOA lets sign for it.
const walletSource = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract OwnedWallet {
    address public immutable owner;
    constructor(address owner_) { owner = owner_; }
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return 0xffffffff;
        (bytes32 r, bytes32 s) = abi.decode(signature[:64], (bytes32, bytes32));
        return ecrecover(hash, uint8(signature[64]), r, s) == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}
contract WalletFactory {
    function deploy(address owner, bytes32 salt) external returns (address) {
        return address(new OwnedWallet{salt: salt}(owner));
    }
}`;

type Compiled = { abi: Abi; bytecode: Hex };

function compile(): Record<"OwnedWallet" | "WalletFactory", Compiled> {
  const solc = createRequire(import.meta.url)("solc");
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "Wallets.sol": { content: walletSource } },
        settings: { outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
      }),
    ),
  );
  const get = (name: string): Compiled => {
    const contract = output.contracts["Wallets.sol"][name];
    return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  };
  return { OwnedWallet: get("OwnedWallet"), WalletFactory: get("WalletFactory") };
}

// Init code whose contract loops until it runs out of gas: PUSH4 <JUMPDEST PUSH1 0 JUMP> PUSH1 0 MSTORE
// PUSH1 4 PUSH1 28 RETURN.
const gasBurnerInitCode: Hex = "0x635b6000566000526004601cf3";

const erc8010Magic = "0x8010801080108010801080108010801080108010801080108010801080108010";
const erc6492Magic = "0x6492649264926492649264926492649264926492649264926492649264926492";

async function refusal(response: Response): Promise<[number, string]> {
  const body = (await response.json()) as { code?: string; header?: string };
  return [response.status, body.code ?? (body.header ? "served" : "?")];
}

describe("owner signatures", () => {
  let fixture: MarketFixture;
  let proxy: RpcProxy;
  let verifier: VerifierApp;
  let content: PublishedContent;
  let buyer: PrivateKeyAccount;
  let stranger: PrivateKeyAccount;
  let tokenId: bigint;
  let holder: AgeKeyPair;
  let contracts: ReturnType<typeof compile>;

  const deploy = async (from: PrivateKeyAccount, data: Hex): Promise<Address> => {
    const wallet = createWalletClient({
      account: from,
      chain: hardhat,
      transport: http(fixture.chain.rpcUrl),
    });
    const hash = await wallet.sendTransaction({ data });
    const receipt = await fixture.publicClient.waitForTransactionReceipt({ hash });
    return getAddress(receipt.contractAddress as Address);
  };

  /** Buys a license of `content` for `recipient`, which may be an address without code or a contract. */
  const buyFor = async (recipient: Address): Promise<bigint> => {
    const wallet = createWalletClient({
      account: buyer,
      chain: hardhat,
      transport: http(fixture.chain.rpcUrl),
    });
    const hash = await wallet.writeContract({
      address: fixture.chain.market,
      abi: superdistMarketAbi,
      functionName: "purchase",
      args: [content.contentId, 0n, recipient, zeroAddress, PRICE],
      value: PRICE,
    });
    await fixture.publicClient.waitForTransactionReceipt({ hash });
    return fixture.publicClient.readContract({
      address: fixture.chain.market,
      abi: superdistMarketAbi,
      functionName: "totalSupply",
    });
  };

  /** The EIP-712 digest of a request, for signers that sign hashes (smart-account keys, ERC-6492, ERC-8010). */
  const digestOf = (body: Omit<RekeyBody, "signature">): Hex =>
    hashTypedData(
      rekeyTypedData({
        chainId: fixture.chain.chainId,
        market: fixture.chain.market,
        tokenId: BigInt(body.tokenId),
        recipient: body.recipient,
        header: decodeBase64(body.header) as Uint8Array,
        deadline: BigInt(body.deadline),
      }),
    );

  const requestFor = async (token: bigint, signer = buyer) =>
    signedRekeyBody(fixture.chain, signer, {
      header: content.header,
      tokenId: token,
      recipient: holder.recipient,
    });

  const verifierWith = (overrides: Partial<VerifierConfig> = {}) =>
    createVerifierApp({
      rpcUrl: proxy.url,
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      identities: [fixture.verifier.identity],
      logger: pino({ level: "silent" }),
      rateLimits: { perIp: unlimited, perToken: unlimited },
      signatureCallRate: unlimited,
      // Hardhat's first call that burns its gas cap can take seconds on a busy machine; these tests judge answers.
      rpcTimeoutMs: 30_000,
      ...overrides,
    });

  beforeAll(async () => {
    contracts = compile();
    fixture = await startMarketFixture();
    proxy = await startRpcProxy(fixture.chain.rpcUrl);
    verifier = await verifierWith();
    buyer = fixture.accounts[2] as PrivateKeyAccount;
    stranger = fixture.accounts[3] as PrivateKeyAccount;
    content = await fixture.publish();
    tokenId = await fixture.buy(content.contentId, buyer);
    holder = await ageKeyPair();
  });

  afterAll(async () => {
    await verifier?.close();
    await proxy?.close();
    await fixture?.stop();
  });

  beforeEach(() => {
    proxy.calls.length = 0;
  });

  test("an owner's EIP-2098 64-byte signature is served, a stranger's is not, and neither costs an eth_call", async () => {
    const compact = (signature: Hex) =>
      serializeCompactSignature(signatureToCompactSignature(parseSignature(signature)));
    const body = await requestFor(tokenId);
    const short = compact(body.signature);
    assert.equal((short.length - 2) / 2, 64);
    assert.deepEqual(await refusal(await postRekey(verifier.app, { ...body, signature: short })), [
      200,
      "served",
    ]);
    const forged = await requestFor(tokenId, stranger);
    assert.deepEqual(
      await refusal(await postRekey(verifier.app, { ...forged, signature: compact(forged.signature) })),
      [403, "NOT_OWNER"],
    );
    assert.deepEqual(signatureCalls(proxy.calls, fixture.chain.market), []);
  });

  test("a signature that does not parse is NOT_OWNER, not a chain outage, and costs no eth_call", async () => {
    const body = await requestFor(tokenId, stranger);
    const plain = body.signature;
    const word = (n: number) => padHex(toHex(n), { size: 32 });
    const cases: [string, Hex][] = [
      ["an ERC-8010 suffix of nonsense", concatHex([plain, `0x${"11".repeat(40)}`, word(40), erc8010Magic])],
      ["an ERC-8010 suffix longer than the signature", concatHex([plain, word(10_000), erc8010Magic])],
      ["an ERC-8010 suffix alone", concatHex([word(0), erc8010Magic])],
      ["an ERC-6492 wrapper of nonsense", concatHex([`0x${"22".repeat(40)}`, erc6492Magic])],
      ["a recovery byte that is neither 0, 1, 27 nor 28", concatHex([plain.slice(0, 130) as Hex, "0x05"])],
      ["r and s of zero", `0x${"00".repeat(64)}1b`],
      ["64 bytes of zero", `0x${"00".repeat(64)}`],
      ["100 bytes of something", `0x${"ab".repeat(100)}`],
    ];
    for (const [name, signature] of cases) {
      assert.deepEqual(
        await refusal(await postRekey(verifier.app, { ...body, signature })),
        [403, "NOT_OWNER"],
        name,
      );
    }
    assert.deepEqual(signatureCalls(proxy.calls, fixture.chain.market), []);
  });

  test("an ERC-6492 signature of a counterfactual account is served, its check capped at 1M gas", async () => {
    const carol = fixture.accounts[4] as PrivateKeyAccount;
    const factory = await deploy(carol, contracts.WalletFactory.bytecode);
    const salt = keccak256(toHex("carol"));
    const account = getContractAddress({
      opcode: "CREATE2",
      from: factory,
      salt,
      bytecode: encodeDeployData({
        abi: contracts.OwnedWallet.abi,
        bytecode: contracts.OwnedWallet.bytecode,
        args: [carol.address],
      }),
    });
    const token = await buyFor(account);
    assert.equal(await fixture.publicClient.getCode({ address: account }), undefined, "not deployed yet");

    const unsigned = await requestFor(token);
    const signature = serializeErc6492Signature({
      address: factory,
      data: encodeFunctionData({
        abi: contracts.WalletFactory.abi,
        functionName: "deploy",
        args: [carol.address, salt],
      }),
      signature: await carol.sign({ hash: digestOf(unsigned) }),
    });
    assert.deepEqual(await refusal(await postRekey(verifier.app, { ...unsigned, signature })), [
      200,
      "served",
    ]);
    const forged = serializeErc6492Signature({
      address: factory,
      data: encodeFunctionData({
        abi: contracts.WalletFactory.abi,
        functionName: "deploy",
        args: [carol.address, salt],
      }),
      signature: await stranger.sign({ hash: digestOf(unsigned) }),
    });
    assert.deepEqual(await refusal(await postRekey(verifier.app, { ...unsigned, signature: forged })), [
      403,
      "NOT_OWNER",
    ]);
    const calls = signatureCalls(proxy.calls, fixture.chain.market);
    assert.equal(calls.length, 2);
    for (const call of calls) assert.equal(call.gas, gasCap);
  });

  test("an ERC-8010 signature of an EOA delegating to a smart account is served; a stranger's delegation costs no call", async () => {
    const eoa = fixture.accounts[6] as PrivateKeyAccount;
    const sessionKey = fixture.accounts[7] as PrivateKeyAccount;
    const implementation = await deploy(
      eoa,
      encodeDeployData({
        abi: contracts.OwnedWallet.abi,
        bytecode: contracts.OwnedWallet.bytecode,
        args: [sessionKey.address],
      }),
    );
    const token = await buyFor(eoa.address);
    const unsigned = await requestFor(token);
    const digest = digestOf(unsigned);
    const nonce = await fixture.publicClient.getTransactionCount({ address: eoa.address });
    const wrap = async (delegator: PrivateKeyAccount) =>
      serializeErc8010Signature({
        authorization: await delegator.signAuthorization({
          contractAddress: implementation,
          chainId: fixture.chain.chainId,
          nonce,
        }),
        signature: await sessionKey.sign({ hash: digest }),
      });
    assert.deepEqual(
      await refusal(await postRekey(verifier.app, { ...unsigned, signature: await wrap(eoa) })),
      [200, "served"],
    );
    const calls = signatureCalls(proxy.calls, fixture.chain.market);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.gas, gasCap);

    proxy.calls.length = 0;
    assert.deepEqual(
      await refusal(await postRekey(verifier.app, { ...unsigned, signature: await wrap(stranger) })),
      [403, "NOT_OWNER"],
    );
    // A delegation that must first be initialised would need a batch of calls; it is refused, without a call.
    const withInit = serializeErc8010Signature({
      authorization: await eoa.signAuthorization({
        contractAddress: implementation,
        chainId: fixture.chain.chainId,
        nonce,
      }),
      data: "0x8129fc1c",
      signature: await sessionKey.sign({ hash: digest }),
    });
    assert.deepEqual(await refusal(await postRekey(verifier.app, { ...unsigned, signature: withInit })), [
      403,
      "NOT_OWNER",
    ]);
    assert.deepEqual(signatureCalls(proxy.calls, fixture.chain.market), []);

    // Once the delegation is on chain, the same signature is an ERC-1271 check of the delegated code.
    const sponsor = fixture.accounts[8] as PrivateKeyAccount;
    const hash = await createWalletClient({
      account: sponsor,
      chain: hardhat,
      transport: http(fixture.chain.rpcUrl),
    }).sendTransaction({
      // The authorization applies whatever the transaction calls; calling the account would hit no function.
      to: sponsor.address,
      authorizationList: [
        await eoa.signAuthorization({
          contractAddress: implementation,
          chainId: fixture.chain.chainId,
          nonce,
        }),
      ],
    });
    await fixture.publicClient.waitForTransactionReceipt({ hash });
    assert.match((await fixture.publicClient.getCode({ address: eoa.address })) ?? "", /^0xef0100/);
    const later = await requestFor(token);
    const delegated = serializeErc8010Signature({
      authorization: await eoa.signAuthorization({
        contractAddress: implementation,
        chainId: fixture.chain.chainId,
        nonce,
      }),
      signature: await sessionKey.sign({ hash: digestOf(later) }),
    });
    proxy.calls.length = 0;
    assert.deepEqual(await refusal(await postRekey(verifier.app, { ...later, signature: delegated })), [
      200,
      "served",
    ]);
    const direct = signatureCalls(proxy.calls, fixture.chain.market);
    assert.equal(direct.length, 1);
    assert.equal((direct[0] as { authorizationList?: unknown }).authorizationList, undefined);
  });

  test("an ERC-1271 owner whose check runs out of gas is NOT_OWNER, its call capped at 1M gas", async () => {
    const burner = await deploy(stranger, gasBurnerInitCode);
    const token = await fixture.buy(content.contentId, buyer);
    // transferFrom, not a safe transfer: the burner could not answer onERC721Received.
    await fixture.transfer(token, buyer, burner);
    const body = await requestFor(token, stranger);
    assert.deepEqual(await refusal(await postRekey(verifier.app, body)), [403, "NOT_OWNER"]);
    const calls = signatureCalls(proxy.calls, fixture.chain.market);
    assert.deepEqual(
      calls.map((call) => [call.to?.toLowerCase(), call.gas]),
      [[burner.toLowerCase(), gasCap]],
    );
  });

  test("a smart-account check the RPC cannot answer is 503 CHAIN_UNAVAILABLE, not a refusal of the signature", async () => {
    const wallet = await deploy(
      buyer,
      encodeDeployData({
        abi: contracts.OwnedWallet.abi,
        bytecode: contracts.OwnedWallet.bytecode,
        args: [buyer.address],
      }),
    );
    const token = await fixture.buy(content.contentId, buyer);
    await fixture.transfer(token, buyer, wallet);
    const unsigned = await requestFor(token);
    const signature = await buyer.sign({ hash: digestOf(unsigned) });
    // Reads of the market go through; the signature check meets a broken provider.
    const broken = await startRpcProxy(fixture.chain.rpcUrl, {
      fails: (call) =>
        call.method === "eth_call" &&
        (call.params[0] as { to?: string }).to?.toLowerCase() !== fixture.chain.market.toLowerCase(),
    });
    const behindBroken = await verifierWith({ rpcUrl: broken.url });
    try {
      const response = await postRekey(behindBroken.app, { ...unsigned, signature });
      assert.deepEqual(await refusal(response), [503, "CHAIN_UNAVAILABLE"]);
      assert.ok(Number(response.headers.get("retry-after")) >= 1);
      assert.deepEqual(await refusal(await postRekey(verifier.app, { ...unsigned, signature })), [
        200,
        "served",
      ]);
    } finally {
      await behindBroken.close();
      await broken.close();
    }
  });

  test("ERC-6492 signatures naming a gas-burning factory are refused with a 4xx, capped, and an honest re-key alongside is served", async () => {
    // What anyone holding a public copy can send: a license of an EOA, and a "factory" of their own.
    const burner = await deploy(stranger, gasBurnerInitCode);
    // The default budget of signatures that need a call.
    const guarded = await verifierWith({ signatureCallRate: undefined });
    const attack = await requestFor(tokenId, stranger);
    const signature = serializeErc6492Signature({ address: burner, data: "0x", signature: attack.signature });
    const honest = await requestFor(tokenId);
    const [served, ...refused] = await Promise.all([
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return postRekey(guarded.app, honest);
      })(),
      ...Array.from({ length: 12 }, () => postRekey(guarded.app, { ...attack, signature })),
    ]);
    assert.deepEqual(await refusal(served as Response), [200, "served"]);
    const codes = new Set<string>();
    for (const response of refused) {
      const [status, code] = await refusal(response);
      assert.ok(status === 403 || status === 429, `${status} ${code}`);
      codes.add(code);
    }
    assert.ok(codes.has("NOT_OWNER") && codes.has("RATE_LIMITED"), [...codes].join());
    const calls = signatureCalls(proxy.calls, fixture.chain.market);
    assert.ok(calls.length >= 1 && calls.length <= 5, `${calls.length} calls, the budget is a burst of 5`);
    for (const call of calls) assert.equal(call.gas, gasCap);
    await guarded.close();
  });
});
