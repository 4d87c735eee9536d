/**
 * The digests of re-key requests this process has served, each kept until its signature's deadline (after which the
 * request is refused anyway). Memory is bounded: past `maxEntries`, expired entries go first, then the oldest.
 */
export class ServedRequests {
  readonly #maxEntries: number;
  readonly #nowSeconds: () => number;
  readonly #deadlines = new Map<string, number>();

  constructor(options: { maxEntries?: number; nowSeconds?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  has(digest: string): boolean {
    const deadline = this.#deadlines.get(digest);
    if (deadline === undefined) return false;
    if (deadline >= this.#nowSeconds()) return true;
    this.#deadlines.delete(digest);
    return false;
  }

  /** Records a served request until `deadline` (unix seconds). */
  add(digest: string, deadline: number): void {
    if (this.#deadlines.has(digest)) return;
    if (this.#deadlines.size >= this.#maxEntries) this.#evict();
    this.#deadlines.set(digest, deadline);
  }

  get size(): number {
    return this.#deadlines.size;
  }

  #evict(): void {
    const now = this.#nowSeconds();
    for (const [digest, deadline] of this.#deadlines) {
      if (deadline < now) this.#deadlines.delete(digest);
    }
    const excess = this.#deadlines.size - Math.floor(this.#maxEntries * 0.9);
    if (excess <= 0) return;
    let removed = 0;
    for (const digest of this.#deadlines.keys()) {
      if (removed++ >= excess) break;
      this.#deadlines.delete(digest);
    }
  }
}
