// /workspace: API keys (admin keys only), usage against the daily caps, and the projects.
import { useCanWrite } from '../api/session-store';
import { ApiKeysSection } from './ApiKeysSection';
import { ProjectsSection } from './ProjectsSection';
import { UsageSection } from './UsageSection';
import '../brands/brands.css';
import './workspace.css';

export function WorkspaceScreen() {
  const canWrite = useCanWrite();
  return (
    <main id="main" className="content workspace" tabIndex={-1}>
      <h1 className="ws-title">Workspace</h1>
      {!canWrite && (
        <p className="notice notice-info" data-testid="read-only-note">
          Read-only: you signed in with a read key, which sees usage and projects but not API keys, and cannot
          change anything. Sign in with an admin key to manage keys and projects.
        </p>
      )}
      <UsageSection />
      <ProjectsSection />
      {canWrite && <ApiKeysSection />}
    </main>
  );
}
