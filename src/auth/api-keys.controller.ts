import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from '../infra/http/openapi-schema';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
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
  @ApiCreatedResponse({ schema: openApiSchema(createdApiKeyResponseSchema) })
  @ApiBody({ schema: openApiSchema(createApiKeySchema) })
  create(@WorkspaceId() workspaceId: string, @Body() body: unknown): Promise<CreatedApiKey> {
    const input = parseInput(createApiKeySchema, body);
    return this.keys.create(workspaceId, input.name, input.role);
  }

  @Get()
  @ApiOkResponse({ schema: openApiSchema(apiKeyListResponseSchema) })
  async list(@WorkspaceId() workspaceId: string): Promise<{ data: ApiKeyView[] }> {
    return { data: await this.keys.list(workspaceId) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The revoked key', schema: openApiSchema(apiKeyResponseSchema) })
  revoke(
    @WorkspaceId() workspaceId: string,
    @Param('id', new ParseIdPipe('API key')) id: string,
  ): Promise<ApiKeyView> {
    return this.keys.revoke(workspaceId, id);
  }
}
