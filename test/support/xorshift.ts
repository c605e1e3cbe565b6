/**
 * A seeded xorshift32 generator: uint32s, the same sequence for the same seed. For tests and
 * benches whose values must reproduce (a failure that names a value, both sides of a comparison
 * writing the same values, a bootstrap that gives the same interval for the same data).
 */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
