import type { Chain } from "viem";
import { defineChain } from "viem";
import { arbitrum, base, baseSepolia, hardhat, mainnet, optimism, sepolia } from "viem/chains";
import { cookieStorage, createConfig, createStorage, http } from "wagmi";
import { injected } from "wagmi/connectors";
import { DEFAULT_CHAIN_ID, DEFAULT_RPC_URL } from "./lib/runtimeConfig.ts";

export type ChainSettings = { chainId: number; rpcUrl: string; chainName?: string | null };

const knownChains: readonly Chain[] = [hardhat, mainnet, sepolia, base, baseSepolia, optimism, arbitrum];

function defaultChainSettings(): ChainSettings {
  return {
    chainId: Number(process.env.NEXT_PUBLIC_CHAIN_ID || DEFAULT_CHAIN_ID),
    rpcUrl: process.env.NEXT_PUBLIC_RPC_URL || DEFAULT_RPC_URL,
  };
}

/** The one chain this deployment runs on, with the deployment's RPC URL in place of the public default. */
export function chainFor({ chainId, rpcUrl, chainName }: ChainSettings): Chain {
  const known = knownChains.find((chain) => chain.id === chainId);
  return defineChain({
    ...(known ?? {
      id: chainId,
      name: `Chain ${chainId}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    }),
    ...(chainName ? { name: chainName } : {}),
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export function getConfig(settings: ChainSettings = defaultChainSettings()) {
  const chain = chainFor(settings);
  return createConfig({
    chains: [chain],
    connectors: [injected()],
    multiInjectedProviderDiscovery: true,
    ssr: true,
    storage: createStorage({ storage: cookieStorage }),
    // A local node mines at once; polling it often keeps receipts and balances snappy.
    pollingInterval: chain.id === hardhat.id ? 500 : 4_000,
    transports: { [chain.id]: http(settings.rpcUrl, { batch: true }) },
  });
}

declare module "wagmi" {
  interface Register {
    config: ReturnType<typeof getConfig>;
  }
}
