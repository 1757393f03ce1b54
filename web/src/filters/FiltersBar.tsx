import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { enginesQuery, promptsQuery } from '../api/queries';
import type { ReportState } from '../screens/shared/report-state';
import { MultiSelect } from './MultiSelect';
import { joinList, splitList, type DataKind, type RangePreset } from './search';

const PRESETS: Array<{ value: RangePreset; label: string }> = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
];

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

interface Props {
  state: ReportState;
  /** the section shown (explicit or the default) */
  dataKind: DataKind;
}

/** Date range, engines, prompts, tags and measured/synthetic: all kept in the URL. */
export function FiltersBar({ state, dataKind }: Props) {
  const { projectId, search, range, setSearch } = state;
  const engines = useQuery(enginesQuery());
  const prompts = useQuery(promptsQuery(projectId));

  const engineOptions = useMemo(
    () =>
      (engines.data?.data ?? []).map((e) => ({
        value: e.id,
        label: e.synthetic ? `${e.name} (synthetic)` : e.name,
      })),
    [engines.data],
  );
  const promptOptions = useMemo(
    () => (prompts.data?.data ?? []).map((p) => ({ value: p.id, label: short(p.text) })),
    [prompts.data],
  );
  const tagOptions = useMemo(() => {
    const tags = new Set((prompts.data?.data ?? []).flatMap((p) => p.tags));
    return [...tags].sort().map((t) => ({ value: t, label: t }));
  }, [prompts.data]);

  const preset = range.custom ? undefined : (search.range ?? '30d');

  return (
    <section className="panel filters" aria-label="Filters">
      <div className="field">
        <span id="period-label">Period</span>
        <div className="segmented" role="group" aria-labelledby="period-label">
          {PRESETS.map((p) => (
            <button
              key={p.value}
              type="button"
              aria-pressed={preset === p.value}
              onClick={() =>
                setSearch({ range: p.value === '30d' ? undefined : p.value, from: undefined, to: undefined })
              }
            >
              {p.label}
            </button>
          ))}
        </div>
      </div>
      <label className="field">
        From
        <input
          type="date"
          value={range.fromDay}
          max={range.toDay}
          onChange={(e) =>
            e.target.value && setSearch({ from: e.target.value, to: range.toDay, range: undefined })
          }
        />
      </label>
      <label className="field">
        To
        <input
          type="date"
          value={range.toDay}
          min={range.fromDay}
          onChange={(e) =>
            e.target.value && setSearch({ from: range.fromDay, to: e.target.value, range: undefined })
          }
        />
      </label>
      <MultiSelect
        label="Engines"
        allLabel="All engines"
        options={engineOptions}
        selected={splitList(search.engines)}
        onChange={(v) => setSearch({ engines: joinList(v) })}
      />
      <MultiSelect
        label="Prompts"
        allLabel="All prompts"
        options={promptOptions}
        selected={splitList(search.prompts)}
        onChange={(v) => setSearch({ prompts: joinList(v) })}
      />
      {tagOptions.length > 0 && (
        <MultiSelect
          label="Tags"
          allLabel="All tags"
          options={tagOptions}
          selected={splitList(search.tags)}
          onChange={(v) => setSearch({ tags: joinList(v) })}
        />
      )}
      <div className="field">
        <span id="data-label">Data</span>
        <div className="segmented" role="group" aria-labelledby="data-label">
          {(['measured', 'synthetic'] as const).map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={dataKind === k}
              onClick={() => setSearch({ data: k })}
            >
              {k === 'measured' ? 'Measured' : 'Synthetic'}
            </button>
          ))}
        </div>
      </div>
    </section>
  );
}
