import { startLocalPostgres } from "@superdist/indexer";
import { describe } from "vitest";
import { freePort } from "../../scripts/stack/ports.ts";
import { indexerSuite } from "./suite.ts";

// A real PostgreSQL cluster of the test's own (initdb, pg_ctl on 127.0.0.1): the indexer runs first and indexes
// the history live, block by block.
describe("indexer on PostgreSQL", () => {
  indexerSuite({
    database: async () => startLocalPostgres({ port: await freePort() }),
    indexLive: true,
    indexes: true,
  });
});
