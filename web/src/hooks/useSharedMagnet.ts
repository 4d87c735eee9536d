"use client";

import { useEffect, useState } from "react";
import { magnetFromShareLink } from "../lib/p2p.ts";

/** The magnet a shared link carries after "#": only the browser sees it, once the page is there. */
export function useSharedMagnet(): string | undefined {
  const [magnet, setMagnet] = useState<string>();
  useEffect(() => setMagnet(magnetFromShareLink(window.location.hash)), []);
  return magnet;
}
