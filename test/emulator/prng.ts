/* eslint-disable no-bitwise -- a PRNG and a string hash are bit arithmetic by nature */

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). Same seed, same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: derives independent sub-seeds (e.g. one PRNG stream per operation) from a string. */
export function hashString(value: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Deterministic resource identifiers drawn from a seeded PRNG. */
export class IdGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(hashString('ids', seed));
  }

  /** 8 lowercase hex digits, the shape of the id in a default event-tracker ARN. */
  hex8(): string {
    return Math.floor(this.random() * 0x100000000).toString(16).padStart(8, '0');
  }

  /** A version-4-shaped UUID, the shape of a trackingId. */
  uuid(): string {
    const hex = this.hex8() + this.hex8() + this.hex8() + this.hex8();
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}
