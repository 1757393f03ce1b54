// Shared UI for every screen (also used by web/src/runs/**).
export { Loading, ErrorState, EmptyState, SyntheticBadge } from './states';
export { DataTable, type Column } from './DataTable';
export * as Num from './format';
export {
  formatMs,
  formatPercent,
  formatRate,
  formatN,
  formatPoints,
  formatScore,
  formatSigned,
  formatDate,
  formatDateTime,
  formatInterval,
} from './format';
export { toCsv, downloadText, downloadBlob } from './csv';
export { ConfirmDialog } from './ConfirmDialog';
export { ConfirmAction } from './ConfirmAction';
