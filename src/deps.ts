// What buildApp and the services take from outside, so tests can hold time and randomness still.
import { randomBytes } from 'node:crypto'

export interface Clock {
  now(): Date
}

export interface RandomSource {
  bytes(size: number): Uint8Array
}

export const systemClock: Clock = { now: () => new Date() }

export const systemRandom: RandomSource = { bytes: (size) => randomBytes(size) }

/** A clock that only moves when told: tests, and the demo walking an RFP through its phases. */
export class ManualClock implements Clock {
  #ms: number

  constructor (start: Date) {
    this.#ms = start.getTime()
  }

  now (): Date {
    return new Date(this.#ms)
  }

  set (to: Date): void {
    this.#ms = to.getTime()
  }

  advance (ms: number): void {
    this.#ms += ms
  }
}
