// The workspace screen's reads: API keys (admin keys only: a read key gets 403) and usage against the caps.
import { queryOptions } from '@tanstack/react-query';
import type {
  ApiKeysControllerListResponse,
  ProjectsControllerListResponse,
  UsageControllerGetResponse,
} from '../../../clients/typescript/types.gen';
import { apiKeysControllerList, usageControllerGet } from '../api/client';

export type ApiKey = ApiKeysControllerListResponse['data'][number];
export type Usage = UsageControllerGetResponse;
export type Project = ProjectsControllerListResponse['data'][number];

export const USAGE_DAYS = 7;

export const apiKeysQuery = () =>
  queryOptions({
    queryKey: ['api-keys'],
    queryFn: async ({ signal }) => (await apiKeysControllerList({ signal, throwOnError: true })).data,
  });

export const usageQuery = () =>
  queryOptions({
    queryKey: ['usage', USAGE_DAYS],
    queryFn: async ({ signal }) =>
      (await usageControllerGet({ query: { days: USAGE_DAYS }, signal, throwOnError: true })).data,
    staleTime: 30_000,
  });
