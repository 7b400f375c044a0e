/** A small seeded random source (mulberry32), so the emulator's ids and keys are deterministic. */
export interface Random {
  /** A float in [0, 1). */
  readonly next: () => number
  /** `length` characters from `alphabet`. */
  readonly string: (length: number, alphabet?: string) => string
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A random source from a seed; the same seed gives the same sequence. */
export const make = (seed: number): Random => {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const string = (length: number, alphabet = alphanumeric) => {
    let out = ""
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)]
    return out
  }
  return { next, string }
}
