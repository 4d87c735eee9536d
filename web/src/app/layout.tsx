import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { cookieToInitialState } from "wagmi";
import { Header } from "../components/Header.tsx";
import { IndexStatusBanner } from "../components/IndexStatusBanner.tsx";
import { NetworkBanner } from "../components/NetworkBanner.tsx";
import { readRuntimeConfig } from "../lib/runtimeConfig.ts";
import { getConfig } from "../wagmi.ts";
import { Providers } from "./providers.tsx";
import "./globals.css";
import "./lists.css";

export const metadata: Metadata = {
  title: { default: "Superdist", template: "%s · Superdist" },
  description: "Buy, open and pass on encrypted content; every copy you pass on pays you when it sells.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes this layout dynamic, so the environment is read when served, not when built.
  const cookie = (await headers()).get("cookie");
  const runtime = readRuntimeConfig(process.env);
  const initialState = cookieToInitialState(getConfig(runtime), cookie);
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Providers runtime={runtime} initialState={initialState}>
          <Header />
          <NetworkBanner />
          <IndexStatusBanner />
          <main id="main" className="container">
            {children}
          </main>
          <footer className="site-footer container">
            <p>
              Copies are free to share. Whoever buys through your copy pays you, and whoever you bought
              through.
            </p>
          </footer>
        </Providers>
      </body>
    </html>
  );
}
