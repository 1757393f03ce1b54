// Columns of the runs list CSV. Documented in docs/csv.md: keep both in step (names are a public contract).
import { CsvWriter } from '../../infra/http/csv/csv-writer';
import { type RunQueryService } from './run-query.service';

type RunListItem = Awaited<ReturnType<RunQueryService['list']>>['data'][number];

export const RUNS_CSV = new CsvWriter<RunListItem>([
  { name: 'id', value: (r) => r.id },
  { name: 'project_id', value: (r) => r.projectId },
  { name: 'prompt_id', value: (r) => r.promptId },
  { name: 'engine_id', value: (r) => r.engineId },
  { name: 'slot_at', value: (r) => r.slotAt },
  { name: 'sample', value: (r) => r.sample },
  { name: 'trigger', value: (r) => r.trigger },
  { name: 'status', value: (r) => r.status },
  { name: 'synthetic', value: (r) => r.synthetic },
  { name: 'attempts', value: (r) => r.attempts },
  { name: 'failure_reason', value: (r) => r.failureReason },
  { name: 'skip_reason', value: (r) => r.skipReason },
  { name: 'created_at', value: (r) => r.createdAt },
  { name: 'started_at', value: (r) => r.startedAt },
  { name: 'finished_at', value: (r) => r.finishedAt },
]);
