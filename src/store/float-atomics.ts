/**
 * Float64 read-modify-write on shared memory. `Atomics.add` refuses Float64Array, so a cell
 * shared by several writers is updated by compare-and-swap on its bits through a BigInt64Array
 * view of the same buffer. Single-writer shards don't need this and use plain adds.
 */
const scratchF = new Float64Array(1);
const scratchB = new BigInt64Array(scratchF.buffer);

export function bitsOf(v: number): bigint {
  scratchF[0] = v;
  return scratchB[0]!;
}

export function floatOf(bits: bigint): number {
  scratchB[0] = bits;
  return scratchF[0]!;
}

export function atomicAddFloat(bits: BigInt64Array, index: number, delta: number): void {
  for (;;) {
    const old = Atomics.load(bits, index);
    const next = bitsOf(floatOf(old) + delta);
    if (Atomics.compareExchange(bits, index, old, next) === old) return;
  }
}

export function atomicStoreFloat(bits: BigInt64Array, index: number, v: number): void {
  Atomics.store(bits, index, bitsOf(v));
}
