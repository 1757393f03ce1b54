import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { assertPublicUrl, EgressBlockedError } from '../llm/http/egress-guard';
import { ApiError } from '../infra/http/api-error';
import { CredentialCipher } from '../infra/crypto/credential-cipher';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import {
  type CreateEngineInput,
  type EnginePromptsView,
  type EngineView,
  type TestEngineDraftInput,
  type UpdateEngineInput,
} from './dto/engine.dto';
import { EngineRepository, type EngineRecord, type EngineWrite } from './engine.repository';

/** An engine configuration to call once (a connection test), with its credential in clear, in memory only. */
export interface EngineTestTarget {
  engine: EngineRecord;
  apiKey: string | undefined;
}

/** How many prompts `prompts()` lists; `total` counts them all. */
const PROMPTS_SHOWN = 100;

@Injectable()
export class EngineService {
  constructor(
    private readonly engines: EngineRepository,
    private readonly cipher: CredentialCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Refuses base URLs that point at private, loopback, link-local or metadata addresses (SSRF). */
  private async requirePublicBaseUrl(baseUrl: string | null | undefined): Promise<void> {
    if (!baseUrl) return;
    try {
      await assertPublicUrl(baseUrl, this.config.EGRESS_ALLOW_PRIVATE);
    } catch (e) {
      if (!(e instanceof EgressBlockedError)) throw e;
      throw ApiError.validation(`Invalid body: body.baseUrl: ${e.message}`, [
        { path: 'body.baseUrl', message: e.message },
      ]);
    }
  }

  async create(workspaceId: string, input: CreateEngineInput): Promise<EngineView> {
    await this.requirePublicBaseUrl(input.baseUrl);
    const id = randomUUID();
    const { credential, ...rest } = input;
    const record = await this.engines.create(id, workspaceId, {
      ...rest,
      baseUrl: rest.baseUrl ?? null,
      ...this.credentialFields(workspaceId, id, credential ?? null),
    });
    return toView(record);
  }

  async get(workspaceId: string, id: string): Promise<EngineView> {
    return toView(await this.require(workspaceId, id));
  }

  async require(workspaceId: string, id: string): Promise<EngineRecord> {
    const e = await this.engines.find(workspaceId, id);
    if (!e) throw ApiError.notFound('Engine');
    return e;
  }

  async list(workspaceId: string, q: PageQuery): Promise<Page<EngineView>> {
    const rows = await this.engines.list(workspaceId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdateEngineInput): Promise<EngineView> {
    const current = await this.require(workspaceId, id);
    const { credential, provider: _provider, enabled, ...rest } = input;
    const baseUrlChanges = checkUpdate(current, input);
    if (baseUrlChanges) await this.requirePublicBaseUrl(rest.baseUrl);
    const data: EngineWrite = { ...rest };
    if (credential !== undefined) Object.assign(data, this.credentialFields(workspaceId, id, credential));
    if (enabled !== undefined) data.disabledReason = enabled ? null : 'disabled by an admin';
    const updated = await this.engines.update(workspaceId, id, data);
    if (!updated) throw ApiError.notFound('Engine');
    return toView(updated);
  }

  /** The prompts that ask an engine: what deleting it would change. */
  async prompts(workspaceId: string, id: string): Promise<EnginePromptsView> {
    await this.require(workspaceId, id);
    const { rows, total } = await this.engines.promptsUsing(workspaceId, id, PROMPTS_SHOWN);
    return { data: rows, total };
  }

  /**
   * A saved engine with unsaved changes applied, to test before saving: the same rules as an update (a
   * stored key never follows a new base URL), the stored credential when none is given. Nothing is written.
   * The base URL is not checked against the egress policy here: the call's own guard refuses it, and the
   * test reports that as its outcome.
   */
  async testTarget(workspaceId: string, id: string, changes: UpdateEngineInput): Promise<EngineTestTarget> {
    const current = await this.require(workspaceId, id);
    checkUpdate(current, changes);
    const { credential, provider: _provider, enabled: _enabled, ...rest } = changes;
    const engine: EngineRecord = { ...current, ...rest };
    const apiKey = credential === undefined ? this.decryptCredential(current) : (credential ?? undefined);
    return { engine, apiKey };
  }

  /** An unsaved configuration as the record it would become (nothing is written). */
  draftTarget(workspaceId: string, input: TestEngineDraftInput): EngineTestTarget {
    const now = new Date();
    const engine: EngineRecord = {
      id: randomUUID(),
      workspaceId,
      name: input.name ?? 'unsaved engine',
      provider: input.provider,
      model: input.model,
      parameters: input.parameters,
      baseUrl: input.baseUrl ?? null,
      credentialCiphertext: null,
      credentialLast4: null,
      disabledReason: null,
      maxConcurrency: input.maxConcurrency ?? null,
      maxRequestsPerMinute: input.maxRequestsPerMinute ?? null,
      createdAt: now,
      updatedAt: now,
    };
    return { engine, apiKey: input.credential ?? undefined };
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.engines.delete(workspaceId, id))) throw ApiError.notFound('Engine');
  }

  /** Decrypts an engine's credential, in memory only; callers must not log or persist it. */
  decryptCredential(engine: EngineRecord): string | undefined {
    if (!engine.credentialCiphertext) return undefined;
    return this.cipher.decrypt(engine.credentialCiphertext, engine.workspaceId, engine.id);
  }

  private credentialFields(workspaceId: string, engineId: string, credential: string | null): EngineWrite {
    if (credential === null) {
      return { credentialCiphertext: null, credentialLast4: null, disabledReason: null };
    }
    return {
      credentialCiphertext: this.cipher.encrypt(credential, workspaceId, engineId),
      // Short secrets reveal nothing: below 12 characters we show none of them.
      credentialLast4: credential.length >= 12 ? credential.slice(-4) : null,
      disabledReason: null,
    };
  }
}

/** The rules an update obeys beyond its schema; returns whether the base URL changes. */
function checkUpdate(current: EngineRecord, input: UpdateEngineInput): boolean {
  const { credential, baseUrl } = input;
  const baseUrlChanges = baseUrl !== undefined && baseUrl !== current.baseUrl;
  // A stored key must never follow a base URL to a new host: re-entering it proves intent.
  if (baseUrlChanges && current.credentialCiphertext && credential === undefined) {
    throw ApiError.validation('Changing baseUrl requires re-entering the credential', [
      { path: 'body.credential', message: 'is required when baseUrl changes' },
    ]);
  }
  if (current.provider === 'openai-compatible' && baseUrl === null) {
    throw ApiError.validation('baseUrl is required for openai-compatible engines', [
      { path: 'body.baseUrl', message: 'is required for openai-compatible engines' },
    ]);
  }
  if (current.provider === 'demo' && (baseUrl || credential)) {
    throw ApiError.validation('demo engines take no baseUrl or credential');
  }
  return baseUrlChanges;
}

export function toView(e: EngineRecord): EngineView {
  return {
    id: e.id,
    name: e.name,
    provider: e.provider,
    model: e.model,
    parameters: e.parameters,
    baseUrl: e.baseUrl,
    credential: { set: e.credentialCiphertext !== null, last4: e.credentialLast4 },
    synthetic: e.provider === 'demo',
    disabledReason: e.disabledReason,
    maxConcurrency: e.maxConcurrency,
    maxRequestsPerMinute: e.maxRequestsPerMinute,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
