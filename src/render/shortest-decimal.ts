/**
 * A double's shortest round-trip decimal, spelled as Number#toString spells it, written straight
 * into the render's buffer.
 *
 * Why not String(v): it makes a string per value, and the call boxes the double: ~350 KB of
 * garbage per /metrics render of 10,000 non-integer values (heap sampling), whose collection
 * lengthened the slowest scrapes (render p99 twice its p50). This module allocates nothing.
 *
 * How:
 * - Values that 15 significant digits spell (0.25, 1234.5678) are found by scaling to a 15-digit
 *   integer and checking that it converts back (fewDigits).
 * - Others by Grisu3 (Loitsch, "Printing Floating-Point Numbers Quickly and Accurately with
 *   Integers", PLDI 2010): the value and the two boundaries of the interval that rounds back to
 *   it are scaled by a cached power of ten into 64-bit fixed point; digits are generated until
 *   they fall inside the interval, then the last one is moved toward the value. Grisu3 knows
 *   when 64 bits cannot prove those digits shortest and closest: 0.3% of Math.random() values,
 *   0.6% of random bit patterns, and subnormals go through String().
 * - V8's own conversion is Grisu3 with an exact fallback, so the bytes are String(v)'s (the tests
 *   compare hundreds of thousands of values of every kind).
 */

const TWO32 = 4294967296;
const TWO31 = 2147483648;
// Multiplying by a power of two is exact, and cheaper than dividing.
const INV_TWO32 = 1 / TWO32;
const INV_TWO16 = 1 / 65536;

/**
 * The value writeShortestDecimal writes. A slot, not an argument: V8 passes a double that does
 * not fit a small integer to a call it has not inlined as a new heap object.
 */
export const DECIMAL_INPUT = new Float64Array(1);
/** Its bits: HI and LO index the high and low words, for either byte order. */
const INPUT_WORDS = new Uint32Array(DECIMAL_INPUT.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

/** The digits found: DIGITS[0..digitCount) (values 0-9) × 10^decimalExponent. */
const DIGITS = new Uint8Array(24);
let digitCount = 0;
let decimalExponent = 0;

/**
 * Writes the finite value in DECIMAL_INPUT[0] as String() would, into `out` at `pos`; returns
 * the position after it. Needs 25 bytes of room (`-0.00000` and 17 digits).
 */
export function writeShortestDecimal(out: Uint8Array, pos: number): number {
  let v = DECIMAL_INPUT[0]!;
  if (v === 0) {
    out[pos] = 48;
    return pos + 1;
  }
  if (v < 0) {
    out[pos++] = 45;
    v = -v;
  }
  DECIMAL_INPUT[0] = v;
  if (!fewDigits() && !grisu3()) {
    const s = String(v);
    for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
    return pos;
  }
  // Number::toString's layout, from the digits d1…dk and the decimal point's place n.
  const k = digitCount;
  const n = k + decimalExponent;
  if (k <= n && n <= 21) {
    for (let i = 0; i < k; i++) out[pos++] = 48 + DIGITS[i]!;
    for (let i = k; i < n; i++) out[pos++] = 48;
  } else if (0 < n && n <= 21) {
    for (let i = 0; i < n; i++) out[pos++] = 48 + DIGITS[i]!;
    out[pos++] = 46;
    for (let i = n; i < k; i++) out[pos++] = 48 + DIGITS[i]!;
  } else if (-6 < n && n <= 0) {
    out[pos++] = 48;
    out[pos++] = 46;
    for (let i = n; i < 0; i++) out[pos++] = 48;
    for (let i = 0; i < k; i++) out[pos++] = 48 + DIGITS[i]!;
  } else {
    out[pos++] = 48 + DIGITS[0]!;
    if (k > 1) {
      out[pos++] = 46;
      for (let i = 1; i < k; i++) out[pos++] = 48 + DIGITS[i]!;
    }
    out[pos++] = 101;
    let x = n - 1;
    out[pos++] = x < 0 ? 45 : 43;
    if (x < 0) x = -x;
    if (x >= 100) out[pos++] = 48 + Math.floor(x / 100);
    if (x >= 10) out[pos++] = 48 + (Math.floor(x / 10) % 10);
    out[pos++] = 48 + (x % 10);
  }
  return pos;
}

/**
 * Values that 15 significant digits spell exactly (0.25, 1234.5678): m = round(v·10^p) with
 * m < 10^15, checked by converting back. 10^|p| ≤ 10^22 and m are exact doubles, so the check's
 * one division or product is correctly rounded: it passes only if m·10^-p reads back as v.
 * v's rounding interval is narrower (2^-52·v) than the spacing of 15-digit decimals (over
 * 10^-15·v), so m is the only 15-digit decimal in it, and any shorter one is m without its
 * trailing zeros: those are the shortest digits (and the closest, being the only ones).
 * Returns false when v is out of reach (|p| > 22) or needs more digits.
 */
function fewDigits(): boolean {
  const v = DECIMAL_INPUT[0]!;
  // 10^d ≤ v < 10^(d+2), from the binary exponent.
  const d = Math.floor(((INPUT_WORDS[HI]! >>> 20) - 1023) * LOG10_2);
  let p = 14 - d;
  for (let tries = 0; tries < 2; tries++, p--) {
    if (p > 22 || p < -22) return false;
    const x = p >= 0 ? v * POW10_EXACT[p]! : v / POW10_EXACT[-p]!;
    const m = Math.floor(x + 0.5);
    if (m >= 1e15) continue;
    // Spelled by m, x is within 0.23 of it (v's and the scaling's rounding, x < 2^50): most
    // values that need more digits stop here, before the check's division.
    if (x - m > 0.25 || m - x > 0.25) return false;
    if ((p >= 0 ? m / POW10_EXACT[p]! : m * POW10_EXACT[-p]!) !== v) return false;
    let count = 1;
    while (count < 15 && m >= POW10_EXACT[count]!) count++;
    F[X_DIGITS_OF] = m;
    putDigitsOf(count);
    let zeros = 0;
    while (DIGITS[count - 1 - zeros] === 0) zeros++;
    digitCount = count - zeros;
    decimalExponent = zeros - p;
    return true;
  }
  return false;
}

const LOG10_2 = Math.log10(2);
const POW10_EXACT = Array.from({ length: 23 }, (_, i) => 10 ** i);

const POW10 = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];
const INV_POW10 = POW10.map((p) => 1 / p);
/** 10^j for j ≤ 19 as 64-bit words (high, low). */
const TEN_TO_HI = Array.from({ length: 20 }, (_, j) => Number(10n ** BigInt(j) >> 32n));
const TEN_TO_LO = Array.from({ length: 20 }, (_, j) => Number(10n ** BigInt(j) & 0xffffffffn));
const POW2 = Array.from({ length: 33 }, (_, i) => 2 ** i);

/**
 * Powers of ten 10^K for K = FIRST_POWER + POWER_STEP·i, each as f·2^e with f a 64-bit
 * significand (rounded to nearest), computed once with BigInt. A step of 8 decimal exponents is
 * ~26.6 binary ones, less than the 28 of the [ALPHA, GAMMA] window, so one always fits.
 */
const FIRST_POWER = -348;
const POWER_STEP = 8;
const POWERS = 87;
const POWER_HI = new Float64Array(POWERS);
const POWER_LO = new Float64Array(POWERS);
const POWER_E = new Int32Array(POWERS);
/** Per power: f·2^10 as words (low first), then f·2^9. */
const OFFSET_WORDS = new Float64Array(6 * POWERS);
for (let i = 0; i < POWERS; i++) {
  const k = FIRST_POWER + POWER_STEP * i;
  let f: bigint;
  let e: number;
  if (k >= 0) {
    const p = 10n ** BigInt(k);
    const bits = p.toString(2).length;
    if (bits <= 64) {
      f = p << BigInt(64 - bits);
    } else {
      const shift = BigInt(bits - 64);
      f = p >> shift;
      if ((p >> (shift - 1n)) & 1n) f += 1n;
    }
    e = bits - 64;
  } else {
    const d = 10n ** BigInt(-k);
    const s = 63 + d.toString(2).length;
    f = (1n << BigInt(s)) / d;
    if (2n * ((1n << BigInt(s)) % d) >= d) f += 1n;
    e = -s;
  }
  if (f >= 1n << 64n) {
    f >>= 1n;
    e += 1;
  }
  POWER_HI[i] = Number(f >> 32n);
  POWER_LO[i] = Number(f & 0xffffffffn);
  POWER_E[i] = e;
  // f·2^10 and f·2^9 as 32-bit words (the boundaries' offsets from the value, scaled).
  for (const [j, shift] of [[0, 10n], [3, 9n]] as const) {
    const d = f << shift;
    OFFSET_WORDS[6 * i + j] = Number(d & 0xffffffffn);
    OFFSET_WORDS[6 * i + j + 1] = Number((d >> 32n) & 0xffffffffn);
    OFFSET_WORDS[6 * i + j + 2] = Number(d >> 64n);
  }
}

/**
 * The scaled value's binary exponent is kept in [ALPHA, GAMMA], so its integral part fits 32
 * bits. POWER_FOR[biased exponent] is the cached power that puts a normal double there.
 */
const ALPHA = -60;
const GAMMA = -32;
const POWER_FOR = new Int16Array(2048).fill(-1);
for (let biased = 1; biased < 2047; biased++) {
  const scaledE = biased - 1075 - 11;
  for (let i = 0; i < POWERS; i++) {
    const exp = POWER_E[i]! + scaledE + 64;
    if (exp >= ALPHA && exp <= GAMMA) {
      POWER_FOR[biased] = i;
      break;
    }
  }
}

/**
 * Grisu3 for the positive double in DECIMAL_INPUT: true when DIGITS, digitCount and
 * decimalExponent are set, false when it cannot tell (or the value is subnormal).
 */
function grisu3(): boolean {
  const hi = INPUT_WORDS[HI]!;
  const lo = INPUT_WORDS[LO]!;
  const biased = hi >>> 20;
  const power = POWER_FOR[biased]!;
  if (power < 0) return false;
  // The value as a 64-bit significand w (top bit set); the boundaries halfway to its neighbours
  // are w ± 2^10 in the same units, or w - 2^9 below a power of two (the lower neighbour is
  // twice as close there).
  const field = hi & 0xfffff;
  F[X_W_HI] = (field | 0x100000) * 2048 + (lo >>> 21);
  F[X_W_LO] = (lo << 11) >>> 0;
  const lowerCloser = field === 0 && lo === 0 && biased > 1;
  F[X_C_HI] = POWER_HI[power]!;
  F[X_C_LO] = POWER_LO[power]!;
  const exp = POWER_E[power]! + biased - 1075 - 11 + 64;

  // P = w·c exactly, as four 32-bit words p3 p2 p1 p0.
  mul32(R_P, X_W_LO, X_C_LO);
  const llH = F[R_P]!;
  const p0 = F[R_P + 1]!;
  mul32(R_P, X_W_LO, X_C_HI);
  const lhH = F[R_P]!;
  const lhL = F[R_P + 1]!;
  mul32(R_P, X_W_HI, X_C_LO);
  const hlH = F[R_P]!;
  const hlL = F[R_P + 1]!;
  mul32(R_P, X_W_HI, X_C_HI);
  let t = llH + lhL + hlL;
  const c1 = Math.floor(t * INV_TWO32);
  const p1 = t - c1 * TWO32;
  t = F[R_P + 1]! + lhH + hlH + c1;
  const c2 = Math.floor(t * INV_TWO32);
  const p2 = t - c2 * TWO32;
  const p3 = F[R_P]! + c2;
  // The boundaries' offsets: c·2^10 up, c·2^10 or c·2^9 down (OFFSET_WORDS).
  const up = 6 * power;
  const dn = lowerCloser ? up + 3 : up;
  // Each scaled value is its product's top 64 bits, rounded half up at bit 63.
  // The value:
  t = p2 + Math.floor((p1 + TWO31) * INV_TWO32);
  let carry = Math.floor(t * INV_TWO32);
  const wsH = p3 + carry;
  const wsL = t - carry * TWO32;
  // The upper boundary, plus one unit of error: "too high".
  t = p1 + OFFSET_WORDS[up + 1]! + TWO31 + Math.floor((p0 + OFFSET_WORDS[up]!) * INV_TWO32);
  t = p2 + OFFSET_WORDS[up + 2]! + Math.floor(t * INV_TWO32);
  carry = Math.floor(t * INV_TWO32);
  let highH = p3 + carry;
  let highL = t - carry * TWO32 + 1;
  if (highL === TWO32) {
    highL = 0;
    highH++;
  }
  // The lower boundary, minus one unit: "too low". Carries here are -1, 0 or 1.
  t = p1 - OFFSET_WORDS[dn + 1]! + TWO31 - (p0 < OFFSET_WORDS[dn]! ? 1 : 0);
  t = p2 - OFFSET_WORDS[dn + 2]! + Math.floor(t * INV_TWO32);
  carry = Math.floor(t * INV_TWO32);
  let lowH = p3 + carry;
  let lowL = t - carry * TWO32 - 1;
  if (lowL < 0) {
    lowL += TWO32;
    lowH--;
  }
  const tenK = FIRST_POWER + POWER_STEP * power;
  // The distance from "too high" down to the value, for roundWeed.
  let distH = highH - wsH;
  let distL = highL - wsL;
  if (distL < 0) {
    distL += TWO32;
    distH--;
  }

  // The interval the digits must land in, and the digits of "too high" until they do.
  let unsafeH = highH - lowH;
  let unsafeL = highL - lowL;
  if (unsafeL < 0) {
    unsafeL += TWO32;
    unsafeH--;
  }
  const s = -exp - 32; // the fraction has 32 + s bits
  const one = POW2[s]!; // 2^-exp, as a multiple of 2^32
  const invOne = 1 / one;
  let integrals = Math.floor(highH * invOne);
  let fracH = highH - integrals * one;
  let fracL = highL;
  // The number of integral digits: about log10(2) times the bits (1233/4096), then corrected.
  let kappa = ((32 - Math.clz32(integrals)) * 1233) >> 12;
  if (kappa < 10 && integrals >= POW10[kappa]!) kappa++;
  digitCount = 0;
  // The rest below any integral digit is at least the fraction: when that is outside the
  // interval already (as for values that need 16 or 17 digits), no integral digit can end the
  // digits, and they are written at once.
  if (fracH > unsafeH || (fracH === unsafeH && fracL >= unsafeL)) {
    F[X_DIGITS_OF] = integrals;
    putDigitsOf(kappa);
    digitCount = kappa;
    kappa = 0;
  }
  while (kappa > 0) {
    const divisor = POW10[kappa - 1]!;
    let digit = Math.floor(integrals * INV_POW10[kappa - 1]!);
    let rem = integrals - digit * divisor;
    if (rem < 0) {
      digit--;
      rem += divisor;
    } else if (rem >= divisor) {
      digit++;
      rem -= divisor;
    }
    DIGITS[digitCount++] = digit;
    integrals = rem;
    kappa--;
    const restH = integrals * one + fracH;
    if (restH < unsafeH || (restH === unsafeH && fracL < unsafeL)) {
      decimalExponent = kappa - tenK;
      F[R_DIST] = distH;
      F[R_DIST + 1] = distL;
      F[R_UNSAFE] = unsafeH;
      F[R_UNSAFE + 1] = unsafeL;
      F[R_REST] = restH;
      F[R_REST + 1] = fracL;
      F[R_TEN_KAPPA] = divisor * one;
      F[R_TEN_KAPPA + 1] = 0;
      F[R_UNIT] = 0;
      F[R_UNIT + 1] = 1;
      return roundWeed();
    }
  }
  // Four digits a step (the fraction times 10^4), for a quarter of the dependent steps. Where
  // in the four the digits end follows from the last one's rest r4: after digit k the rest r_k is
  // (r4 + L·2^-exp) / 10^(4-k), with L the group's digits after the k-th, and r_k < unsafe·10^k
  // exactly when r4 + L·2^-exp < unsafe·10^4.
  let fractionDigits = 0;
  for (;;) {
    const lastUnsafeH = unsafeH;
    const lastUnsafeL = unsafeL;
    let c = Math.floor((fracL *= 10000) * INV_TWO32);
    fracL -= c * TWO32;
    fracH = fracH * 10000 + c;
    c = Math.floor((unsafeL *= 10000) * INV_TWO32);
    unsafeL -= c * TWO32;
    unsafeH = unsafeH * 10000 + c;
    const group = Math.floor(fracH * invOne);
    fracH -= group * one;
    const high = (group / 100) | 0;
    const low = group - high * 100;
    DIGITS[digitCount] = TENS[high]!;
    DIGITS[digitCount + 1] = ONES[high]!;
    DIGITS[digitCount + 2] = TENS[low]!;
    DIGITS[digitCount + 3] = ONES[low]!;
    if (fracH < unsafeH || (fracH === unsafeH && fracL < unsafeL)) {
      let k = 1;
      let after = group % 1000;
      for (; k < 4; k++, after %= POW10[4 - k]!) {
        const h = fracH + after * one;
        if (h < unsafeH || (h === unsafeH && fracL < unsafeL)) break;
      }
      if (k < 4) {
        // r_k = (r4 + after·2^-exp) / 10^(4-k), and the interval lastUnsafe·10^k.
        const divisor = POW10[4 - k]!;
        const h = fracH + after * one;
        const q = Math.floor(h / divisor);
        fracL = ((h - q * divisor) * TWO32 + fracL) / divisor;
        fracH = q;
        c = Math.floor((unsafeL = lastUnsafeL * POW10[k]!) * INV_TWO32);
        unsafeL -= c * TWO32;
        unsafeH = lastUnsafeH * POW10[k]! + c;
      }
      digitCount += k;
      fractionDigits += k;
      kappa -= k;
      decimalExponent = kappa - tenK;
      F[R_A] = distH;
      F[R_A + 1] = distL;
      // The error bound, scaled with the fraction: 10^fractionDigits.
      F[R_UNIT] = TEN_TO_HI[fractionDigits]!;
      F[R_UNIT + 1] = TEN_TO_LO[fractionDigits]!;
      mulLow(R_DIST, R_A, R_UNIT);
      F[R_UNSAFE] = unsafeH;
      F[R_UNSAFE + 1] = unsafeL;
      F[R_REST] = fracH;
      F[R_REST + 1] = fracL;
      F[R_TEN_KAPPA] = one;
      F[R_TEN_KAPPA + 1] = 0;
      return roundWeed();
    }
    digitCount += 4;
    fractionDigits += 4;
    kappa -= 4;
    if (digitCount >= 18) return false;
  }
}

/**
 * Moves the last digit toward the value while that stays inside the interval, then says
 * whether the digits are provably the closest shortest ones (Grisu3's round_weed), from the
 * registers R_DIST, R_UNSAFE, R_REST, R_TEN_KAPPA and R_UNIT.
 *
 * In doubles first: each quantity compared takes at most eight roundings of values no larger
 * than twice the registers' total S, so it is off by less than 2^-48·S; a comparison closer
 * than 2^-40·S goes to the exact version, which starts over from the registers (the digits
 * change only at the end).
 */
function roundWeed(): boolean {
  const dist = F[R_DIST]! * TWO32 + F[R_DIST + 1]!;
  const unsafe = F[R_UNSAFE]! * TWO32 + F[R_UNSAFE + 1]!;
  const tenKappa = F[R_TEN_KAPPA]! * TWO32 + F[R_TEN_KAPPA + 1]!;
  const unit = F[R_UNIT]! * TWO32 + F[R_UNIT + 1]!;
  let rest = F[R_REST]! * TWO32 + F[R_REST + 1]!;
  const margin = (dist + unsafe + tenKappa + unit) * 2 ** -40;
  const small = dist - unit;
  const big = dist + unit;
  let steps = 0;
  for (;;) {
    let d = rest - small;
    if (d > -margin && d < margin) return roundWeedExact();
    if (d > 0) break;
    d = unsafe - rest - tenKappa;
    if (d > -margin && d < margin) return roundWeedExact();
    if (d < 0) break;
    const next = rest + tenKappa;
    d = next - small;
    if (d > -margin && d < margin) return roundWeedExact();
    if (d > 0) {
      d = small - rest - (next - small);
      if (d > -margin && d < margin) return roundWeedExact();
      if (d < 0) break;
    }
    steps++;
    rest = next;
  }
  let d = rest - big;
  if (d > -margin && d < margin) return roundWeedExact();
  if (d < 0) {
    d = unsafe - rest - tenKappa;
    if (d > -margin && d < margin) return roundWeedExact();
    if (d >= 0) {
      const next = rest + tenKappa;
      d = next - big;
      if (d > -margin && d < margin) return roundWeedExact();
      if (d < 0) return false;
      d = next - big - (big - rest);
      if (d > -margin && d < margin) return roundWeedExact();
      if (d < 0) return false;
    }
  }
  d = rest - 2 * unit;
  if (d > -margin && d < margin) return roundWeedExact();
  if (d < 0) return false;
  d = unsafe - 4 * unit - rest;
  if (d > -margin && d < margin) return roundWeedExact();
  if (d < 0) return false;
  DIGITS[digitCount - 1]! -= steps;
  return true;
}

/** roundWeed in exact 64-bit arithmetic. */
function roundWeedExact(): boolean {
  sub(R_SMALL, R_DIST, R_UNIT);
  add(R_BIG, R_DIST, R_UNIT);
  for (;;) {
    if (!lt(R_REST, R_SMALL)) break;
    sub(R_A, R_UNSAFE, R_REST);
    if (lt(R_A, R_TEN_KAPPA)) break;
    add(R_A, R_REST, R_TEN_KAPPA);
    if (!lt(R_A, R_SMALL)) {
      // Closer to the value one digit lower? Only if it is no farther on the other side.
      sub(R_B, R_SMALL, R_REST);
      sub(R_C, R_A, R_SMALL);
      if (lt(R_B, R_C)) break;
    }
    DIGITS[digitCount - 1]!--;
    F[R_REST] = F[R_A]!;
    F[R_REST + 1] = F[R_A + 1]!;
  }
  if (lt(R_REST, R_BIG)) {
    sub(R_A, R_UNSAFE, R_REST);
    if (!lt(R_A, R_TEN_KAPPA)) {
      add(R_A, R_REST, R_TEN_KAPPA);
      if (lt(R_A, R_BIG)) return false;
      sub(R_B, R_BIG, R_REST);
      sub(R_C, R_A, R_BIG);
      if (lt(R_C, R_B)) return false;
    }
  }
  // 2·unit ≤ rest ≤ unsafe - 4·unit
  add(R_A, R_UNIT, R_UNIT);
  if (lt(R_REST, R_A)) return false;
  add(R_A, R_A, R_A);
  sub(R_B, R_UNSAFE, R_A);
  return !lt(R_B, R_REST);
}

// 64-bit values are pairs of 32-bit words held as doubles: JS has no 64-bit integers that do
// not allocate (BigInt does). Between functions they live in registers of a Float64Array, and
// functions take register offsets, never doubles: V8 passes a double that does not fit a small
// integer to a call it has not inlined as a new heap object, the allocation this module exists
// to avoid. The digit loops keep theirs in locals.
const F = new Float64Array(40);
// Registers (offsets of a high word; its low word follows).
const R_DIST = 0; // "too high" minus the value, times the unit
const R_UNSAFE = 2; // the width of the interval the digits must land in
const R_REST = 4; // what is left of "too high" below the digits
const R_TEN_KAPPA = 6; // one unit of the last digit
const R_UNIT = 8; // the error bound
const R_SMALL = 10;
const R_BIG = 12;
const R_A = 14;
const R_B = 16;
const R_C = 18;
const R_P = 20; // a product
// 32-bit words (single slots).
const X_W_HI = 30;
const X_W_LO = 31;
const X_C_HI = 32;
const X_C_LO = 33;
const X_DIGITS_OF = 34; // an integer to write (putDigitsOf)

function add(d: number, a: number, b: number): void {
  let lo = F[a + 1]! + F[b + 1]!;
  let c = 0;
  if (lo >= TWO32) {
    lo -= TWO32;
    c = 1;
  }
  F[d] = F[a]! + F[b]! + c;
  F[d + 1] = lo;
}

/** a - b modulo 2^64, as 64-bit unsigned arithmetic wraps. */
function sub(d: number, a: number, b: number): void {
  let lo = F[a + 1]! - F[b + 1]!;
  let hi = F[a]! - F[b]!;
  if (lo < 0) {
    lo += TWO32;
    hi--;
  }
  F[d] = hi < 0 ? hi + TWO32 : hi;
  F[d + 1] = lo;
}

function lt(a: number, b: number): boolean {
  return F[a]! < F[b]! || (F[a] === F[b] && F[a + 1]! < F[b + 1]!);
}

/** The word at x times the word at y, exactly (16-bit halves keep each product under 2^53). */
function mul32(d: number, x: number, y: number): void {
  const a = F[x]!;
  const b = F[y]!;
  const aHi = Math.floor(a * INV_TWO16);
  const p0 = (a - aHi * 65536) * b;
  const p1 = aHi * b;
  const p1hi = Math.floor(p1 * INV_TWO16);
  const t = (p1 - p1hi * 65536) * 65536 + p0;
  const tHi = Math.floor(t * INV_TWO32);
  F[d] = p1hi + tHi;
  F[d + 1] = t - tHi * TWO32;
}

/** The low 64 bits of a·b. */
function mulLow(d: number, a: number, b: number): void {
  const cross = (Math.imul(F[a]!, F[b + 1]!) + Math.imul(F[a + 1]!, F[b]!)) >>> 0;
  mul32(d, a + 1, b + 1);
  const hi = F[d]! + cross;
  F[d] = hi >= TWO32 ? hi - TWO32 : hi;
}

/**
 * Writes the `count` decimal digits of the integer in F[X_DIGITS_OF] (< 10^16) at DIGITS[0…]:
 * below 10^8 the digits come from 32-bit integer arithmetic, so a bigger one is split there.
 */
function putDigitsOf(count: number): void {
  const x = F[X_DIGITS_OF]!;
  if (count <= 8) {
    putDigits(x, count, 0);
    return;
  }
  let high = Math.floor(x * 1e-8);
  let low = x - high * 1e8;
  if (low < 0) {
    high--;
    low += 1e8;
  } else if (low >= 1e8) {
    high++;
    low -= 1e8;
  }
  putDigits(high, count - 8, 0);
  putDigits(low, 8, count - 8);
}

/** Writes the `count` decimal digits of integer `x` < 2^31 at DIGITS[at…], two at a time. */
function putDigits(x: number, count: number, at: number): void {
  x |= 0;
  let i = at + count - 1;
  for (; i > at; i -= 2) {
    const q = (x / 100) | 0;
    const r = x - q * 100;
    DIGITS[i] = ONES[r]!;
    DIGITS[i - 1] = TENS[r]!;
    x = q;
  }
  if (i === at) DIGITS[at] = x;
}

const TENS = Uint8Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
const ONES = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
