// A read kept in memory for a while, shared by everyone asking meanwhile: for what nearly every
// request reads and rarely changes. Each instance keeps its own; a change made through it is
// seen at once (`forget`), one made through another instance within `ms`.
import type { Clock } from './clock.ts';

/** A read kept for `ms` of the clock's time (a failed read is not kept). */
export function keptRead<T>(clock: Clock, ms: number, read: () => Promise<T>) {
  let kept: { at: number; value: Promise<T> } | null = null;
  return {
    get(): Promise<T> {
      const now = clock.now().getTime();
      if (kept && now >= kept.at && now - kept.at < ms) return kept.value;
      const value = read();
      const reading = { at: now, value };
      kept = reading;
      value.catch(() => {
        if (kept === reading) kept = null;
      });
      return value;
    },
    /** After a change: the next read is of the database (one begun before the change is dropped too). */
    forget() {
      kept = null;
    },
  };
}

export type KeptRead<T> = ReturnType<typeof keptRead<T>>;
