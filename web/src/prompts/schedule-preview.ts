// The schedule in words and its next firings, from the server (GET /v1/schedules/preview: the same code the
// slot claimer plans with), asked again once typing pauses.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { schedulePreviewControllerPreview } from '../api/client';

const DEBOUNCE_MS = 350;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function useSchedulePreview(cron: string, timezone: string) {
  const q = useDebounced(`${cron}\n${timezone}`, DEBOUNCE_MS);
  const [c, tz] = q.split('\n') as [string, string];
  return useQuery({
    queryKey: ['schedule-preview', c, tz],
    enabled: c.trim() !== '',
    queryFn: async ({ signal }) =>
      (
        await schedulePreviewControllerPreview({
          query: { cron: c, timezone: tz, count: 5 },
          signal,
          throwOnError: true,
        })
      ).data,
    staleTime: 60_000,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

export const SCHEDULE_PRESETS: ReadonlyArray<{ label: string; cron: string }> = [
  { label: 'Hourly', cron: '0 * * * *' },
  { label: 'Daily at 09:00', cron: '0 9 * * *' },
  { label: 'Weekdays at 09:00', cron: '0 9 * * 1-5' },
  { label: 'Weekly, Monday 09:00', cron: '0 9 * * 1' },
];
