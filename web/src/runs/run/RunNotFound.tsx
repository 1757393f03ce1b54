/** A run id that is not in this workspace (the API answers 404) or not in this project. */
export function RunNotFound({ projectId }: { projectId: string }) {
  return (
    <section className="rn-not-found" data-testid="run-not-found">
      <p className="rn-not-found-code" aria-hidden="true">
        404
      </p>
      <h2>Run not found</h2>
      <p className="muted">This run does not exist, or it belongs to another workspace.</p>
      <a className="btn" href={`/p/${projectId}/runs`}>
        Back to the runs
      </a>
    </section>
  );
}
