// Query options of the Runs screens (the catalog queries, brands/engines/prompts/project, are the shell's).
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { runsControllerGet, runsControllerList, runsControllerTokens } from '../api/client';
import type { RunListQuery } from './api-types';

export const runQuery = (runId: string) =>
  queryOptions({
    queryKey: ['run', runId],
    queryFn: async ({ signal }) =>
      (await runsControllerGet({ path: { id: runId }, signal, throwOnError: true })).data,
    staleTime: 30_000,
  });

export const runTokensQuery = (runId: string) =>
  queryOptions({
    queryKey: ['run', runId, 'tokens'],
    queryFn: async ({ signal }) =>
      (await runsControllerTokens({ path: { id: runId }, signal, throwOnError: true })).data,
    staleTime: 5 * 60_000,
  });

export const runsListQuery = (query: RunListQuery) =>
  queryOptions({
    queryKey: ['runs', query],
    queryFn: async ({ signal }) => (await runsControllerList({ query, signal, throwOnError: true })).data,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
