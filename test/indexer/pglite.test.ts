import { describe } from "vitest";
import { indexerSuite } from "./suite.ts";

// PGlite, the default: the history happens first and the indexer backfills it.
describe("indexer on PGlite", () => {
  indexerSuite({ database: async () => ({ stop: async () => {} }), indexLive: false });
});
