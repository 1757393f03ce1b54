// The Runs screens (web/src/runs/**): the ledger and the run page with the stream replay.
export { RunsPage, type RunsPageProps } from './ledger/RunsPage';
export { RunPage, type RunPageProps } from './run/RunPage';
