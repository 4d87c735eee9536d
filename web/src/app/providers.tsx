"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type State, WagmiProvider } from "wagmi";
import { RuntimeConfigContext } from "../hooks/useRuntimeConfig.ts";
import type { RuntimeConfig } from "../lib/runtimeConfig.ts";
import { getConfig } from "../wagmi.ts";

export function Providers({
  children,
  runtime,
  initialState,
}: {
  children: ReactNode;
  runtime: RuntimeConfig;
  initialState: State | undefined;
}) {
  const [config] = useState(() => getConfig(runtime));
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000 } } }),
  );
  return (
    <RuntimeConfigContext value={runtime}>
      <WagmiProvider config={config} initialState={initialState}>
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </WagmiProvider>
    </RuntimeConfigContext>
  );
}
