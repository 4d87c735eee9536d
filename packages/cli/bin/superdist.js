#!/usr/bin/env node
// The command npm links. A packed install holds only the bundle, since Node strips no types under node_modules;
// in the repository, the sources run as they are, so that they are never stale.
import { existsSync } from "node:fs";

const sources = new URL("./superdist.ts", import.meta.url);
await import(existsSync(sources) ? sources.href : new URL("../dist/superdist.js", import.meta.url).href);
