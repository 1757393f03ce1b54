// What changing the scoring settings does, and does not, recompute (docs/api.md "Run provenance").
export function SettingsNote() {
  return (
    <div className="notice notice-info" data-testid="settings-note">
      <p>
        <strong>What a change recomputes: nothing already stored.</strong> New fold and half-life values apply
        to runs created from now on (scheduled ones included). Every stored run keeps the settings it was
        created with, and recomputing history rescores past runs with their own settings, not these, so no
        recompute is queued. Reports refresh at once and, until older runs leave the range, count runs scored
        with either setting.
      </p>
    </div>
  );
}
