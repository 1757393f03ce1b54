import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import {
  ApiBodySchema,
  ApiCreatedSchema,
  ApiOkSchema,
  ApiPage,
  DeleteNoContent,
  IdParam,
} from '../infra/http/crud.decorators';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { parseInput } from '../infra/http/zod-body';
import {
  createEngineSchema,
  enginePageResponseSchema,
  enginePromptsResponseSchema,
  engineResponseSchema,
  updateEngineSchema,
  type EnginePromptsView,
  type EngineView,
} from './dto/engine.dto';
import { EngineService } from './engine.service';

@ApiTags('engines')
@ApiBearerAuth()
@Controller('v1/engines')
export class EnginesController {
  constructor(private readonly engines: EngineService) {}

  @ApiCreatedSchema(engineResponseSchema)
  @Post()
  @ApiBodySchema(createEngineSchema)
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<EngineView> {
    return this.engines.create(ws, parseInput(createEngineSchema, body));
  }

  @Get()
  @ReadAccess()
  @ApiPage(enginePageResponseSchema)
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<EngineView>> {
    return this.engines.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkSchema(engineResponseSchema)
  @ReadAccess()
  get(@WorkspaceId() ws: string, @IdParam('id', 'Engine') id: string): Promise<EngineView> {
    return this.engines.get(ws, id);
  }

  /** The prompts that ask this engine: what a delete would take it out of. */
  @Get(':id/prompts')
  @ApiOkSchema(enginePromptsResponseSchema)
  @ReadAccess()
  prompts(@WorkspaceId() ws: string, @IdParam('id', 'Engine') id: string): Promise<EnginePromptsView> {
    return this.engines.prompts(ws, id);
  }

  @Patch(':id')
  @ApiOkSchema(engineResponseSchema)
  @ApiBodySchema(updateEngineSchema)
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Engine') id: string,
    @Body() body: unknown,
  ): Promise<EngineView> {
    return this.engines.update(ws, id, parseInput(updateEngineSchema, body));
  }

  @DeleteNoContent(':id')
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Engine') id: string): Promise<void> {
    return this.engines.delete(ws, id);
  }
}
