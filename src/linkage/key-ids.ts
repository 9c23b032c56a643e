// A map from numbers to small ids for the hot loops of blocking and training.
/**
 * Numbers to small ids, in order of first sight: an open-addressing hash table on typed
 * arrays, several times faster than a Map for a million keys.
 */
export class KeyIds {
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  /** forgets every key, keeping the memory (allocating afresh for each rule makes the collector work) */
  clear(): void {
    this.ids.fill(-1);
    this.size = 0;
  }

  id(key: number): number {
    if (this.size * 2 >= this.mask) this.grow();
    return this.place(key, this.size);
  }

  /** the id of `key`, giving it `fresh` when it is new */
  private place(key: number, fresh: number): number {
    const low = key >>> 0;
    const high = (key / 4294967296) >>> 0;
    let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    let slot = h & this.mask;
    for (;;) {
      const id = this.ids[slot] as number;
      if (id < 0) {
        this.ids[slot] = fresh;
        this.keys[slot] = key;
        if (fresh === this.size) this.size++;
        return fresh;
      }
      if (this.keys[slot] === key) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const keys = this.keys;
    const ids = this.ids;
    this.keys = new Float64Array(keys.length * 2);
    this.ids = new Int32Array(ids.length * 2).fill(-1);
    this.mask = this.ids.length - 1;
    for (let slot = 0; slot < ids.length; slot++) {
      const id = ids[slot] as number;
      if (id >= 0) this.place(keys[slot] as number, id);
    }
  }
}
