// Renders the answer into a DOM element incrementally: playback only appends the newly visible characters to
// the segment at the visible boundary (one Text.appendData per frame, usually), and lights mentions by
// toggling attributes on their own span. Seeking backwards rebuilds from the start (O(segments), once).
import { buildSegments, type Segment } from '../replay/segments';
import type { Timeline, TimelineMention } from '../replay/timeline';

/** 'play': lit during a playback from 0 with no seek (the wall-time bound holds); 'scrub': after a seek. */
export type LitBy = 'play' | 'scrub' | 'live';

export interface LitInfo {
  /** Wall ms since playback began (null when it has not: a scrub before any play). */
  wallSincePlayMs: number | null;
  recordedMs: number;
  by: LitBy;
  maxSpeed: number;
}

export interface BrandLook {
  name: string;
  /** CSS colour of the brand (highlight and markers). */
  color: string;
  own: boolean;
}

export type BrandLookup = (brandId: string) => BrandLook;

export interface RenderedMention {
  brandId: string;
  brandName: string;
  visibleAtMs: number;
  lit: LitInfo | null;
}

export class TextRenderer {
  private readonly segments: Segment[];
  private readonly nodes: (Text | null)[];
  private readonly mentionEls: (HTMLElement | null)[];
  private readonly lit: (LitInfo | null)[];
  private rendered = 0;
  private segIndex = 0;
  private litCount = 0;
  /** The paragraph block receiving new segments (one block per paragraph keeps layout work local). */
  private block: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly tl: Timeline,
    private readonly brand: BrandLookup,
    private readonly onLit?: (m: TimelineMention) => void,
  ) {
    this.segments = buildSegments(tl.text, tl.mentions, tl.foldChar);
    this.nodes = this.segments.map(() => null);
    this.mentionEls = tl.mentions.map(() => null);
    this.lit = tl.mentions.map(() => null);
    this.block = this.newBlock(true);
  }

  get visibleChars(): number {
    return this.rendered;
  }

  get litMentions(): number {
    return this.litCount;
  }

  /** Shows the first `visibleChars` characters and lights the first `litCount` mentions by arrival. */
  render(visibleChars: number, litCount: number, info: LitInfo): void {
    const v = Math.min(Math.max(0, visibleChars), this.tl.text.length);
    if (v < this.rendered) this.clearText();
    while (this.rendered < v) this.appendUpTo(v);
    this.light(litCount, info);
  }

  /** Every mention's state, in text order (for the test hook). */
  mentions(): RenderedMention[] {
    return this.tl.mentions.map((m) => ({
      brandId: m.brandId,
      brandName: this.brand(m.brandId).name,
      visibleAtMs: m.visibleAtMs,
      lit: this.lit[m.index] ?? null,
    }));
  }

  destroy(): void {
    this.root.textContent = '';
  }

  private newBlock(first = false): HTMLElement {
    if (first) this.root.textContent = '';
    const el = document.createElement('div');
    el.className = 'rn-para';
    this.root.appendChild(el);
    return el;
  }

  private clearText(): void {
    this.block = this.newBlock(true);
    this.nodes.fill(null);
    this.mentionEls.fill(null);
    this.rendered = 0;
    this.segIndex = 0;
  }

  private appendUpTo(v: number): void {
    const seg = this.segments[this.segIndex];
    if (!seg) {
      this.rendered = v;
      return;
    }
    let node = this.nodes[this.segIndex] ?? null;
    if (!node) node = this.createSegment(seg);
    const end = Math.min(v, seg.end);
    node.appendData(this.tl.text.slice(this.rendered, end));
    this.rendered = end;
    if (end === seg.end) this.segIndex++;
  }

  private createSegment(seg: Segment): Text {
    if (seg.blockStart) this.block = this.newBlock();
    if (seg.foldBefore) this.block.appendChild(this.foldMarker());
    const node = document.createTextNode('');
    this.nodes[this.segIndex] = node;
    if (seg.mention === null) {
      this.block.appendChild(node);
      return node;
    }
    const m = this.tl.mentions[seg.mention] as TimelineMention;
    const look = this.brand(m.brandId);
    const el = document.createElement('mark');
    el.className = look.own ? 'rn-mention rn-mention-own' : 'rn-mention';
    el.style.setProperty('--brand', look.color);
    el.dataset.mentionBrand = m.brandId;
    el.dataset.mentionBrandName = look.name;
    el.dataset.mentionIndex = String(m.index);
    el.dataset.visibleAtMs = String(m.visibleAtMs);
    if (m.tokenIndex !== undefined) el.dataset.tokenIndex = String(m.tokenIndex);
    el.appendChild(node);
    this.mentionEls[m.index] = el;
    const lit = this.lit[m.index];
    if (lit) this.applyLit(el, lit);
    this.block.appendChild(el);
    return node;
  }

  private foldMarker(): HTMLElement {
    const el = document.createElement('span');
    el.className = 'rn-fold';
    el.setAttribute('role', 'separator');
    el.setAttribute('aria-label', `The fold: ${this.tl.foldTokens ?? ''} tokens`);
    el.dataset.fold = String(this.tl.foldChar ?? '');
    const label = document.createElement('span');
    label.className = 'rn-fold-label';
    label.setAttribute('aria-hidden', 'true');
    label.textContent = `fold · ${this.tl.foldTokens ?? ''} tokens`;
    el.appendChild(label);
    return el;
  }

  private light(litCount: number, info: LitInfo): void {
    const target = Math.min(Math.max(0, litCount), this.tl.byVisibleAt.length);
    while (this.litCount > target) {
      this.litCount--;
      const m = this.tl.byVisibleAt[this.litCount] as TimelineMention;
      this.lit[m.index] = null;
      const el = this.mentionEls[m.index];
      if (el) this.clearLit(el);
    }
    while (this.litCount < target) {
      const m = this.tl.byVisibleAt[this.litCount] as TimelineMention;
      this.litCount++;
      const lit: LitInfo = { ...info };
      this.lit[m.index] = lit;
      const el = this.mentionEls[m.index];
      if (el) this.applyLit(el, lit);
      this.onLit?.(m);
    }
  }

  private applyLit(el: HTMLElement, lit: LitInfo): void {
    el.classList.add('rn-lit');
    el.dataset.lit = 'true';
    el.dataset.litBy = lit.by;
    el.dataset.litAtRecordedMs = lit.recordedMs.toFixed(3);
    el.dataset.litMaxSpeed = String(lit.maxSpeed);
    if (lit.wallSincePlayMs === null) delete el.dataset.litAtWallMs;
    else el.dataset.litAtWallMs = lit.wallSincePlayMs.toFixed(3);
  }

  private clearLit(el: HTMLElement): void {
    el.classList.remove('rn-lit');
    delete el.dataset.lit;
    delete el.dataset.litBy;
    delete el.dataset.litAtRecordedMs;
    delete el.dataset.litAtWallMs;
    delete el.dataset.litMaxSpeed;
  }
}
