// GET /v1/reports/arrival ("seen by t seconds"), generated sdk and types.
import { queryOptions } from '@tanstack/react-query';
import type { ReportsControllerArrivalResponse } from '../../../clients/typescript/types.gen';
import { reportsControllerArrival } from './client';
import type { ReportQuery } from '../filters/range';

export type ArrivalReport = ReportsControllerArrivalResponse;
export type ArrivalBrand = ArrivalReport['measured']['brands'][number];

export const arrivalQuery = (q: ReportQuery) =>
  queryOptions({
    queryKey: ['reports', 'arrival', q],
    queryFn: async ({ signal }) =>
      (await reportsControllerArrival({ query: q, signal, throwOnError: true })).data,
    staleTime: 60_000,
  });
