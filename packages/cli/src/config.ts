import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Deployment, LOCAL_CHAIN_ID, resolveDeployment } from "@superdist/contracts";
import { createIndexerClient, type IndexerClient } from "@superdist/indexer/client";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  isAddress,
  isHex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { CliError } from "./errors.ts";
import { type CliIO, resolvePath } from "./io.ts";

/** Where the local stack listens unless told otherwise. */
export const LOCAL_URLS = {
  rpc: "http://127.0.0.1:8545",
  verifier: "http://127.0.0.1:8787",
  dapp: "http://127.0.0.1:3000",
  tracker: "ws://127.0.0.1:8000",
} as const;

export type GlobalOptions = {
  rpc?: string;
  market?: string;
  "from-block"?: string;
  indexer?: string;
  verifier?: string;
  dapp?: string;
  identity?: string;
  "key-file"?: string;
  json?: boolean;
  yes?: boolean;
};

export type Context = {
  io: CliIO;
  /** A path of a flag or argument, taken relative to the working directory of the invocation. */
  path(given: string): string;
  json: boolean;
  yes: boolean;
  chain: Chain;
  deployment: Deployment;
  publicClient: PublicClient<Transport, Chain>;
  verifierUrls: string[];
  /** The market's indexer, which lists and trees read from; without one they scan the market's logs. */
  indexer: IndexerClient | undefined;
  dappUrl: string;
  identityFile: string;
  /** The wallet, loaded on first use: read-only commands work without one. */
  wallet(): Promise<WalletClient<Transport, Chain, Account>>;
  /** The wallet's address if a key is configured, without failing when none is. */
  address(): Promise<Address | undefined>;
};

/** The default device identity file, shared with the `age` tool (`age -d -i <file>`). */
export function defaultIdentityFile(env: CliIO["env"]): string {
  const base = env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), ".config");
  return join(base, "superdist", "identity.txt");
}

/** The identity file of `--identity`, SUPERDIST_IDENTITY_FILE or the default, as an absolute path. */
export function identityFile(options: Pick<GlobalOptions, "identity">, io: CliIO): string {
  return resolvePath(io, options.identity ?? io.env.SUPERDIST_IDENTITY_FILE ?? defaultIdentityFile(io.env));
}

/** The dApp's URL, for purchase and share links; commands without a chain need it too. */
export function dappUrlOf(options: Pick<GlobalOptions, "dapp">, env: CliIO["env"]): string {
  return (options.dapp ?? env.SUPERDIST_DAPP_URL ?? LOCAL_URLS.dapp).replace(/\/+$/, "");
}

/** `--tracker` (repeatable), else SUPERDIST_TRACKER_URL (comma separated), else the local stack's tracker. */
export function trackerUrlsOf(options: { tracker?: string[] }, env: CliIO["env"]): string[] {
  const given = options.tracker?.length
    ? options.tracker
    : (env.SUPERDIST_TRACKER_URL ?? LOCAL_URLS.tracker).split(",");
  return given.map((url) => url.trim()).filter(Boolean);
}

/**
 * Builds the context from flags, then environment variables, then the generated local deployment.
 * The wallet key never comes from a flag: only from SUPERDIST_PRIVATE_KEY or a key file.
 */
export async function loadContext(options: GlobalOptions, io: CliIO): Promise<Context> {
  const env = io.env;
  const rpcUrl = options.rpc ?? env.SUPERDIST_RPC_URL ?? LOCAL_URLS.rpc;
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 10_000 }) });
  let chainId: number;
  try {
    chainId = await probe.getChainId();
  } catch (cause) {
    throw new CliError(
      "CHAIN",
      `Cannot reach the chain at ${rpcUrl}; start it with \`npm start\` or pass --rpc.`,
      {
        cause,
      },
    );
  }
  const marketOverride = options.market ?? env.SUPERDIST_MARKET;
  const fromBlock = parseFromBlock(options["from-block"] ?? env.SUPERDIST_FROM_BLOCK);
  if (marketOverride !== undefined && !isAddress(marketOverride)) {
    throw new CliError("CONFIG", `The market address "${marketOverride}" is not an address.`);
  }
  let deployment: Deployment;
  try {
    deployment = resolveDeployment(chainId, {
      ...(marketOverride ? { market: marketOverride } : {}),
      ...(fromBlock !== undefined ? { deployBlock: fromBlock } : {}),
    });
  } catch (cause) {
    throw new CliError(
      "CONFIG",
      `No market is known on chain ${chainId}; pass --market or SUPERDIST_MARKET.`,
      {
        cause,
      },
    );
  }
  const chain =
    chainId === LOCAL_CHAIN_ID
      ? { ...hardhat, rpcUrls: { default: { http: [rpcUrl] } } }
      : defineChain({
          id: chainId,
          name: `Chain ${chainId}`,
          nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
          rpcUrls: { default: { http: [rpcUrl] } },
        });
  const transport = http(rpcUrl, { timeout: 30_000 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 200 });
  let account: Account | undefined | null = null;
  const loadAccount = async () => {
    if (account === null) account = await readAccount(options, io);
    return account;
  };
  const indexerUrl = (options.indexer ?? env.SUPERDIST_INDEXER_URL)?.trim() || undefined;
  return {
    io,
    path: (given) => resolvePath(io, given),
    json: options.json ?? false,
    yes: options.yes ?? false,
    chain,
    deployment,
    publicClient,
    verifierUrls: (options.verifier ?? env.SUPERDIST_VERIFIER_URL ?? LOCAL_URLS.verifier)
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean),
    indexer: indexerUrl ? createIndexerClient({ url: indexerUrl }) : undefined,
    dappUrl: dappUrlOf(options, env),
    identityFile: identityFile(options, io),
    async wallet() {
      const loaded = await loadAccount();
      if (!loaded) {
        throw new CliError(
          "WALLET_MISSING",
          "No wallet key: set SUPERDIST_PRIVATE_KEY or pass --key-file <file> (a file holding the 0x key).",
        );
      }
      return createWalletClient({ account: loaded, chain, transport });
    },
    async address() {
      return (await loadAccount())?.address;
    },
  };
}

async function readAccount(options: GlobalOptions, io: CliIO): Promise<Account | undefined> {
  const given = options["key-file"] ?? io.env.SUPERDIST_KEY_FILE;
  let key: string | undefined = io.env.SUPERDIST_PRIVATE_KEY;
  if (given) {
    const file = resolvePath(io, given);
    try {
      key = (await readFile(file, "utf8")).trim();
    } catch (cause) {
      throw new CliError("WALLET_MISSING", `Cannot read the key file ${file}.`, { cause });
    }
  }
  if (key === undefined || key === "") return undefined;
  const hex = (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (!isHex(hex) || hex.length !== 66) {
    throw new CliError("WALLET_INVALID", "The wallet key is not a 32-byte hex private key.");
  }
  return privateKeyToAccount(hex);
}

/** Where event scans of the market start: its deploy block, which only the record of that very market knows. */
function parseFromBlock(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (!/^\d+$/.test(value.trim())) {
    throw new CliError("USAGE", `--from-block takes a block number, not "${value}".`);
  }
  return Number(value.trim());
}
