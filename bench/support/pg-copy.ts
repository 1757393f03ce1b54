// `COPY ... FROM STDIN` with the plain `pg` client (no pg-copy-streams): a submittable that sends the whole
// payload as one CopyData chunk when the server asks for it. Bench use only.
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';

interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyIn {
  callback: (err: Error | null) => void = () => undefined;
  private error: Error | null = null;

  constructor(
    readonly text: string,
    private readonly payload: Buffer,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    connection.sendCopyFromChunk(this.payload);
    connection.endCopyFrom();
  }
  handleCommandComplete(): void {}
  handleError(err: Error): void {
    this.error = err;
  }
  handleReadyForQuery(): void {
    this.callback(this.error);
  }
}

/** Sends `rows` (objects with the same keys) to `table` by COPY in text format. */
export async function copyRows(
  client: Client,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const lines: string[] = [];
  for (const row of rows) lines.push(columns.map((c) => copyValue(row[c])).join('\t'));
  const copy = new CopyIn(
    `COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`,
    Buffer.from(`${lines.join('\n')}\n`),
  );
  await new Promise<void>((resolve, reject) => {
    copy.callback = (err) => (err ? reject(err) : resolve());
    (client as unknown as { query: (q: CopyIn) => void }).query(copy);
  });
}

function escapeText(s: string): string {
  return s.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v)) {
    return escapeText(
      `{${v.map((x) => (typeof x === 'string' ? `"${x.replace(/["\\]/g, '\\$&')}"` : String(x))).join(',')}}`,
    );
  }
  return escapeText((v as { toString(): string }).toString());
}

export const newId = (): string => randomUUID();
