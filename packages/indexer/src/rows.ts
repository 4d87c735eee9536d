// Values as Ponder's SQL over HTTP sends them: `numeric` columns as strings, `integer` columns as numbers, and
// aggregates as a number on PGlite but a string on PostgreSQL. Hex columns are stored lowercase.
import { type Address, getAddress, type Hash } from "viem";

export function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  throw new TypeError(`expected an integer, got ${JSON.stringify(value)}`);
}

export function toNumber(value: unknown): number {
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number)) throw new TypeError(`expected a number, got ${JSON.stringify(value)}`);
  return number;
}

// Checksumming is a keccak per address, and a page of ten thousand licenses names the same few owners again
// and again; the cache is dropped whole when full, which keeps it bounded without bookkeeping.
const checksummed = new Map<string, Address>();

export function toAddress(value: unknown): Address {
  const lower = String(value);
  let address = checksummed.get(lower);
  if (address === undefined) {
    address = getAddress(lower);
    if (checksummed.size >= 50_000) checksummed.clear();
    checksummed.set(lower, address);
  }
  return address;
}

export function toHash(value: unknown): Hash {
  return String(value) as Hash;
}

/** The form a value takes as a statement parameter: lowercase hex, decimal strings for uint256. */
export function param(value: bigint | number | string): string {
  return typeof value === "string" ? value.toLowerCase() : value.toString();
}
