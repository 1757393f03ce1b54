import { useState, type ReactNode } from 'react';
import { downloadBlob, downloadText, toCsv } from './csv';

export interface Column<Row> {
  key: string;
  header: string;
  /** what the cell shows */
  cell: (row: Row) => ReactNode;
  /** the CSV value (defaults to nothing, so set it for every data column) */
  csv?: (row: Row) => string | number | null | undefined;
  numeric?: boolean;
  /** data-testid/data-value hooks for browser tests */
  value?: (row: Row) => string | number | null | undefined;
}

interface Props<Row> {
  caption: string;
  /** hide the caption visually (it stays for screen readers) */
  captionHidden?: boolean;
  columns: Array<Column<Row>>;
  rows: Row[];
  rowKey: (row: Row) => string;
  /** file name for the CSV download; no download button without it */
  csvFilename?: string;
  /** use the API's CSV format (format=csv) instead of the rows shown */
  apiCsv?: () => Promise<Blob | string>;
  testId?: string;
  className?: string;
  highlight?: (row: Row) => boolean;
  cellClassName?: (columnKey: string) => string | undefined;
}

/** Accessible table with a CSV download of what is shown (or of the API's CSV when it has one). */
export function DataTable<Row>(props: Props<Row>) {
  const { caption, columns, rows, rowKey, csvFilename, apiCsv, testId, highlight } = props;
  const [busy, setBusy] = useState(false);
  const [csvError, setCsvError] = useState<string | null>(null);

  async function download(): Promise<void> {
    if (!csvFilename) return;
    setCsvError(null);
    if (!apiCsv) {
      const header = columns.filter((c) => c.csv).map((c) => c.header);
      const body = rows.map((r) => columns.filter((c) => c.csv).map((c) => c.csv?.(r)));
      downloadText(csvFilename, toCsv(header, body));
      return;
    }
    setBusy(true);
    try {
      const data = await apiCsv();
      if (typeof data === 'string') downloadText(csvFilename, data);
      else downloadBlob(csvFilename, data);
    } catch {
      setCsvError('CSV download failed');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={`table-wrap ${props.className ?? ''}`}>
      {csvFilename && (
        <div className="table-tools">
          {csvError && <span className="muted">{csvError}</span>}
          <button type="button" className="btn btn-small" onClick={() => void download()} disabled={busy}>
            {busy ? 'Preparing…' : 'Download CSV'}
            <span className="visually-hidden">: {caption}</span>
          </button>
        </div>
      )}
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`${caption} (table)`}>
        <table className="data-table" data-testid={testId}>
          <caption className={props.captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={rowKey(r)} className={highlight?.(r) ? 'row-own' : undefined}>
                {columns.map((c) => {
                  const v = c.value?.(r);
                  return (
                    <td
                      key={c.key}
                      className={
                        [c.numeric ? 'num' : '', props.cellClassName?.(c.key) ?? ''].join(' ').trim() ||
                        undefined
                      }
                      data-col={c.key}
                      data-value={v === null || v === undefined ? undefined : String(v)}
                    >
                      {c.cell(r)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
