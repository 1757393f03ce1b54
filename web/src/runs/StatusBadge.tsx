import type { RunStatus } from './api-types';

const LABEL: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Skipped',
};

export function StatusBadge({ status }: { status: RunStatus }) {
  return (
    <span className={`rn-status rn-status-${status}`} data-status={status}>
      {LABEL[status]}
    </span>
  );
}

export const STATUS_LABEL = LABEL;
