/** A token bucket: up to `capacity` requests at once, refilled at `refillPerSecond`. */
export type RateLimitRule = {
  capacity: number;
  refillPerSecond: number;
};

type Bucket = { tokens: number; updatedMs: number };

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * In-memory token buckets keyed by client IP or token id. Each process keeps its own, so N replicas behind a
 * load balancer let through up to N times the configured rate; the limit protects each replica, it is not a
 * global quota.
 */
export class RateLimiter {
  readonly #rule: RateLimitRule;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(rule: RateLimitRule, options: { maxKeys?: number; now?: () => number } = {}) {
    this.#rule = rule;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether `key` has a token left, without taking it. */
  check(key: string): RateLimitDecision {
    return this.#decide(this.#refill(key), 1);
  }

  /** Takes a token from `key`'s bucket if it has one. */
  take(key: string): RateLimitDecision {
    const bucket = this.#refill(key);
    const decision = this.#decide(bucket, 1);
    if (decision.allowed) bucket.tokens -= 1;
    return decision;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #decide(bucket: Bucket, cost: number): RateLimitDecision {
    if (bucket.tokens >= cost) return { allowed: true };
    const seconds = (cost - bucket.tokens) / this.#rule.refillPerSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(seconds)) };
  }

  #refill(key: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#evict(now);
      bucket = { tokens: this.#rule.capacity, updatedMs: now };
      this.#buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(this.#rule.capacity, bucket.tokens + elapsed * this.#rule.refillPerSecond);
    bucket.updatedMs = now;
    return bucket;
  }

  // A full bucket carries no information, so dropping it is free; past that, the oldest keys go first.
  #evict(now: number): void {
    const fullAfterMs = (this.#rule.capacity / this.#rule.refillPerSecond) * 1000;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedMs >= fullAfterMs) this.#buckets.delete(key);
    }
    const excess = this.#buckets.size - Math.floor(this.#maxKeys * 0.9);
    if (excess <= 0) return;
    let removed = 0;
    for (const key of this.#buckets.keys()) {
      if (removed++ >= excess) break;
      this.#buckets.delete(key);
    }
  }
}
