// Query options shared by the screens (same keys → TanStack Query dedupes and caches across screens).
import { queryOptions } from '@tanstack/react-query';
import {
  alertRulesControllerAlerts,
  brandsControllerList,
  enginesControllerList,
  projectsControllerGet,
  projectsControllerList,
  promptsControllerList,
  reportsControllerCitations,
  reportsControllerHeadToHead,
  reportsControllerMentions,
  reportsControllerTrend,
} from './client';
import type { ReportQuery } from '../filters/range';

const LIST_LIMIT = 200;
const REPORT_STALE_MS = 60_000;
const CATALOG_STALE_MS = 5 * 60_000;

export const projectsQuery = () =>
  queryOptions({
    queryKey: ['projects'],
    queryFn: async ({ signal }) =>
      (await projectsControllerList({ query: { limit: LIST_LIMIT }, signal, throwOnError: true })).data,
    staleTime: CATALOG_STALE_MS,
  });

export const projectQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['project', projectId],
    queryFn: async ({ signal }) =>
      (await projectsControllerGet({ path: { id: projectId }, signal, throwOnError: true })).data,
    staleTime: CATALOG_STALE_MS,
  });

export const brandsQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['brands', projectId],
    queryFn: async ({ signal }) =>
      (
        await brandsControllerList({
          path: { projectId },
          query: { limit: LIST_LIMIT },
          signal,
          throwOnError: true,
        })
      ).data,
    staleTime: CATALOG_STALE_MS,
  });

export const enginesQuery = () =>
  queryOptions({
    queryKey: ['engines'],
    queryFn: async ({ signal }) =>
      (await enginesControllerList({ query: { limit: LIST_LIMIT }, signal, throwOnError: true })).data,
    staleTime: CATALOG_STALE_MS,
  });

export const promptsQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['prompts', projectId],
    queryFn: async ({ signal }) =>
      (
        await promptsControllerList({
          path: { projectId },
          query: { limit: LIST_LIMIT },
          signal,
          throwOnError: true,
        })
      ).data,
    staleTime: CATALOG_STALE_MS,
  });

export const mentionsQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'mentions', q],
    queryFn: async ({ signal }) =>
      (await reportsControllerMentions({ query: q, signal, throwOnError: true })).data,
    staleTime: REPORT_STALE_MS,
  });

export const trendQuery = (q: ReportQuery, bucket: 'day' | 'week') =>
  queryOptions({
    queryKey: ['reports', 'trend', q, bucket],
    queryFn: async ({ signal }) =>
      (await reportsControllerTrend({ query: { ...q, bucket }, signal, throwOnError: true })).data,
    staleTime: REPORT_STALE_MS,
  });

export const headToHeadQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'head-to-head', q],
    queryFn: async ({ signal }) =>
      (await reportsControllerHeadToHead({ query: q, signal, throwOnError: true })).data,
    staleTime: REPORT_STALE_MS,
  });

export const citationsQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'citations', q],
    queryFn: async ({ signal }) =>
      (await reportsControllerCitations({ query: q, signal, throwOnError: true })).data,
    staleTime: REPORT_STALE_MS,
  });

export const alertsQuery = (projectId: string) =>
  queryOptions({
    queryKey: ['alerts', projectId],
    queryFn: async ({ signal }) =>
      (
        await alertRulesControllerAlerts({
          path: { projectId },
          query: { limit: 100 },
          signal,
          throwOnError: true,
        })
      ).data,
    staleTime: 30_000,
  });
