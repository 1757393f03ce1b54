/**
 * Aho-Corasick automaton over folded symbol sequences. One step per symbol (amortised O(1)) whatever the
 * number of aliases, which is what keeps detection linear in the answer length with thousands of terms.
 */
export class AliasAutomaton {
  private readonly transitions: Map<number, number>[] = [new Map<number, number>()];
  private readonly fail: number[] = [0];
  private readonly depths: number[] = [0];
  /** Patterns ending exactly at this state. */
  private readonly own: number[][] = [[]];
  /** Nearest state on the failure chain that has patterns of its own (-1: none), to list matches fast. */
  private readonly outputLink: number[] = [-1];
  readonly maxLength: number;

  /** `patterns[i]` is pattern id i; empty patterns are ignored. */
  constructor(patterns: readonly (readonly number[])[]) {
    let maxLength = 0;
    patterns.forEach((symbols, id) => {
      if (symbols.length === 0) return;
      maxLength = Math.max(maxLength, symbols.length);
      let state = 0;
      for (const symbol of symbols) {
        const transitions = this.transitions[state] as Map<number, number>;
        let next = transitions.get(symbol);
        if (next === undefined) {
          next = this.transitions.length;
          transitions.set(symbol, next);
          this.transitions.push(new Map<number, number>());
          this.fail.push(0);
          this.depths.push((this.depths[state] as number) + 1);
          this.own.push([]);
          this.outputLink.push(-1);
        }
        state = next;
      }
      (this.own[state] as number[]).push(id);
    });
    this.maxLength = maxLength;
    this.linkFailures();
  }

  step(state: number, symbol: number): number {
    let current = state;
    for (;;) {
      const next = (this.transitions[current] as Map<number, number>).get(symbol);
      if (next !== undefined) return next;
      if (current === 0) return 0;
      current = this.fail[current] as number;
    }
  }

  /** Length of the longest suffix of the input that is still a prefix of some pattern. */
  depth(state: number): number {
    return this.depths[state] as number;
  }

  /** Calls `visit` with every pattern id that ends at this state (longest first). */
  forEachMatch(state: number, visit: (patternId: number) => void): void {
    let current = (this.own[state] as number[]).length > 0 ? state : (this.outputLink[state] as number);
    while (current > 0) {
      for (const id of this.own[current] as number[]) visit(id);
      current = this.outputLink[current] as number;
    }
  }

  private linkFailures(): void {
    const queue: number[] = [];
    for (const child of (this.transitions[0] as Map<number, number>).values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [symbol, child] of this.transitions[state] as Map<number, number>) {
        queue.push(child);
        let fallback = this.fail[state] as number;
        let target: number | undefined;
        for (;;) {
          target = (this.transitions[fallback] as Map<number, number>).get(symbol);
          if (target !== undefined || fallback === 0) break;
          fallback = this.fail[fallback] as number;
        }
        const failState = target ?? 0;
        this.fail[child] = failState;
        this.outputLink[child] =
          (this.own[failState] as number[]).length > 0 ? failState : (this.outputLink[failState] as number);
      }
    }
  }
}
