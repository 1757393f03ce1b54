import { type INestApplicationContext } from '@nestjs/common';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { type ApiKeyService } from '../src/auth/api-key.service';
import { BrandService } from '../src/brands/brand.service';
import { EngineService } from '../src/engines/engine.service';
import { ProjectService } from '../src/projects/project.service';
import { PromptService } from '../src/prompts/prompt.service';
import { RunNowService } from '../src/runs/api/run-now.service';

/** Fixed ids make the seed idempotent: running the demo twice reuses the same workspace and project. */
export const DEMO_WORKSPACE_ID = '00000000-0000-4000-8000-0000000de000';
const PROJECT_NAME = 'Demo: CRM software (synthetic)';

const BRANDS = [
  {
    name: 'Northwind CRM',
    kind: 'own' as const,
    aliases: [{ text: 'Northwind', caseSensitive: true, foldDiacritics: false }],
    domains: ['northwind.example'],
  },
  { name: 'HubSpot', kind: 'competitor' as const, aliases: [], domains: ['hubspot.com'] },
  { name: 'Salesforce', kind: 'competitor' as const, aliases: [], domains: ['salesforce.com'] },
  { name: 'Pipedrive', kind: 'competitor' as const, aliases: [], domains: ['pipedrive.com'] },
  {
    name: 'Zoho CRM',
    kind: 'competitor' as const,
    aliases: [{ text: 'Zoho', caseSensitive: false, foldDiacritics: false }],
    domains: ['zoho.com'],
  },
];

const PROMPTS = [
  { text: 'What is the best CRM for a 20-person B2B startup?', tags: ['crm', 'smb'] },
  { text: 'Which CRM has the best pipeline management?', tags: ['crm', 'pipeline'] },
];

export class DemoSeeder {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly app: INestApplicationContext,
  ) {}

  async seed(
    demoApiKey: string | undefined,
  ): Promise<{ workspaceId: string; projectId: string; apiKey: string | null }> {
    const keyRepo = this.app.get(ApiKeyRepository);
    let apiKey: string | null = null;
    if (!(await keyRepo.workspaceExists(DEMO_WORKSPACE_ID))) {
      const created = await this.keys.createWorkspace('streamrank demo', {
        workspaceId: DEMO_WORKSPACE_ID,
        ...(demoApiKey && demoApiKey.length >= 32 ? { importedKey: demoApiKey } : {}),
      });
      apiKey = demoApiKey && demoApiKey.length >= 32 ? null : created.key.key;
    } else if (demoApiKey && demoApiKey.length >= 32) {
      await this.keys.importAdminKey(DEMO_WORKSPACE_ID, 'DEMO_API_KEY', demoApiKey);
    } else {
      // Keys are stored as hashes only, so an existing key cannot be shown again: issue a fresh one.
      apiKey = (await this.keys.create(DEMO_WORKSPACE_ID, `demo ${new Date().toISOString()}`, 'admin')).key;
    }

    const ws = DEMO_WORKSPACE_ID;
    const projects = this.app.get(ProjectService);
    const existing = (await projects.list(ws, { limit: 200 })).data.find((p) => p.name === PROJECT_NAME);
    if (existing) return { workspaceId: ws, projectId: existing.id, apiKey };

    const project = await projects.create(ws, { name: PROJECT_NAME, foldTokens: 150, halfLifeMs: 10_000 });
    const brands = this.app.get(BrandService);
    for (const b of BRANDS) await brands.create(ws, project.id, { ...b, exclusions: [], ambiguous: false });
    const engine = await this.app.get(EngineService).create(ws, {
      name: 'Demo engine (synthetic)',
      provider: 'demo',
      model: 'streamrank-demo',
      parameters: { seed: 'demo' },
    });
    const prompts = this.app.get(PromptService);
    const runNow = this.app.get(RunNowService);
    for (const p of PROMPTS) {
      const created = await prompts.create(ws, project.id, {
        ...p,
        engineIds: [engine.id],
        cron: '* * * * *',
        timezone: 'UTC',
        samplesPerSlot: 2,
        active: true,
      });
      await runNow.runNow(ws, created.id, {}, undefined);
    }
    return { workspaceId: ws, projectId: project.id, apiKey };
  }
}
