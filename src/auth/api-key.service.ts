import { Injectable } from '@nestjs/common';
import { Clock } from '../infra/clock/clock';
import { ApiError } from '../infra/http/api-error';
import { ApiKeyRepository, type ApiKeyRecord } from './api-key.repository';
import { describeKey, generateApiKey, hashApiKey, isWellFormedKey } from './api-key-format';
import { type ApiKeyRole, type AuthContext } from './auth-context';

export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey extends ApiKeyView {
  /** Shown exactly once, at creation. */
  key: string;
}

@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
  ) {}

  /** Missing, malformed, unknown and revoked keys are indistinguishable to the caller. */
  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    const match = /^Bearer ([^\s]+)$/.exec(authorization ?? '');
    const key = match?.[1];
    if (!key) throw ApiError.unauthorized();
    const record = await this.verifyKey(key);
    return { workspaceId: record.workspaceId, apiKeyId: record.id, role: record.role };
  }

  /** The record of a live key (counted as a use); unknown, malformed and revoked keys are a 401. */
  async verifyKey(key: string): Promise<ApiKeyRecord> {
    if (!isWellFormedKey(key)) throw ApiError.unauthorized();
    const record = await this.keys.findByHash(hashApiKey(key));
    if (!record || record.revokedAt) throw ApiError.unauthorized();
    await this.keys.touchLastUsed(record.id, this.clock.now());
    return record;
  }

  async create(workspaceId: string, name: string, role: ApiKeyRole): Promise<CreatedApiKey> {
    const generated = generateApiKey();
    const record = await this.keys.create({
      workspaceId,
      name,
      role,
      prefix: generated.prefix,
      hash: generated.hash,
    });
    return { ...toView(record), key: generated.key };
  }

  /** Registers an operator-chosen admin key (e.g. DEMO_API_KEY) unless that exact key already exists. */
  async importAdminKey(workspaceId: string, name: string, key: string): Promise<void> {
    if (!isWellFormedKey(key)) throw new Error('the key must be 32 to 512 visible ASCII characters');
    const described = describeKey(key);
    const existing = await this.keys.findByHash(described.hash);
    if (existing && existing.workspaceId !== workspaceId) {
      throw new Error('this key belongs to another workspace');
    }
    if (!existing) {
      await this.keys.create({
        workspaceId,
        name,
        role: 'admin',
        prefix: described.prefix,
        hash: described.hash,
      });
    }
  }

  async list(workspaceId: string): Promise<ApiKeyView[]> {
    return (await this.keys.listForWorkspace(workspaceId)).map(toView);
  }

  async revoke(workspaceId: string, id: string): Promise<ApiKeyView> {
    const record = await this.keys.revoke(workspaceId, id, this.clock.now());
    if (!record) throw ApiError.notFound('API key');
    if (record === 'last_admin') {
      throw ApiError.conflict(
        'this is the workspace’s last admin key: create another admin key before revoking it',
      );
    }
    return toView(record);
  }

  async createWorkspace(
    workspaceName: string,
    options: { workspaceId?: string; importedKey?: string } = {},
  ): Promise<{ workspaceId: string; key: CreatedApiKey }> {
    const generated = options.importedKey ? describeKey(options.importedKey) : generateApiKey();
    const { workspaceId, key } = await this.keys.createWorkspaceWithAdminKey({
      ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}),
      workspaceName,
      keyName: 'initial admin key',
      prefix: generated.prefix,
      hash: generated.hash,
    });
    return { workspaceId, key: { ...toView(key), key: generated.key } };
  }
}

function toView(r: ApiKeyRecord): ApiKeyView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}
