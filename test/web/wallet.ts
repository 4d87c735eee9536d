/**
 * An EIP-1193 wallet injected into every page of a browser context, announced through EIP-6963. The page side
 * only relays requests; keys, permissions and the wallet's chain live here, and signing happens with a viem
 * local account, so a page can never read the key.
 */
import type { BrowserContext } from "playwright-core";
import {
  type Address,
  type Chain,
  createPublicClient,
  defineChain,
  type Hex,
  hexToBigInt,
  http,
  numberToHex,
  type PublicClient,
  type TransactionRequest,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

type Request = { method: string; params: unknown[] };
type Reply = {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  events?: [string, unknown][];
};

/** Requests a real wallet asks its user about; `rejectNext` refuses the next of these as the user would. */
const PROMPTS = new Set([
  "eth_requestAccounts",
  "wallet_requestPermissions",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
  "eth_sendTransaction",
  "eth_signTypedData_v4",
  "personal_sign",
]);

export type TestWalletOptions = {
  privateKey: Hex;
  rpcUrl: string;
  /** The node's chain. */
  chainId: number;
  /** The chain the wallet starts on (default: the node's). */
  walletChainId?: number;
  name?: string;
};

export type TestWallet = {
  address: Address;
  /** Every method the pages asked for, in order. */
  readonly requests: string[];
  /** The next prompt (or the next request of `method`) is refused with EIP-1193 code 4001, as a user would. */
  rejectNext(method?: string): void;
  /** Moves the wallet to another chain, as a user would in the wallet, and tells the open pages. */
  setChain(chainId: number): Promise<void>;
  readonly chainId: number;
};

function rpcError(code: number, message: string): Reply {
  return { error: { code, message } };
}

function toBigInt(value: unknown): bigint | undefined {
  return typeof value === "string" ? hexToBigInt(value as Hex) : undefined;
}

async function sendTransaction(
  client: PublicClient,
  account: PrivateKeyAccount,
  chain: Chain,
  tx: Record<string, unknown>,
): Promise<Hex> {
  const request = await client.prepareTransactionRequest({
    account,
    chain,
    to: tx.to as Address | undefined,
    data: tx.data as Hex | undefined,
    value: toBigInt(tx.value),
    gas: toBigInt(tx.gas),
    nonce: tx.nonce === undefined ? undefined : Number(toBigInt(tx.nonce)),
  } as TransactionRequest & { account: PrivateKeyAccount; chain: Chain });
  const serializedTransaction = await account.signTransaction(
    request as Parameters<typeof account.signTransaction>[0],
  );
  return client.sendRawTransaction({ serializedTransaction });
}

async function forward(rpcUrl: string, { method, params }: Request): Promise<Reply> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: Reply["error"] };
  return body.error ? { error: body.error } : { result: body.result };
}

function pageScript(info: { uuid: string; name: string; rdns: string; icon: string }) {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const emit = (event: string, value: unknown) => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(value);
      } catch (error) {
        console.error(error);
      }
    }
  };
  const relay = (window as unknown as { __testWalletRequest: (request: unknown) => Promise<Reply> })
    .__testWalletRequest;
  const provider = {
    async request({ method, params }: { method: string; params?: unknown[] }) {
      const reply = await relay({ method, params: params ?? [] });
      if (reply.error) {
        throw Object.assign(new Error(reply.error.message), {
          code: reply.error.code,
          data: reply.error.data,
        });
      }
      for (const [event, value] of reply.events ?? []) emit(event, value);
      return reply.result;
    },
    on(event: string, listener: (...args: unknown[]) => void) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return provider;
    },
    removeListener(event: string, listener: (...args: unknown[]) => void) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  Object.assign(window, { ethereum: provider, __testWalletEmit: emit });
  const announce = () =>
    window.dispatchEvent(
      new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }),
    );
  window.addEventListener("eip6963:requestProvider", announce);
  announce();
}

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'%3E%3Crect width='24' height='24' rx='6' fill='%234b3fe0'/%3E%3C/svg%3E";

export async function installTestWallet(
  context: BrowserContext,
  options: TestWalletOptions,
): Promise<TestWallet> {
  const account = privateKeyToAccount(options.privateKey);
  const chain = defineChain({
    id: options.chainId,
    name: "Test node",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const client = createPublicClient({ chain, transport: http(options.rpcUrl) });
  const knownChains = new Set([1, options.chainId]);
  const requests: string[] = [];
  let walletChainId = options.walletChainId ?? options.chainId;
  let authorized = false;
  let rejecting: string | boolean = false;
  const permissions = () => [
    {
      parentCapability: "eth_accounts",
      caveats: [{ type: "restrictReturnedAccounts", value: [account.address] }],
    },
  ];

  async function handle(request: Request): Promise<Reply> {
    const { method, params } = request;
    requests.push(method);
    if (PROMPTS.has(method) && (rejecting === true || rejecting === method)) {
      rejecting = false;
      return rpcError(4001, "User rejected the request.");
    }
    const needsAccount =
      method === "eth_sendTransaction" || method.startsWith("eth_sign") || method === "personal_sign";
    if (needsAccount && !authorized) return rpcError(4100, "The requested account has not been authorized.");
    switch (method) {
      case "eth_accounts":
        return { result: authorized ? [account.address] : [] };
      case "eth_requestAccounts":
        authorized = true;
        return { result: [account.address] };
      case "wallet_requestPermissions":
        authorized = true;
        return { result: permissions() };
      case "wallet_getPermissions":
        return { result: authorized ? permissions() : [] };
      case "wallet_revokePermissions":
        authorized = false;
        return { result: null };
      case "eth_chainId":
        return { result: numberToHex(walletChainId) };
      case "net_version":
        return { result: String(walletChainId) };
      case "wallet_addEthereumChain": {
        const id = Number((params[0] as { chainId: string }).chainId);
        knownChains.add(id);
        return { result: null };
      }
      case "wallet_switchEthereumChain": {
        const id = Number((params[0] as { chainId: string }).chainId);
        if (!knownChains.has(id)) return rpcError(4902, `Unrecognized chain ID ${id}.`);
        walletChainId = id;
        return { result: null, events: [["chainChanged", numberToHex(id)]] };
      }
      case "eth_sendTransaction":
        if (walletChainId !== options.chainId) {
          return rpcError(-32000, `The wallet is on chain ${walletChainId}, not the node's.`);
        }
        return {
          result: await sendTransaction(client, account, chain, params[0] as Record<string, unknown>),
        };
      case "eth_signTypedData_v4":
        return { result: await account.signTypedData(JSON.parse(params[1] as string)) };
      case "personal_sign":
        return { result: await account.signMessage({ message: { raw: params[0] as Hex } }) };
      default:
        return forward(options.rpcUrl, request);
    }
  }

  await context.exposeFunction("__testWalletRequest", async (request: Request): Promise<Reply> => {
    try {
      return await handle(request);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return rpcError(-32603, message);
    }
  });
  await context.addInitScript(pageScript, {
    uuid: crypto.randomUUID(),
    name: options.name ?? "Test Wallet",
    rdns: "org.superdist.testwallet",
    icon: ICON,
  });

  return {
    address: account.address,
    requests,
    get chainId() {
      return walletChainId;
    },
    rejectNext(method?: string) {
      rejecting = method ?? true;
    },
    async setChain(chainId: number) {
      knownChains.add(chainId);
      walletChainId = chainId;
      for (const page of context.pages()) {
        await page.evaluate((hex) => {
          (
            window as unknown as { __testWalletEmit: (event: string, value: unknown) => void }
          ).__testWalletEmit("chainChanged", hex);
        }, numberToHex(chainId));
      }
    },
  };
}
