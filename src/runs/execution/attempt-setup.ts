// What an attempt hands the capture, from the setup read by the statement that started it. Plain functions.
import { type BrandRecord } from '../../brands/brand.repository';
import { type AnswerCaptureJob } from '../../capture/analysis/answer-capture';
import { type AppConfig } from '../../config/app-config';
import { type EngineRecord } from '../../engines/engine.repository';
import { type LlmRequest } from '../../llm/llm-provider';
import { type BrandKind } from '../../scoring/run-scorer';
import { type AttemptSetup } from './run-attempt.types';

/** The setup of an attempt whose prompt, engine and project all still exist. */
export type CompleteSetup = AttemptSetup & {
  engine: EngineRecord;
  promptText: string;
  project: NonNullable<AttemptSetup['project']>;
};

export function isComplete(setup: AttemptSetup): setup is CompleteSetup {
  return setup.engine !== null && setup.promptText !== null && setup.project !== null;
}

export function captureJob(
  request: LlmRequest,
  setup: CompleteSetup,
  config: Pick<AppConfig, 'STREAM_IDLE_TIMEOUT_MS' | 'LIVE_CHUNK_BATCH_MS'>,
): AnswerCaptureJob {
  const { project, brands } = setup;
  return {
    request,
    brands: brands.map(toBrandSpec),
    contentIdleMs: config.STREAM_IDLE_TIMEOUT_MS,
    liveBatchMs: config.LIVE_CHUNK_BATCH_MS,
    analysis: {
      brands: brandKinds(brands),
      settings: { foldTokens: project.foldTokens, halfLifeMs: project.halfLifeMs },
    },
  };
}

export function brandKinds(brands: BrandRecord[]): { id: string; kind: BrandKind }[] {
  return brands.map((b) => ({ id: b.id, kind: b.kind }));
}

function toBrandSpec(b: BrandRecord) {
  return {
    id: b.id,
    name: b.name,
    aliases: b.aliases,
    exclusions: b.exclusions,
    domains: b.domains,
    ambiguous: b.ambiguous,
  };
}
