import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiBodySchema, ApiCreatedSchema, ApiOkSchema, IdParam } from '../infra/http/crud.decorators';
import { openApiSchema } from '../infra/http/openapi-schema';
import { parseInput } from '../infra/http/zod-body';
import { WorkspaceId } from './access.decorator';
import {
  apiKeyListResponseSchema,
  apiKeyResponseSchema,
  createdApiKeyResponseSchema,
} from './dto/api-key.dto';
import { ApiKeyService, type ApiKeyView, type CreatedApiKey } from './api-key.service';

const createApiKeySchema = z
  .object({ name: z.string().trim().min(1).max(100), role: z.enum(['admin', 'read']) })
  .strict();

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiCreatedSchema(createdApiKeyResponseSchema)
  @ApiBodySchema(createApiKeySchema)
  create(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<CreatedApiKey> {
    const input = parseInput(createApiKeySchema, body);
    return this.keys.create(workspaceId, input.name, input.role);
  }

  @Get()
  @ApiOkSchema(apiKeyListResponseSchema)
  async list(@WorkspaceId() workspaceId: string): Promise<{ data: ApiKeyView[] }> {
    return { data: await this.keys.list(workspaceId) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The revoked key', schema: openApiSchema(apiKeyResponseSchema) })
  revoke(@WorkspaceId() workspaceId: string, @IdParam('id', 'API key') id: string): Promise<ApiKeyView> {
    return this.keys.revoke(workspaceId, id);
  }
}
