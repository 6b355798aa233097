// Binary heap that knows each item's position, so an item whose key changed (a tenant's
// dominant share after an admission) is re-sifted in O(log n) instead of rebuilt.

export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly pos = new Map<T, number>();

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return this.pos.has(item);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    if (this.pos.has(item)) {
      this.update(item);
      return;
    }
    this.items.push(item);
    this.pos.set(item, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(item: T): boolean {
    const i = this.pos.get(item);
    if (i === undefined) return false;
    const last = this.items.pop() as T;
    this.pos.delete(item);
    if (i < this.items.length) {
      this.items[i] = last;
      this.pos.set(last, i);
      this.up(i);
      this.down(this.pos.get(last) as number);
    }
    return true;
  }

  /** Restore order after the item's key changed. */
  update(item: T): void {
    const i = this.pos.get(item);
    if (i === undefined) return;
    this.up(i);
    this.down(this.pos.get(item) as number);
  }

  values(): readonly T[] {
    return this.items;
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p] as T;
      if (!this.before(item, parent)) break;
      items[i] = parent;
      this.pos.set(parent, i);
      i = p;
    }
    items[i] = item;
    this.pos.set(item, i);
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.before(items[r] as T, items[l] as T)) c = r;
      const child = items[c] as T;
      if (!this.before(child, item)) break;
      items[i] = child;
      this.pos.set(child, i);
      i = c;
    }
    items[i] = item;
    this.pos.set(item, i);
  }
}
