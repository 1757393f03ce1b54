import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiBearerAuth,
  ApiBody,
  ApiTags,
} from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiPageQuery } from '../infra/http/api-page-query.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import {
  createEngineSchema,
  enginePageResponseSchema,
  engineResponseSchema,
  updateEngineSchema,
  type EngineView,
} from './dto/engine.dto';
import { EngineService } from './engine.service';

@ApiTags('engines')
@ApiBearerAuth()
@Controller('v1/engines')
export class EnginesController {
  constructor(private readonly engines: EngineService) {}

  @ApiCreatedResponse({ schema: openApiSchema(engineResponseSchema) })
  @Post()
  @ApiBody({ schema: openApiSchema(createEngineSchema) })
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<EngineView> {
    return this.engines.create(ws, parseInput(createEngineSchema, body));
  }

  @Get()
  @ReadAccess()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(enginePageResponseSchema) })
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<EngineView>> {
    return this.engines.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkResponse({ schema: openApiSchema(engineResponseSchema) })
  @ReadAccess()
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Engine')) id: string): Promise<EngineView> {
    return this.engines.get(ws, id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: openApiSchema(engineResponseSchema) })
  @ApiBody({ schema: openApiSchema(updateEngineSchema) })
  update(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Engine')) id: string,
    @Body() body: unknown,
  ): Promise<EngineView> {
    return this.engines.update(ws, id, parseInput(updateEngineSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Engine')) id: string): Promise<void> {
    return this.engines.delete(ws, id);
  }
}
