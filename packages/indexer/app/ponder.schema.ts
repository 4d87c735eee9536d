import { index, onchainTable, onchainView, primaryKey, sql } from "ponder";

/**
 * The market's events as tables. Amounts and ids are `numeric(78)` (Ponder's `bigint`) because they are uint256 on
 * chain; counts that cannot outgrow an `integer` (sales of one content, lineage levels) stay integers.
 */

/** The market's own settings: who receives the protocol fee, and whether the whole market is paused. */
export const market = onchainTable("market", (t) => ({
  id: t.integer().primaryKey(),
  treasury: t.hex().notNull(),
  feeBps: t.integer().notNull(),
  paused: t.boolean().notNull(),
}));

/**
 * The chain this index was built from, fingerprinted by the hash of the block the market was deployed in: a reader
 * compares it with what its own RPC answers, so an index of a chain that was restarted is never taken for the new one.
 */
export const chainMeta = onchainTable("chain_meta", (t) => ({
  id: t.integer().primaryKey(),
  chainId: t.integer().notNull(),
  market: t.hex().notNull(),
  deployBlock: t.bigint().notNull(),
  deployBlockHash: t.hex().notNull(),
}));

/** Every currency a content has been sold in, so balances can list zero amounts as the log scan does. */
export const currency = onchainTable("currency", (t) => ({
  address: t.hex().primaryKey(),
  firstBlock: t.bigint().notNull(),
}));

/** A content with its current terms. */
export const content = onchainTable(
  "content",
  (t) => ({
    contentId: t.bigint().primaryKey(),
    publisher: t.hex().notNull(),
    payout: t.hex().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    rewardBps: t.integer().array().notNull(),
    royaltyBps: t.integer().notNull(),
    transferable: t.boolean().notNull(),
    paused: t.boolean().notNull(),
    keyCommitment: t.hex().notNull(),
    verifierRecipient: t.text().notNull(),
    title: t.text().notNull(),
    metadataUri: t.text().notNull(),
    /** Licenses sold, in any currency. */
    sold: t.integer().notNull(),
    publishedBlock: t.bigint().notNull(),
    publishedAt: t.bigint().notNull(),
    publishedTx: t.hex().notNull(),
  }),
  (table) => ({ publisherIndex: index().on(table.publisher) }),
);

/** Sales of one content in one currency: a reprice into another currency starts a second row. */
export const contentSales = onchainTable(
  "content_sales",
  (t) => ({
    contentId: t.bigint().notNull(),
    currency: t.hex().notNull(),
    count: t.integer().notNull(),
    revenue: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contentId, table.currency] }) }),
);

/**
 * A license token. `path` is the chain of token ids from the lineage's root down to this token, each followed by a
 * `/` ("1/5/9/"), so the descendants of token 5 are one range scan of the (root, path) index: within root 1,
 * paths starting with "1/5/". It grows with the depth of the lineage, which the market does not bound.
 */
export const license = onchainTable(
  "license",
  (t) => ({
    tokenId: t.bigint().primaryKey(),
    contentId: t.bigint().notNull(),
    owner: t.hex().notNull(),
    /** The license bought through, or 0. */
    parent: t.bigint().notNull(),
    generation: t.integer().notNull(),
    /** The first license of this lineage (the token itself when it was bought without a referrer). */
    root: t.bigint().notNull(),
    path: t.text().notNull(),
    payer: t.hex().notNull(),
    /** Who received the license at purchase; `owner` follows transfers. */
    recipient: t.hex().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    payout: t.hex().notNull(),
    payoutAmount: t.bigint().notNull(),
    protocolFee: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    ownerIndex: index().on(table.owner, table.tokenId),
    contentIndex: index().on(table.contentId, table.tokenId),
    parentIndex: index().on(table.parent),
    // `.op()` would be the way to name the operator class, but Ponder's copy of drizzle-kit drops it when it
    // writes the statement; a column given as SQL reaches it as written.
    lineageIndex: index("license_lineage_index").on(table.root, sql`"path" text_pattern_ops`),
  }),
);

/** Every ERC-721 Transfer of a license, mints included (`from` is the zero address). */
export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    tokenId: t.bigint().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    tokenIndex: index().on(table.tokenId),
    toIndex: index().on(table.to),
    fromIndex: index().on(table.from),
  }),
);

/** A RewardCredited event: `account`, owner of `ancestorTokenId`, earned `amount` from the sale of `tokenId`. */
export const credit = onchainTable(
  "credit",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    currency: t.hex().notNull(),
    tokenId: t.bigint().notNull(),
    ancestorTokenId: t.bigint().notNull(),
    level: t.integer().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({
    accountIndex: index().on(table.account, table.blockNumber, table.logIndex),
    ancestorIndex: index().on(table.ancestorTokenId),
  }),
);

/** A Claimed event: `amount` of `currency` owed to `account` was paid to `to`. */
export const claim = onchainTable(
  "claim",
  (t) => ({
    id: t.text().primaryKey(),
    account: t.hex().notNull(),
    currency: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
  }),
  (table) => ({ accountIndex: index().on(table.account, table.blockNumber, table.logIndex) }),
);

/**
 * What the market owes `account` in `currency`, as its `claimable` answers: lineage rewards, publisher payouts and
 * protocol fees credited, minus claims. The parts are kept apart for the rewards page.
 */
export const balance = onchainTable(
  "balance",
  (t) => ({
    account: t.hex().notNull(),
    currency: t.hex().notNull(),
    claimable: t.bigint().notNull(),
    rewards: t.bigint().notNull(),
    payouts: t.bigint().notNull(),
    fees: t.bigint().notNull(),
    claimed: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.account, table.currency] }) }),
);

/*
 * The client reads these views, never the tables. On PGlite, Ponder runs the client's SQL in the indexer's own
 * session, and a large flush there leaves behind a temporary table named after each table it updated in bulk,
 * emptied but never dropped. Temporary tables come first in the search path, so an unqualified `content` would
 * read that empty copy. A view names its table with the schema, so it reads the real one.
 */
export const contents = onchainView("contents").as((qb) => qb.select().from(content));
export const sales = onchainView("sales").as((qb) => qb.select().from(contentSales));
export const licenses = onchainView("licenses").as((qb) => qb.select().from(license));
export const transfers = onchainView("transfers").as((qb) => qb.select().from(transfer));
export const credits = onchainView("credits").as((qb) => qb.select().from(credit));
export const claims = onchainView("claims").as((qb) => qb.select().from(claim));
export const balances = onchainView("balances").as((qb) => qb.select().from(balance));
export const currencies = onchainView("currencies").as((qb) => qb.select().from(currency));
export const chains = onchainView("chains").as((qb) => qb.select().from(chainMeta));
export const markets = onchainView("markets").as((qb) => qb.select().from(market));
