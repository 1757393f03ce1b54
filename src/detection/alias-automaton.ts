/**
 * Aho-Corasick automaton over folded symbol sequences. One step per symbol (O(1)) whatever the number of
 * aliases, which is what keeps detection linear in the answer length with thousands of terms.
 *
 * Compiled into flat typed arrays so the matcher's hot loop does no hashing and no allocation:
 * - symbols are mapped to dense classes (`classOf`); ASCII through a 128-entry table, others through a map.
 *   Class 0 stands for every symbol that appears in no pattern, which always leads back to the root;
 * - when `states x classes` fits DENSE_LIMIT entries, the failure function is folded into a complete
 *   transition table (`dense[(state << strideShift) + class]`), one array read per symbol. With at most 65,536
 *   states (about 20,000 typical aliases) the table holds 16-bit entries (`dense16`), half the size, so
 *   it stays in the L2 cache longer; otherwise 32-bit ones (`dense32`). States with output are numbered
 *   last (`firstTerminal`), so the hot loop needs no flag read;
 * - otherwise (very large or very diverse alphabets, e.g. thousands of CJK names) transitions are stored
 *   sparsely (CSR rows sorted by class, binary search) and failure links are followed as usual; the root row
 *   stays dense;
 * - `hasOutput[state]` says whether any pattern ends at this state or on its failure chain, so the common
 *   case (no match) costs one more array read.
 */
const DENSE_LIMIT = 1 << 23;

export class AliasAutomaton {
  readonly maxLength: number;
  /** Length in symbols of each pattern, by id. */
  readonly patternLengths: Int32Array;
  readonly stateCount: number;
  /** Number of symbol classes including class 0 ("in no pattern"). */
  readonly classCount: number;
  /** Entries per row of the dense tables: the classes, padded to a power of two of whole cache lines. */
  readonly stride: number;
  /** log2(stride). */
  readonly strideShift: number;
  /**
   * With a dense table, states are numbered so that exactly those with hasOutput are `>= firstTerminal`
   * (stateCount without one).
   */
  readonly firstTerminal: number;
  /** Class of each ASCII symbol (0..127). */
  readonly asciiClass: Int32Array;
  /** Complete transition table with 16-bit entries (at most 65,536 states), or null. */
  readonly dense16: Uint16Array | null;
  /** Complete transition table with 32-bit entries (more states), or null. */
  readonly dense32: Int32Array | null;
  /** 1 when a pattern ends at the state or anywhere on its failure chain. */
  readonly hasOutput: Uint8Array;
  private readonly otherClass = new Map<number, number>();
  private readonly depths: Int32Array;
  /** Pattern ids ending exactly at each state: ownIds[ownStart[s] .. ownStart[s + 1]). */
  readonly ownStart: Int32Array;
  readonly ownIds: Int32Array;
  /** Nearest state on the failure chain with patterns of its own (-1: none). */
  readonly outputLink: Int32Array;
  // Sparse form (no dense table): rows of (class, child) sorted by class, failure links, dense root row.
  private readonly fail: Int32Array;
  private readonly rowStart: Int32Array | null = null;
  private readonly rowClasses: Int32Array | null = null;
  private readonly rowTargets: Int32Array | null = null;
  private readonly rootRow: Int32Array;

  /** `patterns[i]` is pattern id i; empty patterns are ignored. */
  constructor(patterns: readonly (readonly number[])[]) {
    // 1. Alphabet.
    this.asciiClass = new Int32Array(128);
    let classes = 1;
    const classOfSymbol = (symbol: number): number => {
      if (symbol < 128) {
        if (this.asciiClass[symbol] === 0) this.asciiClass[symbol] = classes++;
        return this.asciiClass[symbol] as number;
      }
      let cls = this.otherClass.get(symbol);
      if (cls === undefined) {
        cls = classes++;
        this.otherClass.set(symbol, cls);
      }
      return cls;
    };

    // 2. Trie (build-time maps), pattern ids per state.
    const children: Map<number, number>[] = [new Map<number, number>()];
    const depth: number[] = [0];
    const own: number[][] = [[]];
    let maxLength = 0;
    patterns.forEach((symbols, id) => {
      if (symbols.length === 0) return;
      maxLength = Math.max(maxLength, symbols.length);
      let state = 0;
      for (const symbol of symbols) {
        const cls = classOfSymbol(symbol);
        const row = children[state] as Map<number, number>;
        let next = row.get(cls);
        if (next === undefined) {
          next = children.length;
          row.set(cls, next);
          children.push(new Map());
          depth.push((depth[state] as number) + 1);
          own.push([]);
        }
        state = next;
      }
      (own[state] as number[]).push(id);
    });
    this.maxLength = maxLength;
    this.patternLengths = Int32Array.from(patterns, (symbols) => symbols.length);
    const stateCount = children.length;

    // Renumber states breadth first: shallow states, where the text spends most of its time, then share
    // cache lines in the transition table.
    const order = new Int32Array(stateCount);
    const renumbered = new Int32Array(stateCount);
    let ordered = 1;
    for (let head = 0; head < ordered; head++) {
      for (const child of (children[order[head] as number] as Map<number, number>).values()) {
        renumbered[child] = ordered;
        order[ordered++] = child;
      }
    }
    {
      const oldChildren = children.slice();
      const oldDepth = depth.slice();
      const oldOwn = own.slice();
      for (let s = 0; s < stateCount; s++) {
        const old = order[s] as number;
        const row = new Map<number, number>();
        for (const [cls, child] of oldChildren[old] as Map<number, number>) {
          row.set(cls, renumbered[child] as number);
        }
        children[s] = row;
        depth[s] = oldDepth[old] as number;
        own[s] = oldOwn[old] as number[];
      }
    }
    this.stateCount = stateCount;
    this.classCount = classes;
    this.depths = Int32Array.from(depth);

    this.ownStart = new Int32Array(stateCount + 1);
    let totalOwn = 0;
    for (let s = 0; s < stateCount; s++) {
      this.ownStart[s] = totalOwn;
      totalOwn += (own[s] as number[]).length;
    }
    this.ownStart[stateCount] = totalOwn;
    this.ownIds = new Int32Array(totalOwn);
    for (let s = 0; s < stateCount; s++) this.ownIds.set(own[s] as number[], this.ownStart[s]);

    // 3. Failure links and output links, breadth first.
    this.fail = new Int32Array(stateCount);
    this.outputLink = new Int32Array(stateCount).fill(-1);
    this.hasOutput = new Uint8Array(stateCount);
    const narrow = stateCount <= 0x10000;
    // Rows padded to whole 64-byte cache lines (32 16-bit or 16 32-bit entries).
    // A power of two, so the hot loop finds a row with a shift (`state << strideShift`), which is one
    // cycle on the critical path of the walk instead of a multiplication's three.
    const perLine = narrow ? 32 : 16;
    let stride = perLine;
    while (stride < classes) stride *= 2;
    const useDense = stateCount * stride <= DENSE_LIMIT;
    const dense = useDense ? new Int32Array(stateCount * classes) : null;
    this.rootRow = new Int32Array(classes);
    for (const [cls, child] of children[0] as Map<number, number>) this.rootRow[cls] = child;
    if (dense !== null) dense.set(this.rootRow, 0);

    const goto = (state: number, cls: number): number => {
      // Only used at build time, before `dense` rows of deeper states exist.
      let current = state;
      for (;;) {
        const next = (children[current] as Map<number, number>).get(cls);
        if (next !== undefined) return next;
        if (current === 0) return 0;
        current = this.fail[current] as number;
      }
    };
    const queue = new Int32Array(stateCount);
    let tail = 0;
    for (const child of (children[0] as Map<number, number>).values()) queue[tail++] = child;
    for (let head = 0; head < tail; head++) {
      const state = queue[head] as number;
      if (dense !== null) {
        // Row = failure state's row (already complete: it is shallower) overridden by own children.
        const failRow = (this.fail[state] as number) * classes;
        dense.copyWithin(state * classes, failRow, failRow + classes);
        for (const [cls, child] of children[state] as Map<number, number>) {
          dense[state * classes + cls] = child;
        }
      }
      for (const [cls, child] of children[state] as Map<number, number>) {
        queue[tail++] = child;
        const failState = state === 0 ? 0 : goto(this.fail[state] as number, cls);
        this.fail[child] = failState === child ? 0 : failState;
        const target = this.fail[child];
        this.outputLink[child] =
          (this.ownStart[target + 1] as number) > (this.ownStart[target] as number)
            ? target
            : (this.outputLink[target] as number);
      }
    }
    for (let s = 0; s < stateCount; s++) {
      const owns = (this.ownStart[s + 1] as number) > (this.ownStart[s] as number);
      this.hasOutput[s] = owns || (this.outputLink[s] as number) >= 0 ? 1 : 0;
    }
    this.stride = stride;
    this.strideShift = Math.log2(stride);
    this.dense16 = null;
    this.dense32 = null;
    this.firstTerminal = stateCount;
    if (dense !== null) {
      // Renumber once more so that the states with output come last (breadth-first order kept within each
      // group): the hot loop then tells a match from the state number alone (`state >= firstTerminal`).
      const perm = new Int32Array(stateCount);
      let next = 0;
      for (let s = 0; s < stateCount; s++) if (this.hasOutput[s] === 0) perm[s] = next++;
      this.firstTerminal = next;
      for (let s = 0; s < stateCount; s++) if (this.hasOutput[s] !== 0) perm[s] = next++;
      const table = narrow ? new Uint16Array(stateCount * stride) : new Int32Array(stateCount * stride);
      const depths = new Int32Array(stateCount);
      const hasOutput = new Uint8Array(stateCount);
      const outputLink = new Int32Array(stateCount);
      const fail = new Int32Array(stateCount);
      const ownCounts = new Int32Array(stateCount);
      for (let s = 0; s < stateCount; s++) {
        const to = perm[s] as number;
        for (let c = 0; c < classes; c++) {
          table[to * stride + c] = perm[dense[s * classes + c] as number] as number;
        }
        depths[to] = this.depths[s] as number;
        hasOutput[to] = this.hasOutput[s] as number;
        const link = this.outputLink[s] as number;
        outputLink[to] = link < 0 ? -1 : (perm[link] as number);
        fail[to] = perm[this.fail[s] as number] as number;
        ownCounts[to] = (this.ownStart[s + 1] as number) - (this.ownStart[s] as number);
      }
      const ownStart = new Int32Array(stateCount + 1);
      for (let s = 0; s < stateCount; s++) {
        ownStart[s + 1] = (ownStart[s] as number) + (ownCounts[s] as number);
      }
      const ownIds = new Int32Array(this.ownIds.length);
      for (let s = 0; s < stateCount; s++) {
        ownIds.set(this.ownIds.subarray(this.ownStart[s], this.ownStart[s + 1]), ownStart[perm[s] as number]);
      }
      for (let c = 0; c < classes; c++) this.rootRow[c] = perm[this.rootRow[c] as number] as number;
      this.depths = depths;
      this.hasOutput = hasOutput;
      this.outputLink = outputLink;
      this.fail = fail;
      this.ownStart = ownStart;
      this.ownIds = ownIds;
      if (table instanceof Uint16Array) this.dense16 = table;
      else this.dense32 = table;
    }

    if (dense === null) {
      const rowStart = new Int32Array(stateCount + 1);
      let total = 0;
      for (let s = 0; s < stateCount; s++) {
        rowStart[s] = total;
        total += (children[s] as Map<number, number>).size;
      }
      rowStart[stateCount] = total;
      const rowClasses = new Int32Array(total);
      const rowTargets = new Int32Array(total);
      for (let s = 0; s < stateCount; s++) {
        const entries = [...(children[s] as Map<number, number>)].sort((a, b) => a[0] - b[0]);
        entries.forEach(([cls, child], i) => {
          rowClasses[(rowStart[s] as number) + i] = cls;
          rowTargets[(rowStart[s] as number) + i] = child;
        });
      }
      this.rowStart = rowStart;
      this.rowClasses = rowClasses;
      this.rowTargets = rowTargets;
    }
  }

  /** Dense class of a folded symbol; 0 when no pattern contains it. */
  classOf(symbol: number): number {
    if (symbol < 128) return this.asciiClass[symbol] as number;
    return this.otherClass.get(symbol) ?? 0;
  }

  step(state: number, symbol: number): number {
    return this.stepClass(state, this.classOf(symbol));
  }

  /** Transition on a symbol class (see classOf). */
  stepClass(state: number, cls: number): number {
    if (cls === 0) return 0;
    if (this.dense16 !== null) return this.dense16[state * this.stride + cls] as number;
    if (this.dense32 !== null) return this.dense32[state * this.stride + cls] as number;
    const rowStart = this.rowStart as Int32Array;
    const rowClasses = this.rowClasses as Int32Array;
    let current = state;
    while (current !== 0) {
      let low = rowStart[current] as number;
      let high = rowStart[current + 1] as number;
      while (low < high) {
        const mid = (low + high) >> 1;
        const value = rowClasses[mid] as number;
        if (value === cls) return (this.rowTargets as Int32Array)[mid] as number;
        if (value < cls) low = mid + 1;
        else high = mid;
      }
      current = this.fail[current] as number;
    }
    return this.rootRow[cls] as number;
  }

  /** Length of the longest suffix of the input that is still a prefix of some pattern. */
  depth(state: number): number {
    return this.depths[state] as number;
  }

  /**
   * The first state on `state`'s failure chain (itself included) where patterns end, or -1. Walk on with
   * nextOutputState; the patterns ending at a state `s` are ownIds[ownStart[s] .. ownStart[s + 1]). Longer
   * patterns come first. (Iteration without a callback: the matcher's hot loop must not allocate closures.)
   */
  firstOutputState(state: number): number {
    if (this.hasOutput[state] === 0) return -1;
    const ownStart = this.ownStart;
    return (ownStart[state + 1] as number) > (ownStart[state] as number)
      ? state
      : (this.outputLink[state] as number);
  }

  nextOutputState(state: number): number {
    return this.outputLink[state] as number;
  }

  /** Calls `visit` with every pattern id that ends at this state (longest first). */
  forEachMatch(state: number, visit: (patternId: number) => void): void {
    for (let s = this.firstOutputState(state); s > 0; s = this.nextOutputState(s)) {
      for (let i = this.ownStart[s] as number; i < (this.ownStart[s + 1] as number); i++) {
        visit(this.ownIds[i] as number);
      }
    }
  }
}
