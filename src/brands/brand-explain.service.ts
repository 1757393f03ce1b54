import { Injectable } from '@nestjs/common';
import { tokenizeTimeline } from '../detection/answer-tokenizer';
import { type BrandSpec } from '../detection/brand-watchlist';
import { MatchExplainer } from '../detection/match-explainer';
import { ProjectService } from '../projects/project.service';
import { scoreRun } from '../scoring/run-scorer';
import { BrandRepository } from './brand.repository';
import { type ExplainRequest, type ExplainResponse } from './dto/brand-explain.dto';

interface ExplainedBrand extends BrandSpec {
  kind: 'own' | 'competitor';
  /** Null for a draft. */
  recordId: string | null;
}

/**
 * What the pipeline would count in a text, for the brand editor: the project's brands (or drafts in the
 * create-brand shape) through the pipeline's own matcher and scorer. Changes nothing.
 */
@Injectable()
export class BrandExplainService {
  constructor(
    private readonly brands: BrandRepository,
    private readonly projects: ProjectService,
  ) {}

  async explain(workspaceId: string, projectId: string, input: ExplainRequest): Promise<ExplainResponse> {
    const project = await this.projects.require(workspaceId, projectId);
    const brands: ExplainedBrand[] =
      input.brands !== undefined
        ? input.brands.map((draft, i) => ({ ...draft, id: `draft-${i}`, recordId: null }))
        : (await this.brands.listForProject(projectId)).map((b) => ({ ...b, recordId: b.id }));
    const explanation = MatchExplainer.explain(input.text, brands);
    const text = input.text;
    const tokenEnds = tokenizeTimeline(text, [text.length], [0]).tokenEnds;
    const scored = scoreRun({
      brands: brands.map((b) => ({ id: b.id, kind: b.kind })),
      mentions: explanation.mentions,
      text,
      ttftUs: 0,
      tokenEnds,
      foldTokens: project.foldTokens,
      halfLifeMs: project.halfLifeMs,
    });
    const byId = new Map(brands.map((b) => [b.id, b]));
    const owner = (brandId: string) => {
      const brand = byId.get(brandId);
      return { brandId: brand?.recordId ?? null, brandName: brand?.name ?? '' };
    };
    const span = (c: { brandId: string; matched: string; start: number; end: number }) => ({
      ...owner(c.brandId),
      alias: c.matched,
      charStart: c.start,
      charEnd: c.end,
      text: text.slice(c.start, c.end),
    });
    return {
      answerTokens: tokenEnds.length,
      mentions: scored.mentions.map((m) => ({
        ...owner(m.brandId),
        alias: m.matched,
        charStart: m.charStart,
        charEnd: m.charEnd,
        text: text.slice(m.charStart, m.charEnd),
        tokenIndex: m.tokenIndex,
        relPosition: m.relPosition,
        sentenceIndex: m.sentenceIndex,
        listRank: m.listRank,
        inHeading: m.inHeading,
        inBold: m.inBold,
        snippet: m.snippet,
      })),
      excluded: explanation.excluded.map((e) => ({ ...span(e), exclusion: e.exclusion })),
      nearMisses: explanation.nearMisses.map((n) => ({ ...span(n), rule: n.rule, by: n.by })),
    };
  }
}
