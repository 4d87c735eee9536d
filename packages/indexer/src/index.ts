// Node entry: starting the indexer. The read client, which the browser imports too, is `@superdist/indexer/client`.
export * from "./client.ts";
export { type LocalPostgres, type StartLocalPostgresParameters, startLocalPostgres } from "./postgres.ts";
export { type IndexerSettings, indexerSettingsFromEnv, rpcLanes } from "./settings.ts";
export { APP_DIR, type RunningIndexer, type StartIndexerParameters, startIndexer } from "./start.ts";
