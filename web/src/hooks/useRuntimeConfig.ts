"use client";

import { createContext, useContext } from "react";
import type { RuntimeConfig } from "../lib/runtimeConfig.ts";

export const RuntimeConfigContext = createContext<RuntimeConfig | null>(null);

export function useRuntimeConfig(): RuntimeConfig {
  const config = useContext(RuntimeConfigContext);
  if (config === null) throw new Error("useRuntimeConfig must be used inside <Providers>");
  return config;
}
