// Query options of the prompt screens (the prompts list itself is the shell's promptsQuery).
import { queryOptions } from '@tanstack/react-query';
import { promptsControllerGet, reportsControllerHeadToHead, reportsControllerMentions } from '../api/client';
import type { ReportQuery } from '../filters/range';

export const promptQuery = (promptId: string) =>
  queryOptions({
    queryKey: ['prompt', promptId],
    queryFn: async ({ signal }) =>
      (await promptsControllerGet({ path: { id: promptId }, signal, throwOnError: true })).data,
    staleTime: 30_000,
  });

/** A fresh Idempotency-Key (randomUUID needs a secure context; getRandomValues does not). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const GROUP_BY = 'prompt,engine';
const REPORT_STALE_MS = 60_000;

/** The mentions report broken down by prompt x engine (its `groups`). */
export const promptMentionsQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'mentions', q, GROUP_BY],
    queryFn: async ({ signal }) =>
      (await reportsControllerMentions({ query: { ...q, groupBy: GROUP_BY }, signal, throwOnError: true }))
        .data,
    staleTime: REPORT_STALE_MS,
  });

/** The head-to-head report broken down by prompt x engine. */
export const promptHeadToHeadQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'head-to-head', q, GROUP_BY],
    queryFn: async ({ signal }) =>
      (await reportsControllerHeadToHead({ query: { ...q, groupBy: GROUP_BY }, signal, throwOnError: true }))
        .data,
    staleTime: REPORT_STALE_MS,
  });
