import type { Brand, Engine, Prompt } from '../api-types';
import { STATUS_LABEL } from '../StatusBadge';
import { hasFilters, STATUSES, withFilter, type LedgerKey, type LedgerSearch } from './ledger-search';

interface Props {
  search: LedgerSearch;
  onChange: (next: LedgerSearch) => void;
  brands: Brand[];
  engines: Engine[];
  prompts: Prompt[];
}

function Select(props: {
  id: LedgerKey;
  label: string;
  value: string | undefined;
  any: string;
  options: { value: string; label: string }[];
  onChange: (key: LedgerKey, value: string) => void;
  disabled?: boolean;
}) {
  return (
    <div className="rn-filter">
      <label htmlFor={`rn-f-${props.id}`}>{props.label}</label>
      <select
        id={`rn-f-${props.id}`}
        value={props.value ?? ''}
        disabled={props.disabled}
        onChange={(e) => props.onChange(props.id, e.currentTarget.value)}
        data-testid={`runs-filter-${props.id}`}
      >
        <option value="">{props.any}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

const short = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The ledger's filters; every change goes to the URL (onChange → navigate). */
export function RunsFilters({ search, onChange, brands, engines, prompts }: Props) {
  const set = (key: LedgerKey, value: string): void => onChange(withFilter(search, key, value));
  const brandOptions = brands.map((b) => ({
    value: b.id,
    label: b.kind === 'own' ? `${b.name} (you)` : b.name,
  }));
  return (
    <form className="rn-filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <Select
        id="status"
        label="Status"
        value={search.status}
        any="Any status"
        options={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
        onChange={set}
      />
      <Select
        id="engineId"
        label="Engine"
        value={search.engineId}
        any="Any engine"
        options={engines.map((e) => ({ value: e.id, label: e.synthetic ? `${e.name} (synthetic)` : e.name }))}
        onChange={set}
      />
      <Select
        id="promptId"
        label="Prompt"
        value={search.promptId}
        any="Any prompt"
        options={prompts.map((p) => ({ value: p.id, label: short(p.text) }))}
        onChange={set}
      />
      <Select
        id="brandId"
        label="Brand"
        value={search.brandId}
        any="Any brand"
        options={brandOptions}
        onChange={set}
      />
      <Select
        id="mentioned"
        label="Brand named"
        value={search.mentioned}
        any="Named or not"
        options={[
          { value: 'true', label: 'Mentioned' },
          { value: 'false', label: 'Not mentioned' },
        ]}
        onChange={set}
        disabled={!search.brandId}
      />
      <Select
        id="fold"
        label="Fold"
        value={search.fold}
        any="Anywhere"
        options={[
          { value: 'above', label: 'Above the fold' },
          { value: 'below', label: 'Below the fold' },
        ]}
        onChange={set}
        disabled={!search.brandId}
      />
      <Select
        id="firstBrandId"
        label="First brand"
        value={search.firstBrandId}
        any="Any first brand"
        options={brandOptions}
        onChange={set}
      />
      <div className="rn-filter">
        <label htmlFor="rn-f-from">From</label>
        <input
          id="rn-f-from"
          type="date"
          value={search.from ?? ''}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
      </div>
      <div className="rn-filter">
        <label htmlFor="rn-f-to">To</label>
        <input
          id="rn-f-to"
          type="date"
          value={search.to ?? ''}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
      </div>
      {hasFilters(search) && (
        <button type="button" className="btn btn-small btn-ghost rn-clear" onClick={() => onChange({})}>
          Clear filters
        </button>
      )}
    </form>
  );
}
