import { SuperdistError } from "@superdist/errors";

export type DeliveryErrorCode =
  /** Neither a magnet, a share link, nor an HTTP(S) URL. */
  | "SOURCE_INVALID"
  /** A magnet without a BitTorrent v1 info hash, or with a malformed one. */
  | "MAGNET_INVALID"
  /** Bytes that are not a well-formed single-file .torrent (or not bencode at all). */
  | "TORRENT_INVALID"
  /** A .torrent whose info dictionary hashes to another info hash than the magnet names. */
  | "INFO_HASH_MISMATCH"
  /** No source gave the .torrent of a magnet. */
  | "TORRENT_UNAVAILABLE"
  /** The magnet names no web seed or HTTP source, only peers, which this client cannot reach. */
  | "NO_WEB_SEED"
  /** A piece does not hash to the value the .torrent gives for it, from every source that was tried. */
  | "PIECE_CORRUPT"
  /** A source answered with another length than the .torrent gives, or ended early. */
  | "LENGTH_MISMATCH"
  /** A source could not be reached or answered with an HTTP error. */
  | "FETCH_FAILED"
  /** What arrived is not a superdist package (an age file with a lineage stanza). */
  | "NOT_A_PACKAGE";

/** Fetching or serving a copy went wrong: the code says which check refused it. */
export class DeliveryError extends SuperdistError<DeliveryErrorCode> {
  override name = "DeliveryError";
}
