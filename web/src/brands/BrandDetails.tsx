// A brand as a read key sees it: every rule in words, no controls.
import { ALIAS_RULES, type Brand } from './brand-draft';
import { RULE_LABEL } from './rule-text';

const rulesText = (a: Brand['aliases'][number]): string => {
  const set = ALIAS_RULES.filter((r) => a[r] !== undefined).map(
    (r) => `${RULE_LABEL[r]}: ${a[r] ? 'on' : 'off'}`,
  );
  return set.length ? set.join(', ') : 'default rules';
};

export function BrandDetails({ brand }: { brand: Brand }) {
  return (
    <dl className="kv brand-details" data-testid="brand-details">
      <div>
        <dt>Kind</dt>
        <dd>{brand.kind === 'own' ? 'Own brand' : 'Competitor'}</dd>
      </div>
      <div>
        <dt>Ambiguous</dt>
        <dd>{brand.ambiguous ? 'Yes: exact case, never in hyphenated words' : 'No'}</dd>
      </div>
      <div>
        <dt>Aliases</dt>
        <dd>
          {brand.aliases.length === 0 ? (
            <span className="muted">None (the name counts)</span>
          ) : (
            <ul className="plain-list">
              {brand.aliases.map((a) => (
                <li key={a.text}>
                  <strong>{a.text}</strong> <span className="muted">({rulesText(a)})</span>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
      <div>
        <dt>Exclusions</dt>
        <dd>{brand.exclusions.length ? brand.exclusions.join(', ') : <span className="muted">None</span>}</dd>
      </div>
      <div>
        <dt>Domains</dt>
        <dd>{brand.domains.length ? brand.domains.join(', ') : <span className="muted">None</span>}</dd>
      </div>
    </dl>
  );
}
